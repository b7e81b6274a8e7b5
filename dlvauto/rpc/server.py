"""Starting a headless dlv: a private socket, the address it prints, and its end.

dlv listens on a unix socket inside a fresh 0700 folder (only its owner can reach it) and falls back
to 127.0.0.1:0 when a unix socket cannot be had (path too long, no AF_UNIX). It never listens on
another interface. dlv's own stdout and stderr go to files in the same folder, read by polling:
no pipe can fill up and stall dlv, however much it logs.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from dlvauto.errors import DebuggerError, UserError
from dlvauto.records import record
from dlvauto.rpc import argv as argv_of
from dlvauto.system import files, proc, trees
from dlvauto.system.dlv import SocketRefused, startup_error
from dlvauto.system.scratch import private_folder

if TYPE_CHECKING:
    from dlvauto.rpc.wire import Connection

_LISTENING = r"API server listening at: (\S+)"  # compiled by `re` on first use


@record
class HeadlessServer:
    """A running `dlv --headless` and the private folder holding its socket and logs."""

    spawned: proc.Spawned
    address: str
    folder: Path
    log: Path
    target_stdout: Path | None = None
    target_stderr: Path | None = None
    argv: list[str] = field(default_factory=list)
    connection: Connection | None = None  # connected ahead, the program set running (head_start)

    def explain(self, exc: Exception) -> Exception:
        """dlv's own reason when it hung up on us (it printed the address, then gave up), if it gave one."""
        time.sleep(0.05)  # its last words may still be on their way to the log
        text = self.log_text()
        status = self.spawned.popen.poll()
        if status is None or not text.strip():
            return exc
        err = startup_error(text, status, False)
        return err if isinstance(err, UserError) else exc

    def ended(self) -> bool:
        """Whether dlv has exited (it may have printed its address first, then given up)."""
        return self.spawned.popen.poll() is not None

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
        trees.remove_tree(self.folder)


# ---- started before it was asked for --------------------------------------------------------------
# The command line starts the dlv a `run` will need while Python is still importing the rest of
# dlvauto (commands/early.py); the backend then claims it, if it is exactly the dlv it would start.

_EarlyKey = tuple[str, tuple[str, ...], bool, tuple[tuple[str, str], ...] | None, str | None]


class EarlyStart:
    """What one early start gave (a dlv for a key, or None), set once by the thread starting it and
    waited for by a claim: a future of the smallest kind (concurrent.futures' costs ~6 ms of
    imports, logging among them, before dlv can start)."""

    def __init__(self) -> None:
        self._given = threading.Event()
        self._value: tuple[_EarlyKey, HeadlessServer] | None = None

    def set_result(self, value: tuple[_EarlyKey, HeadlessServer] | None) -> None:
        if not self._given.is_set():
            self._value = value
            self._given.set()

    def done(self) -> bool:
        return self._given.is_set()

    def result(self, timeout: float | None = None) -> tuple[_EarlyKey, HeadlessServer] | None:
        if not self._given.wait(timeout):
            raise TimeoutError("the early dlv start gave nothing in time")
        return self._value


GuessedStart = tuple[_EarlyKey, HeadlessServer]  # a dlv started before it was known to be right
_early: list[EarlyStart] = []
_early_lock = threading.Lock()


def _early_key(
    dlv: str, command: list[str], redirect_output: bool, env: dict[str, str] | None, cwd: str | Path | None
) -> _EarlyKey:
    return (
        dlv,
        tuple(command),
        redirect_output,
        tuple(sorted(env.items())) if env is not None else None,
        str(cwd) if cwd is not None else None,
    )


def expect_early() -> EarlyStart:
    """Say, before its thread gets there, that a dlv is being started early: a `claim` meanwhile
    waits for it instead of starting a second one. The caller ends the wait with `start_early`
    or `no_early`, whatever happens."""
    pending = EarlyStart()
    with _early_lock:
        _early.append(pending)
    return pending


def no_early(pending: EarlyStart) -> None:
    """Nothing will be started for `pending` (its build failed, or there was nothing to start)."""
    if not pending.done():
        pending.set_result(None)


def start_early(
    pending: EarlyStart,
    dlv: str,
    command: list[str],
    *,
    redirect_output: bool,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    started: GuessedStart | None = None,
) -> None:
    """Start a headless dlv for a later `claim` (dlv loads the binary meanwhile). `dlv exec` holds
    the target at its entry: until a client continues it, the program has run none of its code,
    so one that is never claimed is ended as if it had not been started.

    `started` (from `start_guess`) is handed on instead when it is exactly this dlv, else ended."""
    key = _early_key(dlv, command, redirect_output, env, cwd)
    if started is not None:
        if started[0] == key:
            pending.set_result(started)
            return
        started[1].stop(grace=0.2)
    try:
        server = start_headless(dlv, command, redirect_output=redirect_output, env=env, cwd=cwd)
    except BaseException:
        no_early(pending)  # a failed start: the run starts its own and meets the reason there
        raise
    pending.set_result((key, server))


def start_guess(
    dlv: str,
    command: list[str],
    *,
    redirect_output: bool,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
) -> GuessedStart:
    """Start a headless dlv that may turn out to be the one a `start_early` asks for (it is handed
    to that call, which keeps it or ends it)."""
    server = start_headless(dlv, command, redirect_output=redirect_output, env=env, cwd=cwd)
    return _early_key(dlv, command, redirect_output, env, cwd), server


