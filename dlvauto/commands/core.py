"""`dlvauto core BINARY CORE`: explain a crash from a core dump and the binary that wrote it."""

from __future__ import annotations

from typing import Annotated

import typer

from dlvauto.commands.app import (
    FormatOption,
    OutOption,
    SourceRootOption,
    app,
    check_output,
    count,
    emit,
    stdout_is_data,
)
from dlvauto.commands.backend import BackendOption, TranscriptOption, check_backend
from dlvauto.errors import DebuggerError


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
    frame: Annotated[str, typer.Option("--frame", help="N of 'frame N': N levels above the throw.")] = "17",
    depth: Annotated[str, typer.Option(help="Stack frames to read per goroutine.")] = "100",
    json_path: Annotated[
        str | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")
    ] = None,
    dlv: Annotated[str | None, typer.Option(help="Path of the dlv binary.")] = None,
    fmt: FormatOption = "terminal",
    out: OutOption = None,
    source_root: SourceRootOption = None,
    backend: BackendOption = "rpc",
    transcript: TranscriptOption = None,
) -> None:
    """Open CORE with BINARY under dlv, find the crash goroutine and report as a live run would."""
    from pathlib import Path

    from dlvauto.errors import UserError
    from dlvauto.sources.corestart import start_core

    n = count(frame, "--frame", 0)
    stack_depth = count(depth, "--depth", 1)
    check_output(json_path, fmt, out, source_root)
    check_backend(backend, transcript)
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
        from dlvauto.analysis import analyze
        from dlvauto.sources.core import capture
        from dlvauto.system.progress import for_terminal
    except BaseException:
        started.stop()
        raise
    with for_terminal(quiet=stdout_is_data(json_path, fmt, out)) as progress:
        snap = capture(started, depth=stack_depth, progress=progress)
    report = analyze(snap, frame_n=n)
    emit(report, json_path, fmt=fmt, out=out, source_roots=source_root)
    if report.incomplete:
        raise DebuggerError(f"the report above is partial: {report.incomplete}")
