"""The Debugger over dlv's JSON-RPC API: a headless dlv on a private socket, driven by DlvClient.

Every stack of every goroutine is asked for in one pipelined batch, which is what makes thousands
of goroutines cheap; the wire types become snapshot types in convert.py and nowhere else.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dlvauto.debugger import Ends, Launch, Options, PartialCollection, TargetOutput, Thread
from dlvauto.errors import DebuggerError, RPCError, UserError
from dlvauto.rpc import convert
from dlvauto.rpc import types as t
from dlvauto.rpc.client import DlvClient
from dlvauto.rpc.server import HeadlessServer, claim, start_headless
from dlvauto.rpc.wire import Connection
from dlvauto.snapshot import Ancestor, BuildFacts, FrameValues, RawFrame, RawGoroutine, StopEvent
from dlvauto.system import proc
from dlvauto.system.dlv import parse_version
from dlvauto.system.progress import Progress

DUMP_SECONDS = 300.0  # how long dlv may take to write a core (--save-core)
CONNECT_CHECK = 5.0  # seconds a server at a given address has to answer as dlv


class RpcSession(Ends):
    """A Debugger (dlvauto/debugger.py) over one connection to a dlv server.

    `server` is the dlv we started (None for someone else's server, which is never ended);
    `linger` is how long dlv is given to leave by itself once we hang up.
    """

    def __init__(
        self,
        client: DlvClient,
        server: HeadlessServer | None,
        *,
        linger: float = 5.0,
        grace: float = 1.0,
        state: t.DebuggerState | None = None,
    ) -> None:
        self.client = client
        self.server = server
        self.version = client.version() if server is None else _version(client, server)
        self.output = TargetOutput(
            server.target_stdout if server else None, server.target_stderr if server else None
        )
        self._linger = linger
        self._grace = grace
        self._state = state
        self._closing = False  # closed after a detach: `stop` waits the linger out first
        self._detached = False

    # -- the session -------------------------------------------------------------------------------
    def close(self) -> None:
        """Let dlv end on its own, up to the linger. After a detach the target is gone and its
        output whole, so when the command line defers ends (proc.defer_ends) the wait is left to
        `stop`, which then runs on a thread of its own while the report is made."""
        with contextlib.suppress(OSError):
            self.client.close()
        if self.server is not None and not (self._detached and proc.deferring()):
            self.server.spawned.wait(self._linger)
        else:
            self._closing = True

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.client.close()
        server, linger, grace = self.server, self._linger if self._closing else 0.0, self._grace
        if server is None:
            return

        def end() -> None:
            if linger:
                server.spawned.wait(linger)
            server.stop(grace=grace)

        proc.end_later(end)

    @property
    def dlv_version(self) -> str | None:
        return parse_version(self.version.DelveVersion)

    # -- running -----------------------------------------------------------------------------------
    def run(self, timeout: float) -> StopEvent:
        result = self.client.continue_until(timeout)
        self._state = result.state
        return convert.stop(result.state, result.timed_out)

    def detach(self, kill: bool) -> None:
        self.client.detach(kill=kill)
        self._detached = True

    def is_running(self) -> bool:
        return self.client.state(non_blocking=True).Running

    def halt(self) -> None:
        self._state = self.client.command("halt")

    def resume(self) -> None:
        self.client.resume()

    # -- where things are --------------------------------------------------------------------------
    def _current_state(self) -> t.DebuggerState:
        if self._state is None:
            self._state = self.client.state(non_blocking=True)
        return self._state

    def current_goroutine(self) -> int | None:
        return convert.current_goroutine(self._current_state())

    def goroutines(self, depth: int, progress: Progress) -> list[RawGoroutine]:
        progress.stage("listing goroutines")
        intern = convert.FrameInterner()
        go_version = self.version.TargetGoVersion
        out: dict[int, RawGoroutine] = {}
        for page in self.client.goroutine_pages():  # a page's wire objects are dropped once converted
            for g in page:
                out[g.id] = convert.goroutine(g, go_version, intern)
        progress.stage(f"reading {len(out)} stacks", total=len(out))
        try:
            for gid, stack in self.client.stacktraces(list(out), depth, on_each=progress.advance):
                if isinstance(stack, RPCError):
                    out[gid].unreadable = stack.remote_message
                else:
                    out[gid].frames = [intern(f) for f in stack]
        except DebuggerError as exc:
            raise PartialCollection(str(exc), list(out.values())) from exc
        return list(out.values())

    def stack(self, goroutine: int, depth: int) -> list[RawFrame]:
        return [convert.raw_frame(f) for f in self.client.stacktrace(goroutine, depth)]

    def thread_stack(self, depth: int) -> list[RawFrame]:
        try:
            return [convert.raw_frame(f) for f in self.client.stacktrace(-1, depth)]
        except RPCError:
            return []

    def threads(self) -> list[Thread]:
        state = self._current_state()
        current = state.currentThread.id if state.currentThread else None
        return [
            Thread(th.id, th.function.name if th.function else None, th.id == current)
            for th in state.Threads or []
        ]

    def switch_thread(self, thread_id: int) -> None:
        self.client.switch_thread(thread_id)

    def ancestors(self, goroutines: list[int], count: int, depth: int) -> dict[int, list[Ancestor]]:
        out: dict[int, list[Ancestor]] = {}
        for gid in goroutines:
            try:
                found = self.client.ancestors(gid, count, depth)
            except RPCError:
                continue
            if found:
                out[gid] = convert.ancestors(found)
        return out

    def locations(self, pcs: list[int]) -> list[RawFrame]:
        return [
            convert.located(pc, None if isinstance(loc, RPCError) else loc)
            for pc, loc in zip(pcs, self.client.locations_of(pcs), strict=True)
        ]

    # -- what things are ---------------------------------------------------------------------------
    def eval_text(self, expr: str, goroutine: int | None = None, frame: int = 0) -> str | None:
        try:
            v = self.client.eval(expr, goroutine_id=-1 if goroutine is None else goroutine, frame=frame)
        except RPCError:
            return None
        return convert.text_of(v)

    def address_of(self, expr: str) -> int | None:
        try:
            v = self.client.eval(expr)
        except RPCError:
            return None
        return v.addr if v is not None and v.addr else None

    def memory(self, address: int, length: int) -> bytes:
        return self.client.memory(address, length)

    def registers(self, goroutine: int) -> dict[str, int]:
        return self.client.registers(goroutine)

    def frame_values(self, goroutine: int, frames: list[int]) -> dict[int, FrameValues]:
        return {
            index: FrameValues(
                args=[convert.value(v) for v in got.args],
                locals=[convert.value(v) for v in got.locals],
                error=got.error,
            )
            for index, got in self.client.frame_variables(goroutine, frames).items()
        }

    def program_facts(self, binary: str | None) -> BuildFacts:
        try:
            facts = convert.facts_from_packages(self.client.packages(), binary)
        except RPCError:
            facts = BuildFacts(binary=binary)
        facts.go_version = convert.go_version(self.version.TargetGoVersion)
        return facts

    def target_binary(self) -> str | None:
        """The executable of the target process, when it runs on this machine."""
        try:
            return str(Path(f"/proc/{self.client.process_pid()}/exe").readlink())
        except (RPCError, OSError):
            return None

    def save_core(self, path: Path) -> None:
        """DumpStart returns at once; DumpWait (waiting up to a second a call) says when all is written."""
        state = self.client.dump_start(str(path))
        deadline = time.monotonic() + DUMP_SECONDS
        while state.Dumping and not state.Err:
            if time.monotonic() > deadline:
                with contextlib.suppress(DebuggerError):
                    self.client.dump_cancel()
                raise DebuggerError(f"dlv did not finish writing the core within {DUMP_SECONDS:g}s")
            state = self.client.dump_wait(1000)
        if state.Err or not state.AllDone:
            raise DebuggerError(f"dlv could not write the core: {state.Err or 'it stopped before the end'}")


class RpcBackend:
    """Sessions over a headless dlv's JSON-RPC API."""

    name = "rpc"

    def launch(self, program: Launch, options: Options, progress: Progress) -> RpcSession:
        progress.stage("starting dlv")
        command = program.dlv_command()
        server = claim(options.dlv, command, redirect_output=True, env=program.env, cwd=program.cwd)
        if server is None:
            server = start_headless(
                options.dlv, command, redirect_output=True, env=program.env, cwd=program.cwd
            )
        session = _session(server, options)
        with contextlib.suppress(RPCError):
            server.spawned.adopt_group(session.client.process_pid())
        return session

    def attach(self, pid: int, options: Options, progress: Progress) -> RpcSession:
        progress.stage(f"attaching to {pid}")
        server = start_headless(options.dlv, ["attach", str(pid)], redirect_output=False)
        session = _session(server, options, linger=10.0)
        session._current_state()  # where the target stood when dlv stopped it
        return session

    def open_core(self, binary: Path, core: Path, options: Options, progress: Progress) -> RpcSession:
        progress.stage("opening the core with dlv")
        server = start_headless(options.dlv, ["core", str(binary), str(core)], redirect_output=False)
        # No process lives behind a core: dlv has nothing to tidy, so it is not given long.
        session = _session(server, options, grace=0.1)
        session._current_state()
        return session

    def connect(self, address: str, options: Options) -> RpcSession:
        """A session with someone else's dlv server, which must let us hang up without ending it."""
        try:
            conn = Connection.open(address, timeout=CONNECT_CHECK)
        except DebuggerError as exc:
            raise UserError(
                f"no dlv server answers at {address}: start one with `dlv ... --headless --listen`"
            ) from exc
        client = DlvClient(conn, timeout=min(options.command_timeout, CONNECT_CHECK))
        try:
            try:
                multiclient = client.is_multiclient()  # a dlv server answers at once; others may not
            except RPCError:
                raise
            except DebuggerError as exc:
                raise UserError(
                    f"something at {address} answered, but not as a dlv server ({exc}): "
                    "check the address dlv printed after 'API server listening at:'"
                ) from exc
            if not multiclient:
                raise UserError(
                    f"the dlv server at {address} was started without --accept-multiclient: "
                    "disconnecting would end it; restart it with --accept-multiclient"
                )
            client.timeout = options.command_timeout
            return RpcSession(client, None)
        except BaseException:
            with contextlib.suppress(OSError):
                client.close()
            raise


def _version(client: DlvClient, server: HeadlessServer) -> t.GetVersionOut:
    """The first call: when dlv hangs up instead of answering, its own words say why."""
    try:
        return client.version()
    except DebuggerError as exc:
        raise server.explain(exc) from exc


def _session(
    server: HeadlessServer, options: Options, *, linger: float = 5.0, grace: float = 1.0
) -> RpcSession:
    """Connect to a dlv we started; it is ended if anything fails before the session exists."""
    try:
        conn, server.connection = server.connection, None  # connected ahead by a head start
        try:
            conn = conn or Connection.open(server.address, ended=server.ended)
        except DebuggerError as exc:  # dlv listened, then ended (e.g. a Go version it refuses)
            raise server.explain(exc) from exc
        client = DlvClient(conn, timeout=options.command_timeout)
        try:
            return RpcSession(client, server, linger=linger, grace=grace)
        except BaseException:
            client.close()
            raise
    except BaseException:
        server.stop()
        raise


if TYPE_CHECKING:  # the backend and its sessions are what dlvauto/debugger.py declares
    from dlvauto.debugger import Backend, Session

    _backend: Backend = RpcBackend()

    def _is_session(s: RpcSession) -> Session:
        return s
