"""`dlvauto core BINARY CORE`: explain a crash from a core dump and the binary that wrote it."""

from __future__ import annotations

from typing import Annotated

import typer

from dlvauto.commands import options as opt
from dlvauto.commands.app import app
from dlvauto.commands.finish import analysed, finish
from dlvauto.commands.output import Output


@app.command()
def core(
    binary: Annotated[
        str,
        typer.Argument(
            metavar="BINARY", help="The program's binary (or a folder written by `run --save-core`)."
        ),
    ],
    core_file: Annotated[
        str | None, typer.Argument(metavar="CORE", help="The core dump the binary wrote.")
    ] = None,
    frame: opt.FrameOption = "17",
    depth: opt.DepthOption = "100",
    json_path: opt.JsonOption = None,
    timings: opt.TimingsOption = False,
    dlv: opt.DlvOption = None,
    fmt: opt.FormatOption = "terminal",
    out: opt.OutOption = None,
    fail_on_crash: opt.FailOnCrashOption = False,
    quiet: opt.QuietOption = False,
    source_root: opt.SourceRootOption = None,
    backend: opt.BackendOption = "rpc",
    transcript: opt.TranscriptOption = None,
) -> None:
    """Open CORE with BINARY under dlv, find the crash goroutine and report as a live run would."""
    from pathlib import Path

    from dlvauto.errors import UserError
    from dlvauto.sources.corestart import start_core

    n = opt.read_frame(frame)
    stack_depth = opt.read_depth(depth)
    output = Output.checked(json_path, fmt, out, source_root, timings, fail_on_crash, quiet)
    opt.check_backend(backend, transcript)
    if core_file is None:
        if not Path(binary).is_dir():
            raise UserError("missing CORE: give BINARY CORE, or the folder `dlvauto run --save-core` wrote")
        from dlvauto.sources.savedcore import locate

        bin_path, core_path = locate(binary)
    else:
        bin_path, core_path = Path(binary), Path(core_file)
    started = start_core(bin_path, core_path, dlv, backend=backend, transcript=transcript)
    try:
        # Imported while dlv loads the binary's debug info: these cost about as much.
        from dlvauto.sources.core import capture
    except BaseException:
        started.stop()
        raise
    with output.progress() as progress:
        snap = capture(started, depth=stack_depth, progress=progress)
    finish(analysed(snap, n), output)
