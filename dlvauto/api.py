"""The Python API: one call per command, for crash-reproduction scripts.

`dlvauto.run(src)` does what `dlvauto run SRC` does and returns the `Report` instead of printing
it; `parse`, `core` and `attach` likewise. The keyword arguments are the command line's options,
typed; a bad one raises the same `UserError` (same one-line text) the command line prints, and a
missing tool raises `ToolMissing`. Source lines are added to the frames as the command line does.
Nothing is printed: progress goes nowhere, the caller renders the report if it wants to.

`test(pkg, run=...)` and `exec(binary, ...)` do what `dlvauto test` and `dlvauto exec` do.
`race="on"|"halt"` is `--race` on run, test and exec.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dlvauto.errors import UserError

if TYPE_CHECKING:
    from dlvauto.report import Report
    from dlvauto.snapshot import Snapshot

Profile = Literal["debug", "optimized"]
Backend = Literal["rpc", "repl"]
Via = Literal["live", "core"]
Race = Literal["off", "on", "halt"]


def _whole(value: int, name: str, minimum: int) -> int:
    """The command line's check of a whole-number option, with its one-line text."""
    from dlvauto.commands import checks as opt

    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return opt.count(str(value), name, minimum)


def _seconds(value: float, name: str) -> float:
    from dlvauto.commands import checks as opt

    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{name} must be a positive number of seconds, not {value!r}")
    return opt.positive(str(value), name)


def _run_numbers(timeout: float, frame: int, depth: int, values: int) -> tuple[float, int, int, int]:
    """--timeout, --frame, --depth and --values of a call that runs a program, checked in the
    command line's order."""
    return (
        _seconds(timeout, "--timeout"), _whole(frame, "--frame", 0), _whole(depth, "--depth", 1),
        _whole(values, "--values", 0),
    )  # fmt: skip


def _race(race: str) -> tuple[list[str], dict[str, str] | None]:
    """--race's build flags and the program's environment (None: dlvauto's own)."""
    from dlvauto.commands import checks as opt

    return opt.race_build(opt.race_mode(race), None)


def _finished(
    snap: Snapshot, frame: int, source_roots: Sequence[str], given_dirs: Sequence[str] = ()
) -> Report:
    """The report of a snapshot, with source lines, as `commands/finish.py` makes it (only from the
    folders the caller vouched for, enrich/source.py)."""
    from dlvauto.analysis import analyze
    from dlvauto.enrich.source import add_source, parse_source_root

    report = analyze(snap, frame_n=frame)
    return add_source(report, [parse_source_root(s) for s in source_roots], given_dirs=given_dirs)


def run(
    src: str | Path,
    *args: str,
    profile: Profile = "debug",
    timeout: float = 60,
    frame: int = 17,
    depth: int = 100,
    values: int = 8,
    ancestors: int = 0,
    via: Via = "live",
    dlv: str | None = None,
    backend: Backend = "rpc",
    unwind_check: Literal["none", "crash", "all"] = "none",
    save_core: str | Path | None = None,
    source_root: Sequence[str] = (),
    race: Race = "off",
) -> Report:
    """Build the Go main package in `src`, run it with `args` under dlv, and return its report
    (`dlvauto run SRC -- ARGS`)."""
    from dlvauto.commands import checks as opt
    from dlvauto.gobuild.program import PROFILES, build

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    if via not in ("live", "core"):
        raise UserError(f"unknown --via {via!r}: use one of live, core")
    seconds, n, stack_depth, n_values = _run_numbers(timeout, frame, depth, values)
    n_ancestors = _whole(ancestors, "--ancestors", 0)
    unwind = opt.unwind_mode(unwind_check)
    if via == "core" and (unwind != "none" or n_ancestors):
        raise UserError("--unwind-check and --ancestors need dlv's live process: use --via live or drop them")
    opt.check_backend(
        backend, None, unwind_check=unwind != "none", via=via != "live", save_core=save_core is not None
    )
    saved = Path(save_core) if save_core is not None else None
    if saved is not None:
        from dlvauto.sources.savedcore import check_free

        check_free(saved)
    race_flags, env = _race(race)
    built = build(src, profile, extra_flags=race_flags)
    if via == "core":
        from dlvauto.sources.viacore import run_via_core

        snap = run_via_core(
            built.binary, list(args), facts=built.facts, timeout=seconds, depth=stack_depth, dlv=dlv,
            save_core=saved, env=env,
        )  # fmt: skip
    else:
        from dlvauto.sources.live import run_live

        snap = run_live(
            built.binary, list(args), facts=built.facts, timeout=seconds, depth=stack_depth, dlv=dlv,
            backend=backend, unwind=unwind, ancestors=n_ancestors, save_core=saved, values=n_values,
            frame_n=n, env=env,
        )  # fmt: skip
    return _finished(snap, n, source_root)


