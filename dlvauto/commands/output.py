"""Where a command's report goes (--json, --format, --out, --source-root), checked before any work.

stdout carries one thing: the JSON (`--json -`), else a document view (Markdown, HTML) without a
file of its own, else the terminal view. Options that cannot all hold are refused up front, and
progress is shown only when stdout is for a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dlvauto.errors import UserError
from dlvauto.records import record
from dlvauto.render.registry import JSON, TERMINAL, Format, view
from dlvauto.system.progress import NullProgress, TerminalProgress, for_terminal

if TYPE_CHECKING:
    from dlvauto.enrich.source import SourceRoot


@record(frozen=True)
class Output:
    """The output options of one command, as `finish` follows them."""

    json: str | None = None  # a path, "-" for stdout
    view: Format = TERMINAL
    out: str | None = None  # the view's file, "-" for stdout
    source_roots: tuple[SourceRoot, ...] = ()
    timings: bool = False  # --timings: each stage's wall time on stderr at the end
    fail_on_crash: bool = False  # --fail-on-crash: exit 1 when a report's crash kind is not none
    quiet: bool = False  # -q: no progress, no terminal view; files and the exit status only
    source_dirs: tuple[str, ...] = ()  # folders the user named where source may be read (--module-dir)

    @classmethod
    def checked(
        cls,
        json: str | None,
        fmt: str = TERMINAL.name,
        out: str | None = None,
        source_roots: Sequence[str] | None = None,
        timings: bool = False,
        fail_on_crash: bool = False,
        quiet: bool = False,
    ) -> Output:
        """The output options as given, or the one line saying which cannot hold."""
        roots: tuple[SourceRoot, ...] = ()
        if source_roots:  # (enrich.source brings the report's model: not before the head start)
            from dlvauto.enrich.source import parse_source_root

            roots = tuple(parse_source_root(spec) for spec in source_roots)
        chosen = view(fmt)
        if json == "-" and chosen.document and out in (None, "-"):
            raise UserError(
                f"--json - and --format {fmt} both want stdout: give the {fmt} view a file with --out"
            )
        if json == "-" and out == "-":
            raise UserError("--json - and --out - both want stdout: give one of them a file")
        return cls(json, chosen, out, roots, timings, fail_on_crash, quiet)

    @property
    def view_path(self) -> str | None:
        """Where the chosen view is written besides the terminal: a file, "-" for stdout, or nowhere.

        A document view without --out goes to stdout; the terminal view needs a file to go anywhere
        but the terminal.
        """
        if self.view.document:
            return self.out if self.out is not None else "-"
        return self.out if self.out not in (None, "-") else None

    @property
    def stdout_is_data(self) -> bool:
        """Whether stdout carries a machine-read document (JSON, Markdown, HTML)."""
        return self.json == "-" or (self.view.document and self.out in (None, "-"))

    def modules(self) -> list[str]:
        """The modules `finish` will import for these options: the analysis, the source lines, the
        JSON writer (always asked for), the view written to a file and the terminal view if shown."""
        wanted = ["dlvauto.commands.finish", "dlvauto.analysis", "dlvauto.enrich.source", _module(JSON)]
        if self.view_path is not None:
            wanted.append(_module(self.view))
        if not self.quiet and self.json != "-" and self.view_path != "-":
            wanted.append(_module(TERMINAL))
            if _stdout_is_a_terminal():
                wanted.append("dlvauto.render.terminal")  # rich lays out the view for a person
        wanted.append("dlvauto.commands.finish:ready_records")  # last: the records of all of them
        return list(dict.fromkeys(wanted))

    def preload(self, first: Sequence[str] = ()) -> None:
        """Import what `finish` will need on a thread of its own, while this one waits for the
        build, dlv and the program (system/preload.py); `first` (entries of the same kind) before."""
        from dlvauto.system.preload import in_background

        in_background([*first, *self.modules()])

    def progress(self) -> NullProgress | TerminalProgress:
        """The progress display for the work before the report: none when stdout is data."""
        return for_terminal(quiet=self.quiet or self.stdout_is_data)


def _stdout_is_a_terminal() -> bool:
    import sys

    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _module(fmt: Format) -> str:
    return fmt.write.partition(":")[0]
