"""`dlvauto attach PID` and `dlvauto connect HOST:PORT`: capture a running program, then let it be."""

from __future__ import annotations

from typing import Annotated

import typer

from dlvauto.commands import options as opt
from dlvauto.commands.app import app
from dlvauto.commands.finish import analysed, finish
from dlvauto.commands.output import Output


@app.command()
def attach(
    pid: Annotated[str, typer.Argument(metavar="PID", help="Process id of a running Go program.")],
    frame: opt.FrameOption = "17",
    depth: opt.DepthOption = "100",
    json_path: opt.JsonOption = None,
    timings: opt.TimingsOption = False,
    dlv: opt.DlvOption = None,
    fmt: opt.FormatOption = "terminal",
    out: opt.OutOption = None,
    source_root: opt.SourceRootOption = None,
    fail_on_crash: opt.FailOnCrashOption = False,
    quiet: opt.QuietOption = False,
    backend: opt.BackendOption = "rpc",
    transcript: opt.TranscriptOption = None,
) -> None:
    """Halt a running program, capture every goroutine, detach and leave it running."""
    from dlvauto.sources.attach import attach as attach_pid

    number = opt.count(pid, "PID", 1, opt.MAX_PID)
    n = opt.read_frame(frame)
    stack_depth = opt.read_depth(depth)
    opt.check_backend(backend, transcript)
    output = Output.checked(json_path, fmt, out, source_root, timings, fail_on_crash, quiet)
    with output.progress() as progress:
        snap = attach_pid(
            number, backend=backend, depth=stack_depth, dlv=dlv, progress=progress, transcript=transcript
        )
    finish(analysed(snap, n), output)


@app.command()
def connect(
    address: Annotated[
        str,
        typer.Argument(
            metavar="HOST:PORT|unix:PATH", help="HOST:PORT (or unix:/path) of a running dlv server."
        ),
    ],
    allow_remote: Annotated[bool, typer.Option(help="Allow a server on a non-loopback address.")] = False,
    frame: opt.FrameOption = "17",
    depth: opt.DepthOption = "100",
    json_path: opt.JsonOption = None,
    timings: opt.TimingsOption = False,
    fmt: opt.FormatOption = "terminal",
    out: opt.OutOption = None,
    source_root: opt.SourceRootOption = None,
    fail_on_crash: opt.FailOnCrashOption = False,
    quiet: opt.QuietOption = False,
) -> None:
    """Capture the target of a dlv server someone else started, and leave the server as it was."""
    from dlvauto.sources.attach import connect as connect_server

    n = opt.read_frame(frame)
    stack_depth = opt.read_depth(depth)
    output = Output.checked(json_path, fmt, out, source_root, timings, fail_on_crash, quiet)
    with output.progress() as progress:
        snap = connect_server(address, allow_remote=allow_remote, depth=stack_depth, progress=progress)
    finish(analysed(snap, n), output)
