"""REPL source (`--backend repl`): the live and attach sources, driving dlv's own terminal.

It types what a person would and reads what dlv prints into the same Snapshot the RPC backend
builds (sources/live.py, sources/attach.py):

    continue                                  run to the crash (Ctrl-C after --timeout: a hang)
    transcript -t -x goroutines.txt           (the next reply goes to a file: megabytes for
    goroutines -g -exec stack D -offsets       thousands of goroutines) every goroutine, where it
    transcript -off                            was created, its stack
    ... goroutines -exec print runtime.curg.atomicstatus.value ...   every goroutine's status
    frame 0 print runtime.curg._panic.arg     the panic value (`s` of a throw, `sig` of a signal)
    stack D -offsets                          the thread's stack when no goroutine is current
    disassemble -l *PC                        a function's entry, where the inlining rule needs it
    goroutine G frame K [args|locals]         the first user frame and frame N, for the reader
    continue                                  let the runtime write its crash text; exit status
    exit

`--transcript PATH` keeps the session as the screen showed it, so a person can replay it by hand.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from dlvauto.errors import DebuggerError, UserError
from dlvauto.gofacts.tracetext import crash_header
from dlvauto.repl import parse as p
from dlvauto.repl.process import DlvTerminal, start_terminal
from dlvauto.repl.state import Listing, Reader, stop_from_reply
from dlvauto.repl.terminal import DlvGone, Terminal, Transcript
from dlvauto.rpc import find_dlv
from dlvauto.snapshot import MAIN_GOROUTINE, BuildFacts, CapturedOutput, RawGoroutine, Snapshot, StopEvent
from dlvauto.system import proc
from dlvauto.system.progress import NullProgress, Progress

DEFAULT_DEPTH = 100
FINISH_SECONDS = 5.0  # how long the runtime gets to write its crash text after capture (as live.py)
KILL = {"kill the process": "y"}  # dlv asks when it quits a process it did not start
LEAVE_RUNNING = {"kill the process": "n"}
_VERSION = re.compile(r"^Version: (\S+)", re.MULTILINE)


@functools.lru_cache(maxsize=8)
def dlv_version(dlv: str) -> str | None:
    """`1.27.1` from `dlv version` (the terminal has no command that prints it)."""
    done = proc.run([dlv, "version"], timeout=30)
    m = _VERSION.search(done.stdout)
    return m.group(1) if m else None


@contextlib.contextmanager
def session(
    dlv: str,
    command: Sequence[str],
    *,
    redirect_output: bool,
    target_cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    transcript: str | Path | None = None,
    timeout: float = 60.0,
) -> Iterator[tuple[DlvTerminal, Terminal]]:
    """dlv's terminal, at its first prompt; ended with everything it started, however the block ends."""
    with contextlib.ExitStack() as stack:
        tape = None
        if transcript is not None:
            try:
                out = stack.enter_context(Path(transcript).open("w", encoding="utf-8"))
            except OSError as exc:
                raise UserError(f"cannot write the transcript to {transcript}: {exc.strerror}") from exc
            tape = Transcript(out)
        dt = start_terminal(dlv, command, redirect_output=redirect_output, target_cwd=target_cwd, env=env)
        stack.callback(dt.stop)
        if tape is not None:
            tape.comment(f"dlvauto --backend repl session with dlv {dlv_version(dlv) or '?'}")
            for line in dt.how_started():
                tape.comment(line)
        term = Terminal(
            dt.fd, timeout=timeout, transcript=tape, ctty=dt.spawned.ctty, pid=dt.spawned.pid, cwd=dt.folder
        )
        stack.callback(term.close)
        try:
            term.start()
        except DlvGone as exc:
            raise _startup_error(dt, term, exc) from exc
        yield dt, term


def _startup_error(dt: DlvTerminal, term: Terminal, exc: DlvGone) -> Exception:
    """dlv's dying words at start, in the one-line form the RPC backend gives them."""
    from dlvauto.rpc.server import _startup_error as explain

    status = dt.spawned.wait(5)
    said = term.child.before or ""
    return explain(said.replace("\r\n", "\n"), status if status is not None else -1, False)


def _adopt_target(dt: DlvTerminal) -> None:
    """dlv launched the program (in a group of its own) before its first prompt: own that group."""
    for child in proc.children_of(dt.spawned.pid):
        dt.spawned.adopt_group(child)


