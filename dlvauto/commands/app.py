"""The typer application every command registers on, and what commands share."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Literal, TextIO

import typer

from dlvauto.errors import UserError

app = typer.Typer(
    name="dlvauto",
    help="Explain Go crashes by driving the Go debugger Delve.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def positive(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UserError(f"{name} must be a positive number of seconds, not {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise UserError(f"{name} must be a positive number of seconds, not {value!r}")
    return number


def count(value: str, name: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UserError(f"{name} must be a whole number >= {minimum}, not {value!r}") from None
    if number < minimum:
        raise UserError(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return number


def unwind_mode(value: str) -> Literal["none", "crash", "all"]:
    """--unwind-check's value: `crash` (the crash goroutine; a bare --unwind-check), `all`, or `none`."""
    if value == "crash":
        return "crash"
    if value == "all":
        return "all"
    if value == "none":
        return "none"
    raise UserError(f"--unwind-check takes crash or all, not {value!r}")


_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def open_report(path: str) -> TextIO:
    """A report file opened for writing with the user's umask, never writable by others."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o664)
    mode = os.fstat(fd).st_mode
    if mode & 0o002:  # an existing file, or a umask of 0: take away world-write
        os.fchmod(fd, stat.S_IMODE(mode) & ~0o002)
    return os.fdopen(fd, "w", encoding="utf-8")


def _write_json(json_path: str, write: Callable[[TextIO], None]) -> bool:
    """JSON to stdout (`-`) or a file, streamed: a big report never sits in memory as one string.

    When the disk is full the evidence is not lost: the JSON goes to stdout instead, with a warning
    on stderr. Returns True when it went to stdout (so nothing else should be written there).
    """
    if json_path == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return True
    try:
        with open_report(json_path) as out:
            write(out)
    except OSError as exc:
        if exc.errno not in _NO_ROOM:
            raise UserError(f"cannot write the JSON report to {json_path}: {exc.strerror}") from exc
        with contextlib.suppress(OSError):
            if Path(json_path).is_file():  # a half-written report, never a device like /dev/full
                Path(json_path).unlink()
        sys.stderr.write(
            f"dlvauto: warning: cannot write the JSON report to {json_path}: {exc.strerror}; "
            "it follows on stdout instead\n"
        )
        sys.stderr.flush()
        write(sys.stdout)
        sys.stdout.flush()
        return True
    return False


FORMATS = ("terminal", "md", "html")

# The output options every reporting command can take (with `emit`'s keywords of the same names).
FormatOption = Annotated[
    str, typer.Option("--format", help="The view: terminal (default), md (a pull-request comment) or html.")
]
OutOption = Annotated[
    str | None,
    typer.Option(
        "--out", help="Write the --format view to this file (- for stdout, the default for md/html)."
    ),
]
SourceRootOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source-root", help="OLD=NEW: read source files recorded under OLD from NEW instead (repeatable)."
    ),
]


def check_output(
    json_path: str | None,
    fmt: str = "terminal",
    out: str | None = None,
    source_roots: Sequence[str] | None = None,
) -> None:
    """Refuse output options that cannot all hold, before any work is done."""
    from dlvauto.enrich.source import parse_source_root

    for spec in source_roots or ():
        parse_source_root(spec)
    if fmt not in FORMATS:
        raise UserError(f"unknown --format {fmt!r}: use one of {', '.join(FORMATS)}")
    if json_path == "-" and fmt != "terminal" and out in (None, "-"):
        raise UserError(
            f"--json - and --format {fmt} both want stdout: give the {fmt} view a file with --out"
        )
    if json_path == "-" and out == "-":
        raise UserError("--json - and --out - both want stdout: give one of them a file")


def stdout_is_data(json_path: str | None, fmt: str = "terminal", out: str | None = None) -> bool:
    """Whether stdout carries a machine-read document (JSON, Markdown, HTML): then no progress line."""
    return json_path == "-" or (fmt != "terminal" and out in (None, "-"))


def _write_text(path: str, text: str, what: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open_report(path) as f:
            f.write(text)
    except OSError as exc:
        raise UserError(f"cannot write the {what} to {path}: {exc.strerror}") from exc


def emit(
    report: object,
    json_path: str | None,
    *,
    fmt: str = "terminal",
    out: str | None = None,
    source_roots: Sequence[str] | None = None,
) -> None:
    """Write the report: JSON to a file or stdout, and the `fmt` view to `out`.

    Before rendering, frames get their source lines from disk (`--source-root` rules first): that is
    I/O, so it happens here, after the pure analysis. stdout carries one thing: the JSON (`--json
    -`), else the Markdown/HTML view when it has no file, else the terminal view.
    """
    from dlvauto.enrich.source import add_source, parse_source_root
    from dlvauto.render.json import write_json
    from dlvauto.render.terminal import write as render_terminal
    from dlvauto.report import Report

    assert isinstance(report, Report)
    check_output(json_path, fmt, out)
    add_source(report, [parse_source_root(s) for s in source_roots or ()])
    if json_path and _write_json(json_path, lambda stream: write_json(report, stream)):
        json_path = "-"  # stdout holds the JSON now (asked for, or the disk was full)
    target = out if out is not None else ("-" if fmt != "terminal" else None)
    if fmt == "md":
        from dlvauto.render.markdown import to_markdown

        _write_text(target or "-", to_markdown(report), "Markdown report")
    elif fmt == "html":
        from dlvauto.render.html import to_html

        _write_text(target or "-", to_html(report), "HTML report")
    elif target is not None and target != "-":
        _write_text(target, _plain_terminal(report), "report")
    elif json_path != "-":
        render_terminal(report, sys.stdout)
        return
    if json_path != "-" and target not in (None, "-"):
        render_terminal(report, sys.stdout)  # a file got the view: the person here still reads it


def _plain_terminal(report: object) -> str:
    """The terminal view as plain text (no colours), for --out with the terminal format."""
    import io

    from rich.console import Console

    from dlvauto.render.terminal import print_report
    from dlvauto.report import Report

    assert isinstance(report, Report)
    buf = io.StringIO()
    print_report(report, Console(file=buf, width=200, soft_wrap=True, no_color=True, force_terminal=False))
    return buf.getvalue()


def emit_all(reports: Sequence[object], json_path: str | None) -> None:
    """Several reports (`parse --all`): one JSON array, and the human view of each in turn."""
    from dlvauto.render.json import write_json_array
    from dlvauto.render.terminal import write_several
    from dlvauto.report import Report

    typed = [r for r in reports if isinstance(r, Report)]
    assert len(typed) == len(reports)
    if json_path:
        _write_json(json_path, lambda out: write_json_array(typed, out))
    if json_path != "-":
        write_several(typed, sys.stdout)
