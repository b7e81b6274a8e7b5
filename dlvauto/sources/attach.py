"""Attach and connect sources: look into a running program without ending it.

`attach PID` starts a headless dlv attached to the process, captures every goroutine and detaches,
leaving the program running. `connect ADDR` talks to a dlv server someone else started: it halts
the target if it was running, captures, and leaves the server as it found it (running again, or
stopped). Both reports are of kind `hang`: the program was stopped by us, not by a crash.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from pathlib import Path
from typing import Literal

from dlvauto.errors import DebuggerError, RPCError, UserError
from dlvauto.rpc import DlvClient, find_dlv, start_headless
from dlvauto.rpc.wire import Connection
from dlvauto.snapshot import Snapshot, StopEvent
from dlvauto.sources.dlvfacts import facts_from_dlv
from dlvauto.sources.dlvstate import collect_goroutines, read_thread_frames
from dlvauto.system.progress import NullProgress, Progress


def _go_version(target_go_version: str) -> str | None:
    """`go1.26.8` from dlv's "Go cmd/compile go1.26.8"."""
    words = [w for w in target_go_version.split() if w.startswith("go1")]
    return words[-1] if words else None


def _capture(
    client: DlvClient, mode: Literal["attach"], binary: str | None, depth: int, progress: Progress
) -> Snapshot:
    version = client.version()
    facts = facts_from_dlv(client, binary)
    facts.go_version = _go_version(version.TargetGoVersion)
    state = client.state(non_blocking=True)
    gid = (
        state.currentThread.goroutineID
        if state.currentThread and state.currentThread.goroutineID > 0
        else None
    )
    stop = StopEvent(reason="halted", goroutine_id=gid)
    goroutines = collect_goroutines(client, depth, version.TargetGoVersion, progress)
    if gid is None:
        stop.thread_frames = read_thread_frames(client, depth)
    return Snapshot(
        mode=mode,
        build=facts,
        dlv_version=version.DelveVersion.splitlines()[0].removeprefix("Version: ").strip(),
        stop=stop,
        goroutines=goroutines,
        depth=depth,
    )


def _check_pid(pid: int) -> str:
    """The executable of a live process we may trace, or a one-line error."""
    if pid <= 0:
        raise UserError(f"{pid} is not a process id: give the pid of a running Go program")
    exe = Path(f"/proc/{pid}/exe")
    if not Path(f"/proc/{pid}").exists():
        raise UserError(f"no process {pid}: give the pid of a running Go program (see `pgrep`)")
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError as exc:
        raise UserError(f"cannot read process {pid}: {exc.strerror}") from exc
    for line in status.splitlines():
        if line.startswith("TracerPid:") and line.split()[1] != "0":
            tracer = line.split()[1]
            raise UserError(f"process {pid} is already traced by {tracer}: detach that debugger first")
    if pid == os.getpid():
        raise UserError("dlvauto cannot attach to itself: give the pid of a Go program")
    try:
        return str(exe.resolve())
    except OSError as exc:
        raise UserError(f"cannot attach to {pid}: {exc.strerror}; run as its owner or root") from exc


def attach(
    pid: int,
    *,
    depth: int = 100,
    dlv: str | None = None,
    progress: Progress | None = None,
    rpc_timeout: float = 60,
) -> Snapshot:
    """Halt process `pid` under dlv, capture every goroutine, detach and leave it running."""
    progress = progress or NullProgress()
    binary = _check_pid(pid)
    progress.stage(f"attaching to {pid}")
    server = start_headless(find_dlv(dlv), ["attach", str(pid)], redirect_output=False)
    try:
        client = DlvClient(Connection.open(server.address), timeout=rpc_timeout)
        try:
            snap = _capture(client, "attach", binary, depth, progress)
            progress.stage("detaching")
            client.detach(kill=False)
        finally:
            client.close()
        server.spawned.wait(10)
    finally:
        server.stop()  # dlv only: an attached target is not in a group dlv started
    return snap


def _check_address(address: str, allow_remote: bool) -> str:
    if address.startswith("unix:") or address.startswith("/"):
        return address if address.startswith("unix:") else f"unix:{address}"
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise UserError(f"{address!r} is not HOST:PORT: give the address dlv printed (e.g. 127.0.0.1:40000)")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UserError(f"cannot resolve {host}: {exc.strerror}; give an address dlv listens on") from exc
    remote = [i[4][0] for i in infos if not ipaddress.ip_address(str(i[4][0]).split("%")[0]).is_loopback]
    if remote and not allow_remote:
        raise UserError(
            f"{host} is not a loopback address: a dlv server there can run code on that machine; "
            "pass --allow-remote if you mean it"
        )
    return address


def connect(
    address: str,
    *,
    allow_remote: bool = False,
    depth: int = 100,
    progress: Progress | None = None,
    rpc_timeout: float = 60,
) -> Snapshot:
    """Capture the target of a running dlv server and leave the server as it was."""
    progress = progress or NullProgress()
    address = _check_address(address, allow_remote)
    try:
        conn = Connection.open(address, timeout=5)
    except DebuggerError as exc:
        raise UserError(
            f"no dlv server answers at {address}: start one with `dlv ... --headless --listen`"
        ) from exc
    client = DlvClient(conn, timeout=rpc_timeout)
    try:
        try:
            client.timeout = min(rpc_timeout, 5.0)  # a dlv server answers at once; anything else may not
            multiclient = client.is_multiclient()
            client.timeout = rpc_timeout
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
        was_running = client.state(non_blocking=True).Running
        if was_running:
            progress.stage("halting the target")
            client.command("halt")
        try:
            pid = client.process_pid()
            binary = str(Path(f"/proc/{pid}/exe").readlink())
        except (RPCError, OSError):
            binary = None
        snap = _capture(client, "attach", binary, depth, progress)
        if was_running:
            progress.stage("resuming the target")
            client.conn.send("Command", {"name": "continue"})  # its reply comes when it next stops
        return snap
    finally:
        with contextlib.suppress(OSError):
            client.close()
