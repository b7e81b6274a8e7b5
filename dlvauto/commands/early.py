"""Getting a `dlvauto run` going before the command line is parsed: the build and dlv start early.

Python's start and the imports of the command line take longer than dlv takes to load a small
program, and done one after the other they add up. So before anything heavy is imported, the
command line's words are read here, lightly: when they are a `run` this module understands to the
last word, a thread checks the build cache (building when it must) and starts the headless dlv the
run will need, while the main thread goes on importing and parsing as usual. The run then takes
what was prepared, if it is exactly what it would have made itself (`early_build`, and the RPC
backend's `claim`); anything else is ended unused. Nothing the program does depends on it: `dlv
exec` holds the program at its entry until it is continued, so an unclaimed one never ran.

Only light modules are imported here; a command line this module does not fully understand
(another command, an option it does not know, another backend) gets no early start at all.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from dlvauto.commands.words import REPEATABLE, outputs_of
from dlvauto.commands.words import VALUED as _VALUED
from dlvauto.commands.words import words as _words
from dlvauto.records import record

if TYPE_CHECKING:
    from dlvauto.commands.quickstart import Started
    from dlvauto.gobuild.ahead import AheadBuild
    from dlvauto.gobuild.program import BuildResult
    from dlvauto.rpc.server import EarlyStart, GuessedStart

# The parameter of `runjob.run_job` each option of `run` sets (the command line's fast path).
_PARAMETERS = {
    "--profile": "profile", "--timeout": "timeout", "--frame": "frame", "--depth": "depth",
    "--json": "json_path", "--dlv": "dlv", "--ancestors": "ancestors", "--values": "values",
    "--via": "via", "--save-core": "save_core", "--format": "fmt", "--out": "out",
    "--backend": "backend", "--unwind-check": "unwind_check", "--timings": "timings",
    "--fail-on-crash": "fail_on_crash", "--quiet": "quiet", "-q": "quiet", "-o": "out",
}  # fmt: skip

# `test`'s options: the same reading, and nothing of `test`'s own that changes the build, the
# program's surroundings or dlv's start (--wd, --env, --tags, --race, ...) is understood here.
_TEST_VALUED = {
    "--run", "-run", "--profile", "--timeout", "--frame", "--depth", "--json", "--dlv", "--values",
    "--format", "--out", "-o", "--source-root", "--backend",
}  # fmt: skip


@record(frozen=True)
class Plan:
    """What a `run` command line asks of the build and of dlv, and every option it gave."""

    src: str
    profile: str = "debug"
    dlv: str | None = None
    ancestors: int = 0
    args: tuple[str, ...] = ()
    job: dict[str, object] = field(default_factory=dict, compare=False)  # run_job's keywords
    command: str = "run"  # or "test": `src` is then the package, `args` the test binary's flags
    outputs: tuple[str, ...] = ()  # what the run writes (words.outputs_of): no input of its build


def plan_of(argv: list[str]) -> Plan | None:
    """The run (or test) `argv` asks for, or None unless every word of it is understood."""
    if not argv or argv[0] not in ("run", "test"):
        return None
    if argv[0] == "test":
        return _test_plan(argv)
    words = _words(argv, _VALUED)
    if words is None:
        return None
    values, repeated, flags, positional, args = words
    if (
        len(positional) != 1
        or values.get("--backend", "rpc") != "rpc"
        or values.get("--via", "live") != "live"
    ):
        return None
    profile = values.get("--profile", "debug")
    ancestors = values.get("--ancestors", "0")
    if profile not in ("debug", "optimized") or not ancestors.isdigit():
        return None
    job: dict[str, object] = {_PARAMETERS[k]: v for k, v in values.items()}
    job.update({REPEATABLE[k]: v for k, v in repeated.items()})
    job.update({_PARAMETERS[k]: True for k in flags})
    job.update(src_dir=positional[0], args=list(args) or None)
    outputs = tuple(outputs_of(values))
    return Plan(positional[0], profile, values.get("--dlv"), int(ancestors), args, job, outputs=outputs)


def _test_plan(argv: list[str]) -> Plan | None:
    """`dlvauto test [PKG] ...`: the test binary's flags as commands/tests.py gives them."""
    words = _words(argv, _TEST_VALUED)
    if words is None:
        return None
    values, _, _, positional, testflags = words
    profile = values.get("--profile", "debug")
    if len(positional) > 1 or values.get("--backend", "rpc") != "rpc":
        return None
    if profile not in ("debug", "optimized"):
        return None
    package = positional[0] if positional else "."
    if "..." in package:
        return None  # a pattern: several binaries, built in turn
    regex = values.get("--run", values.get("-run"))
    args = test_binary_args(regex, list(testflags))
    return Plan(package, profile, values.get("--dlv"), 0, tuple(args), command="test")


