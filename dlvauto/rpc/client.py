"""Typed calls to Delve's API v2 (service/rpc2/server.go, v1.27.1) over one connection."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator

from dlvauto.errors import RPCError, RPCTimeout
from dlvauto.records import record
from dlvauto.rpc import types as t
from dlvauto.rpc.wire import Connection

# Load bounds for reading one expression: strings long enough for a panic message.
MESSAGE_LOAD = t.LoadConfig(
    FollowPointers=True, MaxVariableRecurse=2, MaxStringLen=4096, MaxArrayValues=16, MaxStructFields=-1
)
# Load bounds for the values at the crash: a huge slice or a deep structure costs a bounded amount.
VALUES_LOAD = t.LoadConfig(
    FollowPointers=True, MaxVariableRecurse=2, MaxStringLen=256, MaxArrayValues=16, MaxStructFields=16
)


# frame_variables loads a whole stack down to the deepest frame asked when at least FULL_STACK_FRAMES
# are asked and the stack is at most FULL_STACK_SPREAD frames per frame asked: deep_stack's 9 of 19
# frames, 1.8 ms sooner; nil_map_write's 2 of 5 were 1.2 ms later so (the runtime's frames below
# them, map internals in their locals, cost more than the 4 requests).
FULL_STACK_FRAMES = 4
FULL_STACK_SPREAD = 3

# The replies a live run reads, in the order it reads them: their checkers are made ahead
# (`warm_checkers`, on the preload thread while dlv loads the program), off the collection's path.
LIVE_REPLIES = (
    t.GetVersionOut, t.ProcessPidOut, t.CommandOut, t.ListGoroutinesOut, t.StacktraceOut,
    t.EvalOut, t.ListFunctionArgsOut, t.ListLocalVarsOut, t.DetachOut,
)  # fmt: skip


def warm_checkers() -> None:
    """Make the checkers of a live run's replies now (~5 ms of compiling), not on first use, and
    the `__init__` of the records the collection makes from them (records.ready: ~1 ms)."""
    from dlvauto import snapshot
    from dlvauto.records import ready, records_of
    from dlvauto.rpc.checked import warm

    warm(LIVE_REPLIES)
    ready([t.EvalScope, t.Stackframe, FrameVariables, *records_of(snapshot)])


@record
class FrameVariables:
    """A frame's arguments and locals as dlv sent them, and why a list is missing."""

    args: list[t.Variable]
    locals: list[t.Variable]
    error: str | None = None


@record
class ContinueResult:
    state: t.DebuggerState
    timed_out: bool


