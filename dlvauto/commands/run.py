"""`dlvauto run`: build, run under dlv, report."""

from __future__ import annotations

from typing import Annotated

import typer

from dlvauto.commands.app import app, count, emit, positive, unwind_mode
from dlvauto.errors import UserError


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
) -> None:
    """Build SRC_DIR, run it under dlv until it crashes, exits or times out, and report."""
    from dlvauto.analysis import analyze
    from dlvauto.build import PROFILES, build
    from dlvauto.progress import for_terminal
    from dlvauto.sources.live import run_live

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    seconds = positive(timeout, "--timeout")
    n = count(frame, "--frame", 0)
    stack_depth = count(depth, "--depth", 1)
    unwind = unwind_mode(unwind_check)
    n_ancestors = count(ancestors, "--ancestors", 0)
    with for_terminal(quiet=json_path == "-") as progress:
        progress.stage(f"building {src_dir} ({profile})")
        built = build(src_dir, profile)
        snap = run_live(
            built.binary,
            args or [],
            facts=built.facts,
            timeout=seconds,
            depth=stack_depth,
            dlv=dlv,
            progress=progress,
            unwind=unwind,
            ancestors=n_ancestors,
        )
    emit(analyze(snap, frame_n=n), json_path)
