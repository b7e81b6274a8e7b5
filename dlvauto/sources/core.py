"""Core source: read a core dump through a headless `dlv core` into a Snapshot.

A core has no breakpoint to say why the program stopped: dlv's current thread is simply the first
thread the core lists, which for a kernel core is the thread that took the fatal signal. At
GOTRACEBACK=crash that signal is the runtime's own SIGABRT, raised after the traceback from the
thread of the crashing goroutine, so that goroutine's stack reads, innermost first,

    runtime.raise, dieFromSignal, sigfwdgo, sigtrampgo, raise, runtime.crash,
    then runtime.fatalpanic, gopanic, ...                 (a panic)
    or   fatalthrow.func1, [systemstack...], fatalthrow, throw/fatal, ...   (a fatal error)
    or   runtime.sighandler, sigtrampgo, <interrupted code>    (a signal: fatalsignal has returned)

and the stop is read off those frames: the innermost of them says panic, fatal or signal. The
message is read in the crash goroutine's scope: the panic value (`runtime.curg._panic.arg`, already
turned into its Error() text by the runtime's preprintpanics), the `s` of the throw/fatal frame
(else the runtime's own record of what it printed, `runtime.printBacklog`), or the `sig` of the
signal handler. A deadlock is found by checkdead on a system stack: no goroutine, the thread's
stack holds runtime.fatal.

A core written by dlv (`--save-core`) lists its threads in map order: the crash goroutine is the
one stopped at the entry of the dying function (where the breakpoint was), and the stop.json
saved beside the core names it outright.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from dlvauto.errors import DebuggerError, RPCError
from dlvauto.gofacts.binary import build_facts
from dlvauto.gofacts.runtime import PANIC_FUNCTIONS, SIGNAL_HANDLER, THROW_FUNCTIONS
from dlvauto.gofacts.tracetext import FATAL_PREFIX, SIGNAL_NAMES
from dlvauto.rpc import DlvClient
from dlvauto.rpc import types as t
from dlvauto.rpc.wire import Connection
from dlvauto.snapshot import BuildFacts, RawFrame, RawGoroutine, Snapshot, StopEvent, StopReason
from dlvauto.sources.corestart import StartedCore, start_core
from dlvauto.sources.dlvstate import PartialCollection, collect_goroutines, raw_frame, string_of
from dlvauto.sources.savedcore import SavedStop, read_stop
from dlvauto.system.progress import NullProgress, Progress

DEFAULT_DEPTH = 100

# The frames that tell how a goroutine is dying, innermost first wins.
_DEATH: dict[str, StopReason] = {
    "runtime.fatalpanic": "panic",
    **dict.fromkeys(PANIC_FUNCTIONS, "panic"),
    "runtime.fatalthrow": "fatal",
    **dict.fromkeys(THROW_FUNCTIONS - {"runtime.fatalsignal"}, "fatal"),
    "runtime.fatalsignal": "signal",
    SIGNAL_HANDLER: "signal",
}
# Where a dlv breakpoint stops a dying goroutine (frame 0, at the function's entry).
_BREAKPOINT_FUNCTIONS = frozenset({"runtime.fatalpanic", "runtime.startpanic", *THROW_FUNCTIONS})
_BACKLOG_SIZE = 512  # runtime.printBacklog


def death_of(frames: list[RawFrame]) -> tuple[StopReason, int] | None:
    """How a stack is dying and the index of the frame that says so, or None for a stack that is not."""
    for i, f in enumerate(frames):
        reason = _DEATH.get(f.function or "")
        if reason is not None:
            return reason, i
    return None


def _at_breakpoint(g: RawGoroutine) -> bool:
    """Stopped at the entry of a dying function: where dlv's crash breakpoints stop a goroutine."""
    f = g.frames[0] if g.frames else None
    return f is not None and f.function in _BREAKPOINT_FUNCTIONS and f.entry is not None and f.pc == f.entry


