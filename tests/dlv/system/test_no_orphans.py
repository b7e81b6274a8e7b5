"""No dlv or target outlives a run: after success, failure, --timeout, Ctrl-C and SIGTERM."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
from pathlib import Path

import pytest

from tests.helpers import (
    DLVAUTO,
    EXAMPLES,
    ROOT,
    cache_env,
    comm,
    needs_dlv,
    one_error_line,
    processes_mentioning,
    target_and_dlv_running,
    wait_for,
)

pytestmark = needs_dlv


def _start(
    example: str, cache: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*DLVAUTO, "run", str(EXAMPLES / example), *extra, "--json", str(cache / "report.json")],
        env=env if env is not None else cache_env(cache),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_mid_run_ends_dlv_and_target(tmp_path: Path, sig: signal.Signals) -> None:
    p = _start("hang", tmp_path, "--timeout", "120")
    try:
        assert wait_for(lambda: target_and_dlv_running(tmp_path), 60), "dlv and the target started"
        pids = processes_mentioning(str(tmp_path / "builds"))
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode != 0
    assert "Traceback" not in err
    assert wait_for(lambda: not processes_mentioning(str(tmp_path / "builds")), 10), "no orphan left"
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_timeout_halts_captures_and_ends_everything(tmp_path: Path) -> None:
    p = _start("hang", tmp_path, "--timeout", "1.5")
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert "HANG" in out
    assert processes_mentioning(str(tmp_path / "builds")) == []


def test_success_leaves_nothing(tmp_path: Path) -> None:
    p = _start("goroutine_panic", tmp_path)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert processes_mentioning(str(tmp_path / "builds")) == []


def test_dlv_dying_mid_run_is_one_line_and_the_target_is_ended(tmp_path: Path) -> None:
    p = _start("hang", tmp_path, "--timeout", "120")
    try:
        assert wait_for(lambda: target_and_dlv_running(tmp_path), 60)
        dlv = [pid for pid in processes_mentioning(str(tmp_path / "builds")) if comm(pid) == "dlv"]
        assert dlv
        os.kill(dlv[0], signal.SIGKILL)  # the debugger crashes under us
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 1
    assert "dlv" in one_error_line(err)
    assert wait_for(lambda: not processes_mentioning(str(tmp_path / "builds")), 10), (
        "the target was ended too"
    )


def _folders_named_in(pid: int) -> list[Path]:
    """The private folders a dlv process was told of (its socket, the program's output files)."""
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    return sorted({Path(w.split(":", 1)[-1]).parent for w in cmd if "/dlvauto-" in w})


@pytest.mark.parametrize("backend", ["rpc", "repl"])
def test_sigkill_of_dlvauto_ends_dlv_and_target_and_a_later_run_clears_its_folder(
    tmp_path: Path, backend: str
) -> None:
    """kill -9 leaves dlvauto no `finally`: the kernel's parent-death signal ends dlv, the warden
    ends the target's group, and the next run removes the dead run's private folder (issue 16,
    item 11). The runs have a TMPDIR of their own: any dlvauto started meanwhile (a test running
    beside this one) would clear the dead run's folders from a shared one."""
    env = cache_env(tmp_path)
    env["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    p = _start("hang", tmp_path, "--timeout", "120", "--backend", backend, env=env)
    try:
        assert wait_for(lambda: target_and_dlv_running(tmp_path), 60), "dlv and the target started"
        dlv = [pid for pid in processes_mentioning(str(tmp_path / "builds")) if comm(pid) == "dlv"]
        folders = _folders_named_in(dlv[0])
        assert folders and all(f.is_dir() and f.parent == tmp_path / "tmp" for f in folders)
        p.kill()
        p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert wait_for(lambda: not processes_mentioning(str(tmp_path / "builds")), 15), [
        (pid, comm(pid)) for pid in processes_mentioning(str(tmp_path / "builds"))
    ]
    assert all(f.is_dir() for f in folders), "nothing cleared them yet"
    done = subprocess.run(
        [*DLVAUTO, "run", str(EXAMPLES / "nil_map_write"), "--json", str(tmp_path / "next.json")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not any(f.exists() for f in folders), "the later run cleared the dead run's folders"


def test_sigkill_during_the_build_leaves_no_go_and_no_work_folder(tmp_path: Path) -> None:
    """go's `go-build*` work folder is in a private folder of ours, and go and its compilers end
    with dlvauto: after a kill -9 mid-build, the next run leaves TMPDIR as it found it."""
    tag = secrets.token_hex(3)
    src = tmp_path / f"slow{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/slow{tag}\n\ngo 1.22\n")
    # Enough functions that compiling them takes a while: the kill lands during the build.
    body = "".join(f"func f{tag}{i}(x int) int {{ return x*{i} + {i} }}\n" for i in range(20000))
    (src / "main.go").write_text(f"package main\n\n{body}\nfunc main() {{ panic(f{tag}1(2)) }}\n")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**cache_env(tmp_path), "TMPDIR": str(tmp)}
    env.pop("GOTMPDIR", None)
    p = subprocess.Popen([*DLVAUTO, "run", str(src), "--json", str(tmp_path / "r.json")], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        assert wait_for(lambda: any(comm(pid) == "compile" for pid in processes_mentioning(str(tmp))), 60)
        p.kill()
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
    assert wait_for(lambda: not processes_mentioning(str(tmp)), 15), [
        (pid, comm(pid)) for pid in processes_mentioning(str(tmp))
    ]
    left = sorted(x.name for x in tmp.iterdir())
    assert left and all(name.startswith("dlvauto-") for name in left), left  # go-build* is inside
    again = [*DLVAUTO, "run", str(EXAMPLES / "nil_map_write"), "--json", str(tmp_path / "n.json")]
    done = subprocess.run(again, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert list(tmp.iterdir()) == []
