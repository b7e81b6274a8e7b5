"""The command line's end waits for a child another thread is starting, then ends it.

The early dlv start (commands/early.py) runs on a thread of its own: the command line can end while
that thread is inside `Popen`, before the child is registered or its parent-death signal armed.
"""

from __future__ import annotations

import subprocess
import sys
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


def test_what_an_exited_leader_left_in_its_group_gets_sigkill_not_sigterm(tmp_path: Path) -> None:
    said = tmp_path / "helper.said"
    ready = tmp_path / "helper.ready"
    # The leader leaves a helper in its group (as dlv leaves its telemetry child), then exits. The
    # helper writes down a SIGTERM and carries on: what it was sent shows in its file.
    helper = (
        "import signal, time, pathlib\n"
        f"said = pathlib.Path({str(said)!r})\n"
        "signal.signal(signal.SIGTERM, lambda *_: said.write_text('SIGTERM'))\n"
        f"pathlib.Path({str(ready)!r}).write_text('up')\n"
        "time.sleep(60)\n"
    )
    sp = proc.spawn(["sh", "-c", f'{sys.executable} -c "$0" & exit 0', helper])
    assert sp.popen.wait(10) == 0 and wait_for(ready.exists, 10)
    sp.stop(grace=2.0)
    assert not proc.group_alive(sp.pid)
    assert not said.exists(), "the helper was sent SIGTERM and given the grace"


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
