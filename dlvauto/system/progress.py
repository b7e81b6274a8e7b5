"""Progress for long work: a live line on a terminal, silence when piped or writing JSON to stdout."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import Protocol

from dlvauto.system import timings


class Progress(Protocol):
    def stage(self, text: str, total: int | None = None) -> None: ...
    def advance(self, n: int = 1) -> None: ...


PAUSE_ENV = "DLVAUTO_PAUSE_AT"


def checkpoint(text: str) -> None:
    """A stage begins: it is timed (system/timings.py), and it is the fault-injection hook for
    tests: with DLVAUTO_PAUSE_AT=<stage prefix>, stop here a while.

    It says `dlvauto: paused at <stage>` on stderr so a test can signal or kill at exactly that
    phase (build, dlv start, continue, collection, rendering) instead of guessing with sleeps.
    """
    timings.mark(text)
    at = os.environ.get(PAUSE_ENV)
    if at and text.startswith(at):
        sys.stderr.write(f"dlvauto: paused at {text}\n")
        sys.stderr.flush()
        time.sleep(float(os.environ.get("DLVAUTO_PAUSE_SECONDS", "3")))


class NullProgress:
    """Says nothing: the default for libraries, pipes and `--json -`."""

    def stage(self, text: str, total: int | None = None) -> None:
        checkpoint(text)

    def advance(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> NullProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class TerminalProgress:
    """A transient rich progress line on stderr: stage name, and a bar when the total is known."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._rich = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._rich.add_task("starting", total=None)

    def stage(self, text: str, total: int | None = None) -> None:
        checkpoint(text)
        self._rich.update(self._task, description=text, total=total, completed=0, refresh=True)

    def advance(self, n: int = 1) -> None:
        self._rich.advance(self._task, n)

    def __enter__(self) -> TerminalProgress:
        self._rich.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._rich.stop()


def for_terminal(quiet: bool) -> NullProgress | TerminalProgress:
    """A terminal progress display when stderr is a terminal and output is for a person."""
    if quiet or sys.stderr is None or not sys.stderr.isatty():
        return NullProgress()
    return TerminalProgress()
