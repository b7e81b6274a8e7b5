"""Live source: run a built program under dlv until it crashes, exits or times out, whichever backend.

The program's stdout and stderr go to files (dlv's `-r` redirects), so output of any size is kept
whole and cannot stall the program. After the stacks are read the program is let go for a moment so
the runtime writes its own crash text (the same words a log would hold), then dlv and the target are
ended, whatever happened.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dlvauto.debugger import (
    COMMAND_TIMEOUT,
    DEFAULT_DEPTH,
    Debugger,
    Launch,
    Options,
    PartialCollection,
    with_ancestors,
)
from dlvauto.errors import DebuggerError
from dlvauto.gofacts.tracetext import SIGNAL_NAMES
from dlvauto.landmarks import DEFAULT_FRAME_N
from dlvauto.snapshot import (
    MAIN_GOROUTINE,
    Ancestor,
    BuildFacts,
    FPChain,
    FrameValues,
    RawGoroutine,
    Snapshot,
    StopEvent,
)
from dlvauto.sources import backends, savedcore
from dlvauto.sources.output import add_crash_text, captured
from dlvauto.sources.unwind import read_fp_chains
from dlvauto.sources.values import read_crash_values
from dlvauto.system.dlv import find_dlv
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
    options = Options(find_dlv(dlv), command_timeout, Path(transcript) if transcript is not None else None)
    binary = Path(binary).resolve()
    saved_dir = savedcore.prepare(save_core) if save_core is not None else None
    facts = facts or BuildFacts(binary=str(binary))
    program = Launch(
        binary, list(args), with_ancestors(env, ancestors), Path(cwd) if cwd is not None else None
    )
    with backends.get(backend).launch(program, options, progress) as dbg:
        progress.stage(f"running {binary.name} (timeout {timeout:g}s)")
        stop = dbg.run(timeout)
        got = _Collected()
        if stop.reason != "exited":
            want = _Wanted(depth, unwind, ancestors, values, frame_n, facts, saved_dir, binary)
            try:
                _collect(dbg, stop, got, want, progress)
            except PartialCollection as exc:
                got.goroutines, got.incomplete = exc.goroutines, str(exc)
            except DebuggerError as exc:
                got.incomplete = str(exc)
        elif saved_dir is not None:
            got.notes.append("--save-core: nothing to save, the program exited by itself")
        if got.incomplete is None:
            with contextlib.suppress(DebuggerError):
                dbg.detach(kill=True)
        dbg.close()
        output = captured(dbg.output.stdout, dbg.output.stderr)
    add_crash_text(stop, output.stderr)
    return Snapshot(
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
    )


@dataclass
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


@dataclass
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


def _collect(dbg: Debugger, stop: StopEvent, got: _Collected, want: _Wanted, progress: Progress) -> None:
    """Read everything the report needs from the stopped program, filling `got` as it goes."""
    got.goroutines = dbg.goroutines(want.depth, progress)
    if stop.goroutine_id is None:
        stop.goroutine_id = dbg.current_goroutine()  # after a halt: the current thread's goroutine
    read_message(dbg, stop)
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
