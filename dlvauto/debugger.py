"""The one interface every source drives dlv through, whichever backend sits behind it.

Delve's own terminal talks to the debugger only through `service.Client`, whatever implements it;
dlvauto's sources do the same through `Debugger`: the live run, the core, attach (and a test
binary) are each written once against it, and `--backend` only picks the implementation:

    rpc    dlvauto/rpc/debugger.py    a headless dlv, its JSON-RPC API (pipelined where it can be)
    repl   dlvauto/repl/debugger.py   dlv's own terminal on a pty, typed into as a person would

Every method speaks the snapshot's types (dlvauto/snapshot.py), never a backend's wire or screen
format. Reading methods that the target may refuse (an expression, a goroutine's stack) say so in
their result; a debugger that fails outright raises DebuggerError.
"""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from dlvauto.errors import DebuggerError
from dlvauto.records import record

if TYPE_CHECKING:  # the protocol is imported before dlv starts: nothing heavy at run time
    from collections.abc import Sequence
    from types import TracebackType

    from dlvauto.snapshot import Ancestor, BuildFacts, FrameValues, RawFrame, RawGoroutine, StopEvent
    from dlvauto.system.progress import Progress

DEFAULT_DEPTH = 100  # frames read per goroutine stack unless told otherwise
COMMAND_TIMEOUT = 60.0  # seconds one request (an RPC, a typed command) may take


class PartialCollection(DebuggerError):
    """dlv failed while the stacks were being read: the goroutines read so far come with it."""

    def __init__(self, message: str, goroutines: list[RawGoroutine]) -> None:
        super().__init__(message)
        self.goroutines = goroutines


class Unsupported(DebuggerError):
    """The backend cannot do this (the command line refuses such options before anything runs)."""


@record(frozen=True)
class Thread:
    """An OS thread of the target as the debugger lists it."""

    id: int
    function: str | None
    current: bool


@record(frozen=True)
class Options:
    """How to run dlv, whatever the backend."""

    dlv: str  # the dlv binary (system/dlv.find_dlv)
    command_timeout: float = COMMAND_TIMEOUT
    transcript: Path | None = None  # the REPL backend writes the session here


@record
class TargetOutput:
    """Where the target's stdout and stderr went (files in the session's private folder)."""

    stdout: Path | None = None
    stderr: Path | None = None


class Ends:
    """`with session:` ends the session (its `stop`) however the block ends."""

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self: S) -> S:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


S = TypeVar("S", bound=Ends)


