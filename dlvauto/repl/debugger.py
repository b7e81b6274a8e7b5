"""The Debugger over dlv's own terminal: the commands a person would type, read back as data.

    continue                                  run to the crash (Ctrl-C after --timeout: a hang)
    transcript -t -x goroutines.txt           (the next reply goes to a file: megabytes for
    goroutines -g -exec stack D -offsets       thousands of goroutines) every goroutine, where it
    transcript -off                            was created, its stack
    ... goroutines -exec print runtime.curg.atomicstatus.value ...   every goroutine's status
    disassemble -l *PC                        a function's entry, where the inlining rule needs it
    frame 0 print runtime.curg._panic.arg     an expression in a frame's scope (the panic value)
    goroutine G frame K [args|locals]         the values of the frames that explain the crash
    threads / thread N / stack D -offsets     a thread dying on a system stack (a deadlock)
    print &VAR / examinemem -x ADDR           memory (the runtime's print backlog in a core)
    exit                                      answering whether to kill the process

`--transcript PATH` keeps the session as the screen showed it, so a person can replay it by hand.
Registers, pc locations and core dumps are the RPC backend's (the command line refuses them here).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dlvauto.debugger import Ends, Launch, Options, TargetOutput, Thread, Unsupported
from dlvauto.errors import DebuggerError, UserError
from dlvauto.gofacts.binary import build_facts, read_binary
from dlvauto.repl import parse as p
from dlvauto.repl.process import DlvTerminal, start_terminal
from dlvauto.repl.state import Reader, stop_from_reply
from dlvauto.repl.terminal import DlvGone, Terminal, Transcript
from dlvauto.snapshot import Ancestor, BuildFacts, FrameValues, RawFrame, RawGoroutine, StopEvent
from dlvauto.system import proc
from dlvauto.system.dlv import startup_error, version_of
from dlvauto.system.progress import Progress

KILL = {"kill the process": "y"}  # dlv asks when it quits a process it did not start
LEAVE_RUNNING = {"kill the process": "n"}
# Where a dlv breakpoint stops a dying goroutine: frame 0 at a function's entry (the core source
# tells such a goroutine by its entry, which the terminal does not print).
_ENTRY_FUNCTIONS = frozenset(
    {"runtime.fatalpanic", "runtime.startpanic", "runtime.throw", "runtime.fatal", "runtime.fatalsignal"}
)
_POINTER = re.compile(r"\((0x[0-9a-f]+)\)\s*$")


class ReplSession(Ends):
    """A Debugger (dlvauto/debugger.py) typing into one dlv terminal."""

    def __init__(
        self, dlv: str, dt: DlvTerminal, term: Terminal, stack: contextlib.ExitStack, linger: float
    ) -> None:
        self.dlv = dlv
        self.dt = dt
        self.term = term
        self.reader = Reader(term)
        self.output = TargetOutput(dt.target_stdout, dt.target_stderr)
        self._stack = stack
        self._linger = linger
        self._selected: int | None = None

    # -- the session -------------------------------------------------------------------------------
    def close(self) -> None:
        self.dt.spawned.wait(self._linger)

    def stop(self) -> None:
        self._stack.close()

    @property
    def dlv_version(self) -> str | None:
        return version_of(self.dlv)

    # -- running -----------------------------------------------------------------------------------
    def run(self, timeout: float) -> StopEvent:
        reply, timed_out = self.term.run_for("continue", timeout)
        return stop_from_reply(reply, timed_out)

    def detach(self, kill: bool) -> None:
        """`exit`, answering dlv's question about the process; dlv ends and the terminal closes."""
        if not self.term.quit("exit", answers=KILL if kill else LEAVE_RUNNING):
            raise DebuggerError("dlv did not detach from the process")

    # -- where things are --------------------------------------------------------------------------
    def current_goroutine(self) -> int | None:
        return self._selected  # the goroutine the listing marked with `*`

    def goroutines(self, depth: int, progress: Progress) -> list[RawGoroutine]:
        listing = self.reader.listing(depth, progress)
        self._selected = listing.selected
        stacks = [s.frames for s in listing.stacks.values()]
        at_entry = [f[0].pc for f in stacks if f and f[0].function in _ENTRY_FUNCTIONS]
        self.reader.resolve_entries(stacks, also=at_entry)
        return self.reader.goroutines(listing)

    def stack(self, goroutine: int, depth: int) -> list[RawFrame]:
        frames = self.reader.goroutine_stack(goroutine, depth)
        self.reader.resolve_entries([frames])
        return [self.reader.frames(f) for f in frames]

    def thread_stack(self, depth: int) -> list[RawFrame]:
        frames = self.reader.thread_stack(depth)
        self.reader.resolve_entries([frames])
        return [self.reader.frames(f) for f in frames]

    def threads(self) -> list[Thread]:
        return [
            Thread(th.id, th.function, th.current) for th in p.parse_threads(self.term.command("threads"))
        ]

    def switch_thread(self, thread_id: int) -> None:
        error = p.command_error(self.term.command(f"thread {thread_id}"))
        if error is not None:
            raise DebuggerError(f"thread {thread_id}: {error}")

    def ancestors(self, goroutines: list[int], count: int, depth: int) -> dict[int, list[Ancestor]]:
        return self.reader.ancestors(goroutines, count, depth)

    def locations(self, pcs: list[int]) -> list[RawFrame]:
        raise Unsupported("finding where a pc lies needs dlv's API: use --backend rpc")

    # -- what things are ---------------------------------------------------------------------------
    def eval_text(self, expr: str, goroutine: int | None = None, frame: int = 0) -> str | None:
        scope = f"frame {frame}" if goroutine is None else f"goroutine {goroutine} frame {frame}"
        return p.value_text(self.term.command(f"{scope} print {expr}"))

    def address_of(self, expr: str) -> int | None:
        m = _POINTER.search(self.term.command(f"print &{expr}").strip())
        return int(m.group(1), 16) if m else None

    def memory(self, address: int, length: int) -> bytes:
        reply = self.term.command(f"examinemem -fmt hex -count {length} -size 1 -x {address:#x}")
        data = p.parse_memory(reply)
        if not data:
            raise DebuggerError(p.command_error(reply) or f"no memory readable at {address:#x}")
        return data

    def registers(self, goroutine: int) -> dict[str, int]:
        raise Unsupported("reading registers needs dlv's API: use --backend rpc")

    def frame_values(self, goroutine: int, frames: list[int]) -> dict[int, FrameValues]:
        return {index: self.reader.frame_values(goroutine, index) for index in frames}

    def program_facts(self, binary: str | None) -> BuildFacts:
        """The binary's own build information and DWARF (the terminal lists no package folders)."""
        if binary is None:
            return BuildFacts()
        try:
            return build_facts(read_binary(binary))
        except UserError:
            return BuildFacts(binary=binary)

    def save_core(self, path: Path) -> None:
        raise Unsupported("--save-core needs dlv's API: use --backend rpc")


