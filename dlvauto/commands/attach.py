"""`dlvauto attach PID` and `dlvauto connect HOST:PORT`: capture a running program, then let it be."""

from __future__ import annotations

from typing import Annotated

import typer

from dlvauto.commands.app import app, count, emit
from dlvauto.commands.backend import BackendOption, TranscriptOption, check_backend


@app.command()
def attach(
    pid: Annotated[str, typer.Argument(help="Process id of a running Go program.")],
    frame: Annotated[str, typer.Option("--frame", help="N of 'frame N': N levels above the throw.")] = "17",
    depth: Annotated[str, typer.Option(help="Stack frames to read per goroutine.")] = "100",
    json_path: Annotated[
        str | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")
    ] = None,
    dlv: Annotated[str | None, typer.Option(help="Path of the dlv binary.")] = None,
    backend: BackendOption = "rpc",
    transcript: TranscriptOption = None,
) -> None:
    """Halt a running program, capture every goroutine, detach and leave it running."""
    from dlvauto.analysis import analyze
    from dlvauto.sources.attach import attach as attach_pid
    from dlvauto.system.progress import for_terminal

    number = count(pid, "PID", 1)
    n = count(frame, "--frame", 0)
    stack_depth = count(depth, "--depth", 1)
    check_backend(backend, transcript)
    with for_terminal(quiet=json_path == "-") as progress:
        snap = attach_pid(
            number, backend=backend, depth=stack_depth, dlv=dlv, progress=progress, transcript=transcript
        )
    emit(analyze(snap, frame_n=n), json_path)


@app.command()
def connect(
    address: Annotated[str, typer.Argument(help="HOST:PORT (or unix:/path) of a running dlv server.")],
    allow_remote: Annotated[bool, typer.Option(help="Allow a server on a non-loopback address.")] = False,
    frame: Annotated[str, typer.Option("--frame", help="N of 'frame N': N levels above the throw.")] = "17",
    depth: Annotated[str, typer.Option(help="Stack frames to read per goroutine.")] = "100",
    json_path: Annotated[
        str | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")
    ] = None,
) -> None:
    """Capture the target of a dlv server someone else started, and leave the server as it was."""
    from dlvauto.analysis import analyze
    from dlvauto.sources.attach import connect as connect_server
    from dlvauto.system.progress import for_terminal

    n = count(frame, "--frame", 0)
    stack_depth = count(depth, "--depth", 1)
    with for_terminal(quiet=json_path == "-") as progress:
        snap = connect_server(address, allow_remote=allow_remote, depth=stack_depth, progress=progress)
    emit(analyze(snap, frame_n=n), json_path)
