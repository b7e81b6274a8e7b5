"""The typer application every command registers on, and what commands share."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

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


def emit(report: object, json_path: str | None) -> None:
    """Write the report: JSON to a file or stdout, the human view unless JSON went to stdout."""
    from dlvauto.render.json import to_json
    from dlvauto.render.terminal import render
    from dlvauto.report import Report

    assert isinstance(report, Report)
    if json_path == "-":
        sys.stdout.write(to_json(report))
        sys.stdout.flush()
        return
    if json_path:
        try:
            Path(json_path).write_text(to_json(report))
        except OSError as exc:
            raise UserError(f"cannot write the JSON report to {json_path}: {exc.strerror}") from exc
    render(report)