def test_binary_args(regex: str | None, testflags: list[str]) -> list[str]:
    """The test binary's flags for `dlvauto test`: -test.v (so each message names its test), the
    -run pattern, then the user's own."""
    return ["-test.v=true", *([f"-test.run={regex}"] if regex is not None else []), *testflags]


def direct_run(argv: list[str]) -> dict[str, object] | None:
    """`runjob.run_job`'s keywords for the run `argv` asks for, when every word of it is understood
    here; None sends the command line through typer as usual (help, errors of usage, the rest)."""
    plan = plan_of(argv)
    return dict(plan.job) if plan is not None and plan.command == "run" else None


@record
class _Early:
    plan: Plan
    built: BuildResult | None = None
    built_in: str | None = None  # the folder built (a test's package folder, found by go list)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    pending: EarlyStart | None = None  # rpc.server's handle: a claim waits on it
    guess: str = "none"  # the dlv started on the last build's binary: "none", "taken", "refused"
    handed: threading.Event = field(default_factory=threading.Event)  # its first child runs (or none will)


_started: _Early | None = None


def begin(argv: list[str]) -> None:
    """Start the build check and dlv for the run `argv` asks for, if it is one understood here."""
    global _started
    plan = plan_of(argv)
    if plan is None:
        from dlvauto.commands import quickstart

        quickstart.discard()  # started for a command line this module does not take
        return
    from dlvauto.rpc.server import expect_early

    _started = _Early(plan, pending=expect_early())
    threading.Thread(target=_prepare, args=(_started,), name="dlvauto-early", daemon=True).start()


# How long the main thread lets the early start have the interpreter to itself, at most: until its
# first child (dlv on a guess, go env or go build) runs. Before that the two threads only take turns
# (the GIL), and every millisecond the start loses is one the whole run waits for dlv; after it the
# main thread's imports overlap the child's work. Measured on nil_map_write: 6-15 ms off the run.
HAND_OFF_SECONDS = 0.05


def hand_off() -> None:
    """Wait (briefly) for the early start to have its first child running, if one is under way."""
    if _started is not None:
        _started.handed.wait(HAND_OFF_SECONDS)


def _prepare(early: _Early) -> None:
    from dlvauto.system import proc

    try:
        with proc.when_spawned(early.handed.set):
            _prepare_on_this_thread(early)
    finally:
        early.handed.set()


