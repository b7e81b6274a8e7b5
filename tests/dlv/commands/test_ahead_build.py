"""The build the quick start begins for a first run (gobuild/ahead.py): the build cache takes its
binary when it is exactly its own build and no file changed while it built, and ends it otherwise.

The programs are written here with random names; each test has a cache of its own.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers import (
    PROBE_EARLY_DONE,
    cache_env,
    needs_dlv,
    one_error_line,
    processes_mentioning,
    processes_with_env,
    run_cli,
    run_probe,
    run_python,
    wait_for,
    write_go_program,
)

pytestmark = needs_dlv

# The command line's first steps, seen from inside: which builds the cache ran itself (proc.run
# of `go build`), and what became of the build the quick start began. EDIT=1: the program's
# message is changed once the ahead build has written its binary, before the cache looks at it.
_PROBE = (
    """
import json, os, sys, time
from dlvauto.commands import quickstart
quickstart.begin(sys.argv[1:])
ahead = quickstart._building
quick = quickstart._started is not None
if ahead is not None and os.environ.get("EDIT") == "1":
    for _ in range(3000):
        if os.path.exists(os.path.join(ahead.folder, "built")):
            break
        time.sleep(0.01)
    time.sleep(0.2)  # go renames its output into place last: let it end
    main = os.path.join(sys.argv[2], "main.go")
    with open(main) as f:
        text = f.read()
    with open(main, "w") as f:
        f.write(text.replace("old words", "new words"))
from dlvauto.system import proc
own_builds = []
real_run = proc.run
def run(argv, **kw):
    if "build" in list(argv[:3]):
        own_builds.append(list(argv))
    return real_run(argv, **kw)
proc.run = run
from dlvauto.commands import early
early.begin(sys.argv[1:])
"""
    + PROBE_EARLY_DONE
    + """