class Debugger(Protocol):
    """A dlv session on one target: a program dlv launched, a process it attached to, or a core."""

    @property
    def dlv_version(self) -> str | None: ...

    # -- running ---------------------------------------------------------------------------------
    def run(self, timeout: float) -> StopEvent:
        """Continue; halt the target after `timeout` seconds. Why it stopped (exited, a crash
        breakpoint, halted)."""
        ...

    def detach(self, kill: bool) -> None:
        """Leave the target: killed, or running on as if no debugger had been there."""
        ...

    # -- where things are ------------------------------------------------------------------------
    def current_goroutine(self) -> int | None:
        """The goroutine of the current thread, if it runs one."""
        ...

    def goroutines(self, depth: int, progress: Progress) -> list[RawGoroutine]:
        """Every goroutine with up to depth+1 frames of its stack. Raises PartialCollection with
        what was read when dlv fails on the way."""
        ...

    def stack(self, goroutine: int, depth: int) -> list[RawFrame]:
        """One goroutine's stack, up to `depth` frames (the crash goroutine's is read whole)."""
        ...

    def thread_stack(self, depth: int) -> list[RawFrame]:
        """The current thread's stack (a system stack with no goroutine); [] when unreadable."""
        ...

    def threads(self) -> list[Thread]: ...

    def switch_thread(self, thread_id: int) -> None:
        """Make `thread_id` the current thread (raises DebuggerError when dlv refuses)."""
        ...

    def ancestors(self, goroutines: list[int], count: int, depth: int) -> dict[int, list[Ancestor]]:
        """The creators of each goroutine as the runtime recorded them (GODEBUG=tracebackancestors)."""
        ...

    def locations(self, pcs: list[int]) -> list[RawFrame]:
        """Function, file and line of each pc (a frame with only the pc where dlv knows none)."""
        ...

    # -- what things are -------------------------------------------------------------------------
    def eval_text(self, expr: str, goroutine: int | None = None, frame: int = 0) -> str | None:
        """An expression's value as text in a frame's scope (a string's text, an error's message);
        None when it cannot be read. `goroutine` None: the current thread's scope."""
        ...

    def address_of(self, expr: str) -> int | None:
        """Where a variable lives in the target's memory, or None."""
        ...

    def memory(self, address: int, length: int) -> bytes:
        """`length` bytes of the target's memory (fewer at the end of a mapping); DebuggerError
        when none can be read."""
        ...

    def registers(self, goroutine: int) -> dict[str, int]:
        """A goroutine's registers in frame 0 (name -> value), the frame pointer included."""
        ...

    def frame_values(self, goroutine: int, frames: list[int]) -> dict[int, FrameValues]:
        """Arguments and locals of each of `frames` of a goroutine, with bounded loads."""
        ...

    def program_facts(self, binary: str | None) -> BuildFacts:
        """What the loaded program says of its build: module path and folder, GOROOT, Go version."""
        ...

    def save_core(self, path: Path) -> None:
        """Write a core of the stopped target to `path`."""
        ...


class Session(Debugger, Protocol):
    """A Debugger together with the dlv process behind it: ended, whatever happens, on exit."""

    output: TargetOutput

    def close(self) -> None:
        """Hang up and give dlv a moment to leave on its own (the target's output is then whole)."""
        ...

    def stop(self) -> None:
        """End dlv, the target if dlv started it, and everything they started; remove the folder."""
        ...

    def __enter__(self) -> Session: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


@record(frozen=True)
class Launch:
    """A program for dlv to start: `dlv exec BINARY -- ARGS` with its environment and folder."""

    binary: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None
    cwd: Path | None = None
    stdin: Path | None = None  # the program's standard input (the servers give it /dev/null else)

    @classmethod
    def of(
        cls,
        binary: str | Path,
        args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        ancestors: int = 0,
        cwd: str | Path | None = None,
        stdin: Path | None = None,
    ) -> Launch:
        """The launch of a run's options: the live run and its head start (commands/early.py) make
        it here, so the dlv started ahead is the very one the run asks for."""
        return cls(
            Path(binary).resolve(),
            list(args),
            with_ancestors(env, ancestors),
            Path(cwd) if cwd is not None else None,
            stdin,
        )

    def dlv_command(self) -> list[str]:
        """dlv's subcommand and operands for it (flags of dlv's own go before the `--`)."""
        redirect = ["-r", f"stdin:{self.stdin}"] if self.stdin is not None else []
        return ["exec", str(self.binary), *redirect, "--", *self.args]


def with_ancestors(env: dict[str, str] | None, ancestors: int) -> dict[str, str] | None:
    """The target's environment with GODEBUG=tracebackancestors=N added, when N > 0."""
    if ancestors <= 0:
        return env
    out = dict(env if env is not None else os.environ)
    godebug = out.get("GODEBUG", "")
    out["GODEBUG"] = ",".join(x for x in (godebug, f"tracebackancestors={ancestors}") if x)
    return out


class Backend(Protocol):
    """A way to drive dlv: starts sessions on a program, a process or a core."""

    name: str

    def launch(self, program: Launch, options: Options, progress: Progress) -> Session: ...

    def attach(self, pid: int, options: Options, progress: Progress) -> Session: ...

    def open_core(self, binary: Path, core: Path, options: Options, progress: Progress) -> Session: ...
