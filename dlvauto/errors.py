"""Errors that reach the user as one line: what is wrong and how to fix it.

The CLI maps `UserError` to exit status 2 and everything else it catches to exit status 1, so a
library caller can tell bad input from a broken tool the same way a shell script does.
"""

from __future__ import annotations


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