def run_repl(
    binary: str | Path,
    args: Sequence[str] = (),
    *,
    facts: BuildFacts | None = None,
    timeout: float = 60.0,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    progress: Progress | None = None,
    command_timeout: float = 60.0,
    ancestors: int = 0,
    frame_n: int = 17,
    transcript: str | Path | None = None,
) -> Snapshot:
    """Run `binary` under dlv's terminal and return what it looked like when it stopped."""
    progress = progress or NullProgress()
    dlv_path = find_dlv(dlv)
    binary = Path(binary).resolve()
    facts = facts or BuildFacts(binary=str(binary))
    if ancestors > 0:
        env = dict(env if env is not None else os.environ)
        godebug = env.get("GODEBUG", "")
        env["GODEBUG"] = ",".join(x for x in (godebug, f"tracebackancestors={ancestors}") if x)
    progress.stage("starting dlv's terminal")
    with session(
        dlv_path,
        ["exec", str(binary), "--", *args],
        redirect_output=True,
        target_cwd=cwd,
        env=env,
        transcript=transcript,
        timeout=command_timeout,
    ) as (dt, term):
        _adopt_target(dt)
        progress.stage(f"running {binary.name} (timeout {timeout:g}s)")
        reply, timed_out = term.run_for("continue", timeout)
        stop = stop_from_reply(reply, timed_out)
        reader = Reader(term, depth, progress)
        goroutines: list[RawGoroutine] = []
        incomplete = None
        ancestry = {}
        if stop.reason != "exited":
            try:
                goroutines = _capture(reader, stop, facts, frame_n)
                if ancestors > 0:
                    ids = sorted({stop.goroutine_id or MAIN_GOROUTINE, MAIN_GOROUTINE})
                    ancestry = reader.ancestors(ids, ancestors)
                if stop.reason != "halted":
                    progress.stage("letting the runtime report the crash")
                    stop.exit_status = _finish(term)
            except DebuggerError as exc:
                incomplete = str(exc)
        if incomplete is None:
            _quit(term, KILL)
        dt.spawned.wait(5)
        from dlvauto.sources.live import read_capped

        stdout, dropped_out = read_capped(dt.target_stdout)
        stderr, dropped_err = read_capped(dt.target_stderr)
    header = crash_header(stderr)
    if header is not None and stop.reason in ("panic", "fatal", "signal"):
        stop.runtime_message = header.message
        stop.runtime_kind = header.kind
        stop.signal = stop.signal or header.signal
    return Snapshot(
        mode="live",
        build=facts,
        dlv_version=dlv_version(dlv_path),
        stop=stop,
        goroutines=goroutines,
        incomplete=incomplete,
        output=CapturedOutput(
            stdout=stdout,
            stderr=stderr,
            truncated=bool(dropped_out or dropped_err),
            stdout_dropped=dropped_out,
            stderr_dropped=dropped_err,
        ),
        depth=depth,
        ancestors=ancestry,
    )


def _capture(reader: Reader, stop: StopEvent, facts: BuildFacts, frame_n: int) -> list[RawGoroutine]:
    """Every goroutine and the crash value; then the frames a person would look at."""
    listing: Listing = reader.listing()
    if stop.goroutine_id is None:
        stop.goroutine_id = listing.selected  # after a halt: the current thread's goroutine
    reader.message(stop)
    thread = reader.thread_stack() if stop.goroutine_id is None else []
    stacks = [s.frames for s in listing.stacks.values()] + [thread]
    reader.resolve_entries(stacks)
    stop.thread_frames = [reader.frames(f) for f in thread]
    goroutines = reader.goroutines(listing)
    show_frames(reader, stop, facts, goroutines, frame_n)
    return goroutines


def show_frames(
    reader: Reader, stop: StopEvent, facts: BuildFacts, goroutines: list[RawGoroutine], frame_n: int
) -> None:
    """Type `frame K`, `args` and `locals` for the first user frame and frame N of the crash
    goroutine: the reproduction a person reads in the transcript (the snapshot keeps no values).
    The analysis is pure, so asking it which frames those are changes nothing it will say later."""
    from dlvauto.analysis import analyze

    # Only the goroutines the crash can be in: the analysis of thousands would cost for nothing.
    near = [g for g in goroutines if g.id in (stop.goroutine_id, MAIN_GOROUTINE)]
    snap = Snapshot(mode="live", build=facts, stop=stop, goroutines=near)
    crash = analyze(snap, frame_n=frame_n).crash
    if crash.goroutine_id is None:
        return
    wanted = {f.index for f in (crash.first_user_frame, crash.frame_n.frame) if f is not None}
    for index in sorted(wanted):
        reader.show_frame(crash.goroutine_id, index)


def _finish(term: Terminal) -> int | None:
    """Let the crashed program run to its end so the runtime prints its crash text; its exit status.

    Other goroutines may hit the same throw on the way (several writers of one map), so continue
    until the process exits or the time runs out (then Ctrl-C halts it again).
    """
    deadline = time.monotonic() + FINISH_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        reply, timed_out = term.run_for("continue", left)
        exited = p.parse_exited(reply)
        if exited is not None:
            return exited.status
        if timed_out or p.command_error(reply) is not None:
            return None
    return None


def _quit(term: Terminal, answers: dict[str, str]) -> None:
    """`exit`, answering dlv's question about the process; dlv ends and the terminal closes."""
    with contextlib.suppress(DebuggerError):
        term.quit("exit", answers=answers)


def attach_repl(
    pid: int,
    *,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    progress: Progress | None = None,
    command_timeout: float = 60.0,
    frame_n: int = 17,
    transcript: str | Path | None = None,
) -> Snapshot:
    """Attach dlv's terminal to process `pid`, capture every goroutine, detach and leave it running."""
    from dlvauto.gofacts.binary import build_facts, read_binary
    from dlvauto.sources.attach import _check_pid as check_pid

    progress = progress or NullProgress()
    binary = check_pid(pid)
    try:
        facts = build_facts(read_binary(binary))
    except UserError:
        facts = BuildFacts(binary=binary)
    dlv_path = find_dlv(dlv)
    progress.stage(f"attaching to {pid}")
    with session(
        dlv_path, ["attach", str(pid)], redirect_output=False, transcript=transcript, timeout=command_timeout
    ) as (dt, term):
        stop = StopEvent(reason="halted")
        reader = Reader(term, depth, progress)
        goroutines = _capture(reader, stop, facts, frame_n)
        progress.stage("detaching")
        if not term.quit("exit", answers=LEAVE_RUNNING):
            raise DebuggerError(f"dlv did not detach from process {pid}")
        dt.spawned.wait(10)
    return Snapshot(
        mode="attach",
        build=facts,
        dlv_version=dlv_version(dlv_path),
        stop=stop,
        goroutines=goroutines,
        depth=depth,
    )
