"""`parse` gives up on a stream that will never give a report (issue 16 item 10): no newline in its
first 1 MiB (`/dev/zero`), or no sign of a traceback in its first 64 MiB."""

from __future__ import annotations

import io

import pytest

from dlvauto.errors import UserError
from dlvauto.sources.text import MAX_LINE, NO_TRACE_LIMIT, iter_lines

TRACE = "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/m/main.go:3 +0x1d\n"


def test_no_newline_in_the_first_mib_is_given_up() -> None:
    with pytest.raises(UserError) as caught:
        list(iter_lines(io.StringIO("\0" * (MAX_LINE + 10)), name="/dev/zero"))
    assert str(caught.value) == (
        "/dev/zero has no newline in its first 1 MiB: it is not a text log; pass the stderr of a "
        "crashed Go program"
    )


def test_no_traceback_in_the_first_64_mib_is_given_up() -> None:
    noise = "an ordinary log line\n" * (NO_TRACE_LIMIT // 21 + 2)
    with pytest.raises(UserError, match=r"^log holds no Go traceback in its first 64 MiB: "):
        list(iter_lines(io.StringIO(noise), name="log"))


def test_a_traceback_early_lets_a_long_log_be_read_whole() -> None:
    tail = "after the crash\n" * (NO_TRACE_LIMIT // 16 + 2)
    lines = list(iter_lines(io.StringIO(TRACE + tail), name="log"))
    assert lines[0] == "panic: boom" and len(lines) == 5 + NO_TRACE_LIMIT // 16 + 2


def test_a_library_caller_without_a_name_keeps_the_old_cut() -> None:
    lines = list(iter_lines(io.StringIO("\0" * (MAX_LINE + 10))))
    assert [len(x) for x in lines] == [MAX_LINE]
