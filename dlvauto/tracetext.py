"""The runtime's own words about a crash, read from the text it writes to stderr.

When a Go program dies the runtime prints a header (`panic: ...`, `fatal error: ...`, or a
signal's name) before the goroutine dumps. A live run lets the program finish after capture so this
text lands in the captured stderr; the header parsed here then gives the message exactly as a text
traceback (and a person reading the log) shows it, so live and text reports agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_PANIC = re.compile(r"^\t*panic: (.*)$")
_FATAL = re.compile(r"^fatal error: (.*)$")
_SIGNAL_NAME = re.compile(r"^(SIG[A-Z0-9]+): (.+)$")
_SIGNAL_DETAIL = re.compile(r"^\[signal (SIG[A-Z0-9]+): ([^\]]*?)(?: code=.*)?\]$")
_PC_LINE = re.compile(r"^PC=0x[0-9a-f]+ m=\d+ sigcode=")
_RECOVERED = re.compile(r"\s*\[recovered(?:, repanicked)?\]$")

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


@dataclass
class CrashHeader:
    kind: Literal["panic", "fatal", "signal"]
    message: str
    signal: str | None = None
    recovered_chain: list[str] | None = None


def crash_header(text: str) -> CrashHeader | None:
    """The last crash header in `text`, or None when the text holds none.

    For a chain of panics (`panic: A [recovered]` then `\\tpanic: B`) the message is the last
    panic's value: the one that killed the program.
    """
    head = text.splitlines()
    for idx in range(len(head) - 1, -1, -1):
        line = head[idx]
        fatal = _FATAL.match(line)
        if fatal:
            return CrashHeader("fatal", fatal.group(1), _signal_after(head, idx))
        if _PANIC.match(line) and not line.startswith("\t"):
            return _panic_chain(head, idx)
        if _PC_LINE.match(line) and idx > 0 and _SIGNAL_NAME.match(head[idx - 1]):
            m = _SIGNAL_NAME.match(head[idx - 1])
            assert m
            return CrashHeader("signal", f"{m.group(1)}: {m.group(2)}", m.group(1))
    return None


def _signal_after(lines: list[str], idx: int) -> str | None:
    for line in lines[idx + 1 : idx + 3]:
        m = _SIGNAL_DETAIL.match(line)
        if m:
            return m.group(1)
    return None


def _panic_chain(lines: list[str], start: int) -> CrashHeader:
    """Read `panic: A [recovered]` / `\\tpanic: B` ... up to the blank line before the dumps."""
    values: list[str] = []
    current: list[str] = []
    signal = None
    for line in lines[start:]:
        m = _PANIC.match(line)
        d = _SIGNAL_DETAIL.match(line)
        if m:
            if current:
                values.append("\n".join(current))
            current = [m.group(1)]
        elif d:
            signal = d.group(1)
        elif not line.strip() or line.startswith("goroutine "):
            break
        elif current:
            current.append(line)  # a multi-line panic value
    if current:
        values.append("\n".join(current))
    cleaned = [_RECOVERED.sub("", v) for v in values]
    last = cleaned[-1] if cleaned else ""
    if last.startswith("panic: "):
        last = last.removeprefix("panic: ")
    return CrashHeader("panic", last, signal, cleaned[:-1] or None)