proc.kill_all(final=True)
print(json.dumps({
    "ahead": ahead.pid if ahead else None,
    "quick": quick,
    "ahead_folder_gone": (not os.path.exists(ahead.folder)) if ahead else None,
    "own_builds": len(own_builds),
    "binary": str(built.binary) if built else None,
    "cached": built.cached if built else None,
    "error": str(started.error) if started.error else None,
}))
"""
)


def _probe(src: Path, env: dict[str, str], *extra: str, edit: bool = False) -> dict[str, object]:
    return run_probe(_PROBE, "run", str(src), *extra, env=dict(env, EDIT="1" if edit else "0"))


def _message_of(binary: str) -> str:
    """What the built program panics with, run directly (no dlv)."""
    ran = subprocess.run([binary], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2, ran.stderr
    return ran.stderr.splitlines()[0]


def test_a_first_run_takes_the_binary_the_quick_start_built(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, name = write_go_program(tmp_path, "ab", '\tpanic("old words")\n')
    got = _probe(src, env)
    assert got["ahead"] is not None, "no memo yet: the quick start begins the build"
    assert got["own_builds"] == 0, "the cache ran no go build of its own"
    assert got["cached"] is False and got["error"] is None
    assert str(got["binary"]).startswith(str(tmp_path / "cache"))
    assert _message_of(str(got["binary"])) == "panic: old words"
    assert got["ahead_folder_gone"] is True
    # The whole run, as a user runs it: the next start finds the memo and starts dlv instead.
    report = json.loads(run_cli("run", str(src), "--json", "-", env=env).stdout)
    assert report["crash"]["message"] == "old words"
    assert report["crash"]["first_user_frame"]["function"] == f"main.{name}"
    assert _probe(src, env)["ahead"] is None
    assert wait_for(lambda: processes_mentioning(str(tmp_path / "cache")) == [], 5)


def test_a_file_edited_while_the_quick_start_built_is_built_again(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, _ = write_go_program(tmp_path, "ab", '\tpanic("old words")\n')
    got = _probe(src, env, edit=True)
    assert got["ahead"] is not None
    assert got["own_builds"] == 1, "the stamp changed: the cache built the program itself"
    assert _message_of(str(got["binary"])) == "panic: new words"
    assert got["ahead_folder_gone"] is True


def test_an_edit_since_the_remembered_build_begins_the_build_instead_of_dlv(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, _ = write_go_program(tmp_path, "ab", '\tpanic("old words")\n')
    first = _probe(src, env)
    assert first["ahead"] is not None
    same = _probe(src, env)  # nothing changed: dlv starts on the remembered binary, no build
    assert same["ahead"] is None and same["quick"] is True and same["binary"] == first["binary"]
    main = src / "main.go"
    main.write_text(main.read_text().replace("old words", "new words"))
    edited = _probe(src, env)
    assert edited["quick"] is False, "the stale binary's dlv was ended"
    assert edited["ahead"] is not None and edited["own_builds"] == 0
    assert edited["binary"] != first["binary"] and _message_of(str(edited["binary"])) == "panic: new words"
    again = _probe(src, env)  # the memo names the new build and the module's new stamp
    assert again["quick"] is True and again["ahead"] is None and again["binary"] == edited["binary"]
    assert wait_for(lambda: processes_mentioning(str(tmp_path / "cache")) == [], 5)


def test_no_build_is_begun_where_the_cache_would_not_run_that_build(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, _ = write_go_program(tmp_path, "ab", '\tpanic("some words")\n')
    assert _probe(src, env, "--profile", "optimized")["ahead"] is None  # its flags need go env
    assert _probe(src, dict(env, TMPDIR=str(tmp_path)))["ahead"] is None
    assert _probe(tmp_path / "not-there", env)["ahead"] is None


def test_a_library_folder_is_refused_in_one_line_and_its_build_ended(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "go.mod").write_text("module example.com/lib\n\ngo 1.21\n")
    (lib / "lib.go").write_text("package lib\n\nfunc Add(a, b int) int { return a + b }\n")
    got = _probe(lib, env)
    assert got["ahead"] is not None and got["ahead_folder_gone"] is True
    assert got["error"] is not None and "not a main package" in str(got["error"])
    said = run_cli("run", str(lib), env=env)
    one_error_line(said)
    assert "package lib" in said.stderr
    assert wait_for(lambda: processes_mentioning(str(lib)) == [], 5)


def test_a_compile_error_reads_as_it_does_without_the_quick_start(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, _ = write_go_program(tmp_path, "ab", "\tundefinedName()\n")
    quick = run_cli("run", str(src), env=env)
    plain = run_python(
        "import sys; from dlvauto.cli import main; sys.exit(main())", "run", str(src), env=env
    )  # main() alone: no quick start
    assert quick.returncode == plain.returncode == 2
    assert "undefined: undefinedName" in quick.stderr
    assert quick.stderr.splitlines()[0] == plain.stderr.splitlines()[0]


def test_a_sigkill_while_the_quick_start_builds_leaves_no_go_behind(tmp_path: Path) -> None:
    import os
    import signal
    import time

    from tests.helpers import DLVAUTO, ROOT

    src, _ = write_go_program(tmp_path, "ab", '\tpanic("killed words")\n')
    gocache = tmp_path / "gocache"  # cold: the build takes seconds, compile jobs and all
    env = dict(cache_env(tmp_path / "cache"), GOCACHE=str(gocache))
    p = subprocess.Popen([*DLVAUTO, "run", str(src)], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    needle = f"GOCACHE={gocache}"
    assert wait_for(lambda: [q for q in processes_with_env(needle) if q != p.pid], 30), "the build began"
    time.sleep(0.2)  # go is at work: compile jobs of its own
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert wait_for(lambda: processes_with_env(needle) == [], 10), "go and its jobs ended with us"


def test_a_report_written_inside_the_module_is_no_input_of_its_build(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, _ = write_go_program(tmp_path, "ab", '\tpanic("beside words")\n')
    report = src / "report.json"  # where `dlvauto run . --json report.json` puts it
    binaries = []
    for _ in range(3):
        done = run_cli("run", str(src), "--json", str(report), env=env)
        assert done.returncode == 0, done.stderr
        binaries.append(json.loads(report.read_text())["source"]["binary"])
    assert binaries[0] == binaries[1] == binaries[2], "each run rebuilt the program"
    assert len(list((tmp_path / "cache" / "builds").iterdir())) == 1
    # Nor is it in the module's stamp: the next start is dlv on the remembered binary, no build.
    got = _probe(src, env, "--json", str(report))
    assert got["quick"] is True and got["ahead"] is None and got["binary"] == binaries[0]
    # A file of the program is still one: an edit beside the report rebuilds.
    (src / "extra.go").write_text("package main\n\nvar extra = 1\n")
    assert _probe(src, env, "--json", str(report))["ahead"] is not None