def pick_crash_goroutine(
    goroutines: list[RawGoroutine], current: int | None, hint: int | None = None
) -> RawGoroutine | None:
    """The dying goroutine: the one the saved stop names, else the current thread's, else the one
    stopped at a breakpoint, else the one whose dying frames are innermost (lowest id on a tie).

    Several goroutines may be inside runtime.fatal at once (concurrent map writes): the others wait
    in printlock behind the one that prints, so their dying frames lie deeper.
    """
    dying = {g.id: (g, d) for g in goroutines if (d := death_of(g.frames)) is not None}
    for gid in (hint, current):
        if gid is not None and gid in dying:
            return dying[gid][0]
    if not dying:
        return None
    stopped = [g for g, _ in dying.values() if _at_breakpoint(g)]
    if stopped:
        return min(stopped, key=lambda g: g.id)
    return min(dying.values(), key=lambda gd: (gd[1][1], gd[0].id))[0]


@dataclass
class _ThreadDeath:
    thread_id: int
    frames: list[RawFrame]
    reason: StopReason
    index: int


def _dying_thread(client: DlvClient, state: t.DebuggerState, depth: int) -> _ThreadDeath | None:
    """A thread dying on a system stack (a deadlock's checkdead): the current one first, then the
    others stopped in a dying function (a core dlv wrote lists its threads in no order)."""
    current = state.currentThread.id if state.currentThread else None
    others = [
        th.id
        for th in state.Threads or []
        if th.id != current and th.function is not None and th.function.name in _BREAKPOINT_FUNCTIONS
    ]
    for tid in [current, *others]:
        if tid is None:
            continue
        try:
            if tid != current:
                client.switch_thread(tid)
            frames = [raw_frame(f) for f in client.stacktrace(-1, depth)]
        except RPCError:
            continue
        death = death_of(frames)
        if death is not None:
            return _ThreadDeath(tid, frames, death[0], death[1])
    return None


def _eval_string(client: DlvClient, expr: str, gid: int, frame: int) -> str | None:
    try:
        v = client.eval(expr, goroutine_id=gid, frame=frame)
    except RPCError:
        return None
    return string_of(v)


def _printed_fatal_error(client: DlvClient) -> str | None:
    """The last `fatal error: ...` line in the runtime's record of what it printed before crashing.

    throw and fatal print their message before they mark the process as panicking, so it lands in
    runtime.printBacklog (a 512-byte ring, for exactly this: reading core dumps).
    """
    try:
        ring = client.eval("runtime.printBacklog")
        index = client.eval("runtime.printBacklogIndex")
        if ring is None or index is None or not ring.addr:
            return None
        data = client.memory(ring.addr, _BACKLOG_SIZE)
        at = int(index.value)
    except (RPCError, ValueError):
        return None
    text = (data[at:] + data[:at]).replace(b"\0", b"").decode(errors="replace")
    lines = [ln for ln in text.splitlines() if ln.startswith(FATAL_PREFIX)]
    return lines[-1][len(FATAL_PREFIX) :] if lines else None


def _message(client: DlvClient, reason: StopReason, gid: int, frames: list[RawFrame]) -> str | None:
    """The panic value, the throw's words or the signal's name, read in the dying stack's scope."""
    if reason == "panic":
        return _eval_string(client, "runtime.curg._panic.arg", gid, 0)
    names = (
        THROW_FUNCTIONS - {"runtime.fatalsignal"}
        if reason == "fatal"
        else {SIGNAL_HANDLER, "runtime.fatalsignal"}
    )
    index = next((i for i, f in enumerate(frames) if f.function in names), None)
    if reason == "fatal":
        said = _eval_string(client, "s", gid, index) if index is not None else None
        return said or _printed_fatal_error(client)
    if index is None:
        return None
    try:
        v = client.eval("sig", goroutine_id=gid, frame=index)
    except RPCError:
        return None
    if v is None or not v.value.isdigit():
        return None
    number = int(v.value)
    return SIGNAL_NAMES.get(number, f"signal {number}")