class DlvClient:
    """The dlv methods dlvauto uses, each with a deadline."""

    def __init__(self, conn: Connection, timeout: float = 30.0) -> None:
        self.conn = conn
        self.timeout = timeout

    def close(self) -> None:
        self.conn.close()

    def version(self) -> t.GetVersionOut:
        return self.conn.receive(self._sent("GetVersion", {}), t.GetVersionOut, self.timeout)

    def process_pid(self) -> int:
        return self.conn.receive(self._sent("ProcessPid", {}), t.ProcessPidOut, self.timeout).Pid

    def _sent(self, method: str, params: dict[str, object]) -> int:
        """The id of `method`'s request: the one written ahead (a head start), else one sent now."""
        ahead = self.conn.take_ahead(method)
        return ahead[0] if ahead is not None else self.conn.send(method, params)

    def state(self, non_blocking: bool = True) -> t.DebuggerState:
        return self.conn.call("State", {"NonBlocking": non_blocking}, t.StateOut, self.timeout).State

    def command(self, name: str, timeout: float | None = None) -> t.DebuggerState:
        return self.conn.call("Command", {"name": name}, t.CommandOut, timeout or self.timeout).State

    def continue_until(self, timeout: float | None) -> ContinueResult:
        """Continue; after `timeout` seconds halt the program and return where it stopped.

        A continue written ahead (the run's head start) is the one waited for, and its `timeout`
        counts from when it was written: the program has been running since."""
        ahead = self.conn.take_ahead("continue")
        rid, since = ahead if ahead is not None else (self.conn.send("Command", {"name": "continue"}), 0.0)
        if ahead is not None and timeout is not None:
            timeout = max(0.0, timeout - (time.monotonic() - since))
        try:
            out = self.conn.receive(rid, t.CommandOut, timeout)
            return ContinueResult(out.State, timed_out=False)
        except RPCTimeout:
            pass
        # Halt is read by dlv while the continue is still running (Command is asynchronous).
        hid = self.conn.send("Command", {"name": "halt"})
        try:
            state = self.conn.receive(rid, t.CommandOut, self.timeout).State
        except RPCError:
            state = self.state()
        with contextlib.suppress(RPCError):
            self.conn.receive(hid, t.CommandOut, self.timeout)
        return ContinueResult(state, timed_out=True)

    def goroutine_pages(self, page: int = 1000) -> Iterator[list[t.Goroutine]]:
        """Every goroutine, a page at a time (`Nextg` is -1 after the last page)."""
        start = 0
        while True:
            reply = self.conn.call(
                "ListGoroutines", {"Start": start, "Count": page}, t.ListGoroutinesOut, self.timeout
            )
            yield reply.Goroutines or []
            if reply.Nextg < 0 or reply.Nextg == start:
                return
            start = reply.Nextg

    def list_goroutines(self, page: int = 1000) -> list[t.Goroutine]:
        """Every goroutine in one list."""
        return [g for chunk in self.goroutine_pages(page) for g in chunk]

    def stacktrace(
        self, goroutine_id: int, depth: int, values: t.LoadConfig | None = None
    ) -> list[t.Stackframe]:
        """Frames 0..depth; `values`: each with its arguments and locals loaded so (dlv's Full)."""
        params: dict[str, object] = {"Id": goroutine_id, "Depth": depth, "Full": values is not None}
        if values is not None:
            params["Cfg"] = values
        return self.conn.call("Stacktrace", params, t.StacktraceOut, self.timeout).Locations or []

    def stacktraces(
        self,
        goroutine_ids: Iterable[int],
        depth: int,
        on_each: Callable[[], None] | None = None,
    ) -> Iterator[tuple[int, list[t.Stackframe] | RPCError]]:
        """Stacks of many goroutines in one pipelined batch, in the order asked."""
        ids = list(goroutine_ids)
        params = ({"Id": gid, "Depth": depth, "Full": False} for gid in ids)
        for gid, reply in zip(
            ids, self.conn.pipeline("Stacktrace", params, t.StacktraceOut, timeout=self.timeout), strict=True
        ):
            if on_each:
                on_each()
            yield gid, reply if isinstance(reply, RPCError) else (reply.Locations or [])

    def eval(
        self, expr: str, goroutine_id: int = -1, frame: int = 0, cfg: t.LoadConfig | None = None
    ) -> t.Variable | None:
        scope = t.EvalScope(GoroutineID=goroutine_id, Frame=frame)
        reply = self.conn.call(
            "Eval",
            {"Scope": scope, "Expr": expr, "Cfg": cfg or MESSAGE_LOAD},
            t.EvalOut,
            self.timeout,
        )
        return reply.variable

    def frame_variables(self, goroutine_id: int, frames: list[int]) -> dict[int, FrameVariables]:
        """Arguments and locals of each of `frames` of a goroutine.

        Frames close together (the run of user frames above a crash, as values.py picks them) come
        with one `Stacktrace` that loads every frame's arguments and locals down to the deepest one
        asked (dlv's full stack, the same load limits and the same scope per frame): deep_stack's
        9 frames took 18 requests and 4.1 ms, one request 1.7 ms. A few frames, frames far apart,
        or a stack that cannot be loaded whole (one frame's variables failing fails the call) are
        read frame by frame, each frame's failure its own."""
        deepest = max(frames, default=-1)
        if len(frames) >= FULL_STACK_FRAMES and deepest + 1 <= FULL_STACK_SPREAD * len(frames):
            try:
                whole = self.stacktrace(goroutine_id, deepest, values=VALUES_LOAD)
            except RPCError:
                whole = []  # one frame's variables failed: frame by frame below
            if len(whole) > deepest:
                return {
                    i: FrameVariables(whole[i].Arguments or [], whole[i].Locals or [], whole[i].Err or None)
                    for i in frames
                }
        return self._frames_one_by_one(goroutine_id, frames)

    def _frames_one_by_one(self, goroutine_id: int, frames: list[int]) -> dict[int, FrameVariables]:
        """Two requests a frame (ListFunctionArgs, ListLocalVars), every one written before the
        first reply is read."""
        cfg = VALUES_LOAD
        pending = []
        for index in frames:
            scope = t.EvalScope(GoroutineID=goroutine_id, Frame=index)
            args_id = self.conn.send("ListFunctionArgs", {"Scope": scope, "Cfg": cfg})
            locals_id = self.conn.send("ListLocalVars", {"Scope": scope, "Cfg": cfg})
            pending.append((index, args_id, locals_id))
        out: dict[int, FrameVariables] = {}
        for index, args_id, locals_id in pending:
            got = FrameVariables([], [])
            try:
                got.args = self.conn.receive(args_id, t.ListFunctionArgsOut, self.timeout).Args or []
            except RPCError as exc:
                got.error = exc.remote_message
            try:
                got.locals = self.conn.receive(locals_id, t.ListLocalVarsOut, self.timeout).Variables or []
            except RPCError as exc:
                got.error = exc.remote_message
            out[index] = got
        return out

    def packages(self) -> list[t.PackageBuildInfo]:
        """Every package of the target with its source folder (from the binary's debug info)."""
        reply = self.conn.call(
            "ListPackagesBuildInfo", {"IncludeFiles": False}, t.ListPackagesBuildInfoOut, self.timeout
        )
        return reply.List or []

    def is_multiclient(self) -> bool:
        return self.conn.call("IsMulticlient", {}, t.IsMulticlientOut, self.timeout).IsMulticlient

    def registers(self, goroutine_id: int, frame: int = 0) -> dict[str, int]:
        """The goroutine's registers at `frame` (name -> value), frame pointer included."""
        scope = t.EvalScope(GoroutineID=goroutine_id, Frame=frame)
        reply = self.conn.call(
            "ListRegisters",
            {"ThreadID": 0, "IncludeFp": True, "Scope": scope},
            t.ListRegistersOut,
            self.timeout,
        )
        out: dict[str, int] = {}
        for r in reply.Regs or []:
            try:
                out[r.Name] = int(r.Value, 0)
            except ValueError:
                continue  # vector registers and flags print otherwise
        return out

    def memory(self, address: int, length: int) -> bytes:
        """`length` bytes of target memory (dlv allows at most 64 KiB a call)."""
        mem = self.conn.call(
            "ExamineMemory", {"Address": address, "Length": length}, t.ExaminedMemoryOut, self.timeout
        ).Mem
        return mem or b""

    def locations_of(self, pcs: list[int]) -> Iterator[t.Location | RPCError]:
        """Function, file and line of each pc, pipelined (FindLocation `*ADDR`)."""
        scope = t.EvalScope()
        params = ({"Scope": scope, "Loc": f"*{pc:#x}"} for pc in pcs)
        for reply in self.conn.pipeline("FindLocation", params, t.FindLocationOut, timeout=self.timeout):
            if isinstance(reply, RPCError):
                yield reply
            else:
                yield (reply.Locations or [t.Location()])[0]

    def ancestors(self, goroutine_id: int, count: int, depth: int) -> list[t.Ancestor]:
        reply = self.conn.call(
            "Ancestors",
            {"GoroutineID": goroutine_id, "NumAncestors": count, "Depth": depth},
            t.AncestorsOut,
            self.timeout,
        )
        return reply.Ancestors or []

    def switch_thread(self, thread_id: int) -> t.DebuggerState:
        """Make `thread_id` the current thread: scope GoroutineID -1 then means its stack."""
        reply = self.conn.call(
            "Command", {"name": "switchThread", "threadID": thread_id}, t.CommandOut, self.timeout
        )
        return reply.State

    def dump_start(self, destination: str) -> t.DumpState:
        """Have dlv write a core of the stopped target to `destination` (it works in the background)."""
        return self.conn.call("DumpStart", {"Destination": destination}, t.DumpStartOut, self.timeout).State

    def dump_wait(self, wait_ms: int) -> t.DumpState:
        """The dump's progress, after waiting up to `wait_ms` milliseconds for it to finish."""
        timeout = self.timeout + wait_ms / 1000
        return self.conn.call("DumpWait", {"Wait": wait_ms}, t.DumpWaitOut, timeout).State

    def dump_cancel(self) -> None:
        self.conn.call("DumpCancel", {}, t.DetachOut, self.timeout)

    def detach(self, kill: bool) -> None:
        self.conn.call("Detach", {"Kill": kill}, t.DetachOut, self.timeout)

    def resume(self) -> None:
        """Continue without waiting: the reply comes when the target next stops, to whoever asks."""
        self.conn.send("Command", {"name": "continue"})
