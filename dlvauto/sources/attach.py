"""Attach and connect sources: look into a running program without ending it.

`attach PID` starts dlv (either backend) attached to the process, captures every goroutine and
detaches, leaving the program running. `connect ADDR` talks to a dlv server someone else started:
it halts the target if it was running, captures, and leaves the server as it found it (running
again, or stopped). Both reports are of kind `hang`: the program was stopped by us, not by a crash.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

from dlvauto.debugger import COMMAND_TIMEOUT, DEFAULT_DEPTH, Debugger, Options
from dlvauto.errors import UserError, shown
from dlvauto.snapshot import Snapshot, StopEvent
from dlvauto.sources import backends
from dlvauto.system.progress import NullProgress, Progress


def _capture(dbg: Debugger, binary: str | None, depth: int, progress: Progress) -> Snapshot:
    facts = dbg.program_facts(binary)
    goroutines = dbg.goroutines(depth, progress)
    stop = StopEvent(reason="halted", goroutine_id=dbg.current_goroutine())
    if stop.goroutine_id is None:
        stop.thread_frames = dbg.thread_stack(depth)
    return Snapshot(
        mode="attach",
        build=facts,
        dlv_version=dbg.dlv_version,
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
        status = _status(Path(f"/proc/{pid}/status").read_text())
    except OSError as exc:
        raise UserError(f"cannot read process {pid}: {exc.strerror}") from exc
    if status.get("State", "").startswith(("Z", "X")):
        raise UserError(
            f"process {pid} has exited (a zombie its parent has not reaped): there is nothing left to "
            "attach to; give the pid of a running Go program"
        )
    tracer = status.get("TracerPid", "0")
    if tracer != "0":
        raise UserError(f"process {pid} is already traced by {tracer}: detach that debugger first")
    if pid == os.getpid():
        raise UserError("dlvauto cannot attach to itself: give the pid of a Go program")
    try:
        path = str(exe.resolve(strict=True))
    except FileNotFoundError:  # a kernel thread has no executable
        raise UserError(
            f"process {pid} runs no program file (a kernel thread?): give the pid of a Go program"
        ) from None
    except OSError as exc:
        raise UserError(_not_allowed(pid, status, exc)) from exc
    _require_go(pid, path)
    return path


def _status(text: str) -> dict[str, str]:
    """/proc/PID/status as its fields (`State`, `Uid`, `TracerPid`, ...)."""
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def _not_allowed(pid: int, status: dict[str, str], exc: OSError) -> str:
    """Why we may not look at process `pid`, in words that say what would help."""
    owner = (status.get("Uid", "").split() or ["?"])[0]
    if os.geteuid() == 0:
        return (
            f"cannot attach to {pid}: {exc.strerror} even as root: the kernel forbids tracing it here "
            "(no CAP_SYS_PTRACE in this container, a security module, or a process outside this PID "
            "namespace); run `dlvauto doctor` to see why"
        )
    if owner != str(os.getuid()):
        return f"cannot attach to {pid}: it belongs to uid {owner}: run dlvauto as that user or as root"
    return (
        f"cannot attach to {pid}: {exc.strerror}: ptrace is restricted on this machine; "
        "run `dlvauto doctor` to see why"
    )


def _require_go(pid: int, exe: str) -> None:
    """Refuse a program that is not Go (dlv would find no goroutines in it): one line, exit 2.

    A file we cannot read is left for dlv to judge.
    """
    from dlvauto.gofacts.binary import is_go_binary

    if is_go_binary(exe) is False:
        raise UserError(
            f"process {pid} ({shown(exe)}) is not a Go program: dlvauto reads Go goroutines; "
            "give the pid of a Go program"
        )


def attach(
    pid: int,
    *,
    backend: str = backends.DEFAULT_BACKEND,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    progress: Progress | None = None,
    command_timeout: float = COMMAND_TIMEOUT,
    transcript: str | Path | None = None,
) -> Snapshot:
    """Halt process `pid` under dlv, capture every goroutine, detach and leave it running."""
    progress = progress or NullProgress()
    binary = _check_pid(pid)
    options = backends.options(dlv, command_timeout, transcript)
    with backends.get(backend).attach(pid, options, progress) as dbg:
        snap = _capture(dbg, binary, depth, progress)
        progress.stage("detaching")
        dbg.detach(kill=False)
        dbg.close()
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


def _refuse_single_client(address: str) -> None:
    """Refuse, before connecting, a local dlv that our hanging up would end (no --accept-multiclient)."""
    from dlvauto.system.listeners import listener_argv

    argv = listener_argv(address)
    if argv is None or not argv or Path(argv[0]).name != "dlv":
        return  # not found here (another user's, remote, not dlv): the API's answer decides
    if any(a == "--accept-multiclient" or a.startswith("--accept-multiclient=") for a in argv):
        return
    raise UserError(
        f"the dlv server at {address} was started without --accept-multiclient: connecting and hanging "
        "up would end it and its program, so dlvauto did not connect; restart it with "
        "`dlv ... --headless --accept-multiclient --listen=...` to share it"
    )


def connect(
    address: str,
    *,
    allow_remote: bool = False,
    depth: int = DEFAULT_DEPTH,
    progress: Progress | None = None,
    command_timeout: float = COMMAND_TIMEOUT,
) -> Snapshot:
    """Capture the target of a running dlv server and leave the server as it was."""
    progress = progress or NullProgress()
    address = _check_address(address, allow_remote)
    _refuse_single_client(address)
    with backends.rpc().connect(address, Options("", command_timeout)) as dbg:
        was_running = dbg.is_running()
        if was_running:
            progress.stage("halting the target")
            dbg.halt()
        snap = _capture(dbg, dbg.target_binary(), depth, progress)
        if was_running:
            progress.stage("resuming the target")
            dbg.resume()
        return snap
