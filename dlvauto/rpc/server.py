"""Starting a headless dlv: a private socket, the address it prints, and its end.

dlv listens on a unix socket inside a fresh 0700 folder (only its owner can reach it) and falls back
to 127.0.0.1:0 when a unix socket cannot be had (path too long, no AF_UNIX). It never listens on
another interface. dlv's own stdout and stderr go to files in the same folder, read by polling:
no pipe can fill up and stall dlv, however much it logs.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dlvauto.errors import DebuggerError, ToolMissing, UserError
from dlvauto.system import proc

_LISTENING = re.compile(r"API server listening at: (\S+)")
_UNIX_PATH_MAX = 100


def find_dlv(explicit: str | None = None) -> str:
    """Path of the dlv to use: --dlv, else $DLVAUTO_DLV, else the one beside our Python, else PATH."""
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        raise ToolMissing(f"dlv not found at {explicit}: give the path of a dlv binary")
    candidates = [
        os.environ.get("DLVAUTO_DLV"),
        str(Path(sys.executable).parent / "dlv"),
        shutil.which("dlv"),
    ]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    raise ToolMissing(
        "dlv is not installed: run `GOBIN=.venv/bin go install github.com/go-delve/delve/cmd/dlv@v1.27.1`"
        " (scripts/setup.sh does it)"
    )


@dataclass
class HeadlessServer:
    """A running `dlv --headless` and the private folder holding its socket and logs."""

    spawned: proc.Spawned
    address: str
    folder: Path
    log: Path
    target_stdout: Path | None = None
    target_stderr: Path | None = None
    argv: list[str] = field(default_factory=list)

    def explain(self, exc: Exception) -> Exception:
        """dlv's own reason when it hung up on us (it printed the address, then gave up), if it gave one."""
        time.sleep(0.05)  # its last words may still be on their way to the log
        text = self.log_text()
        status = self.spawned.popen.poll()
        if status is None or not text.strip():
            return exc
        err = _startup_error(text, status, False)
        return err if isinstance(err, UserError) else exc

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, grace: float = 1.0) -> None:
        """End dlv, its target and anything they started; remove the private folder.

        `grace` is how long SIGTERM is given before SIGKILL: a dlv with no live target (a core)
        has nothing to clean up and can be given less.
        """
        self.spawned.stop(grace=grace)
        shutil.rmtree(self.folder, ignore_errors=True)


def private_folder() -> Path:
    """A fresh folder only we can enter (mkdtemp makes it 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="dlvauto-"))
    folder.chmod(0o700)
    return folder


def _listen_address(folder: Path, prefer_unix: bool) -> str:
    sock = folder / "dlv.sock"
    if prefer_unix and len(str(sock)) < _UNIX_PATH_MAX:
        return f"unix:{sock}"
    return "127.0.0.1:0"


def start_headless(
    dlv: str,
    command: list[str],
    *,
    redirect_output: bool,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    startup_timeout: float = 30.0,
    prefer_unix: bool = True,
) -> HeadlessServer:
    """Start `dlv <command...> --headless` and wait for the address it prints.

    `command` is dlv's subcommand and its operands, e.g. ["exec", BIN, "--", ARGS...]; the flags
    for the server are put before the `--`.
    """
    folder = private_folder()
    try:
        try:
            return _start(dlv, command, folder, redirect_output, env, cwd, startup_timeout, prefer_unix)
        except _SocketRefused:
            # No unix socket to be had here: loopback TCP is the fallback, never another interface.
            return _start(dlv, command, folder, redirect_output, env, cwd, startup_timeout, False)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _start(
    dlv: str,
    command: list[str],
    folder: Path,
    redirect_output: bool,
    env: dict[str, str] | None,
    cwd: str | Path | None,
    startup_timeout: float,
    prefer_unix: bool,
) -> HeadlessServer:
    listen = _listen_address(folder, prefer_unix)
    flags = ["--headless", "--api-version=2", f"--listen={listen}", "--only-same-user"]
    out = err = None
    if redirect_output:
        out, err = folder / "stdout", folder / "stderr"
        flags += ["-r", "stdin:/dev/null", "-r", f"stdout:{out}", "-r", f"stderr:{err}"]
    if "--" in command:
        cut = command.index("--")
        argv = [dlv, *command[:cut], *flags, *command[cut:]]
    else:
        argv = [dlv, *command, *flags]
    log = folder / "dlv.log"
    with log.open("wb") as logf:
        spawned = proc.spawn(argv, env=env, cwd=cwd, stdout=logf, stderr=logf)
    server = HeadlessServer(spawned, "", folder, log, out, err, argv)
    deadline = time.monotonic() + startup_timeout
    delay = 0.001
    while True:
        text = server.log_text()
        m = _LISTENING.search(text)
        if m:
            server.address = listen if listen.startswith("unix:") else m.group(1)
            # dlv launched the target before it printed the address: take its group now.
            for child in proc.children_of(spawned.pid):
                spawned.adopt_group(child)
            return server
        status = spawned.popen.poll()
        if status is not None:
            spawned.stop(grace=0.2)
            raise _startup_error(text, status, prefer_unix and listen.startswith("unix:"))
        if time.monotonic() > deadline:
            spawned.stop(grace=0.5)
            raise DebuggerError(
                f"dlv did not start within {startup_timeout:g}s; its output: {text.strip()[-500:]}"
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


class _SocketRefused(DebuggerError):
    """dlv could not listen on the unix socket."""


def _startup_error(text: str, status: int, was_unix: bool) -> Exception:
    """Turn dlv's dying words into a one-line error that says what to do."""
    last = next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), f"exit status {status}")
    low = text.lower()
    if was_unix and ("listen unix" in low or "bind" in low):
        return _SocketRefused(last)
    if "too old" in low or "too new" in low or "version of go" in low:
        return UserError(
            f"dlv refuses this Go version: {last}; use the Go version dlv supports (dlvauto doctor)"
        )
    if "could not find dwarf" in low or "no debug info" in low or "debug_info" in low or "dwarf" in low:
        return UserError(f"{last}: the binary has no DWARF; rebuild without -ldflags='-s -w'")
    if "not an executable" in low or "exec format" in low:
        return UserError(
            f"{last}: not an executable for this machine; give a Go binary built for linux/amd64"
        )
    if "operation not permitted" in low or "ptrace" in low:
        return UserError(f"{last}: ptrace is not allowed here; run `dlvauto doctor` to see why")
    return DebuggerError(f"dlv exited at start (status {status}): {last}")