def adopt_started(
    dlv: str, command: list[str], pid: int, argv: list[str], folder: str, listen: str
) -> GuessedStart:
    """The headless dlv the run's quick start began (commands/quickstart.py: `argv`, pid `pid`, its
    files in `folder`) taken into proc's care, once it listens: a guess like `start_guess`'s."""
    where = Path(folder)
    spawned = proc.adopt_started(pid, argv)
    out, err = where / argv_of.TARGET_STDOUT, where / argv_of.TARGET_STDERR
    server = HeadlessServer(spawned, "", where, where / argv_of.LOG, out, err, argv)
    try:
        _listening(server, listen, 30.0, True)
    except BaseException:
        trees.remove_tree(where)
        raise
    return _early_key(dlv, command, True, None, None), server


def claim(
    dlv: str,
    command: list[str],
    *,
    redirect_output: bool,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
) -> HeadlessServer | None:
    """The dlv started early for exactly this, once it listens; None when there is none. Early
    dlvs that were for something else are ended."""
    key = _early_key(dlv, command, redirect_output, env, cwd)
    with _early_lock:
        taken = list(_early)
        _early.clear()
    found = None
    for pending in taken:
        started = pending.result()
        if started is None:
            continue
        if started[0] == key and found is None:
            found = started[1]
        else:
            started[1].stop(grace=0.2)
    return found


def head_start(
    dlv: str,
    command: list[str],
    *,
    redirect_output: bool,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
) -> bool:
    """Set the program of the early dlv for exactly this running now, before the run's own session
    exists: connect, and write the session's first requests (GetVersion, ProcessPid, the continue)
    without reading a reply. The program then runs to its crash while the rest of dlvauto loads;
    the backend's `claim` gets this dlv with the connection (`HeadlessServer.connection`), and
    its client reads those replies in its own time (wire.Connection.take_ahead).

    Only the run itself calls this, once every option is checked: from here on the program runs,
    exactly as the run would have run it. False when there is no such early dlv (nothing done).
    """
    server = claim(dlv, command, redirect_output=redirect_output, env=env, cwd=cwd)
    if server is None:
        return False
    from dlvauto.rpc.wire import Connection

    started = False
    try:
        conn = Connection.open(server.address, ended=server.ended)
        try:
            conn.send_ahead("GetVersion", "GetVersion", {})
            conn.send_ahead("ProcessPid", "ProcessPid", {})
            conn.send_ahead("continue", "Command", {"name": "continue"})
        except DebuggerError:
            conn.close()
            raise
        server.connection, started = conn, True
    except DebuggerError:
        pass  # the session connects again and meets (and explains) the error in its place
    ready = EarlyStart()
    ready.set_result((_early_key(dlv, command, redirect_output, env, cwd), server))
    with _early_lock:
        _early.append(ready)
    return started


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
        except SocketRefused:
            # No unix socket to be had here: loopback TCP is the fallback, never another interface.
            return _start(dlv, command, folder, redirect_output, env, cwd, startup_timeout, False)
    except BaseException:
        trees.remove_tree(folder)
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
    listen = argv_of.listen_address(str(folder), prefer_unix)
    out = err = None
    if redirect_output:
        out, err = folder / argv_of.TARGET_STDOUT, folder / argv_of.TARGET_STDERR
        for file in (out, err):  # dlv would create them with the umask's mode: made private first
            files.place_private(file)
    argv = argv_of.server_argv(dlv, command, listen, str(folder) if redirect_output else None)
    log = folder / argv_of.LOG
    with files.open_private(log, "wb") as logf:
        spawned = proc.spawn(argv, env=env, cwd=cwd, stdout=logf, stderr=logf)
    server = HeadlessServer(spawned, "", folder, log, out, err, argv)
    return _listening(server, listen, startup_timeout, prefer_unix)


def _listening(
    server: HeadlessServer, listen: str, startup_timeout: float, prefer_unix: bool
) -> HeadlessServer:
    """`server` once its dlv has printed where it listens; its error (and its end) if it exits first."""
    spawned = server.spawned
    started = time.monotonic()
    deadline = started + startup_timeout
    delay = 0.001
    while True:
        text = server.log_text()
        m = re.search(_LISTENING, text)
        if m:
            server.address = listen if listen.startswith("unix:") else m.group(1)
            # dlv launched the target before it printed the address: take its group now.
            for child in proc.children_of(spawned.pid):
                spawned.adopt_group(child)
            return server
        status = spawned.popen.poll()
        if status is not None:
            spawned.stop(grace=0.2)
            raise startup_error(text, status, prefer_unix and listen.startswith("unix:"))
        if time.monotonic() > deadline:
            spawned.stop(grace=0.5)
            raise DebuggerError(
                f"dlv did not start within {startup_timeout:g}s; its output: {text.strip()[-500:]}"
            )
        time.sleep(delay)
        # dlv prints its address within ~30 ms: look often that long, then settle to 20 ms.
        delay = 0.002 if time.monotonic() < started + 0.25 else min(delay * 2, 0.02)
