"""The command line's end waits for a child another thread is starting, then ends it.

The early dlv start (commands/early.py) runs on a thread of its own: the command line can end while
that thread is inside `Popen`, before the child is registered or its parent-death signal armed.
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlvauto.errors import DlvautoError
from dlvauto.system import proc

from tests.helpers import processes_mentioning, wait_for


@pytest.fixture(autouse=True)
def _reopened() -> Iterator[None]:
    proc.reopen()
    yield
    proc.reopen()


def test_the_final_kill_all_waits_for_a_start_in_flight_and_ends_its_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = f"sleep-{uuid.uuid4().hex}"
    real_popen = subprocess.Popen
    forked = threading.Event()

    def slow_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        child = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        forked.set()
        time.sleep(0.5)  # the child runs; this thread has not registered it yet
        return child  # type: ignore[no-any-return]

    monkeypatch.setattr(subprocess, "Popen", slow_popen)
    outcome: list[BaseException | proc.Spawned] = []

    def start() -> None:
        try:
            outcome.append(proc.spawn(["/bin/sh", "-c", f"sleep 30; : {marker}"]))
        except BaseException as exc:
            outcome.append(exc)

    starter = threading.Thread(target=start)
    starter.start()
    assert forked.wait(5)
    assert wait_for(
        lambda: processes_mentioning(marker) != [], 0.4
    )  # alive, and not yet known to the registry
    began = time.monotonic()
    proc.kill_all(final=True)
    assert time.monotonic() - began >= 0.3  # it waited for the start to be registered
    starter.join(5)
    assert processes_mentioning(marker) == []
    assert len(outcome) == 1 and isinstance(outcome[0], DlvautoError)
    assert "dlvauto is ending" in str(outcome[0])


def test_nothing_is_started_once_the_command_line_has_ended() -> None:
    proc.kill_all(final=True)
    with pytest.raises(DlvautoError, match="not starting /bin/true: dlvauto is ending"):
        proc.spawn(["/bin/true"])


def test_the_pause_between_looks_at_an_ending_child_starts_short_and_doubles_to_its_cap() -> None:
    pauses = [proc.backoff(n, 0.01) for n in range(8)]
    assert pauses[:4] == [0.00025, 0.0005, 0.001, 0.002]
    assert pauses[-1] == 0.01 and pauses == sorted(pauses)
    assert proc.backoff(10_000, 0.002) == 0.002  # no overflow however long it waits


def test_a_child_ended_by_stop_is_gone_and_reaped_when_stop_returns() -> None:
    sp = proc.spawn(["sleep", "30"])
    sp.stop(grace=2.0)
    assert sp.popen.returncode is not None
    assert not proc.group_alive(sp.pid)


def _gone(pid: int) -> bool:
    """The process ended (a zombie left for a reaper counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


def test_what_an_exited_leader_left_in_its_group_is_killed_without_waiting_the_grace(tmp_path: Path) -> None:
    pidfile = tmp_path / "helper.pid"
    # The leader leaves a helper that ignores SIGTERM (as dlv leaves its telemetry child), then exits.
    sp = proc.spawn(["sh", "-c", f"trap '' TERM; sleep 60 & echo $! > {pidfile}; exit 0"])
    assert sp.popen.wait(10) == 0 and wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), 5)
    helper = int(pidfile.read_text())
    started = time.monotonic()
    sp.stop(grace=30.0)
    assert time.monotonic() - started < 10, "the helper was given SIGTERM and the whole grace"
    assert not proc.group_alive(sp.pid)
    assert wait_for(lambda: _gone(helper), 5)


def test_ends_run_in_line_unless_deferred_and_kill_all_waits_for_deferred_ones() -> None:
    order: list[str] = []
    proc.end_later(lambda: order.append("in line"))
    order.append("after")
    assert order == ["in line", "after"]
    release = threading.Event()
    try:
        proc.defer_ends()
        proc.end_later(lambda: (release.wait(5), order.append("deferred")))
        order.append("report made")
        release.set()
        proc.kill_all()
        assert order[-2:] == ["report made", "deferred"]
    finally:
        proc._deferring = False
