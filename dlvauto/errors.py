"""Errors that reach the user as one line: what is wrong and how to fix it.

The CLI maps `UserError` to exit status 2 and everything else it catches to exit status 1, so a
library caller can tell bad input from a broken tool the same way a shell script does.
"""

from __future__ import annotations

from pathlib import PurePath

# Every C0 control (newline and tab too), DEL, the C1 controls, and the marks that reorder or hide
# text: none of them belongs in a one-line message, whoever chose the path or value it came from.
# (A translation table, not a regex: the character class took ~0.5 ms to compile at every start.)
_CONTROLS = [
    *range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010), *range(0x202A, 0x202F),
    *range(0x2066, 0x206A), 0xFEFF,
]  # fmt: skip
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES = {c: _NAMED.get(chr(c)) or (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROLS}


def escaped(text: str) -> str:
    """`text` on one line: each control character shown as its escape (`\\n`, `\\x1b`).

    A file name may hold a newline or a terminal's escape sequence; an error line names it as it is
    without being split in two or rewriting the terminal.
    """
    return text.translate(_ESCAPES)


def shown(path: str | PurePath | bytes) -> str:
    """A path as an error message names it: on one line, its control characters escaped."""
    if isinstance(path, bytes):
        path = path.decode(errors="backslashreplace")
    return escaped(str(path))


class DlvautoError(Exception):
    """Base of every error dlvauto raises on purpose."""


class UserError(DlvautoError):
    """Bad input or a missing tool: one clear line, exit status 2.

    `detail` carries text that must reach the user verbatim after the line (a compiler's output).
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class ToolMissing(UserError):
    """A program dlvauto needs (go, dlv) is not installed or not runnable."""


class BuildFailed(UserError):
    """`go build` rejected the program; `detail` holds the compiler's words."""


class DebuggerError(DlvautoError):
    """dlv misbehaved: it died, did not start, or answered an RPC with an error."""

    @property
    def said(self) -> str:
        """What dlv itself said, without our words around it."""
        return str(self)


class RPCError(DebuggerError):
    """dlv answered a request with an error string."""

    def __init__(self, method: str, message: str) -> None:
        super().__init__(f"{method}: {message}")
        self.method = method
        self.remote_message = message

    @property
    def said(self) -> str:
        return self.remote_message


class RPCTimeout(DebuggerError):
    """No reply to a request within its deadline."""
