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

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlvauto.gobuild.program import BuildResult
    from dlvauto.rpc.server import EarlyStart

# The options of `run` and whether each takes a value; those that change what dlv is started
# with are read, the others only recognised.
_VALUED = {
    "--profile", "--timeout", "--frame", "--depth", "--json", "--dlv", "--ancestors", "--values",
    "--via", "--save-core", "--format", "--out", "-o", "--source-root", "--backend", "--unwind-check",
}  # fmt: skip
_FLAGS = {"--timings", "--fail-on-crash", "--quiet", "-q"}  # none changes the build or dlv's start


# The parameter of `runjob.run_job` each option of `run` sets (the command line's fast path).
_PARAMETERS = {
    "--profile": "profile", "--timeout": "timeout", "--frame": "frame", "--depth": "depth",
    "--json": "json_path", "--dlv": "dlv", "--ancestors": "ancestors", "--values": "values",
    "--via": "via", "--save-core": "save_core", "--format": "fmt", "--out": "out",
    "--backend": "backend", "--unwind-check": "unwind_check", "--timings": "timings",
    "--fail-on-crash": "fail_on_crash", "--quiet": "quiet", "-q": "quiet", "-o": "out",
}  # fmt: skip
_REPEATABLE = {"--source-root": "source_root"}


@dataclass(frozen=True)
class Plan:
    """What a `run` command line asks of the build and of dlv, and every option it gave."""

    src: str
    profile: str = "debug"
    dlv: str | None = None
    ancestors: int = 0
    args: tuple[str, ...] = ()
    job: dict[str, object] = field(default_factory=dict, compare=False)  # run_job's keywords


def plan_of(argv: list[str]) -> Plan | None:
    """The run `argv` asks for, or None unless every word of it is understood."""
    if not argv or argv[0] != "run":
        return None
    values: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    flags: set[str] = set()
    positional: list[str] = []
    args: tuple[str, ...] = ()
    i = 1
    while i < len(argv):
        word = argv[i]
        if word == "--":
            args = tuple(argv[i + 1 :])
            break
        name, eq, value = word.partition("=")
        if name in _FLAGS and not eq:
            flags.add(name)
            i += 1
            continue
        if name == "--unwind-check" and not eq and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            values[name] = "crash"  # a bare --unwind-check
            i += 1
            continue
        if name in _VALUED:
            if not eq:
                if i + 1 == len(argv):
                    return None
                value = argv[i + 1]
                i += 1
            if name in _REPEATABLE:
                repeated.setdefault(name, []).append(value)
            else:
                values[name] = value
        elif word.startswith("-"):
            return None
        else:
            positional.append(word)
        i += 1
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
    job.update({_REPEATABLE[k]: v for k, v in repeated.items()})
    job.update({_PARAMETERS[k]: True for k in flags})
    job.update(src_dir=positional[0], args=list(args) or None)
    return Plan(positional[0], profile, values.get("--dlv"), int(ancestors), args, job)


def direct_run(argv: list[str]) -> dict[str, object] | None:
    """`runjob.run_job`'s keywords for the run `argv` asks for, when every word of it is understood
    here; None sends the command line through typer as usual (help, errors of usage, the rest)."""
    plan = plan_of(argv)
    return dict(plan.job) if plan is not None else None


@dataclass
class _Early:
    plan: Plan
    built: BuildResult | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    pending: EarlyStart | None = None  # rpc.server's handle: a claim waits on it


_started: _Early | None = None


def begin(argv: list[str]) -> None:
    """Start the build check and dlv for the run `argv` asks for, if it is one understood here."""
    global _started
    plan = plan_of(argv)
    if plan is None:
        return
    from dlvauto.rpc.server import expect_early

    _started = _Early(plan, pending=expect_early())
    threading.Thread(target=_prepare, args=(_started,), name="dlvauto-early", daemon=True).start()


def _prepare(early: _Early) -> None:
    from dlvauto.rpc.server import no_early, start_early

    assert early.pending is not None
    try:
        from dlvauto.gobuild.program import build

        early.built = build(early.plan.src, early.plan.profile)
    except BaseException as exc:  # handed to the main thread by early_build()
        early.error = exc
        no_early(early.pending)
        return
    finally:
        early.done.set()
    try:
        from pathlib import Path

        from dlvauto.debugger import Launch, with_ancestors
        from dlvauto.system.dlv import find_dlv

        program = Launch(Path(early.built.binary).resolve(), list(early.plan.args))
        start_early(
            early.pending,
            find_dlv(early.plan.dlv),
            program.dlv_command(),
            redirect_output=True,
            env=with_ancestors(None, early.plan.ancestors),
        )
    except BaseException:
        no_early(early.pending)
        return
    # dlv ends with the thread that started it (its parent-death signal, system/proc.py): this
    # thread stays until the process ends, which then ends dlv even after a SIGKILL.
    threading.Event().wait()


def early_build(src: str, profile: str) -> BuildResult | None:
    """The build started early for exactly `src` and `profile` (waiting for it if it is still
    going); its error if it failed; None when nothing was started for these."""
    early = _started
    if early is None or (early.plan.src, early.plan.profile) != (src, profile):
        return None
    early.done.wait()
    if early.error is not None:
        from dlvauto.system import proc

        if proc.interrupted:  # Ctrl-C ended the build it was waiting for: say that, not "it failed"
            raise KeyboardInterrupt
        raise early.error
    return early.built