def test(
    package: str | Path = ".",
    *testflags: str,
    run: str | None = None,
    profile: Profile = "debug",
    timeout: float = 60,
    frame: int = 17,
    depth: int = 100,
    values: int = 8,
    dlv: str | None = None,
    backend: Backend = "rpc",
    source_root: Sequence[str] = (),
    race: Race = "off",
) -> list[Report]:
    """Build the test binary of `package` (a folder, an import path or a pattern such as `./...`),
    run its tests under dlv and return one report per package (`dlvauto test PKG -run RE -- FLAGS`)."""
    from dlvauto.gobuild.program import PROFILES, build_test
    from dlvauto.gobuild.targets import test_packages
    from dlvauto.sources.live import run_live

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    seconds, n, stack_depth, n_values = _run_numbers(timeout, frame, depth, values)
    race_flags, env = _race(race)
    args = ["-test.v=true", *([f"-test.run={run}"] if run is not None else []), *testflags]
    reports = []
    for pkg in test_packages(str(package)):
        built = build_test(pkg.dir, profile, extra_flags=race_flags)
        snap = run_live(
            built.binary, args, facts=built.facts, timeout=seconds, depth=stack_depth, dlv=dlv,
            backend=backend, values=n_values, frame_n=n, cwd=pkg.dir, env=env,
        )  # fmt: skip
        reports.append(_finished(snap, n, source_root))
    return reports


def exec(
    binary: str | Path,
    *args: str,
    timeout: float = 60,
    frame: int = 17,
    depth: int = 100,
    values: int = 8,
    dlv: str | None = None,
    backend: Backend = "rpc",
    source_root: Sequence[str] = (),
    race: Race = "off",
) -> Report:
    """Run a prebuilt Go binary with `args` under dlv and return its report (`dlvauto exec BINARY`)."""
    from dlvauto.gofacts.binary import build_facts, read_binary, require_debug_info, require_race_build
    from dlvauto.sources.live import run_live

    seconds, n, stack_depth, n_values = _run_numbers(timeout, frame, depth, values)
    _, env = _race(race)
    facts_of = read_binary(binary)
    require_debug_info(facts_of)
    if race != "off":
        require_race_build(facts_of, str(binary))
    snap = run_live(
        Path(binary), list(args), facts=build_facts(facts_of), timeout=seconds, depth=stack_depth, dlv=dlv,
        backend=backend, values=n_values, frame_n=n, env=env,
    )  # fmt: skip
    return _finished(snap, n, source_root)


def parse(
    text_or_path: str | Path,
    *,
    every: bool = False,
    frame: int = 17,
    module_path: str | None = None,
    module_dir: str | None = None,
    goroot: str | None = None,
    source_root: Sequence[str] = (),
) -> list[Report]:
    """The reports of a Go traceback (`dlvauto parse`): `text_or_path` is the crash text itself,
    or a `Path` (or the name of an existing file) to read it from (gzip too). The last crash only,
    or every one with `every=True`; a list either way."""
    from dlvauto.snapshot import BuildFacts
    from dlvauto.sources.text import iter_lines, parse_lines, read_trace

    n = _whole(frame, "--frame", 0)
    given = BuildFacts(module_path=module_path, module_dir=module_dir, goroot=goroot)
    is_path = isinstance(text_or_path, Path) or (
        "\n" not in text_or_path and len(text_or_path) < 4096 and Path(text_or_path).is_file()
    )
    if is_path:
        snaps = read_trace(str(text_or_path), given=given, every=every)
    else:
        snaps = parse_lines(iter_lines(io.StringIO(str(text_or_path))), "<text>", given, every)
    if not every:
        snaps = snaps[-1:]
    given_dirs = [module_dir] if module_dir is not None else []
    return [_finished(s, n, source_root, given_dirs) for s in snaps]


def core(
    binary: str | Path,
    core_file: str | Path | None = None,
    *,
    frame: int = 17,
    depth: int = 100,
    dlv: str | None = None,
    backend: Backend = "rpc",
    source_root: Sequence[str] = (),
) -> Report:
    """The report of a core dump (`dlvauto core BINARY CORE`); `core_file` None reads the folder
    `run(..., save_core=...)` wrote."""
    from dlvauto.commands import checks as opt
    from dlvauto.sources.core import capture
    from dlvauto.sources.corestart import start_core

    n = _whole(frame, "--frame", 0)
    stack_depth = _whole(depth, "--depth", 1)
    opt.check_backend(backend, None)
    if core_file is None:
        if not Path(binary).is_dir():
            raise UserError("missing CORE: give BINARY CORE, or the folder `dlvauto run --save-core` wrote")
        from dlvauto.sources.savedcore import locate

        bin_path, core_path = locate(str(binary))
    else:
        bin_path, core_path = Path(binary), Path(core_file)
    started = start_core(bin_path, core_path, dlv, backend=backend)
    snap = capture(started, depth=stack_depth)
    return _finished(snap, n, source_root)


def attach(
    pid: int,
    *,
    frame: int = 17,
    depth: int = 100,
    dlv: str | None = None,
    backend: Backend = "rpc",
    source_root: Sequence[str] = (),
) -> Report:
    """Halt the running Go program `pid`, capture every goroutine, detach and leave it running
    (`dlvauto attach PID`)."""
    from dlvauto.commands import checks as opt
    from dlvauto.sources.attach import attach as attach_pid

    number = _whole(pid, "PID", 1)
    n = _whole(frame, "--frame", 0)
    stack_depth = _whole(depth, "--depth", 1)
    opt.check_backend(backend, None)
    snap = attach_pid(number, backend=backend, depth=stack_depth, dlv=dlv)
    return _finished(snap, n, source_root)
