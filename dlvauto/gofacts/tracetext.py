"""The runtime's own words about a crash, read from the text it writes to stderr.

When a Go program dies the runtime prints a header (`panic: ...`, `fatal error: ...`, or a
signal's name and a `PC=` line) before the goroutine dumps. A live run lets the program finish after
capture so this text lands in the captured stderr; the header parsed here then gives the message
exactly as a text traceback (and a person reading the log) shows it, so live and text reports agree.
The text source (`dlvauto.sources.text`) reads headers with the same `HeaderBuilder`, line by line.

Forms read (Go 1.21 to 1.27):

    panic: A [recovered]              a chain: every value but the last was recovered;
    \tpanic: B                        the last one killed the program
    panic: A [recovered, repanicked]  the same value panicked again (Go 1.25+, printed once)
    panic: first line                 a multi-line value; Go 1.23+ indents the rest with a tab
    \tsecond line
    [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x...]
    fatal error: concurrent map writes
    SIGSEGV: segmentation violation   a signal that did not become a panic (C code), with
    PC=0x4bed90 m=0 sigcode=1 addr=0x0
    signal arrived during cgo execution

A runtime.Goexit in a panic chain prints nothing of its own. At GOTRACEBACK=crash every other thread
then prints its stack after a `-----` line under a `SIGQUIT: quit` header of its own: those are
sections of the same crash, not new crashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from dlvauto.gofacts.runtime import RACE_WARNING
from dlvauto.records import record

HeaderKind = Literal["panic", "fatal", "signal"]

PANIC_PREFIX = "panic: "
FATAL_PREFIX = "fatal error: "
SEPARATOR = "-----"  # GOTRACEBACK=crash: another thread's section follows

_CHAINED = re.compile(r"^[\t ]+panic: ")
_SIGNAL_NAME = re.compile(r"^(SIG[A-Z0-9]+): (.+)$")
_SIGNAL_DETAIL = re.compile(r"^\[signal (SIG[A-Z0-9]+): ([^\]]*?)(?: code=.*)?\]$")
_PC_LINE = re.compile(r"^PC=0x[0-9a-f]+ m=\d+ sigcode=")
_RECOVERED = re.compile(r"\s*\[recovered(?:, repanicked)?\]$")
_SIGNAL_ARRIVED = "signal arrived during "

SIGNAL_NAMES = {
    1: "SIGHUP: terminal line hangup",
    2: "SIGINT: interrupt",
    3: "SIGQUIT: quit",
    4: "SIGILL: illegal instruction",
    5: "SIGTRAP: trace trap",
    6: "SIGABRT: abort",
    7: "SIGBUS: bus error",
    8: "SIGFPE: floating-point exception",
    9: "SIGKILL: kill",
    11: "SIGSEGV: segmentation violation",
    13: "SIGPIPE: write to broken pipe",
    15: "SIGTERM: termination",
}


@record
class CrashHeader:
    kind: HeaderKind
    message: str
    signal: str | None = None
    recovered_chain: list[str] | None = None  # the values printed before the last one
    detail: str | None = None  # "signal arrived during cgo execution"
    # Every panic of the chain, first raised first: its value and whether the runtime marked it
    # `[recovered]` (a panic raised in a deferred call while panicking is not, unless recovered).
    chain: list[tuple[str, bool]] | None = None


def signal_name_line(line: str) -> bool:
    """`SIGSEGV: segmentation violation`: a signal header when the next line is a `PC=` line."""
    return _SIGNAL_NAME.match(line) is not None


def pc_line(line: str) -> bool:
    return _PC_LINE.match(line) is not None


class HeaderBuilder:
    """One crash header read line by line: `start`, then `add` each next line while it says True.

    Kept incremental so the text source reads a many-megabyte file in one pass without looking
    back; `crash_header` uses it the same way on a whole string.
    """

    __slots__ = ("_current", "_values", "detail", "first_line", "kind", "signal")

    def __init__(self, kind: HeaderKind, first_line: str, value: str, signal: str | None = None) -> None:
        self.kind: HeaderKind = kind
        self.first_line = first_line
        self.signal = signal
        self.detail: str | None = None
        self._values: list[str] = []
        self._current: list[str] = [value]

    @classmethod
    def start(cls, line: str) -> HeaderBuilder | None:
        """A builder when `line` opens a panic or fatal-error header (signals need two lines)."""
        if line.startswith(PANIC_PREFIX):
            return cls("panic", line, line[len(PANIC_PREFIX) :])
        if line.startswith(FATAL_PREFIX):
            return cls("fatal", line, line[len(FATAL_PREFIX) :])
        return None

    @classmethod
    def start_signal(cls, name_line: str, pc: str) -> HeaderBuilder | None:
        """A builder for `SIGSEGV: segmentation violation` followed by its `PC=` line."""
        m = _SIGNAL_NAME.match(name_line)
        if m is None or not pc_line(pc):
            return None
        return cls("signal", name_line, f"{m.group(1)}: {m.group(2)}", m.group(1))

    def add(self, line: str) -> bool:
        """Take `line` when it belongs to this header; False means the header ended before it."""
        if not line or line.startswith("goroutine "):
            return False
        d = _SIGNAL_DETAIL.match(line)
        if d is not None:
            self.signal = d.group(1)
            return True
        if self.kind == "signal":
            if line.startswith(_SIGNAL_ARRIVED):
                self.detail = line
                return True
            return False
        if self.kind != "panic":
            return False
        if line[:1] in ("\t", " ") and _CHAINED.match(line):  # spaces: a tab lost in a paste
            self._values.append("\n".join(self._current))
            self._current = [line.lstrip("\t ")[len(PANIC_PREFIX) :]]
            return True
        if line.startswith((PANIC_PREFIX, FATAL_PREFIX)):
            return False  # a new header, not part of this chain
        # A multi-line panic value; Go 1.23+ indents its continuation lines with one tab.
        self._current.append(line[1:] if line.startswith("\t") else line)
        return True

    def finish(self) -> CrashHeader:
        if self.kind != "panic":
            return CrashHeader(self.kind, self._current[0], self.signal, None, self.detail)
        values = [*self._values, "\n".join(self._current)]
        cleaned = [_RECOVERED.sub("", v) for v in values]
        chain = [(c, _RECOVERED.search(v) is not None) for c, v in zip(cleaned, values, strict=True)]
        return CrashHeader("panic", cleaned[-1], self.signal, cleaned[:-1] or None, self.detail, chain)


def crash_header(text: str) -> CrashHeader | None:
    """The last crash header in `text`, or None when the text holds none.

    For a chain of panics (`panic: A [recovered]` then `\\tpanic: B`) the message is the last
    panic's value: the one that killed the program. The `SIGQUIT: quit` sections other threads
    print after `-----` at GOTRACEBACK=crash belong to the crash before them. With race reports
    in the text, the runtime's words written into one are read apart from it (racetext.untangle).
    """
    last: CrashHeader | None = None
    building: HeaderBuilder | None = None
    previous = ""
    after_separator = False
    lines: Iterable[str] = text.splitlines()
    if RACE_WARNING in text:
        from dlvauto.gofacts.racetext import untangle

        lines = untangle(lines)
    for line in lines:
        if building is not None:
            if building.add(line):
                previous = line
                continue
            last = building.finish()
            building = None
        if line.startswith(SEPARATOR):
            after_separator = True
        elif (started := HeaderBuilder.start(line)) is not None:
            building, after_separator = started, False
        elif (signal := HeaderBuilder.start_signal(previous, line)) is not None:
            if not after_separator:
                building = signal
            after_separator = False
        previous = line
    if building is not None:
        last = building.finish()
    return last
