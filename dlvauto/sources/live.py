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
from pathlib import Path
from typing import Literal

from dlvauto.errors import DebuggerError, RPCError, RPCTimeout
from dlvauto.progress import NullProgress, Progress
from dlvauto.rpc import DlvClient, find_dlv, start_headless
from dlvauto.rpc.wire import Connection
from dlvauto.snapshot import MAIN_GOROUTINE, Ancestor, BuildFacts, CapturedOutput, FPChain, Snapshot
from dlvauto.sources.dlvstate import (
    collect_goroutines,
    read_ancestors,
    read_debugger_message,
    read_thread_frames,
    stop_from_state,
)
from dlvauto.sources.unwind import read_fp_chains
from dlvauto.tracetext import crash_header

OUTPUT_LIMIT = 32 << 20  # bytes kept of each of stdout and stderr
DEFAULT_DEPTH = 100
FINISH_SECONDS = 5.0  # how long the runtime gets to write its crash text after capture


def _read_capped(path: Path | None) -> tuple[str, bool]:
    if path is None or not path.exists():
        return "", False
    size = path.stat().st_size
    with path.open("rb") as f:
        data = f.read(OUTPUT_LIMIT)
    return data.decode("utf-8", "replace"), size > OUTPUT_LIMIT


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
) -> Snapshot:
    """Run `binary` under dlv and return what it looked like when it stopped.

    `unwind` reads the frame-pointer chain of the crash goroutine (or of all) for the cross-check;
    `ancestors` > 0 runs the target with GODEBUG=tracebackancestors=N and reads the crash
    goroutine's creators.
    """
    progress = progress or NullProgress()
    dlv_path = find_dlv(dlv)
    binary = Path(binary).resolve()
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
            version = client.version()
            with contextlib.suppress(RPCError):
                server.spawned.adopt_group(client.process_pid())
            progress.stage(f"running {binary.name} (timeout {timeout:g}s)")
            result = client.continue_until(timeout)
            stop = stop_from_state(result.state, result.timed_out)
            goroutines = []
            fp_chains: dict[int, FPChain] = {}
            found: dict[int, list[Ancestor]] = {}
            if stop.reason != "exited":
                goroutines = collect_goroutines(client, depth, version.TargetGoVersion, progress)
                read_debugger_message(client, stop)
                if stop.goroutine_id is None:
                    stop.thread_frames = read_thread_frames(client, depth)
                candidates = sorted({stop.goroutine_id or MAIN_GOROUTINE, MAIN_GOROUTINE})
                if unwind != "none":
                    progress.stage("walking frame pointers")
                    ids = [g.id for g in goroutines] if unwind == "all" else candidates
                    fp_chains = read_fp_chains(client, ids)
                if ancestors > 0:
                    found = read_ancestors(client, candidates, ancestors, depth)
                if stop.reason != "halted":
                    progress.stage("letting the runtime report the crash")
                    stop.exit_status = _finish(client)
            with contextlib.suppress(DebuggerError):
                client.detach(kill=True)
        finally:
            client.close()
        server.spawned.wait(5)
        stdout, cut_out = _read_capped(server.target_stdout)
        stderr, cut_err = _read_capped(server.target_stderr)
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
        goroutines=goroutines,
        output=CapturedOutput(stdout=stdout, stderr=stderr, truncated=cut_out or cut_err),
        depth=depth,
        fp_chains=fp_chains,
        ancestors=found,
    )


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
