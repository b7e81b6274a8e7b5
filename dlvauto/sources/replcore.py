"""Core source through dlv's terminal (`dlvauto core --backend repl`): `dlv core BINARY CORE`, typed into.

The same reading as sources/core.py, through the commands a person would type: every goroutine
and its stack (the listing of the live REPL source), then the dying goroutine picked by the same
rules (pick_crash_goroutine: the saved stop's goroutine, the current thread's, the one stopped at a
breakpoint's entry, the innermost dying frames); when no goroutine is dying, the threads (`threads`,
`thread N`, `stack`) for one dying on a system stack (a deadlock's checkdead). The message is read
in the dying frame's scope (`goroutine G frame K print s`), a throw's text else from the runtime's
print backlog (`examinemem` of runtime.printBacklog, a ring of the last 512 bytes it printed).
"""

from __future__ import annotations

from pathlib import Path

from dlvauto.errors import DebuggerError
from dlvauto.gofacts.binary import build_facts, read_binary, require_debug_info
from dlvauto.gofacts.corefile import check_belongs, read_core
from dlvauto.gofacts.runtime import SIGNAL_HANDLER, THROW_FUNCTIONS
from dlvauto.gofacts.tracetext import FATAL_PREFIX, SIGNAL_NAMES
from dlvauto.repl import parse as p
from dlvauto.repl.state import Reader
from dlvauto.rpc import find_dlv
from dlvauto.snapshot import BuildFacts, RawFrame, RawGoroutine, Snapshot, StopEvent, StopReason
from dlvauto.sources.core import _BACKLOG_SIZE, _BREAKPOINT_FUNCTIONS, death_of, pick_crash_goroutine
from dlvauto.sources.repl import DEFAULT_DEPTH, KILL, dlv_version, session, show_frames
from dlvauto.sources.savedcore import SavedStop, read_stop
from dlvauto.system.progress import NullProgress, Progress


def _scope(gid: int | None, index: int) -> str:
    return f"frame {index}" if gid is None else f"goroutine {gid} frame {index}"


def _printed_fatal_error(reader: Reader) -> str | None:
    """The last `fatal error: ...` line the runtime printed, from its print backlog ring."""
    index = p.value_text(reader.term.command("print runtime.printBacklogIndex"))
    ring = p.parse_memory(
        reader.term.command(f"examinemem -fmt hex -count {_BACKLOG_SIZE} -size 1 -x &runtime.printBacklog")
    )
    if index is None or not index.isdigit() or len(ring) != _BACKLOG_SIZE:
        return None
    at = int(index)
    text = (ring[at:] + ring[:at]).replace(b"\0", b"").decode(errors="replace")
    lines = [ln for ln in text.splitlines() if ln.startswith(FATAL_PREFIX)]
    return lines[-1][len(FATAL_PREFIX) :] if lines else None


def _message(reader: Reader, reason: StopReason, gid: int | None, frames: list[RawFrame]) -> str | None:
    """The panic value, the throw's words or the signal's name, read in the dying stack's scope."""
    if reason == "panic":
        return p.value_text(reader.term.command(f"{_scope(gid, 0)} print runtime.curg._panic.arg"))
    names = (
        THROW_FUNCTIONS - {"runtime.fatalsignal"}
        if reason == "fatal"
        else {SIGNAL_HANDLER, "runtime.fatalsignal"}
    )
    index = next((i for i, f in enumerate(frames) if f.function in names), None)
    if reason == "fatal":
        said = (
            p.value_text(reader.term.command(f"{_scope(gid, index)} print s")) if index is not None else None
        )
        return said or _printed_fatal_error(reader)
    if index is None:
        return None
    value = p.value_text(reader.term.command(f"{_scope(gid, index)} print sig"))
    if value is None or not value.isdigit():
        return None
    return SIGNAL_NAMES.get(int(value), f"signal {value}")


