"""Core source: read a core dump through `dlv core` (either backend) into a Snapshot.

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
from pathlib import Path

from dlvauto.debugger import COMMAND_TIMEOUT, DEFAULT_DEPTH, Debugger, PartialCollection
from dlvauto.errors import DebuggerError
from dlvauto.gofacts.binary import build_facts
from dlvauto.gofacts.runtime import PANIC_FUNCTIONS, SIGNAL_HANDLER, THROW_FUNCTIONS
from dlvauto.gofacts.tracetext import FATAL_PREFIX, SIGNAL_NAMES
from dlvauto.snapshot import BuildFacts, RawFrame, RawGoroutine, Snapshot, StopEvent, StopReason
from dlvauto.sources import backends
from dlvauto.sources.corestart import StartedCore, start_core
from dlvauto.sources.savedcore import SavedStop, read_stop
from dlvauto.system.progress import NullProgress, Progress

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


def _dying_thread(dbg: Debugger, depth: int) -> tuple[list[RawFrame], StopReason] | None:
    """A thread dying on a system stack (a deadlock's checkdead): the current one first, then the
    others stopped in a dying function (a core dlv wrote lists its threads in no order)."""
    frames = dbg.thread_stack(depth)
    death = death_of(frames)
    if death is not None:
        return frames, death[0]
    for th in dbg.threads():
        if th.current or th.function not in _BREAKPOINT_FUNCTIONS:
            continue
        try:
            dbg.switch_thread(th.id)
        except DebuggerError:
            continue
        frames = dbg.thread_stack(depth)
        death = death_of(frames)
        if death is not None:
            return frames, death[0]
    return None


def _printed_fatal_error(dbg: Debugger) -> str | None:
    """The last `fatal error: ...` line in the runtime's record of what it printed before crashing.

    throw and fatal print their message before they mark the process as panicking, so it lands in
    runtime.printBacklog (a 512-byte ring, for exactly this: reading core dumps).
    """
    address = dbg.address_of("runtime.printBacklog")
    index = dbg.eval_text("runtime.printBacklogIndex")
    if address is None or index is None or not index.isdigit():
        return None
    try:
        data = dbg.memory(address, _BACKLOG_SIZE)
    except DebuggerError:
        return None
    if len(data) != _BACKLOG_SIZE:
        return None
    at = int(index)
    text = (data[at:] + data[:at]).replace(b"\0", b"").decode(errors="replace")
    lines = [ln for ln in text.splitlines() if ln.startswith(FATAL_PREFIX)]
    return lines[-1][len(FATAL_PREFIX) :] if lines else None


def _message(dbg: Debugger, reason: StopReason, gid: int | None, frames: list[RawFrame]) -> str | None:
    """The panic value, the throw's words or the signal's name, read in the dying stack's scope."""
    if reason == "panic":
        return dbg.eval_text("runtime.curg._panic.arg", gid, 0)
    names = (
        THROW_FUNCTIONS - {"runtime.fatalsignal"}
        if reason == "fatal"
        else {SIGNAL_HANDLER, "runtime.fatalsignal"}
    )
    index = next((i for i, f in enumerate(frames) if f.function in names), None)
    if reason == "fatal":
        said = dbg.eval_text("s", gid, index) if index is not None else None
        return said or _printed_fatal_error(dbg)
    if index is None:
        return None
    value = dbg.eval_text("sig", gid, index)
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return SIGNAL_NAMES.get(number, f"signal {number}")


def read_stop_from_core(
    dbg: Debugger, goroutines: list[RawGoroutine], depth: int, saved: SavedStop | None
) -> StopEvent:
    """Why the program died, from the dying frames of its goroutines (or of a system thread)."""
    current = dbg.current_goroutine()
    hint = saved.goroutine_id if saved is not None else None
    if saved is not None and saved.reason == "halted":
        return StopEvent(reason="halted", goroutine_id=hint)
    g = pick_crash_goroutine(goroutines, current, hint)
    if g is not None:
        death = death_of(g.frames)
        assert death is not None
        stop = StopEvent(reason=death[0], goroutine_id=g.id)
        stop.debugger_message = _message(dbg, death[0], g.id, g.frames)
    else:
        thread = _dying_thread(dbg, depth)
        if thread is None:
            # Nothing is dying: a core taken from a live process (gcore): report it as stopped.
            return StopEvent(reason="halted", goroutine_id=current)
        stop = StopEvent(reason=thread[1], thread_frames=thread[0])
        stop.debugger_message = _message(dbg, thread[1], None, thread[0])
    if stop.reason == "signal" and stop.debugger_message:
        stop.signal = stop.debugger_message.split(":")[0]
    return stop


def open_core(
    binary: str | Path,
    core: str | Path,
    *,
    backend: str = backends.DEFAULT_BACKEND,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    facts: BuildFacts | None = None,
    saved: SavedStop | None = None,
    progress: Progress | None = None,
    command_timeout: float = COMMAND_TIMEOUT,
    transcript: str | Path | None = None,
) -> Snapshot:
    """Open `core` with `binary` under `dlv core` and return what the program looked like when it died.

    The binary and core are checked (ELF, DWARF, whole, written by this binary), so a wrong pair
    is one clear line instead of dlv's silence. `facts` (a build we made) replaces what the binary
    says of itself; `saved` (read from stop.json beside the core when not given) names the crash
    goroutine the run saw.
    """
    progress = progress or NullProgress()
    started = start_core(
        binary,
        core,
        dlv,
        backend=backend,
        command_timeout=command_timeout,
        transcript=transcript,
        progress=progress,
    )
    return capture(started, depth=depth, facts=facts, saved=saved, progress=progress)


def capture(
    started: StartedCore,
    *,
    depth: int = DEFAULT_DEPTH,
    facts: BuildFacts | None = None,
    saved: SavedStop | None = None,
    progress: Progress | None = None,
) -> Snapshot:
    """Read every goroutine and the stop from a dlv started on a core; dlv is ended, whatever happens."""
    progress = progress or NullProgress()
    try:
        return _capture(started, depth, facts, saved, progress)
    finally:
        started.stop()  # dlv, and the folder a compressed core was unpacked into


def _capture(
    started: StartedCore,
    depth: int,
    facts: BuildFacts | None,
    saved: SavedStop | None,
    progress: Progress,
) -> Snapshot:
    incomplete = None
    goroutines: list[RawGoroutine] = []
    stop = StopEvent(reason="unknown")
    with started.session as dbg:
        bin_facts = started.checks.result()
        if facts is None:
            facts = build_facts(bin_facts)
        saved = saved or read_stop(started.core)
        try:
            goroutines = dbg.goroutines(depth, progress)
        except PartialCollection as exc:
            goroutines, incomplete = exc.goroutines, str(exc)
        except DebuggerError as exc:
            incomplete = str(exc)
        notes: list[str] = []
        if incomplete is None:
            try:
                stop = read_stop_from_core(dbg, goroutines, depth, saved)
            except DebuggerError as exc:
                incomplete = str(exc)
        if incomplete is None:
            from dlvauto.sources.live import read_whole  # the crash goroutine whole, as live reads it

            read_whole(dbg, goroutines, stop, depth, notes)
            with contextlib.suppress(DebuggerError):
                dbg.detach(kill=True)  # dlv ends at once; a signal would wait out its grace
        dbg.close()
    return Snapshot(
        mode="core",
        build=facts,
        dlv_version=dbg.dlv_version,
        core=str(started.core),
        stop=stop,
        goroutines=goroutines,
        depth=depth,
        incomplete=incomplete,
        notes=notes,
    )
