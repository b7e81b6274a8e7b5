"""`dlvauto run`: build, run under dlv, report."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dlvauto.commands import options as opt
from dlvauto.commands.app import app
from dlvauto.commands.early import early_build
from dlvauto.commands.finish import analysed, finish
from dlvauto.commands.output import Output
from dlvauto.errors import UserError

VIAS = ("live", "core")


@app.command()
def run(
    src_dir: Annotated[
        str, typer.Argument(metavar="SRC_DIR", help="Folder of the Go main package to build and run.")
    ],
    args: Annotated[
        list[str] | None, typer.Argument(metavar="ARGS", help="Arguments for the program (after --).")
    ] = None,
    profile: Annotated[
        str, typer.Option(metavar="debug|optimized", help="debug (-gcflags=all=-N -l) or optimized.")
    ] = "debug",
    timeout: opt.TimeoutOption = "60",
    frame: opt.FrameOption = "17",
    depth: opt.DepthOption = "100",
    json_path: opt.JsonOption = None,
    timings: opt.TimingsOption = False,
    dlv: opt.DlvOption = None,
    unwind_check: Annotated[
        str,
        typer.Option(
            "--unwind-check",
            metavar="crash|all|none",
            help="Check dlv's stack against frame pointers: crash or all.",
        ),
    ] = "none",
    ancestors: Annotated[
        str, typer.Option(metavar="N", help="Record N creating goroutines (GODEBUG=tracebackancestors=N).")
    ] = "0",
    values: Annotated[
        str,
        typer.Option("--values", metavar="N", help="Read args and locals of up to N user frames (0: none)."),
    ] = "8",
    via: Annotated[
        str,
        typer.Option(
            "--via", metavar="live|core", help="live: under dlv (default); core: alone, then read its core."
        ),
    ] = "live",
    save_core: Annotated[
        str | None,
        typer.Option(
            "--save-core",
            metavar="DIR",
            help="Keep a core of the crash, with the binary, in this new folder.",
        ),
    ] = None,
    fmt: opt.FormatOption = "terminal",
    out: opt.OutOption = None,
    fail_on_crash: opt.FailOnCrashOption = False,
    quiet: opt.QuietOption = False,
    source_root: opt.SourceRootOption = None,
    backend: opt.BackendOption = "rpc",
    transcript: opt.TranscriptOption = None,
) -> None:
    """Build SRC_DIR, run it under dlv until it crashes, exits or times out, and report."""
    from pathlib import Path

    from dlvauto.gobuild.program import PROFILES, build
    from dlvauto.sources.live import run_live

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    if via not in VIAS:
        raise UserError(f"unknown --via {via!r}: use one of {', '.join(VIAS)}")
    seconds = opt.read_timeout(timeout)
    n = opt.read_frame(frame)
    stack_depth = opt.read_depth(depth)
    unwind = opt.unwind_mode(unwind_check)
    n_ancestors = opt.count(ancestors, "--ancestors", 0)
    n_values = opt.count(values, "--values", 0)
    if via == "core" and (unwind != "none" or n_ancestors):
        raise UserError("--unwind-check and --ancestors need dlv's live process: use --via live or drop them")
    output = Output.checked(json_path, fmt, out, source_root, timings, fail_on_crash, quiet)
    opt.check_backend(
        backend, transcript, unwind_check=unwind != "none", via=via != "live", save_core=save_core is not None
    )
    saved = Path(save_core) if save_core is not None else None
    if saved is not None:
        from dlvauto.sources.savedcore import check_free

        check_free(saved)  # refuse a folder in the way before building anything
    with output.progress() as progress:
        progress.stage(f"building {src_dir} ({profile})")
        built = early_build(src_dir, profile) or build(src_dir, profile)
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
    finish(analysed(snap, n), output)
