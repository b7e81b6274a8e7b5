"""No dlv or target outlives a `--backend repl` run: success, failure, --timeout, Ctrl-C, SIGTERM.

The same checks as test_no_orphans.py, through dlv's terminal: dlv runs on a pty of its own, and
after --timeout dlvauto types Ctrl-C into it, which halts the program in dlv.
"""

from __future__ import annotations

import json
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
        [*DLVAUTO, "run", str(EXAMPLES / example), "--backend", "repl", *extra,
         "--json", str(cache / "report.json")],
        env=cache_env(cache), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_mid_run_ends_dlv_and_target(tmp_path: Path, sig: signal.Signals) -> None:
    p = _start("hang", tmp_path, "--timeout", "120")
    try:
        assert wait_for(lambda: target_and_dlv_running(tmp_path), 60), "dlv and the target started"
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode != 0
    assert "Traceback" not in err
    assert wait_for(lambda: not processes_mentioning(str(tmp_path / "builds")), 10), "no orphan left"
    # The signal lands before the program is continued (nothing to report) or while it runs: then
    # what was captured is kept, as a partial report that says why it stops there.
    name = signal.Signals(sig).name
    report = tmp_path / "report.json"
    if report.exists():
        got = json.loads(report.read_text())
        assert got["interrupted"] == name
        assert got["incomplete"].startswith(f"{name} arrived while the program ran")
        assert "the partial report (what was captured before it) was written" in err
    else:
        assert "partial report" not in err


def test_timeout_types_ctrl_c_captures_and_ends_everything(tmp_path: Path) -> None:
    transcript = tmp_path / "t.txt"
    p = _start("hang", tmp_path, "--timeout", "1.5", "--transcript", str(transcript))
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert processes_mentioning(str(tmp_path / "builds")) == []
    text = transcript.read_text()
    assert "(dlv) continue\n^Creceived SIGINT, stopping process (will not forward signal)\n" in text
    import json

    report = json.loads((tmp_path / "report.json").read_text())
    assert report["crash"]["kind"] == "hang"
    assert report["crash"]["first_user_frame"]["function"] == "main.waitReady"


def test_success_and_a_crash_leave_nothing(tmp_path: Path) -> None:
    p = _start("goroutine_panic", tmp_path)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert processes_mentioning(str(tmp_path / "builds")) == []


def _target_runs(cache: Path) -> bool:
    """The program is running under dlv (`continue` typed), not stopped at its first instruction."""
    for pid in processes_mentioning(str(cache / "builds")):
        if comm(pid) == "dlv":
            continue
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("S", "R"):
            return True
    return False


def test_dlv_dying_mid_run_is_one_line_and_the_target_is_ended(tmp_path: Path) -> None:
    p = _start("hang", tmp_path, "--timeout", "120")
    try:
        assert wait_for(lambda: target_and_dlv_running(tmp_path) and _target_runs(tmp_path), 60)
        dlv = [pid for pid in processes_mentioning(str(tmp_path / "builds")) if comm(pid) == "dlv"]
        assert dlv
        os.kill(dlv[0], signal.SIGKILL)  # the debugger crashes under us
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 1
    said = one_error_line(err)  # the partial report was written first (issue 16, item 10)
    assert said.startswith("dlvauto: error: the report above is partial: dlv ended while the program ran"), (
        err
    )
    assert "dlv exited while running `continue`" in said, err
    assert wait_for(lambda: not processes_mentioning(str(tmp_path / "builds")), 10), (
        "the target was ended too"
    )
