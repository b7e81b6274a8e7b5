"""`dlvauto run`: build, run under dlv, report."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dlvauto.commands.app import (
    FormatOption,
    OutOption,
    SourceRootOption,
    app,
    check_output,
    count,
    emit,
    positive,
    stdout_is_data,
    unwind_mode,
)
from dlvauto.commands.backend import BackendOption, TranscriptOption, check_backend
from dlvauto.errors import DebuggerError, UserError
from dlvauto.system.progress import checkpoint

VIAS = ("live", "core")


@app.command()
def run(
    src_dir: Annotated[str, typer.Argument(help="Folder of the Go main package to build and run.")],
    args: Annotated[list[str] | None, typer.Argument(help="Arguments for the program (after --).")] = None,
    profile: Annotated[str, typer.Option(help="debug (-gcflags=all=-N -l) or optimized.")] = "debug",
    timeout: Annotated[str, typer.Option(help="Seconds before a running program counts as a hang.")] = "60",
    frame: Annotated[str, typer.Option("--frame", help="N of 'frame N': N levels above the throw.")] = "17",
    depth: Annotated[str, typer.Option(help="Stack frames to read per goroutine.")] = "100",
    json_path: Annotated[
        str | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")
    ] = None,
    dlv: Annotated[str | None, typer.Option(help="Path of the dlv binary.")] = None,
    unwind_check: Annotated[
        str, typer.Option("--unwind-check", help="Check dlv's stack against frame pointers: crash or all.")
    ] = "none",
    ancestors: Annotated[
        str, typer.Option(help="Record N creating goroutines (GODEBUG=tracebackancestors=N).")
    ] = "0",
    values: Annotated[
        str, typer.Option("--values", help="Read args and locals of up to N user frames (0: none).")
    ] = "8",
    via: Annotated[
        str, typer.Option("--via", help="live: under dlv (default); core: alone, then read its core.")
    ] = "live",
    save_core: Annotated[
        str | None,
        typer.Option("--save-core", help="Keep a core of the crash, with the binary, in this new folder."),
    ] = None,
    fmt: FormatOption = "terminal",
    out: OutOption = None,
    source_root: SourceRootOption = None,
    backend: BackendOption = "rpc",
    transcript: TranscriptOption = None,
) -> None:
    """Build SRC_DIR, run it under dlv until it crashes, exits or times out, and report."""
    from pathlib import Path

    from dlvauto.analysis import analyze
    from dlvauto.gobuild.program import PROFILES, build
    from dlvauto.sources.live import run_live
    from dlvauto.system.progress import for_terminal

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    if via not in VIAS:
        raise UserError(f"unknown --via {via!r}: use one of {', '.join(VIAS)}")
    seconds = positive(timeout, "--timeout")
    n = count(frame, "--frame", 0)
    stack_depth = count(depth, "--depth", 1)
    unwind = unwind_mode(unwind_check)
    n_ancestors = count(ancestors, "--ancestors", 0)
    n_values = count(values, "--values", 0)
    if via == "core" and (unwind != "none" or n_ancestors):
        raise UserError("--unwind-check and --ancestors need dlv's live process: use --via live or drop them")
    check_output(json_path, fmt, out, source_root)
    check_backend(
        backend, transcript, unwind_check=unwind != "none", via=via != "live", save_core=save_core is not None
    )
    saved = Path(save_core) if save_core is not None else None
    if saved is not None:
        from dlvauto.sources.savedcore import check_free

        check_free(saved)  # refuse a folder in the way before building anything
    with for_terminal(quiet=stdout_is_data(json_path, fmt, out)) as progress:
        progress.stage(f"building {src_dir} ({profile})")
        built = build(src_dir, profile)
        # What every way of running the program takes; each adds what only it can do.
        common: dict[str, Any] = dict(
            facts=built.facts, timeout=seconds, depth=stack_depth, dlv=dlv, progress=progress
        )
        if via == "core":
            from dlvauto.sources.viacore import run_via_core

            snap = run_via_core(built.binary, args or [], **common, save_core=saved)
        else:
            snap = run_live(
                built.binary, args or [], **common, backend=backend, unwind=unwind, ancestors=n_ancestors,
                save_core=saved, values=n_values, frame_n=n, transcript=transcript,
            )  # fmt: skip
    report = analyze(snap, frame_n=n)
    checkpoint("rendering")
    emit(report, json_path, fmt=fmt, out=out, source_roots=source_root)
    if report.incomplete:
        raise DebuggerError(f"the report above is partial: {report.incomplete}")
    unsaved = next((note for note in report.notes if note.startswith("no core was saved")), None)
    if saved is not None and unsaved is not None:
        raise DebuggerError(unsaved)