def _prepare_on_this_thread(early: _Early) -> None:
    """The build check, and dlv started on what it gives (this thread then stays: see the end).

    When the same command line (same folder, profile and working folder) built a binary before, dlv
    is started on that binary at once, on this thread, while another thread checks the build: the
    check takes longer than Python takes to get here, and dlv's load is the longest wait of a small
    run. The guess is kept only if the check finds that very binary in the cache, intact; else it is
    ended (its target never ran: `dlv exec` holds it at its entry) and dlv is started on the
    binary the check gave.
    """
    from dlvauto.commands import quickstart
    from dlvauto.rpc.server import no_early, start_early

    assert early.pending is not None
    plan = early.plan
    entry = _memo(plan)
    quick = quickstart.take()  # dlv the command line's first step started on the same memo, if any
    # Or the build it began: it found no memo, or one whose stamp says the module changed since.
    building = quickstart.take_build()
    remembered = entry[:2] if entry is not None and building is None else None
    guessed = None
    if remembered is not None:
        checking = threading.Thread(target=_check, args=(early,), name="dlvauto-early-check", daemon=True)
        check_started = False
        if quick is not None and _is_the_guess(quick, plan, *remembered):
            early.handed.set()  # its child runs already
            checking.start()
            check_started = True
            guessed = _adopt(quick)
        else:
            quickstart.discard(quick)
        if guessed is None:
            # The check starts once the guessed dlv's process exists (or its start failed): before
            # that, the check's imports would only take turns with the start for the interpreter.
            with _once_spawned(_nothing if check_started else checking.start):
                guessed = _start_guess(plan, *remembered)
        early.done.wait()
    else:
        quickstart.discard(quick)
        _check(early, ahead=building)
    if early.built is None:  # the check failed: the run meets its error itself
        _end(guessed)
        no_early(early.pending)
        return
    try:
        dlv, command, env, cwd = _dlv_start(plan, str(early.built.binary), early.built_in)
        take = (
            guessed is not None
            and early.built.cached
            and remembered == (str(early.built.binary), early.built_in)
        )
        early.guess = "none" if guessed is None else "taken" if take else "refused"
        if not take:
            _end(guessed)
            guessed = None
        start_early(early.pending, dlv, command, redirect_output=True, env=env, cwd=cwd, started=guessed)
    except BaseException:
        no_early(early.pending)
        return
    from dlvauto.commands import memo

    # The module's stamp as the quick start took it (before this build's check), else taken now.
    stamp = building.stamp if building is not None else quick.stamp if quick is not None else None
    if stamp is None:
        stamp = memo.stamp_of(plan.src, plan.outputs) if plan.command == "run" else ""
    if entry != (str(early.built.binary), early.built_in, stamp):
        _remember(plan, str(early.built.binary), early.built_in, stamp)
    # dlv ends with the thread that started it (its parent-death signal, system/proc.py): this
    # thread stays until the process ends, which then ends dlv even after a SIGKILL.
    threading.Event().wait()


@contextlib.contextmanager
def _once_spawned(then: Callable[[], None]) -> Iterator[None]:
    """Call `then` once in the block: as soon as this thread's first child runs, else at its end.
    The callback the block replaces (`_prepare`'s, telling the main thread) is called as well."""
    from dlvauto.system import proc

    before = proc.spawn_callback()
    called: list[bool] = []

    def first() -> None:
        if before is not None:
            before()
        if not called:
            called.append(True)
            then()

    try:
        with proc.when_spawned(first):
            yield
    finally:
        if not called:
            called.append(True)
            then()


def _check(early: _Early, ahead: AheadBuild | None = None) -> None:
    """The build check (building when it must) for the plan: `early.built`, or `early.error`.
    `ahead`: the build the quick start began, which the build cache takes or ends."""
    plan = early.plan
    try:
        if plan.command == "test":
            from dlvauto.gobuild.program import build_test
            from dlvauto.gobuild.targets import test_packages

            packages = test_packages(plan.src)
            if len(packages) != 1:
                raise LookupError("not one package")  # the command says why, in its own words
            early.built_in = str(packages[0].dir)
            early.built = build_test(packages[0].dir, plan.profile)
        else:
            from dlvauto.gobuild.program import build

            early.built_in = plan.src
            early.built = build(plan.src, plan.profile, ahead=ahead, outputs=plan.outputs)
    except BaseException as exc:  # handed to the main thread by early_build()
        early.error = exc
    finally:
        early.done.set()


def _dlv_start(
    plan: Plan, binary: str, built_in: str | None
) -> tuple[str, list[str], dict[str, str] | None, Path | None]:
    """The dlv, its command, environment and folder for the plan's program built as `binary`."""
    from dlvauto.debugger import Launch, with_ancestors
    from dlvauto.system.dlv import find_dlv

    test = plan.command == "test"
    cwd = Path(built_in) if test and built_in is not None else None  # a test runs in its package's folder
    program = Launch(Path(binary).resolve(), list(plan.args), cwd=cwd)
    return find_dlv(plan.dlv), program.dlv_command(), with_ancestors(None, plan.ancestors), cwd


def _is_the_guess(quick: Started, plan: Plan, binary: str, built_in: str | None) -> bool:
    """Whether the quick start's dlv is exactly the one `_start_guess` would start for the plan."""
    if plan.dlv is not None:
        return False
    try:
        dlv, command, env, cwd = _dlv_start(plan, binary, built_in)
    except Exception:
        return False
    return (dlv, command, env, cwd) == (quick.dlv, quick.command, None, None)


