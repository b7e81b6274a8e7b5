"""No dlv or target outlives a run: after success, failure, --timeout, Ctrl-C and SIGTERM."""

from __future__ import annotations

import os
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


def _start(example: str, cache: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*DLVAUTO, "run", str(EXAMPLES / example), *extra, "--json", str(cache / "report.json")],
        env=cache_env(cache),
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