def read_stop_from_core(
    client: DlvClient,
    state: t.DebuggerState,
    goroutines: list[RawGoroutine],
    depth: int,
    saved: SavedStop | None,
) -> StopEvent:
    """Why the program died, from the dying frames of its goroutines (or of a system thread)."""
    current = state.currentThread.goroutineID if state.currentThread else 0
    hint = saved.goroutine_id if saved is not None else None
    if saved is not None and saved.reason == "halted":
        return StopEvent(reason="halted", goroutine_id=hint)
    g = pick_crash_goroutine(goroutines, current or None, hint)
    if g is not None:
        death = death_of(g.frames)
        assert death is not None
        stop = StopEvent(reason=death[0], goroutine_id=g.id)
        stop.debugger_message = _message(client, death[0], g.id, g.frames)
    else:
        thread = _dying_thread(client, state, depth)
        if thread is None:
            # Nothing is dying: a core taken from a live process (gcore): report it as stopped.
            return StopEvent(reason="halted", goroutine_id=current or None)
        stop = StopEvent(reason=thread.reason, thread_frames=thread.frames)
        stop.debugger_message = _message(client, thread.reason, -1, thread.frames)
    if stop.reason == "signal" and stop.debugger_message:
        stop.signal = stop.debugger_message.split(":")[0]
    return stop


def open_core(
    binary: str | Path,
    core: str | Path,
    *,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    facts: BuildFacts | None = None,
    saved: SavedStop | None = None,
    progress: Progress | None = None,
    rpc_timeout: float = 60.0,
) -> Snapshot:
    """Open `core` with `binary` under `dlv core` and return what the program looked like when it died.

    The binary and core are checked (ELF, DWARF, whole, written by this binary), so a wrong pair
    is one clear line instead of dlv's silence. `facts` (a build we made) replaces what the binary
    says of itself; `saved` (read from stop.json beside the core when not given) names the crash
    goroutine the run saw.
    """
    progress = progress or NullProgress()
    progress.stage("opening the core with dlv")
    started = start_core(binary, core, dlv)
    return capture(started, depth=depth, facts=facts, saved=saved, progress=progress, rpc_timeout=rpc_timeout)


def capture(
    started: StartedCore,
    *,
    depth: int = DEFAULT_DEPTH,
    facts: BuildFacts | None = None,
    saved: SavedStop | None = None,
    progress: Progress | None = None,
    rpc_timeout: float = 60.0,
) -> Snapshot:
    """Read every goroutine and the stop from a dlv started on a core; dlv is ended, whatever happens."""
    progress = progress or NullProgress()
    incomplete = None
    goroutines: list[RawGoroutine] = []
    try:
        bin_facts = started.checks.result()
        if facts is None:
            facts = build_facts(bin_facts)
        saved = saved or read_stop(started.core)
        client = DlvClient(Connection.open(started.server.address), timeout=rpc_timeout)
        try:
            version = client.version()
            state = client.state()
            try:
                goroutines = collect_goroutines(client, depth, version.TargetGoVersion, progress)
            except PartialCollection as exc:
                goroutines, incomplete = exc.goroutines, str(exc)
            stop = StopEvent(reason="unknown")
            if incomplete is None:
                try:
                    stop = read_stop_from_core(client, state, goroutines, depth, saved)
                except DebuggerError as exc:
                    incomplete = str(exc)
            if incomplete is None:
                with contextlib.suppress(DebuggerError):
                    client.detach(kill=True)  # dlv ends at once; a signal would wait out its grace
        finally:
            with contextlib.suppress(OSError):
                client.close()
        started.server.spawned.wait(5)
    finally:
        started.stop()
    return Snapshot(
        mode="core",
        build=facts,
        dlv_version=version.DelveVersion.splitlines()[0].removeprefix("Version: ").strip(),
        core=str(started.core),
        stop=stop,
        goroutines=goroutines,
        depth=depth,
        incomplete=incomplete,
    )