def _nothing() -> None:
    pass


def _adopt(quick: Started) -> GuessedStart | None:
    """The quick start's dlv as the guess, once it listens; None (and it ended) when it failed."""
    from dlvauto.rpc.server import adopt_started

    try:
        return adopt_started(quick.dlv, quick.command, quick.pid, quick.argv, quick.folder, quick.listen)
    except Exception:
        return None  # ended by the adoption; the guess is started again the usual way


def _start_guess(plan: Plan, binary: str, built_in: str | None) -> GuessedStart | None:
    """dlv started on the binary the same command line was last given, or None when it fails."""
    from dlvauto.rpc.server import start_guess

    if plan.dlv is not None:
        return None  # a dlv named on the command line is checked first (it runs `dlv version`)
    try:
        dlv, command, env, cwd = _dlv_start(plan, binary, built_in)
        return start_guess(dlv, command, redirect_output=True, env=env, cwd=cwd)
    except Exception:
        return None  # the check's own start meets and reports whatever went wrong


def _end(guessed: GuessedStart | None) -> None:
    if guessed is not None:
        guessed[1].stop(grace=0.2)


# ---- the last build of each command line, remembered for the next start --------------------------


def _memo_key(plan: Plan) -> str:
    from dlvauto.commands import memo

    return memo.key(plan.command, plan.src, plan.profile)


def _memo(plan: Plan) -> tuple[str, str | None, str] | None:
    """The binary, the folder built and the module's stamp remembered for the plan, if the
    binary is still in the cache."""
    from dlvauto.commands import memo

    return memo.read(_memo_key(plan))


def _remembered(plan: Plan) -> tuple[str, str | None] | None:
    """The binary (and the folder built) remembered for the plan, if it is still in the cache."""
    entry = _memo(plan)
    return None if entry is None else entry[:2]


def _remember(plan: Plan, binary: str, built_in: str | None, stamp: str) -> None:
    """Remember the binary the check gave the plan, for the next start (errors ignored)."""
    from dlvauto.commands import memo
    from dlvauto.gobuild.cache import cache_root, private_dir
    from dlvauto.system import files

    try:
        key = _memo_key(plan)
        private_dir(private_dir(cache_root(), root=True) / "early")
        files.write_private(Path(memo.path_of(key)), memo.text(key, binary, built_in, stamp))
    except Exception:  # a path that is not UTF-8, a full disk: no guess next time, no harm
        return


def head_start(
    binary: str | Path,
    args: list[str],
    env: dict[str, str] | None,
    ancestors: int,
    cwd: Path | None,
    stdin: Path | None,
) -> bool:
    """Set the program running in the dlv started early for it, if there is one for exactly this
    launch: its run to the crash then overlaps the imports of the rest of the run (rpc/server.py).

    The run calls this once every option has been checked and the build is known, so from here on
    the program does what the run would have had it do; a `--dlv` named on the command line is
    left to the run (finding it runs `dlv version`).
    """
    early = _started
    if early is None or early.plan.command != "run" or early.plan.dlv is not None:
        return False
    from dlvauto.debugger import Launch
    from dlvauto.rpc.server import head_start as start_running
    from dlvauto.system.dlv import find_dlv

    program = Launch.of(binary, args, env, ancestors, cwd, stdin)
    return start_running(
        find_dlv(None), program.dlv_command(), redirect_output=True, env=program.env, cwd=program.cwd
    )


def early_build(src: str, profile: str, command: str = "run") -> BuildResult | None:
    """The build started early for exactly `src` (the folder built) and `profile` (waiting for it
    if it is still going); its error if it failed; None when nothing was started for these."""
    early = _started
    if early is None or (early.plan.command, early.plan.profile) != (command, profile):
        return None
    early.done.wait()
    if early.built_in != src:
        return None  # built for another folder, or it failed before it knew which (go list)
    if early.error is not None:
        from dlvauto.system import proc

        if proc.interrupted:  # Ctrl-C ended the build it was waiting for: say that, not "it failed"
            raise KeyboardInterrupt
        raise early.error
    return early.built
