"""`dlvauto parse TRACE_FILE|-`: explain a crash from the Go runtime's own text traceback."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from dlvauto.commands import options as opt
from dlvauto.commands.app import app
from dlvauto.commands.finish import analysed, finish, finish_several
from dlvauto.commands.output import Output
from dlvauto.errors import UserError
from dlvauto.system.progress import checkpoint


@app.command()
def parse(
    trace: Annotated[
        str, typer.Argument(metavar="TRACE_FILE|-", help="A Go traceback (a log, stderr), - for stdin.")
    ],
    frame: opt.FrameOption = "17",
    json_path: opt.JsonOption = None,
    timings: opt.TimingsOption = False,
    every: Annotated[
        bool, typer.Option("--all", help="Report every crash in the text, not only the last one.")
    ] = False,
    module_path: Annotated[
        str | None,
        typer.Option(
            metavar="IMPORT_PATH", help="Import path of the main module (default: read off the frames)."
        ),
    ] = None,
    module_dir: Annotated[
        str | None,
        typer.Option(
            metavar="DIR", help="Folder of the main module as the trace names it (default: inferred)."
        ),
    ] = None,
    goroot: Annotated[
        str | None, typer.Option(metavar="DIR", help="GOROOT as the trace names it (default: inferred).")
    ] = None,
    fmt: opt.FormatOption = "terminal",
    out: opt.OutOption = None,
    fail_on_crash: opt.FailOnCrashOption = False,
    quiet: opt.QuietOption = False,
    source_root: opt.SourceRootOption = None,
) -> None:
    """Read the runtime's crash text (any GOTRACEBACK level, noise around it) and report the crash."""
    from dlvauto.snapshot import BuildFacts
    from dlvauto.sources.text import read_trace

    n = opt.read_frame(frame)
    output = Output.checked(json_path, fmt, out, source_root, timings, fail_on_crash, quiet)
    if module_dir is not None:  # the one folder of a traceback's files the user vouches for
        output = dataclasses.replace(output, source_dirs=(module_dir,))
    if every and (output.view.write_several is None or out is not None):
        raise UserError("--all reports several crashes: use it with the terminal view and --json only")
    given = BuildFacts(module_path=module_path, module_dir=module_dir, goroot=goroot)
    checkpoint("parsing")
    snaps = read_trace(trace, given=given, every=every)
    if not every:
        finish(analysed(snaps[-1], n), output)
        return
    finish_several([analysed(s, n) for s in snaps], output)
