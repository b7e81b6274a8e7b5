"""`parse` gives up on a stream that will never give a report (issue 16 item 10): no newline in its
first 1 MiB (`/dev/zero`), or no sign of a traceback in its first 64 MiB.

The streams are generated as they are read, so the test process never holds 64 MiB (a forked
child's peak RSS counts its parent's: other tests measure theirs).
"""

from __future__ import annotations

import io

import pytest

from dlvauto.errors import UserError
from dlvauto.sources.text import MAX_LINE, NO_TRACE_LIMIT, iter_lines

TRACE = "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/m/main.go:3 +0x1d\n"


class _Stream(io.TextIOBase):
    """`head`, then `unit` repeated until `total` characters (or forever), read as a file is."""

    def __init__(self, unit: str, total: int | None = None, head: str = "") -> None:
        self.pending, self.unit, self.left = head, unit, total

    def read(self, size: int | None = -1) -> str:
        want = size if size is not None and size > 0 else 1 << 20
        if self.left is not None:
            want = min(want, self.left)
        out = self.pending[:want]
        self.pending = self.pending[want:]
        if len(out) < want:
            n = want - len(out)
            out += (self.unit * (n // len(self.unit) + 1))[:n]
        if self.left is not None:
            self.left -= len(out)
        return out


def test_no_newline_in_the_first_mib_is_given_up() -> None:
    with pytest.raises(UserError) as caught:
        for _ in iter_lines(_Stream("\0"), name="/dev/zero"):  # endless, as /dev/zero is
            pass
    assert str(caught.value) == (
        "/dev/zero has no newline in its first 1 MiB: it is not a text log; pass the stderr of a "
        "crashed Go program"
    )


def test_no_traceback_in_the_first_64_mib_is_given_up() -> None:
    with pytest.raises(UserError, match=r"^log holds no Go traceback in its first 64 MiB: "):
        for _ in iter_lines(_Stream("an ordinary log line\n"), name="log"):  # endless
            pass


def test_a_traceback_early_lets_a_long_log_be_read_whole() -> None:
    total = NO_TRACE_LIMIT + (8 << 20)
    lines = 0
    for i, line in enumerate(iter_lines(_Stream("after the crash\n", total, head=TRACE), name="log")):
        if i == 0:
            assert line == "panic: boom"
        lines += 1
    assert lines == 5 + (total - len(TRACE)) // 16


def test_a_library_caller_without_a_name_keeps_the_old_cut() -> None:
    lines = list(iter_lines(_Stream("\0", MAX_LINE + 10)))
    assert [len(x) for x in lines] == [MAX_LINE]
