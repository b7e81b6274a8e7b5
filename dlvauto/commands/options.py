"""The options several commands take, each declared once: its flag, its help and how it is checked.

Typer wants a default at each use (`frame: FrameOption = "17"`); the rest lives here, so `--frame`
reads and fails the same in every command. Values come in as text and are checked in the command's
body, in the order it asks, so the first bad option is the one line the user sees.
"""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from dlvauto.errors import UserError
from dlvauto.sources.backends import BACKENDS

FrameOption = Annotated[
    str, typer.Option("--frame", metavar="N", help="N of 'frame N': N levels above the throw.")
]
DepthOption = Annotated[str, typer.Option("--depth", metavar="N", help="Stack frames to read per goroutine.")]
TimeoutOption = Annotated[
    str,
    typer.Option("--timeout", metavar="SECONDS", help="Seconds before a running program counts as a hang."),
]
TimingsOption = Annotated[
    bool, typer.Option("--timings", help="Print each stage's wall time on stderr at the end.")
]
JsonOption = Annotated[
    str | None, typer.Option("--json", metavar="PATH|-", help="Write the JSON report here (- for stdout).")
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        metavar="terminal|md|html",
        help="The view: terminal (default), md (a pull-request comment) or html.",
    ),
]
OutOption = Annotated[
    str | None,
    typer.Option(
        "--out",
        "-o",
        metavar="PATH",
        help="Write the --format view to this file (- for stdout, the default for md/html).",
    ),
]
FailOnCrashOption = Annotated[
    bool,
    typer.Option("--fail-on-crash", help="Exit 1 when the report's crash kind is not none (for scripts)."),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="No progress and no terminal report: only the files asked for and the status."
    ),
]
SourceRootOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source-root",
        metavar="OLD=NEW",
        help="OLD=NEW: read source files recorded under OLD from NEW instead (repeatable).",
    ),
]
DlvOption = Annotated[str | None, typer.Option("--dlv", metavar="PATH", help="Path of the dlv binary.")]

# `rpc` (the default) talks to a headless dlv over its JSON-RPC API; `repl` types into dlv's own
# terminal (dlvauto/repl/), for a dlv without the API at hand or a session a person can replay.
BackendOption = Annotated[
    str,
    typer.Option(
        "--backend",
        metavar="rpc|repl",
        help="rpc: dlv's JSON-RPC API (default); repl: type into dlv's own terminal.",
    ),
]
TranscriptOption = Annotated[
    str | None,
    typer.Option(
        "--transcript",
        metavar="PATH",
        help="With --backend repl: write the dlv session (commands and replies) here.",
    ),
]


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


def read_frame(value: str) -> int:
    """--frame: N of frame N, 0 for the throw frame itself."""
    return count(value, "--frame", 0)


def read_depth(value: str) -> int:
    """--depth: how many frames to read per goroutine, at least one."""
    return count(value, "--depth", 1)


def read_timeout(value: str) -> float:
    """--timeout: seconds, a positive finite number."""
    return positive(value, "--timeout")


def unwind_mode(value: str) -> Literal["none", "crash", "all"]:
    """--unwind-check's value: `crash` (the crash goroutine; a bare --unwind-check), `all`, or `none`."""
    if value == "crash":
        return "crash"
    if value == "all":
        return "all"
    if value == "none":
        return "none"
    raise UserError(f"--unwind-check takes crash or all, not {value!r}")


def check_backend(backend: str, transcript: str | None, **rpc_only: bool) -> None:
    """Refuse an unknown backend, a transcript without the REPL, and RPC-only options with it.

    `rpc_only` maps each option's flag name (underscores for dashes) to whether it was given.
    """
    if backend not in BACKENDS:
        raise UserError(f"unknown --backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if transcript is not None and backend != "repl":
        raise UserError("--transcript records dlv's terminal session: add --backend repl")
    given = [f"--{name.replace('_', '-')}" for name, on in rpc_only.items() if on]
    if backend == "repl" and given:
        verb = "needs" if len(given) == 1 else "need"
        raise UserError(f"{' and '.join(given)} {verb} dlv's API: use --backend rpc or drop them")
