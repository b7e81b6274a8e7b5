"""Progress for long work: a live line on a terminal, silence when piped or writing JSON to stdout."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Protocol


class Progress(Protocol):
    def stage(self, text: str, total: int | None = None) -> None: ...
    def advance(self, n: int = 1) -> None: ...


class NullProgress:
    """Says nothing: the default for libraries, pipes and `--json -`."""

    def stage(self, text: str, total: int | None = None) -> None:
        pass

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
    if quiet or not sys.stderr.isatty():
        return NullProgress()
    return TerminalProgress()
