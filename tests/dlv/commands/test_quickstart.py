"""The run's quick start (commands/quickstart.py): dlv started on the remembered binary before
anything heavy is imported, then adopted by the early start when it is exactly the guess, or ended
(its program never ran) when it is not.

The programs are written here with random names; each test has a cache of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.helpers import (
    DLVAUTO,
    PROBE_EARLY_DONE,
    ROOT,
    cache_env,
    needs_dlv,
    processes_mentioning,
    run_cli,
    run_probe,
    run_python,
    wait_for,
    write_go_program,
)

pytestmark = needs_dlv

# The command line's own first steps, seen from inside: the quick start, then the early start.
_PROBE = (
    """
import json, sys, time
from dlvauto.commands import quickstart
quickstart.begin(sys.argv[1:])
quick = quickstart._started
quick_pid = quick.pid if quick else None
from dlvauto.commands import early
from dlvauto.system import proc
early.begin(sys.argv[1:])
"""
    + PROBE_EARLY_DONE
    + """
server_pid = pending[1].spawned.pid if pending else None
proc.kill_all(final=True)
print(json.dumps({"quick": quick_pid, "server": server_pid, "guess": started.guess,
                  "left": quickstart._started is not None}))
"""
)


def _program(root: Path, message: str, *, hang: bool = False) -> Path:
    if hang:
        return write_go_program(
            root, "q", "\tfor {\n\t\ttime.Sleep(time.Millisecond)\n\t}\n", imports='\t"time"\n'
        )[0]
    return write_go_program(root, "q", f'\tpanic("{message}")\n')[0]


def _probe(src: Path, env: dict[str, str], *extra: str) -> dict[str, object]:
    return run_probe(_PROBE, "run", str(src), *extra, env=env)


def test_the_quick_start_is_the_dlv_the_run_uses(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "quick words")
    first = _probe(src, env)
    assert first["quick"] is None and first["guess"] == "none"  # nothing remembered yet
    second = _probe(src, env)
    assert second["quick"] is not None and second["guess"] == "taken"
    assert second["server"] == second["quick"], "the dlv started first is the one used, not a second"
    assert second["left"] is False
    assert wait_for(lambda: processes_mentioning(str(tmp_path / "cache")) == [], 5)


def test_a_quick_start_on_an_edited_program_is_ended_and_the_new_binary_reported(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "old words")
    assert (
        json.loads(run_cli("run", str(src), "--json", "-", env=env).stdout)["crash"]["message"] == "old words"
    )
    main = src / "main.go"
    main.write_text(main.read_text().replace("old words", "new words"))
    report = json.loads(run_cli("run", str(src), "--json", "-", env=env).stdout)
    assert report["crash"]["message"] == "new words"
    assert report["crash"]["first_user_frame"]["function"].endswith("Fail")
    assert processes_mentioning(str(tmp_path / "cache")) == []
    again = _probe(src, env)  # the memo now names the new binary: the quick start is taken
    assert again["quick"] == again["server"] and again["guess"] == "taken"


def test_no_quick_start_for_what_it_does_not_take(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "plain words")
    _probe(src, env)
    assert _probe(src, env, "--ancestors", "2")["quick"] is None
    assert _probe(src, env, "--profile", "optimized")["quick"] is None  # no memo for that profile yet
    assert _probe(src, dict(env, TMPDIR=str(tmp_path)))["quick"] is None
    assert _probe(src, env)["quick"] is not None


def test_a_quick_start_no_run_takes_is_ended_with_its_folder(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "unused words")
    _probe(src, env)
    code = """
import json, os, sys
from dlvauto.commands import quickstart
quickstart.begin(sys.argv[1:])
quick = quickstart._started
print(json.dumps({"pid": quick.pid, "folder": quick.folder}), flush=True)
quickstart.discard()
print(json.dumps({"gone": not os.path.exists(quick.folder)}))
"""
    done = run_python(code, "run", str(src), env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    started, after = (json.loads(line) for line in done.stdout.splitlines()[-2:])
    assert Path(started["folder"]).name.startswith("dlvauto-")
    assert after == {"gone": True}
    assert processes_mentioning(str(tmp_path / "cache")) == []


def test_sigkill_of_a_quick_started_run_leaves_no_process(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "", hang=True)
    assert run_cli("run", str(src), "--timeout", "1", "--json", "/dev/null", env=env).returncode == 0
    child = subprocess.Popen([*DLVAUTO, "run", str(src), "--json", "/dev/null"], env=env, cwd=ROOT)
    try:
        builds = str(tmp_path / "cache" / "builds")
        assert wait_for(lambda: len(processes_mentioning(builds)) >= 2, 30), "dlv and its target run"
        time.sleep(0.3)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert wait_for(lambda: processes_mentioning(builds) == [], 10), processes_mentioning(builds)
    finally:
        if child.poll() is None:
            child.kill()


def test_the_quick_start_s_folder_and_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "private words")
    _probe(src, env)
    code = """
import json, os, stat, sys
os.umask(0)
from dlvauto.commands import quickstart
quickstart.begin(sys.argv[1:])
quick = quickstart._started
modes = {name: stat.S_IMODE(os.stat(os.path.join(quick.folder, name)).st_mode)
         for name in sorted(os.listdir(quick.folder)) if name != "dlv.sock"}
modes["."] = stat.S_IMODE(os.stat(quick.folder).st_mode)
quickstart.discard()
print(json.dumps(modes))
"""
    done = run_python(code, "run", str(src), env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout.splitlines()[-1])
    assert modes == {".": 0o700, "dlv.log": 0o600, "owner": 0o600, "stderr": 0o600, "stdout": 0o600}


def test_no_quick_start_with_a_closed_standard_stream(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "closed words")
    _probe(src, env)
    code = (
        "import os, sys\nos.close(1)\nfrom dlvauto.commands import quickstart\n"
        "quickstart.begin(sys.argv[1:])\n"
        "sys.stderr.write(repr(quickstart._started is None))\nquickstart.discard()\n"
    )
    done = run_python(code, "run", str(src), env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "True"
    # And the whole command still reports, its stdout closed (the early start does the work).
    out = tmp_path / "r.json"
    r = subprocess.run(
        ["bash", "-c", f"{' '.join(DLVAUTO)} run {src} --json {out} >&-; echo $? >&2"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert r.stderr.strip().splitlines()[-1] == "0", r.stderr
    assert json.loads(out.read_text())["crash"]["message"] == "closed words"
