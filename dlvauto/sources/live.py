"""Live source: run a built program under dlv until it crashes, exits or times out, whichever backend.

The program's stdout and stderr go to files (dlv's `-r` redirects), so output of any size is kept
whole and cannot stall the program. After the stacks are read the program is let go for a moment so
the runtime writes its own crash text (the same words a log would hold), then dlv and the target are
ended, whatever happened.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Literal

from dlvauto.debugger import (
    COMMAND_TIMEOUT,
    DEFAULT_DEPTH,
    Debugger,
    Launch,
    PartialCollection,
    Unsupported,
)
from dlvauto.errors import DebuggerError
from dlvauto.gofacts.runtime import SIGNAL_TRAMPOLINES
from dlvauto.gofacts.tracetext import SIGNAL_NAMES
from dlvauto.landmarks import DEFAULT_FRAME_N
from dlvauto.records import record
from dlvauto.snapshot import (
    MAIN_GOROUTINE,
    Ancestor,
    BuildFacts,
    FPChain,
    FrameValues,
    RawFrame,
    RawGoroutine,
    RecoveredStack,
    Snapshot,
    StopEvent,
)
from dlvauto.sources import backends, savedcore
from dlvauto.sources.output import add_crash_text, captured
from dlvauto.sources.races import races_in
from dlvauto.sources.unwind import read_fp_chains
from dlvauto.sources.values import read_crash_values
from dlvauto.system import proc
from dlvauto.system.progress import NullProgress, Progress

FINISH_SECONDS = 5.0  # how long the runtime gets to write its crash text after capture
# What dlv reads, in the stopped goroutine's scope, to say what happened.
_MESSAGE_EXPR = {"panic": "runtime.curg._panic.arg", "fatal": "s", "signal": "sig"}


def run_live(
    binary: str | Path,
    args: Sequence[str] = (),
    *,
    backend: str = backends.DEFAULT_BACKEND,
    facts: BuildFacts | None = None,
    timeout: float = 60.0,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    stdin: Path | None = None,
    progress: Progress | None = None,
    command_timeout: float = COMMAND_TIMEOUT,
    unwind: Literal["none", "crash", "all"] = "none",
    ancestors: int = 0,
    save_core: Path | None = None,
    values: int = 8,
    frame_n: int = DEFAULT_FRAME_N,
    transcript: str | Path | None = None,
) -> Snapshot:
    """Run `binary` under dlv and return what it looked like when it stopped.

    `unwind` reads the frame-pointer chain of the crash goroutine (or of all) for the cross-check;
    `ancestors` > 0 runs the target with GODEBUG=tracebackancestors=N and reads the crash
    goroutine's creators. `save_core` names a folder where dlv writes a core of the program as it
    stopped, beside a copy of the binary (savedcore.py), for `dlvauto core` to reopen later.
    `values` is how many user frames' arguments and locals are read (with frame N's).
    """
    progress = progress or NullProgress()
    options = backends.options(dlv, command_timeout, transcript)
    binary = Path(binary).resolve()
    saved_dir = savedcore.prepare(save_core) if save_core is not None else None
    if facts is None:  # a binary someone built: what it says of itself (module, folder, GOROOT)
        from dlvauto.gofacts.binary import build_facts, read_binary

        facts = build_facts(read_binary(binary))
    program = Launch.of(binary, args, env, ancestors, cwd, stdin)
    with backends.get(backend).launch(program, options, progress) as dbg:
        progress.stage(f"running {binary.name} (timeout {timeout:g}s)")
        got = _Collected()
        stop = _run(dbg, timeout, got)
        stopped = got.incomplete is None  # else dlv is gone or we were told to stop: keep what is here
        if stopped and stop.reason != "exited":
            want = _Wanted(depth, unwind, ancestors, values, frame_n, facts, saved_dir, binary)
            try:
                _collect(dbg, stop, got, want, progress)
            except PartialCollection as exc:
                got.goroutines, got.incomplete = exc.goroutines, str(exc)
            except DebuggerError as exc:
                got.incomplete = str(exc)
        elif stopped and saved_dir is not None:
            got.notes.append("--save-core: nothing to save, the program exited by itself")
        if got.incomplete is None:
            with contextlib.suppress(DebuggerError):
                dbg.detach(kill=True)
        if got.interrupted is None:  # else no waiting for dlv to wind down: the block's end stops it
            dbg.close()
        output = captured(dbg.output.stdout, dbg.output.stderr)
    add_crash_text(stop, output.stderr)
    return Snapshot(
        recovered=recovered_in(output.stderr),
        races=races_in(output.stderr),
        mode="live",
        build=facts,
        dlv_version=dbg.dlv_version,
        stop=stop,
        goroutines=got.goroutines,
        incomplete=got.incomplete,
        output=output,
        depth=depth,
        fp_chains=got.fp_chains,
        ancestors=got.ancestors,
        values=got.values,
        core=got.core,
        notes=got.notes,
        errors=got.errors,
        interrupted=got.interrupted,
    )


def _run(dbg: Debugger, timeout: float, got: _Collected) -> StopEvent:
    """Let the program run to its stop; when dlv dies or a signal comes first, `got` says so.

    Ctrl-C or SIGTERM during a long hang, or a target that kills its own dlv, used to throw away
    everything captured. Now the stop is what is known (the program had not stopped by itself),
    `got.incomplete` says why nothing more was read, and the caller still reads the program's
    output and writes the partial report; a signal is raised again after that (exit 130/143).
    """
    started = time.monotonic()
    try:
        try:
            return dbg.run(timeout)
        except DebuggerError as exc:
            first = exc
        # dlv 1.27 sometimes fails a continue with "no such process" when a thread of the target
        # ends as it stops (seen with parallel tests): the process is still there, and continuing
        # again reaches the stop (or the exit) the program was heading for. A dlv that is gone
        # fails the second continue at once.
        try:
            stop = dbg.run(timeout)
        except DebuggerError:
            ran = time.monotonic() - started
            got.incomplete = (
                f"dlv ended while the program ran ({ran:.1f}s in; {first}): its goroutines could not "
                "be read; the program's output up to then is kept"
            )
            return StopEvent(reason="unknown")
        got.notes.append(f"dlv's continue failed ({first}); continued again")
        return stop
    except (KeyboardInterrupt, proc.Terminated) as exc:
        name = "SIGINT" if isinstance(exc, KeyboardInterrupt) else signal.Signals(exc.signum).name
        ran = time.monotonic() - started
        got.interrupted = name
        got.incomplete = (
            f"{name} arrived while the program ran ({ran:.1f}s of its {timeout:g}s timeout): dlvauto "
            "stopped before reading its goroutines; the program's output up to then is kept"
        )
        return StopEvent(reason="halted")


@record
class _Wanted:
    """What the caller asked to read after the stop."""

    depth: int
    unwind: Literal["none", "crash", "all"]
    ancestors: int
    values: int
    frame_n: int
    facts: BuildFacts
    saved_dir: Path | None
    binary: Path


@record
class _Collected:
    """What was read after the stop; `incomplete` says why the rest is missing, if it is."""

    goroutines: list[RawGoroutine] = field(default_factory=list)
    fp_chains: dict[int, FPChain] = field(default_factory=dict)
    ancestors: dict[int, list[Ancestor]] = field(default_factory=dict)
    values: dict[int, dict[int, FrameValues]] = field(default_factory=dict)
    incomplete: str | None = None
    core: str | None = None  # the core saved at the stop (--save-core)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what was asked for and could not be done
    interrupted: str | None = None  # the signal (SIGINT, SIGTERM) that ended the run early


def _collect(dbg: Debugger, stop: StopEvent, got: _Collected, want: _Wanted, progress: Progress) -> None:
    """Read everything the report needs from the stopped program, filling `got` as it goes."""
    got.goroutines = dbg.goroutines(want.depth, progress)
    if stop.goroutine_id is None:
        stop.goroutine_id = dbg.current_goroutine()  # after a halt: the current thread's goroutine
    read_message(dbg, stop)
    read_whole(dbg, got.goroutines, stop, want.depth, got.notes)
    crash_g = next((g for g in got.goroutines if g.id == (stop.goroutine_id or MAIN_GOROUTINE)), None)
    if crash_g is not None:
        name_unknown_frames(dbg, crash_g.frames, want.binary)
    if stop.goroutine_id is None:
        stop.thread_frames = dbg.thread_stack(want.depth)
    candidates = sorted({stop.goroutine_id or MAIN_GOROUTINE, MAIN_GOROUTINE})
    if want.unwind != "none":
        progress.stage("walking frame pointers")
        ids = [g.id for g in got.goroutines] if want.unwind == "all" else candidates
        got.fp_chains = read_fp_chains(dbg, ids)
    if want.ancestors > 0:
        got.ancestors = dbg.ancestors(candidates, want.ancestors, want.depth)
    if want.values > 0:
        progress.stage("reading values at the crash")
        got.values = read_crash_values(dbg, stop, got.goroutines, want.facts, want.values, want.frame_n)
    if want.saved_dir is not None:
        progress.stage("writing a core of the stopped program")
        try:
            got.core = str(_save_core(dbg, want.saved_dir, want.binary, stop))
        except DebuggerError as exc:
            got.notes.append(f"no core was saved: {exc}")
            got.errors.append(f"no core was saved: {exc}")
    if stop.reason != "halted":
        progress.stage("letting the runtime report the crash")
        stop.exit_status = finish(dbg)


WHOLE_DEPTH = 10_000  # "whole": deeper than any stack a Go program has short of a runaway recursion
MAX_RECOUNTED = 200  # other goroutines cut at --depth whose frames left out are counted


def read_whole(
    dbg: Debugger, goroutines: list[RawGoroutine], stop: StopEvent, depth: int, notes: list[str]
) -> None:
    """The crash goroutine's stack whole, and how many frames --depth left out of the others.

    dlv returns at most depth+1 frames; a stack that filled them was cut. The crash goroutine's
    is read again without a limit, since where the crash came from is the point of the report
    (main.main at frame 150 must not go missing). A cut one of the others is read again only to
    count what was left out (up to MAX_RECOUNTED of them; beyond, the count stays unknown).
    """
    crash_id = stop.goroutine_id or MAIN_GOROUTINE
    if "stack overflow" in (stop.debugger_message or ""):
        return  # a runaway recursion: its stack is millions of frames deep, the cut one says it all
    recounted = 0
    for g in goroutines:
        if len(g.frames) <= depth:
            continue
        if g.id != crash_id and recounted >= MAX_RECOUNTED:
            continue
        try:
            whole = dbg.stack(g.id, WHOLE_DEPTH)
        except DebuggerError as exc:
            notes.append(f"goroutine {g.id}: its stack could not be read past {depth} frames ({exc})")
            continue
        if g.id == crash_id and len(whole) > WHOLE_DEPTH:
            notes.append(
                f"goroutine {g.id}'s stack is deeper than {WHOLE_DEPTH} frames: the first {depth} are shown"
            )
        elif g.id == crash_id:
            g.frames = whole
        else:
            recounted += 1
            g.frames_omitted = max(0, len(whole) - len(g.frames))


def name_unknown_frames(dbg: Debugger, frames: list[RawFrame], binary: Path | None = None) -> None:
    """Name frames dlv left as `???` by the instruction before their return address.

    A C function that calls one that never returns (`abort()`) ends with that call: its return
    address is past its last byte, inside whatever the linker put next, or nowhere. A debugger
    looks up pc-1 for every frame but the innermost (and those right above a signal trampoline,
    whose pc is where the signal hit); dlv's stack does not for C frames.
    """
    wanted = [
        i for i, f in enumerate(frames)
        if i > 0 and f.function is None and f.pc > 0 and frames[i - 1].function not in SIGNAL_TRAMPOLINES
    ]  # fmt: skip
    if not wanted:
        return
    try:
        found = dbg.locations([frames[i].pc - 1 for i in wanted])
    except (DebuggerError, Unsupported):
        found = []
    for k, i in enumerate(wanted):
        loc = found[k] if k < len(found) else None
        if loc is not None and loc.function:
            function, file, line = loc.function, loc.file, loc.line
        elif binary is not None:  # e.g. the cold part of a C function (`f.cold`): no DWARF function
            from dlvauto.gofacts.ccode import locate

            c = locate(binary, frames[i].pc - 1)
            if c is None:
                continue
            function, file, line = c.function, c.file, c.line
        else:
            continue
        frames[i] = replace(frames[i], function=function, file=file, line=line)


def recovered_in(stderr: str) -> list[RecoveredStack]:
    """The panics the program survived, as it (or net/http) printed their stacks on stderr."""
    if "goroutine " not in stderr or (
        "http: panic serving" not in stderr and "runtime/debug.Stack" not in stderr
    ):
        return []
    from dlvauto.sources.text import parse_text

    return [r for snap in parse_text(stderr, every=True) for r in snap.recovered]


def read_message(dbg: Debugger, stop: StopEvent) -> None:
    """Fill `stop.debugger_message` from the panic value, the throw's argument or the signal."""
    expr = _MESSAGE_EXPR.get(stop.reason)
    if expr is None:
        return
    text = dbg.eval_text(expr)
    if text is None:
        return
    if stop.reason == "signal":
        if text.isdigit():
            number = int(text)
            stop.debugger_message = SIGNAL_NAMES.get(number, f"signal {number}")
            stop.signal = stop.debugger_message.split(":")[0]
        return
    stop.debugger_message = text


def _save_core(dbg: Debugger, folder: Path, binary: Path, stop: StopEvent) -> Path:
    """Have dlv write a core of the stopped program into `folder`, beside a copy of the binary."""
    target = folder / savedcore.CORE_NAME
    dbg.save_core(target)
    saved = savedcore.SavedStop(
        binary=binary.name, written_by="delve", reason=stop.reason, goroutine_id=stop.goroutine_id
    )
    savedcore.finish(folder, binary, saved)
    return folder / saved.core


def finish(dbg: Debugger) -> int | None:
    """Let the crashed program run to its end so the runtime prints its crash text; its exit status.

    Other goroutines may hit the same throw on the way (several writers of one map), so continue
    until the process exits or the time runs out.
    """
    deadline = time.monotonic() + FINISH_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            stop = dbg.run(left)
        except DebuggerError:
            return None
        if stop.reason == "exited":
            return stop.exit_status
        if stop.reason == "halted":
            return None
    return None
