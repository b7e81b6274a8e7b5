"""What `dlvauto run` does once its options are read, without typer.

The typer command (`run.py`) and the command line's fast path (`cli.py`, for a `run` every word
of which `early.plan_of` understands) both call `run_job`: one body, the same checks in the same
order, the same one-line errors. Parameters are the command line's texts, checked here.
"""

from __future__ import annotations

from typing import Any

from dlvauto.commands import checks as opt
from dlvauto.commands import surroundings
from dlvauto.commands.early import early_build, head_start
from dlvauto.commands.output import Output
from dlvauto.errors import UserError

VIAS = ("live", "core")


def run_job(
    src_dir: str,
    args: list[str] | None = None,
    profile: str = "debug",
    timeout: str = "60",
    frame: str = "17",
    depth: str = "100",
    json_path: str | None = None,
    timings: bool = False,
    dlv: str | None = None,
    unwind_check: str = "none",
    ancestors: str = "0",
    values: str = "8",
    via: str = "live",
    save_core: str | None = None,
    fmt: str = "terminal",
    out: str | None = None,
    source_root: list[str] | None = None,
    backend: str = "rpc",
    transcript: str | None = None,
    wd: str | None = None,
    stdin: str | None = None,
    env: list[str] | None = None,
    tags: str | None = None,
    build_flag: list[str] | None = None,
    fail_on_crash: bool = False,
    quiet: bool = False,
    race: str = "off",
) -> None:
    """Build SRC_DIR, run it under dlv until it crashes, exits or times out, and report."""
    from pathlib import Path

    from dlvauto.gobuild.program import PROFILES, build

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    if via not in VIAS:
        raise UserError(f"unknown --via {via!r}: use one of {', '.join(VIAS)}")
    seconds = opt.read_timeout(timeout)
    n = opt.read_frame(frame)
    stack_depth = opt.read_depth(depth)
    unwind = opt.unwind_mode(unwind_check)
    n_ancestors = opt.count(ancestors, "--ancestors", 0, opt.MAX_READ)
    n_values = opt.count(values, "--values", 0, opt.MAX_READ)
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
    race_mode = opt.race_mode(race)
    place = surroundings.read(wd, stdin, env, tags, build_flag)
    race_flags, place.env = opt.race_build(race_mode, place.env)
    place.build_flags += race_flags
    if via == "core" and (place.cwd is not None or place.stdin is not None):
        place.close()
        raise UserError("--wd and --stdin need dlv to start the program: use --via live or drop them")
    with place, output.progress() as progress:
        progress.stage(f"building {src_dir} ({profile})")
        written = [p for p in (json_path, out, save_core, transcript) if p not in (None, "-")]
        built = (None if place.build_flags else early_build(src_dir, profile)) or build(
            src_dir, profile, extra_flags=place.build_flags, outputs=written
        )
        if via == "live" and backend == "rpc" and saved is None:  # every option checked: it may start
            head_start(built.binary, args or [], place.env, n_ancestors, place.cwd, place.stdin)
        # What the collection and the report need is made ready while dlv and the program run.
        output.preload(first=["dlvauto.rpc.client:warm_checkers"] if backend == "rpc" else [])
        from dlvauto.sources.live import run_live

        # What every way of running the program takes; each adds what only it can do.
        common: dict[str, Any] = dict(
            facts=built.facts, timeout=seconds, depth=stack_depth, dlv=dlv, progress=progress, env=place.env
        )
        if via == "core":
            from dlvauto.sources.viacore import run_via_core

            snap = run_via_core(built.binary, args or [], **common, save_core=saved)
        else:
            snap = run_live(
                built.binary, args or [], **common, backend=backend, unwind=unwind, ancestors=n_ancestors,
                save_core=saved, values=n_values, frame_n=n, transcript=transcript, cwd=place.cwd,
                stdin=place.stdin,
            )  # fmt: skip
    # Imported here, not at the top: nothing of the report is needed before the program runs, and
    # every import before the head start delays it (the preload thread has it ready by now).
    from dlvauto.commands.finish import analysed, finish

    finish(analysed(snap, n), output)
