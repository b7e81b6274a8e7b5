"""No dlv or target outlives a run: after success, failure, --timeout, Ctrl-C and SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import DLVAUTO, EXAMPLES, ROOT, comm, needs_dlv, processes_mentioning

pytestmark = needs_dlv


def _env(cache: Path) -> dict[str, str]:
    env = os.environ.copy()
    env["DLVAUTO_CACHE_DIR"] = str(cache)  # a unique binary path to find our processes by
    return env


def _wait_for(pred: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def _start(example: str, cache: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*DLVAUTO, "run", str(EXAMPLES / example), *extra, "--json", str(cache / "report.json")],
        env=_env(cache),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _target_and_dlv_running(cache: Path) -> bool:
    # dlv's command line and the target's both hold the cached binary's path (so do `go build`'s
    # while it writes that binary: tell them apart by name).
    names = {comm(pid) for pid in processes_mentioning(str(cache / "builds"))}
    return "dlv" in names and bool(names - {"dlv", "go", "link", "compile", "asm", "cgo", "gcc", "cc1", "ld"})


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_mid_run_ends_dlv_and_target(tmp_path: Path, sig: signal.Signals) -> None:
    p = _start("hang", tmp_path, "--timeout", "120")
    try:
        assert _wait_for(lambda: _target_and_dlv_running(tmp_path), 60), "dlv and the target started"
        pids = processes_mentioning(str(tmp_path / "builds"))
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode != 0
    assert "Traceback" not in err
    assert _wait_for(lambda: not processes_mentioning(str(tmp_path / "builds")), 10), "no orphan left"
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
        assert _wait_for(lambda: _target_and_dlv_running(tmp_path), 60)
        dlv = [pid for pid in processes_mentioning(str(tmp_path / "builds")) if comm(pid) == "dlv"]
        assert dlv
        os.kill(dlv[0], signal.SIGKILL)  # the debugger crashes under us
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 1
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("dlvauto: error: "), err
    assert "dlv" in lines[0]
    assert _wait_for(lambda: not processes_mentioning(str(tmp_path / "builds")), 10), (
        "the target was ended too"
    )