def open_session(
    options: Options,
    command: Sequence[str],
    *,
    redirect_output: bool,
    target_cwd: Path | None = None,
    env: dict[str, str] | None = None,
    linger: float = 5.0,
) -> ReplSession:
    """dlv's terminal at its first prompt; ended with everything it started if the start fails."""
    stack = contextlib.ExitStack()
    try:
        tape = None
        if options.transcript is not None:
            try:
                out = stack.enter_context(Path(options.transcript).open("w", encoding="utf-8"))  # noqa: SIM115
            except OSError as exc:
                raise UserError(
                    f"cannot write the transcript to {options.transcript}: {exc.strerror}"
                ) from exc
            tape = Transcript(out)
        dt = start_terminal(
            options.dlv, command, redirect_output=redirect_output, target_cwd=target_cwd, env=env
        )
        stack.callback(dt.stop)
        if tape is not None:
            tape.comment(f"dlvauto --backend repl session with dlv {version_of(options.dlv) or '?'}")
            for line in dt.how_started():
                tape.comment(line)
        term = Terminal(
            dt.fd,
            timeout=options.command_timeout,
            transcript=tape,
            ctty=dt.spawned.ctty,
            pid=dt.spawned.pid,
            cwd=dt.folder,
        )
        stack.callback(term.close)
        try:
            term.start()
        except DlvGone as exc:
            status = dt.spawned.wait(5)
            said = (term.child.before or "").replace("\r\n", "\n")
            raise startup_error(said, status if status is not None else -1, False) from exc
        return ReplSession(options.dlv, dt, term, stack, linger)
    except BaseException:
        stack.close()
        raise


class ReplBackend:
    """Sessions typed into dlv's own terminal."""

    name = "repl"

    def launch(self, program: Launch, options: Options, progress: Progress) -> ReplSession:
        progress.stage("starting dlv's terminal")
        command = program.dlv_command()
        session = open_session(
            options, command, redirect_output=True, target_cwd=program.cwd, env=program.env
        )
        # dlv launched the program (in a group of its own) before its first prompt: own that group.
        for child in proc.children_of(session.dt.spawned.pid):
            session.dt.spawned.adopt_group(child)
        return session

    def attach(self, pid: int, options: Options, progress: Progress) -> ReplSession:
        progress.stage(f"attaching to {pid}")
        return open_session(options, ["attach", str(pid)], redirect_output=False, linger=10.0)

    def open_core(self, binary: Path, core: Path, options: Options, progress: Progress) -> ReplSession:
        progress.stage("opening the core in dlv's terminal")
        return open_session(options, ["core", str(binary), str(core)], redirect_output=False)


if TYPE_CHECKING:  # the backend and its sessions are what dlvauto/debugger.py declares
    from dlvauto.debugger import Backend, Session

    _backend: Backend = ReplBackend()

    def _is_session(s: ReplSession) -> Session:
        return s
