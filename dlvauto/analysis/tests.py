"""The test rules: what a crash or a failure inside a test binary means (design.md, "Tests").

A panicking test reads like any panic once the re-panic rule (landmarks.original_panic) has put the
throw frame back on the original panic. Two things only a test binary has are read here: a
`-test.timeout` (the alarm's goroutine panics; the tests still running are what was stuck) and
failed tests that did not crash (`t.Error`/`t.Fatal`: kind none, exit code 1, the failures listed).
"""

from __future__ import annotations

from dlvauto.gofacts.testoutput import failed_tests as parse_failures
from dlvauto.report import FailedTest, Frame, Goroutine, StuckGoroutine, TestMessage

TIMEOUT_PREFIX = "test timed out after "
_RUNNER = "testing.tRunner"


def is_timeout(message: str | None) -> bool:
    return message is not None and message.startswith(TIMEOUT_PREFIX)


def stuck(goroutines: list[Goroutine], alarm_id: int | None) -> list[StuckGoroutine]:
    """Every goroutine running a test function (below `testing.tRunner`) with user code on it."""
    found = []
    for g in goroutines:
        if g.id == alarm_id:
            continue
        runner = next((i for i, f in enumerate(g.frames) if f.function == _RUNNER), None)
        if runner is None or runner == 0:
            continue
        first_user = next((f for f in g.frames[:runner] if f.category == "user"), None)
        if first_user is None:
            continue
        found.append(
            StuckGoroutine(
                goroutine_id=g.id, test=_test_name(g.frames[runner - 1]), first_user_frame=first_user
            )
        )
    return sorted(found, key=lambda s: s.goroutine_id)


def _test_name(frame: Frame) -> str | None:
    """`TestX` from `example.com/m/pkg.TestX` (the function tRunner called)."""
    name = frame.function
    if not name:
        return None
    tail = name.rsplit("/", 1)[-1]
    return tail.split(".", 1)[1] if "." in tail else tail


def failures(stdout: str, stderr: str) -> list[FailedTest]:
    """The failed tests the testing package reported on the binary's output."""
    return [
        FailedTest(
            name=f.name, messages=[TestMessage(file=m.file, line=m.line, text=m.text) for m in f.messages]
        )
        for f in parse_failures(stdout + ("\n" + stderr if stderr else ""))
    ]
