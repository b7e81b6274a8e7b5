"""The typer application every command registers on.

What commands share besides: their options (commands/options.py), where a report goes
(commands/output.py) and the one way a report is written and an exit status chosen (commands/finish.py).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="dlvauto",
    help="Explain Go crashes by driving the Go debugger Delve.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _group() -> None:
    """A group of commands even when one is registered: the command line registers only the one
    it runs (cli.py), and its name must still be the first word."""
