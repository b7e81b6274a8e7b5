"""`--backend rpc|repl` and `--transcript`: the options the dlv-backed commands share.

`rpc` (the default) talks to a headless dlv over its JSON-RPC API; `repl` types into dlv's own
terminal (dlvauto/repl/), for a dlv without the API at hand or a session a person can replay.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dlvauto.errors import UserError

BACKENDS = ("rpc", "repl")

BackendOption = Annotated[
    str,
    typer.Option("--backend", help="rpc: dlv's JSON-RPC API (default); repl: type into dlv's own terminal."),
]
TranscriptOption = Annotated[
    str | None,
    typer.Option(
        "--transcript", help="With --backend repl: write the dlv session (commands and replies) here."
    ),
]


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
