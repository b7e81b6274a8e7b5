"""Reading a stopped program through dlv into snapshot parts: goroutines, stacks, the stop.

Shared by every dlv-backed source (live run, core dump, attach): whatever made the program stop,
collecting its goroutines is the same pipelined batch.
"""

from __future__ import annotations

from dlvauto.errors import DebuggerError, RPCError
from dlvauto.gofacts.tracetext import SIGNAL_NAMES
from dlvauto.gofacts.waitreasons import status_name, wait_reason
from dlvauto.rpc import types as t
from dlvauto.rpc.client import DlvClient
from dlvauto.snapshot import Ancestor, RawFrame, RawGoroutine, StopEvent
from dlvauto.system.progress import NullProgress, Progress


class PartialCollection(DebuggerError):
    """dlv failed while the stacks were being read: the goroutines read so far come with it."""

    def __init__(self, message: str, goroutines: list[RawGoroutine]) -> None:
        super().__init__(message)
        self.goroutines = goroutines


THROW_BREAKPOINTS = {"unrecovered-panic": "panic", "runtime-fatal-throw": "fatal"}


class FrameInterner:
    """One RawFrame object per distinct frame: goroutines parked at the same place share theirs.

    100,000 goroutines 30 frames deep are 3 million frames but only a few hundred distinct ones;
    sharing them keeps memory flat and lets the analysis reuse one report Frame per distinct frame.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[object, ...], RawFrame] = {}

    def __call__(self, loc: t.Stackframe | t.Location) -> RawFrame:
        fn = loc.function
        if not isinstance(loc, t.Stackframe):
            loc = t.Stackframe(pc=loc.pc, file=loc.file, line=loc.line, function=loc.function)
        key = (
            fn.name if fn else None,
            fn.value if fn else None,
            loc.file,
            loc.line,
            loc.pc,
            loc.FrameOffset,
            loc.Err,
        )
        frame = self._seen.get(key)
        if frame is None:
            frame = self._seen[key] = raw_frame(loc)
        return frame


def raw_frame(loc: t.Stackframe | t.Location) -> RawFrame:
    fn = loc.function
    offset, err = (loc.FrameOffset, loc.Err or None) if isinstance(loc, t.Stackframe) else (None, None)
    return RawFrame(
        function=fn.name if fn and fn.name else None,
        file=loc.file or None,
        line=loc.line,
        pc=loc.pc,
        entry=fn.value if fn else None,
        frame_offset=offset,
        error=err,
    )


def _created_by(g: t.Goroutine, intern: FrameInterner) -> RawFrame | None:
    loc = g.goStatementLoc
    if not loc.pc or not loc.function or loc.function.name == "runtime.newproc":
        # goroutine 1 and runtime-started ones report the bootstrap newproc call: no go statement.
        return None
    return intern(loc)


def collect_goroutines(
    client: DlvClient, depth: int, go_version: str | None, progress: Progress | None = None
) -> list[RawGoroutine]:
    """Every goroutine with its stack, the stacks fetched in one pipelined batch."""
    progress = progress or NullProgress()
    progress.stage("listing goroutines")
    intern = FrameInterner()
    out: dict[int, RawGoroutine] = {}
    for page in client.goroutine_pages():  # each page's wire objects are dropped once converted
        for g in page:
            out[g.id] = RawGoroutine(
                id=g.id,
                status=status_name(g.status),
                wait_reason=wait_reason(go_version, g.waitReason) if g.status == 4 else None,
                thread_id=g.threadID or None,
                created_by=_created_by(g, intern),
                unreadable=g.unreadable or None,
            )
    progress.stage(f"reading {len(out)} stacks", total=len(out))
    try:
        for gid, stack in client.stacktraces(list(out), depth, on_each=progress.advance):
            if isinstance(stack, RPCError):
                out[gid].unreadable = stack.remote_message
            else:
                out[gid].frames = [intern(f) for f in stack]
    except DebuggerError as exc:
        raise PartialCollection(str(exc), list(out.values())) from exc
    return list(out.values())


def stop_from_state(state: t.DebuggerState, timed_out: bool) -> StopEvent:
    """What the debugger state says about why the program stopped."""
    if state.exited:
        return StopEvent(reason="exited", exit_status=state.exitStatus)
    thread = state.currentThread
    bp = thread.breakPoint if thread else None
    gid = thread.goroutineID if thread and thread.goroutineID > 0 else None
    if bp and bp.name in THROW_BREAKPOINTS:
        reason = THROW_BREAKPOINTS[bp.name]
        if reason == "fatal" and thread and thread.function and thread.function.name == "runtime.fatalsignal":
            reason = "signal"
        return StopEvent(reason=reason, breakpoint=bp.name, goroutine_id=gid)
    if timed_out:
        return StopEvent(reason="halted", goroutine_id=gid)
    return StopEvent(reason="unknown", breakpoint=bp.name if bp else None, goroutine_id=gid)


def string_of(v: t.Variable | None) -> str | None:
    """A readable text for a panic value: strings as they are, error values by their `s` field."""
    if v is None or v.unreadable:
        return None
    if v.kind == 24:  # reflect.String
        return v.value
    for child in v.children or []:
        s = string_of(child)
        if s is not None:
            return s
    if v.value:
        return v.value
    return None


def read_debugger_message(client: DlvClient, stop: StopEvent) -> None:
    """Fill `stop.debugger_message` from the throw's argument or the panic value."""
    try:
        if stop.reason == "panic":
            stop.debugger_message = string_of(client.eval("runtime.curg._panic.arg"))
        elif stop.reason == "fatal":
            stop.debugger_message = string_of(client.eval("s", goroutine_id=-1, frame=0))
        elif stop.reason == "signal":
            v = client.eval("sig", goroutine_id=-1, frame=0)
            if v is not None and v.value.isdigit():
                num = int(v.value)
                stop.debugger_message = SIGNAL_NAMES.get(num, f"signal {num}")
                stop.signal = stop.debugger_message.split(":")[0]
    except RPCError:
        pass


def read_ancestors(
    client: DlvClient, goroutine_ids: list[int], count: int, depth: int
) -> dict[int, list[Ancestor]]:
    """The creators of each goroutine as the runtime recorded them (needs GODEBUG=tracebackancestors)."""
    out: dict[int, list[Ancestor]] = {}
    for gid in goroutine_ids:
        try:
            found = client.ancestors(gid, count, depth)
        except RPCError:
            continue
        if found:
            out[gid] = [
                Ancestor(
                    id=a.ID, frames=[raw_frame(f) for f in a.Stack or []], unreadable=a.Unreadable or None
                )
                for a in found
            ]
    return out


def read_thread_frames(client: DlvClient, depth: int) -> list[RawFrame]:
    """The current thread's stack, for a stop on a system stack with no goroutine (deadlock)."""
    try:
        return [raw_frame(f) for f in client.stacktrace(-1, depth)]
    except RPCError:
        return []
