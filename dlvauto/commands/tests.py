"""`dlvauto test`: build a package's test binary, run it under dlv, report like `run`.

The test binary is built with the profile's flags (`go test -c`, cached like a program) and run in
its package's folder, as `go test` runs it, with `-test.v` so the testing package names the test
each message belongs to. A pattern (`./...`) runs every package with tests: one report per package
whose binary crashed or whose tests failed, and a one-line summary on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dlvauto.commands import options as opt
from dlvauto.commands import surroundings
from dlvauto.commands.app import app
from dlvauto.commands.finish import analysed, finish, finish_several
from dlvauto.commands.output import Output
from dlvauto.errors import UserError

if TYPE_CHECKING:
    from dlvauto.report import Report


@app.command("test")
def test_command(
    package: Annotated[
        str,
        typer.Argument(
            metavar="PKG", help="The package to test: ., ./internal/x, an import path, or a pattern (./...)."
        ),
    ] = ".",
    testflags: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="TESTFLAGS", help="Flags for the test binary (after --), e.g. -test.timeout=5s."
        ),
    ] = None,
    run: Annotated[
        str | None,
        typer.Option(
            "--run", "-run", metavar="REGEX", help="Run only the tests matching this regex (-test.run)."
        ),
    ] = None,
    profile: opt.ProfileOption = "debug",
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
    tags: opt.TagsOption = None,
    build_flag: opt.BuildFlagOption = None,
    race: opt.RaceOption = "off",
) -> None:
    """Build PACKAGE's test binary, run its tests under dlv until one crashes or all end, and report."""
    from dlvauto.commands.early import early_build, test_binary_args
    from dlvauto.gobuild.program import PROFILES, build_test
    from dlvauto.gobuild.targets import test_packages
    from dlvauto.sources.live import run_live

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    seconds, n, stack_depth, n_values = opt.read_run_numbers(timeout, frame, depth, values)
    output = Output.checked(json_path, fmt, out, source_root, timings, fail_on_crash, quiet)
    opt.check_backend(backend, transcript)
    packages = test_packages(package)
    if len(packages) > 1 and (out is not None or output.view.write_several is None):
        raise UserError(f"{package} names {len(packages)} packages: use the terminal view and --json")
    args = test_binary_args(run, testflags or [])
    reports: list[tuple[str, Report]] = []
    race_mode = opt.race_mode(race)
    output.preload()  # the report's modules load while the build, dlv and the program run
    with surroundings.read(wd, stdin, env, tags, build_flag) as place, output.progress() as progress:
        race_flags, place.env = opt.race_build(race_mode, place.env)
        place.build_flags += race_flags
        for pkg in packages:
            progress.stage(f"building the tests of {pkg.import_path} ({profile})")
            early = None if place.build_flags else early_build(str(pkg.dir), profile, "test")
            built = early or build_test(pkg.dir, profile, extra_flags=place.build_flags)
            snap = run_live(
                built.binary, args, facts=built.facts, timeout=seconds, depth=stack_depth, dlv=dlv,
                progress=progress, backend=backend, values=n_values, frame_n=n, transcript=transcript,
                env=place.env, cwd=place.cwd or pkg.dir, stdin=place.stdin,
            )  # fmt: skip
            reports.append((pkg.import_path, analysed(snap, n)))
    if len(packages) == 1:
        finish(reports[0][1], output)
        return
    wanted = [r for _, r in reports if r.crash.kind != "none" or r.failed_tests or r.exit_code]
    sys.stderr.write(summary(reports) + "\n")
    finish_several(wanted, output)


def summary(reports: list[tuple[str, Report]]) -> str:
    """One line: how many packages crashed, failed and passed, naming the first ones that did not pass."""
    crashed = [p for p, r in reports if r.crash.kind != "none"]
    failed = [p for p, r in reports if r.crash.kind == "none" and (r.failed_tests or r.exit_code)]
    passed = len(reports) - len(crashed) - len(failed)

    def names(ps: list[str]) -> str:
        shown = ", ".join(Path(p).name for p in ps[:3])
        return f" ({shown}{', ...' if len(ps) > 3 else ''})" if ps else ""

    return (
        f"dlvauto: {len(reports)} packages: {len(crashed)} crashed{names(crashed)}, "
        f"{len(failed)} failed{names(failed)}, {passed} passed"
    )
