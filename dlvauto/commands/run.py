"""`dlvauto run`: build, run under dlv, report."""

from __future__ import annotations

from typing import Annotated

import typer

from dlvauto.commands import options as opt
from dlvauto.commands.app import app
from dlvauto.commands.runjob import VIAS as VIAS
from dlvauto.commands.runjob import run_job


@app.command()
def run(
    src_dir: Annotated[
        str, typer.Argument(metavar="SRC_DIR", help="Folder of the Go main package to build and run.")
    ],
    args: Annotated[
        list[str] | None, typer.Argument(metavar="ARGS", help="Arguments for the program (after --).")
    ] = None,
    profile: opt.ProfileOption = "debug",
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
    values: opt.ValuesOption = "8",
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
    wd: opt.WdOption = None,
    stdin: opt.StdinOption = None,
    env: opt.EnvOption = None,
    tags: opt.TagsOption = None,
    build_flag: opt.BuildFlagOption = None,
    race: opt.RaceOption = "off",
) -> None:
    """Build SRC_DIR, run it under dlv until it crashes, exits or times out, and report."""
    run_job(
        src_dir, args, profile=profile, timeout=timeout, frame=frame, depth=depth, json_path=json_path,
        timings=timings, dlv=dlv, unwind_check=unwind_check, ancestors=ancestors, values=values, via=via,
        save_core=save_core, fmt=fmt, out=out, source_root=source_root, backend=backend,
        transcript=transcript, wd=wd, stdin=stdin, env=env, tags=tags, build_flag=build_flag,
        fail_on_crash=fail_on_crash, quiet=quiet, race=race,
    )  # fmt: skip
