"""Live source: run a built program under a headless dlv until it crashes, exits or times out.

The program's stdout and stderr go to files (dlv's `-r` redirects), so output of any size is kept
whole and cannot stall the program. After the stacks are read the program is let go for a moment so
the runtime writes its own crash text (the same words a log would hold), then dlv and the target are
ended, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dlvauto.errors import DebuggerError, RPCError, RPCTimeout
from dlvauto.gofacts.tracetext import crash_header
from dlvauto.rpc import DlvClient, find_dlv, start_headless
from dlvauto.rpc.wire import Connection
from dlvauto.snapshot import (
    MAIN_GOROUTINE,
    Ancestor,
    BuildFacts,
    CapturedOutput,
    FPChain,
    FrameValues,
    RawGoroutine,
    Snapshot,
    StopEvent,
)
from dlvauto.sources import savedcore
from dlvauto.sources.dlvstate import (
    PartialCollection,
    collect_goroutines,
    read_ancestors,
    read_debugger_message,
    read_thread_frames,
    stop_from_state,
)
from dlvauto.sources.unwind import read_fp_chains
from dlvauto.sources.values import read_crash_values
from dlvauto.system.progress import NullProgress, Progress

OUTPUT_HEAD = OUTPUT_TAIL = 8 << 20  # bytes kept from the start and the end of stdout and stderr
DEFAULT_DEPTH = 100
FINISH_SECONDS = 5.0  # how long the runtime gets to write its crash text after capture
DUMP_SECONDS = 300.0  # how long dlv may take to write a core (--save-core)


def read_capped(path: Path | None) -> tuple[str, int]:
    """The whole output when small; else its head and tail, and how many bytes were dropped between.

    Reads at most OUTPUT_HEAD + OUTPUT_TAIL bytes whatever the file's size: a program that floods
    its output cannot flood our memory.
    """
    if path is None or not path.exists():
        return "", 0
    size = path.stat().st_size
    with path.open("rb") as f:
        if size <= OUTPUT_HEAD + OUTPUT_TAIL:
            return f.read().decode("utf-8", "replace"), 0
        head = f.read(OUTPUT_HEAD)
        f.seek(size - OUTPUT_TAIL)
        tail = f.read(OUTPUT_TAIL)
    dropped = size - len(head) - len(tail)
    marker = f"\n[dlvauto: {dropped} bytes of output dropped here; head and tail kept]\n"
    return head.decode("utf-8", "replace") + marker + tail.decode("utf-8", "replace"), dropped


def run_live(
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
    rpc_timeout: float = 60.0,
    unwind: Literal["none", "crash", "all"] = "none",
    ancestors: int = 0,
    save_core: Path | None = None,
    values: int = 8,
    frame_n: int = 17,
) -> Snapshot:
    """Run `binary` under dlv and return what it looked like when it stopped.

    `unwind` reads the frame-pointer chain of the crash goroutine (or of all) for the cross-check;
    `ancestors` > 0 runs the target with GODEBUG=tracebackancestors=N and reads the crash
    goroutine's creators. `save_core` names a folder where dlv writes a core of the program as it
    stopped, beside a copy of the binary (savedcore.py), for `dlvauto core` to reopen later.
    """
    progress = progress or NullProgress()
    dlv_path = find_dlv(dlv)
    binary = Path(binary).resolve()
    saved_dir = savedcore.prepare(save_core) if save_core is not None else None
    facts = facts or BuildFacts(binary=str(binary))
    if ancestors > 0:
        env = dict(env if env is not None else os.environ)
        godebug = env.get("GODEBUG", "")
        env["GODEBUG"] = ",".join(x for x in (godebug, f"tracebackancestors={ancestors}") if x)
    progress.stage("starting dlv")
    server = start_headless(
        dlv_path, ["exec", str(binary), "--", *args], redirect_output=True, env=env, cwd=cwd
    )
    try:
        conn = Connection.open(server.address)
        client = DlvClient(conn, timeout=rpc_timeout)
        try:
            try:
                version = client.version()
            except DebuggerError as exc:
                raise server.explain(exc) from exc
            with contextlib.suppress(RPCError):
                server.spawned.adopt_group(client.process_pid())
            progress.stage(f"running {binary.name} (timeout {timeout:g}s)")
            result = client.continue_until(timeout)
            stop = stop_from_state(result.state, result.timed_out)
            got = _Collected()
            if stop.reason != "exited":
                try:
                    _collect(
                        client, stop, got, depth, version.TargetGoVersion, unwind, ancestors, progress,
                        (saved_dir, binary), (facts, values, frame_n),
                    )  # fmt: skip
                except PartialCollection as exc:
                    got.goroutines, got.incomplete = exc.goroutines, str(exc)
                except DebuggerError as exc:
                    got.incomplete = str(exc)
            elif saved_dir is not None:
                got.notes.append("--save-core: nothing to save, the program exited by itself")
            if got.incomplete is None:
                with contextlib.suppress(DebuggerError):
                    client.detach(kill=True)
        finally:
            client.close()
        server.spawned.wait(5)
        stdout, dropped_out = read_capped(server.target_stdout)
        stderr, dropped_err = read_capped(server.target_stderr)
    finally:
        server.stop()
    header = crash_header(stderr)
    if header is not None and stop.reason in ("panic", "fatal", "signal"):
        stop.runtime_message = header.message
        stop.runtime_kind = header.kind
        stop.signal = stop.signal or header.signal
    return Snapshot(
        mode="live",
        build=facts,
        dlv_version=version.DelveVersion.splitlines()[0].removeprefix("Version: ").strip(),
        stop=stop,
        goroutines=got.goroutines,
        incomplete=got.incomplete,
        output=CapturedOutput(
            stdout=stdout,
            stderr=stderr,
            truncated=bool(dropped_out or dropped_err),
            stdout_dropped=dropped_out,
            stderr_dropped=dropped_err,
        ),
        depth=depth,
        fp_chains=got.fp_chains,
        ancestors=got.ancestors,
        values=got.values,
        core=got.core,
        notes=got.notes,
        errors=got.errors,
    )


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


def _collect(
    client: DlvClient,
    stop: StopEvent,
    got: _Collected,
    depth: int,
    go_version: str,
    unwind: Literal["none", "crash", "all"],
    ancestors: int,
    progress: Progress,
    save: tuple[Path | None, Path],
    values: tuple[BuildFacts, int, int] | None = None,
) -> None:
    """Read everything the report needs from the stopped program, filling `got` as it goes."""
    got.goroutines = collect_goroutines(client, depth, go_version, progress)
    read_debugger_message(client, stop)
    if stop.goroutine_id is None:
        stop.thread_frames = read_thread_frames(client, depth)
    candidates = sorted({stop.goroutine_id or MAIN_GOROUTINE, MAIN_GOROUTINE})
    if unwind != "none":
        progress.stage("walking frame pointers")
        ids = [g.id for g in got.goroutines] if unwind == "all" else candidates
        got.fp_chains = read_fp_chains(client, ids)
    if ancestors > 0:
        got.ancestors = read_ancestors(client, candidates, ancestors, depth)
    if values is not None and values[1] > 0:
        progress.stage("reading values at the crash")
        got.values = read_crash_values(client, stop, got.goroutines, *values)
    saved_dir, binary = save
    if saved_dir is not None:
        progress.stage("writing a core of the stopped program")
        try:
            got.core = str(_save_core(client, saved_dir, binary, stop))
        except DebuggerError as exc:
            got.notes.append(f"no core was saved: {exc}")
            got.errors.append(f"no core was saved: {exc}")
    if stop.reason != "halted":
        progress.stage("letting the runtime report the crash")
        stop.exit_status = _finish(client)


def _save_core(client: DlvClient, folder: Path, binary: Path, stop: StopEvent) -> Path:
    """Have dlv write a core of the stopped program into `folder`, beside a copy of the binary.

    DumpStart returns at once; DumpWait (waiting up to a second a call) says when all is written.
    """
    target = folder / savedcore.CORE_NAME
    state = client.dump_start(str(target))
    deadline = time.monotonic() + DUMP_SECONDS
    while state.Dumping and not state.Err:
        if time.monotonic() > deadline:
            with contextlib.suppress(DebuggerError):
                client.dump_cancel()
            raise DebuggerError(f"dlv did not finish writing the core within {DUMP_SECONDS:g}s")
        state = client.dump_wait(1000)
    if state.Err or not state.AllDone:
        raise DebuggerError(f"dlv could not write the core: {state.Err or 'it stopped before the end'}")
    saved = savedcore.SavedStop(
        binary=binary.name, written_by="delve", reason=stop.reason, goroutine_id=stop.goroutine_id
    )
    savedcore.finish(folder, binary, saved)
    return target


def _finish(client: DlvClient) -> int | None:
    """Let the crashed program run to its end so the runtime prints its crash text; its exit status.

    Other goroutines may hit the same throw on the way (several writers of one map), so continue
    until the process exits or the time runs out.
    """
    deadline = time.monotonic() + FINISH_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            result = client.continue_until(left)
        except (RPCTimeout, RPCError):
            return None
        if result.state.exited:
            return result.state.exitStatus
        if result.timed_out:
            return None
    return None
