"""`go env` asked at the quick start, its answer kept for the build check: no imports but os.

Why: a cached run's build check (gobuild/program.py) needs the toolchain's facts for its key, and
asking `go env -json` costs a process start and Go's own start-up (~5 ms alone, 8-25 ms while the
imports and dlv's load share the machine's two cores), on the check's critical path: the run
waits for the check before it continues dlv. The quick start (commands/quickstart.py) asks it
~15 ms in, right after dlv, so the answer is there when the check wants it.

The question is exactly the one system/go.py asks (QUERY, the same go, this process's folder and
environment); system/go.py takes the answer only if the go and the whole environment are still
what they were when it was asked, and asks again itself otherwise, or when the answer is not a
clean one (a non-zero status, no JSON). The child writes into a pipe (its answer is a few hundred
bytes, far below a pipe's buffer, so it never waits for a reader) and its stderr goes nowhere: a
failing `go env` is asked again the usual way, which says what is wrong.
"""

from __future__ import annotations

import os

# What system/go.py reads from `go env -json` (the order is the command line's).
QUERY = ("GOVERSION", "GOROOT", "GOMODCACHE", "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "CC")


class Asked:
    """A `go env` the quick start started: its pid, command, the go and environment it was asked
    with, and the read end of the pipe its answer goes to (plain attributes)."""

    __slots__ = ("argv", "environ", "go", "pid", "reader")

    def __init__(self, pid: int, argv: list[str], go: str, environ: dict[str, str], reader: int) -> None:
        self.pid, self.argv, self.go, self.environ, self.reader = pid, argv, go, environ, reader


_asked: Asked | None = None


def command(go: str) -> list[str]:
    """The question: system/go.py asks the same."""
    return [go, "env", "-json", *QUERY]


def hold(asked: Asked) -> None:
    """Keep what the quick start asked, for `take` (an earlier one not taken is `end`ed first)."""
    global _asked
    end()
    _asked = asked


def take() -> Asked | None:
    """What was asked, once (the caller then owns the process and the pipe)."""
    global _asked
    asked, _asked = _asked, None
    return asked


def end(asked: Asked | None = None) -> None:
    """End a `go env` no one took (or `asked`), reap it and close its pipe."""
    import contextlib  # (loaded by then: ending is the run's last act, or the check's)
    import signal

    asked = asked if asked is not None else take()
    if asked is None:
        return
    with contextlib.suppress(OSError):
        os.killpg(asked.pid, signal.SIGKILL)  # a session of its own: its group is its pid
    with contextlib.suppress(OSError):  # (reaped already when proc took it)
        os.waitpid(asked.pid, 0)
    with contextlib.suppress(OSError):
        os.close(asked.reader)
