"""`dlvauto exec BINARY [-- ARGS]`: a prebuilt binary under dlv, the way `dlv exec` takes one.

There is no source folder to build from, so the facts that tell the user's code from the rest
(module path and folder, GOROOT) are read from the binary itself: its build information and DWARF
(gofacts/binary.py). A binary built without `-N -l` is explained anyway, with a note that its frames
may be inlined or missing; one without DWARF is refused with the fix. A test binary (`x.test`) gets
the test rules (analysis/tests.py). The race detector's reports in its stderr are read whatever the
flags; `--race` (`on` or `halt`) asks that the binary be a race build (its build settings say
`-race=true`), and `halt` runs it with GORACE=halt_on_error=1, as `run --race=halt` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlvauto.commands import options as opt
from dlvauto.commands import surroundings
from dlvauto.commands.app import app
from dlvauto.commands.finish import analysed, finish
from dlvauto.commands.output import Output
from dlvauto.errors import UserError

OPTIMISED_NOTE = (
    "the binary was built without -gcflags=all=-N -l: optimised frames may be inlined or missing, "
    "and values optimised away (rebuild with those flags for the whole story)"
)


@app.command("exec")
def exec_command(
    binary: Annotated[
        str,
        typer.Argument(metavar="BINARY", help="A Go binary built with DWARF (ideally -gcflags=all=-N -l)."),
    ],
    args: Annotated[
        list[str] | None, typer.Argument(metavar="ARGS", help="Arguments for the program (after --).")
    ] = None,
    timeout: opt.TimeoutOption = "60",
    frame: opt.FrameOption = "17",
    depth: opt.DepthOption = "100",
    json_path: opt.JsonOption = None,
    timings: opt.TimingsOption = False,
    dlv: opt.DlvOption = None,
    values: opt.ValuesOption = "8",
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
    race: Annotated[
        str,
        typer.Option(
            "--race",
            metavar="on|halt",
            help="BINARY is a -race build (a bare --race: on); halt: GORACE=halt_on_error=1, exit 66 at the "
            "first race.",
        ),
    ] = "off",
) -> None:
    """Run BINARY under dlv until it crashes, exits or times out, and report."""
    from dlvauto.gofacts.binary import build_facts, read_binary, require_debug_info, require_race_build
    from dlvauto.sources.live import run_live

    seconds, n, stack_depth, n_values = opt.read_run_numbers(timeout, frame, depth, values)
    output = Output.checked(json_path, fmt, out, source_root, timings, fail_on_crash, quiet)
    opt.check_backend(backend, transcript)
    race_mode = opt.race_mode(race)
    path = Path(binary)
    if not path.exists():
        raise UserError(f"{binary} does not exist: give the path of a Go binary")
    if not path.is_file():
        raise UserError(f"{binary} is not a file: give the path of a Go binary (dlvauto run takes folders)")
    bfacts = read_binary(path)
    require_debug_info(bfacts)
    if race_mode != "off":
        require_race_build(bfacts, binary)
    facts = build_facts(bfacts)
    output.preload()  # the report's modules load while the build, dlv and the program run
    with surroundings.read(wd, stdin, env) as place, output.progress() as progress:
        _, place.env = opt.race_build(race_mode, place.env)  # no build here: only halt's GORACE
        snap = run_live(
            path, args or [], facts=facts, timeout=seconds, depth=stack_depth, dlv=dlv, progress=progress,
            backend=backend, values=n_values, frame_n=n, transcript=transcript, env=place.env,
            cwd=place.cwd, stdin=place.stdin,
        )  # fmt: skip
    if bfacts.debug_build is False:
        snap.notes.append(OPTIMISED_NOTE)
    finish(analysed(snap, n), output)
