"""The typer application every command registers on.

What commands share besides: their options (commands/options.py), where a report goes
(commands/output.py) and the one way a report is written and an exit status chosen (commands/finish.py).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

EXIT_CODES = (
    "Exit status: 0 a report was written (whatever the crash; --fail-on-crash: 1 when there was one),"
    " 1 the report is partial or something failed, 2 bad input or a missing tool, 130 interrupted."
)


def _argument_type(self: typer.core.TyperArgument, ctx: object) -> str | None:
    """Arguments are shown by their metavar alone (SRC_DIR, PID): typer would add `<str>` (every
    value is read as text and checked by the command), which says nothing to a user."""
    return None


typer.core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign,assignment]


def _help_width() -> int:
    """Help as wide as $COLUMNS says, also when piped (click caps it at 80 otherwise)."""
    try:
        return max(40, int(os.environ.get("COLUMNS", "")))
    except ValueError:
        return 80


app = typer.Typer(
    name="dlvauto",
    context_settings={"max_content_width": _help_width()},
    help="Explain Go crashes by driving the Go debugger Delve.",
    epilog=EXIT_CODES,
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from dlvauto.version import __version__

        typer.echo(f"dlvauto {__version__}")
        raise typer.Exit(0)


@app.callback()
def _group(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print dlvauto's version and exit."
        ),
    ] = False,
) -> None:
    """A group of commands even when one is registered: the command line registers only the one
    it runs (cli.py), and its name must still be the first word."""