def _dying_thread(reader: Reader) -> tuple[list[RawFrame], StopReason] | None:
    """A thread dying on a system stack: the current one first, then others in a dying function."""
    frames = [reader.frames(f) for f in reader.thread_stack()]
    death = death_of(frames)
    if death is not None:
        return frames, death[0]
    for th in p.parse_threads(reader.term.command("threads")):
        if th.current or th.function not in _BREAKPOINT_FUNCTIONS:
            continue
        if p.command_error(reader.term.command(f"thread {th.id}")) is not None:
            continue
        frames = [reader.frames(f) for f in reader.thread_stack()]
        death = death_of(frames)
        if death is not None:
            return frames, death[0]
    return None


def _stop(
    reader: Reader, goroutines: list[RawGoroutine], current: int | None, saved: SavedStop | None
) -> StopEvent:
    """Why the program died, from the dying frames of its goroutines (or of a system thread)."""
    hint = saved.goroutine_id if saved is not None else None
    if saved is not None and saved.reason == "halted":
        return StopEvent(reason="halted", goroutine_id=hint)
    g = pick_crash_goroutine(goroutines, current, hint)
    if g is not None:
        death = death_of(g.frames)
        assert death is not None
        stop = StopEvent(reason=death[0], goroutine_id=g.id)
        stop.debugger_message = _message(reader, death[0], g.id, g.frames)
    else:
        thread = _dying_thread(reader)
        if thread is None:
            return StopEvent(reason="halted", goroutine_id=current)  # a core of a live process (gcore)
        stop = StopEvent(reason=thread[1], thread_frames=thread[0])
        stop.debugger_message = _message(reader, thread[1], None, thread[0])
    if stop.reason == "signal" and stop.debugger_message:
        stop.signal = stop.debugger_message.split(":")[0]
    return stop


def open_core_repl(
    binary: str | Path,
    core: str | Path,
    *,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    facts: BuildFacts | None = None,
    saved: SavedStop | None = None,
    progress: Progress | None = None,
    command_timeout: float = 60.0,
    frame_n: int = 17,
    transcript: str | Path | None = None,
) -> Snapshot:
    """Open `core` with `binary` in dlv's terminal; what the program looked like when it died.

    The pair is checked first (ELF, DWARF, whole, written by this binary), as the RPC backend does.
    """
    progress = progress or NullProgress()
    bin_path, core_path = Path(binary).resolve(), Path(core).resolve()
    bin_facts = read_binary(bin_path)
    require_debug_info(bin_facts)
    check_belongs(read_core(core_path), bin_facts)
    facts = facts or build_facts(bin_facts)
    saved = saved or read_stop(core_path)
    dlv_path = find_dlv(dlv)
    progress.stage("opening the core in dlv's terminal")
    incomplete = None
    goroutines: list[RawGoroutine] = []
    stop = StopEvent(reason="unknown")
    with session(
        dlv_path,
        ["core", str(bin_path), str(core_path)],
        redirect_output=False,
        transcript=transcript,
        timeout=command_timeout,
    ) as (_, term):
        reader = Reader(term, depth, progress)
        try:
            listing = reader.listing()
            at_entry = [
                s.frames[0].pc
                for s in listing.stacks.values()
                if s.frames and s.frames[0].function in _BREAKPOINT_FUNCTIONS
            ]
            reader.resolve_entries([s.frames for s in listing.stacks.values()], also=at_entry)
            goroutines = reader.goroutines(listing)
            stop = _stop(reader, goroutines, listing.selected, saved)
            show_frames(reader, stop, facts, goroutines, frame_n)
        except DebuggerError as exc:
            incomplete = str(exc)
        if incomplete is None:
            term.quit("exit", answers=KILL)
    return Snapshot(
        mode="core",
        build=facts,
        dlv_version=dlv_version(dlv_path),
        core=str(core_path),
        stop=stop,
        goroutines=goroutines,
        depth=depth,
        incomplete=incomplete,
    )
