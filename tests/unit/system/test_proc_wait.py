"""Waiting for a child with a timeout: woken by its exit (a pidfd), None while it runs on, the same
answers where there is no pidfd; a child reaped elsewhere is not mistaken for another process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlvauto.system import proc


def _child(code: str) -> proc.Spawned:
    return proc.spawn([sys.executable, "-c", code])


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "no pidfd"])
def test_wait_says_running_then_gives_the_status(
    pidfd: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    elif not hasattr(os, "pidfd_open"):
        pytest.skip("no os.pidfd_open here")
    release = str(tmp_path / "release")
    sp = _child(
        f"import os, time\nwhile not os.path.exists({release!r}): time.sleep(0.005)\nraise SystemExit(3)"
    )
    try:
        assert sp.wait(0.05) is None, "still running"
        assert proc.exits_within(sp.popen, 0.01) is (False if pidfd else None)
        Path(release).touch()
        assert sp.wait(10) == 3
        assert sp.wait(1) == 3, "asked again: the same status"
    finally:
        sp.stop(grace=0.5)


def test_a_child_reaped_elsewhere_is_not_waited_for_as_another(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its pid may be another process's by the time the pidfd is opened: the pidfd then names that
    one, and only looking at our child after the open (reaped: gone) keeps the wait off it."""
    if not hasattr(os, "pidfd_open"):
        pytest.skip("no os.pidfd_open here")
    other = _child("import time; time.sleep(30)")  # stands for whoever got the freed pid
    try:
        popen = subprocess.Popen([sys.executable, "-c", "pass"])
        assert popen.wait(10) == 0  # reaped: its pid is free
        real_open = os.pidfd_open
        monkeypatch.setattr(os, "pidfd_open", lambda pid, flags=0: real_open(other.pid, flags))
        assert proc.exits_within(popen, 2.0) is True, "not a wait on the live process with the pid"
    finally:
        other.stop(grace=0.5)
