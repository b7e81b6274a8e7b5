"""The one place that starts processes: process groups, timeouts, and nothing left behind.

Every child runs in a session (and process group) of its own, so one `killpg` ends it with whatever
it started. A debugger complicates this: dlv puts the target in a process group of its own
(`Setpgid` in Delve's native launcher), so a group dlv started is *adopted* here and ended with it.
All live children are remembered, and `kill_all` (run at exit, on SIGTERM and on Ctrl-C through the
callers' `finally`) ends them in reverse order of start.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import resource
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import IO, Any

from dlvauto.errors import DlvautoError, ToolMissing
from dlvauto.records import record
from dlvauto.system import launch

_live: list[Spawned] = []
_live_lock = threading.Lock()
_settled = threading.Condition(_live_lock)  # notified as each start in flight is registered
_starting = 0  # children forked (or being forked) by another thread and not yet registered
_closed = False  # set by the final kill_all: nothing more is started
_deferring = False  # the command line's choice (defer_ends): sessions end on threads of their own
_ending: list[threading.Thread] = []  # those threads, waited for by kill_all
_this_thread = threading.local()  # .on_spawn: what `spawn` calls once a child of this thread runs


def reopen() -> None:
    """Allow children again (a command line run again in the same process, as tests do)."""
    global _closed
    with _live_lock:
        _closed = False


@contextlib.contextmanager
def when_spawned(callback: Callable[[], None]) -> Iterator[None]:
    """Call `callback` each time this thread has started a child (its process exists), in the block.

    The early start (commands/early.py) tells the main thread so: from then on the child's work
    (go build, dlv loading the program) overlaps the main thread's imports, where before it the
    two threads only took turns with the interpreter.
    """
    before = getattr(_this_thread, "on_spawn", None)
    _this_thread.on_spawn = callback
    try:
        yield
    finally:
        _this_thread.on_spawn = before


def spawn_callback() -> Callable[[], None] | None:
    """The callback `when_spawned` set for this thread, if one is set."""
    return getattr(_this_thread, "on_spawn", None)


@contextlib.contextmanager
def _starting_child(name: str) -> Iterator[None]:
    """Count a start in flight, so the final `kill_all` waits for its child instead of leaving it.

    Another thread (the early dlv start) may be inside `Popen` as the command line ends: its child
    exists but is not registered yet, and its parent-death signal is not armed until `setpriv` has
    run. Exiting then would leave it orphaned, so the end waits for the start to be registered
    (and ends it at once). Refused outright once the process is ending.
    """
    global _starting
    with _live_lock:
        if _closed:
            raise DlvautoError(f"not starting {name}: dlvauto is ending")
        _starting += 1
    try:
        yield
    finally:
        with _live_lock:
            _starting -= 1
            _settled.notify_all()


def _register(sp: Spawned) -> None:
    """Remember a child, or end it at once when the process is shutting down."""
    with _live_lock:
        if not _closed:
            _live.append(sp)
            _warden.watch(sp.pid)
            return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(sp.pid, signal.SIGKILL)
    sp.popen.wait()
    raise DlvautoError(f"not starting {sp.argv[0]}: dlvauto is ending")


# The warden's whole program: the process groups it is told of (`+ PGID`, `- PGID` lines on its
# stdin) are killed when its stdin closes, which happens however dlvauto ends, SIGKILL included;
# then every process left in a session one of them led (each child of ours leads its session, and
# dlv's target stays in dlv's even when dlv died first and it was reparented).
_WARDEN_SCRIPT = """
groups=' '
while read -r op g; do
  case "$op $g" in
    '+ '[0-9]*) groups="$groups$g " ;;
    '- '[0-9]*) case "$groups" in *" $g "*) groups="${groups%% $g *} ${groups#* $g }" ;; esac ;;
  esac
done
for g in $groups; do kill -9 -"$g" 2>/dev/null; done
for d in /proc/[0-9]*; do
  read -r s < "$d/stat" 2>/dev/null || continue
  s=${s##*") "}
  set -f; set -- $s; set +f
  case "$groups" in *" $4 "*) kill -9 "${d#/proc/}" 2>/dev/null ;; esac
done
"""


class _Warden:
    """A tiny `sh` outside our process group that ends our children's groups if we die unannounced.

    PR_SET_PDEATHSIG (`setpriv`, below) ends each child with us, but a debugger's target is dlv's
    child, not ours: after a SIGKILL of dlvauto, a dlv that dies without ending its target (the
    terminal's dlv on the pty's hangup) leaves it running, detached. The warden holds the read end
    of a pipe only we write to; when we are gone, by any death, it reads end-of-file and kills
    every group still listed. Groups are listed when started or adopted and struck off when ended.
    """

    def __init__(self) -> None:
        self._pipe: IO[bytes] | None = None
        self._broken = False
        self._lock = threading.Lock()

    def _send(self, line: str) -> None:
        with self._lock:
            if self._broken:
                return
            try:
                if self._pipe is None:
                    if not Path("/bin/sh").exists():
                        self._broken = True
                        return
                    warden = subprocess.Popen(
                        ["/bin/sh", "-c", _WARDEN_SCRIPT],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,  # a kill of our group must not take it with us
                        close_fds=True,
                    )
                    self._pipe = warden.stdin
                assert self._pipe is not None
                self._pipe.write(line.encode())
                self._pipe.flush()
            except OSError:
                self._broken = True  # no warden: the parent-death signal still ends dlv

    def watch(self, pgid: int) -> None:
        self._send(f"+ {pgid}\n")

    def unwatch(self, pgid: int) -> None:
        self._send(f"- {pgid}\n")


_warden = _Warden()


@record
class Completed:
    """What a finished command left: its status and its whole output."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    seconds: float = 0.0


def _pgid_of(pid: int) -> int | None:
    """Process group of `pid`, or None once it is gone (read from /proc to avoid races with reuse)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    if fields and fields[0] == "Z":
        return None
    return int(fields[2]) if len(fields) > 2 else None


def _live_processes() -> Iterator[tuple[int, int, int]]:
    """(pid, parent pid, process group) of every process that is not a zombie, from /proc.

    Read with bare `os` calls, not pathlib: a run walks /proc several times (each child's start and
    end), and this way a walk costs 0.8 ms instead of 2.
    """
    for name in os.listdir("/proc"):  # noqa: PTH208 - see the docstring
        if not name.isdigit():
            continue
        try:
            fd = os.open(f"/proc/{name}/stat", os.O_RDONLY)
            try:
                stat = os.read(fd, 4096)
            finally:
                os.close(fd)
        except OSError:
            continue  # it ended while we looked
        # The command name is in parentheses and may contain spaces: split after the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 2 and fields[0] != b"Z":
            yield int(name), int(fields[1]), int(fields[2])


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    return [child for child, parent, _ in _live_processes() if parent == pid]


_subreaper = False


def become_subreaper() -> None:
    """Have orphaned descendants (a target whose dlv died) reparented to us, so they can be ended.

    Linux's PR_SET_CHILD_SUBREAPER; the CLI turns it on, a library caller's process is left alone.
    """
    global _subreaper
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_child_subreaper = 36
        _subreaper = libc.prctl(pr_set_child_subreaper, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        _subreaper = False


def _end_orphans() -> None:
    """Kill and reap descendants that were reparented to us after their parent died."""
    if not _subreaper:
        return
    with _live_lock:
        ours = {sp.pid for sp in _live}
    for pid in children_of(os.getpid()):
        if pid in ours:
            continue
        pgid = _pgid_of(pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if pgid == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)


def exits_within(popen: subprocess.Popen[bytes], timeout: float) -> bool | None:
    """Whether the child `popen` exits within `timeout` seconds, woken by the exit itself (poll(2)
    on a pidfd, Linux 5.3+); None where there is no pidfd (the caller looks again and again).

    The pidfd is opened while the child is ours and not reaped (looked at after the open: a pid
    freed by a reap in between could be another process's by then), so it is that child's."""
    try:
        fd = os.pidfd_open(popen.pid)
    except (AttributeError, OSError):
        return None
    try:
        if popen.poll() is not None:
            return True
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(max(0.0, timeout) * 1000))
    finally:
        os.close(fd)


def backoff(attempt: int, longest: float) -> float:
    """The pause before looking again whether something ended: 0.25 ms, doubling up to `longest`.

    What a run waits for at its end (dlv gone after a detach, dlv's telemetry child after SIGTERM)
    is over within a millisecond or two; a fixed 10 ms pause made every run wait ~7 ms for it."""
    return min(0.00025 * (1 << min(attempt, 16)), longest)


def group_alive(pgid: int) -> bool:
    """True while a process of group `pgid` runs; zombies (dead, awaiting a reaper) do not count."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return any(group == pgid for _, _, group in _live_processes())


@record
class Spawned:
    """A child process we own, in its own process group, plus the groups it handed to us."""

    popen: subprocess.Popen[bytes]
    argv: list[str]
    adopted: list[int] = field(default_factory=list)
    pty_fd: int | None = None  # the master end of its terminal (spawn_pty), closed by stop/release
    ctty: bool = False  # that terminal is its controlling terminal: a typed Ctrl-C is its SIGINT

    @property
    def pid(self) -> int:
        return self.popen.pid

    def adopt_group(self, pid: int) -> None:
        """Take ownership of the process group led by `pid` (a debug target), if it leads one."""
        if _pgid_of(pid) == pid and pid not in self.adopted:
            self.adopted.append(pid)
            _warden.watch(pid)

    def wait(self, timeout: float | None = None) -> int | None:
        """Exit status, or None if still running after `timeout` seconds.

        With a timeout, the wait is woken by the exit itself (`exits_within`), not by looking
        again and again: Popen's own loop sleeps up to 50 ms between looks, and a run waits so for
        its ahead build (its dlv starts at the build's end) and for dlv's exit after a detach."""
        if timeout is not None and self.popen.returncode is None:
            ended = exits_within(self.popen, timeout)
            if ended is False:
                return None
            if ended:
                timeout = 5.0  # it has exited: reaping it takes no time
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 2.0) -> None:
        """End the process, its group and every adopted group: SIGTERM, then SIGKILL after `grace`."""
        # A leader that has exited (dlv after its detach) has no children left to adopt, and only
        # helpers in its group (dlv's telemetry child): they get SIGKILL at once. An adopted group
        # (dlv's target) gets SIGTERM and the grace.
        exited = self.popen.poll() is not None
        if not exited:  # a debugger's target leads a group of its own: adopt it while dlv can say so
            for child in children_of(self.popen.pid):
                self.adopt_group(child)
        groups = [self.popen.pid, *self.adopted]
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL if exited and pgid == self.popen.pid else signal.SIGTERM)
        deadline = time.monotonic() + grace
        for attempt in itertools.count():
            if time.monotonic() >= deadline:
                break
            self.popen.poll()
            if not any(group_alive(g) for g in groups):
                break
            time.sleep(backoff(attempt, 0.01))
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)
        self._close_pty()
        _forget(self)

    def release(self) -> None:
        """Forget the process after it ended on its own (nothing left to kill)."""
        self._close_pty()
        _forget(self)

    def _close_pty(self) -> None:
        if self.pty_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pty_fd)
            self.pty_fd = None


def _forget(sp: Spawned) -> None:
    with _live_lock:
        if sp in _live:
            _live.remove(sp)
            for pgid in (sp.pid, *sp.adopted):
                _warden.unwatch(pgid)


def _resolve(argv: Sequence[str]) -> list[str]:
    exe = argv[0]
    if os.sep not in exe and launch.which(exe) is None:
        raise ToolMissing(f"`{exe}` is not installed or not on PATH: install it (run `dlvauto doctor`)")
    if os.sep in exe:  # checked here: behind setpriv, exec's own error would come too late to say so
        if not Path(exe).exists():
            raise ToolMissing(f"cannot run `{exe}`: No such file or directory; check the path or install it")
        if Path(exe).is_dir() or not os.access(exe, os.X_OK):
            raise ToolMissing(f"cannot run `{exe}`: permission denied; make it executable")
    return list(argv)


_rlimit_lock = threading.Lock()


def core_limit() -> tuple[int, int]:
    """The soft and hard core-size limits (RLIMIT_CORE) a child would get; RLIM_INFINITY is -1."""
    return resource.getrlimit(resource.RLIMIT_CORE)


@contextlib.contextmanager
def _core_size_for_children(size: int | None) -> Iterator[None]:
    """Raise our soft RLIMIT_CORE (up to the hard limit) while a child is forked, so it inherits it.

    Set around the fork rather than in a preexec_fn, which is unsafe with threads; our own limit is
    put back as soon as the child exists.
    """
    if size is None:
        yield
        return
    with _rlimit_lock:
        soft, hard = core_limit()
        want = hard if hard != resource.RLIM_INFINITY and (size < 0 or size > hard) else size
        resource.setrlimit(resource.RLIMIT_CORE, (want, hard))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_CORE, (soft, hard))


def spawn(
    argv: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: int | IO[bytes] | None = subprocess.DEVNULL,
    stdout: int | IO[bytes] | None = subprocess.DEVNULL,
    stderr: int | IO[bytes] | None = subprocess.DEVNULL,
    core_size: int | None = None,
) -> Spawned:
    """Start `argv` in a new session and remember it until it is stopped or released.

    `core_size` sets the child's RLIMIT_CORE soft limit in bytes (-1: as large as the hard limit
    allows), so a crash writes a core dump; None leaves the limit as it is.
    """
    args = _resolve(argv)
    with _starting_child(args[0]):
        try:
            with _core_size_for_children(core_size):
                popen = subprocess.Popen(
                    launch.ending_with_us(args),
                    cwd=cwd,
                    env=dict(env) if env is not None else None,
                    stdin=stdin,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,
                )
        except FileNotFoundError as exc:
            raise ToolMissing(
                f"cannot run `{args[0]}`: {exc.strerror}; check the path or install it"
            ) from exc
        except PermissionError as exc:
            raise ToolMissing(f"cannot run `{args[0]}`: permission denied; make it executable") from exc
        sp = Spawned(popen=popen, argv=args)
        _register(sp)
    callback = getattr(_this_thread, "on_spawn", None)
    if callback is not None:
        callback()
    return sp


class _Started(subprocess.Popen[bytes]):
    """A child started before this module was imported (commands/quickstart.py, with
    os.posix_spawn), waited for and signalled as Popen does its own; nothing else of Popen's is used."""

    def __init__(self, pid: int, args: list[str]) -> None:  # no super().__init__: it would start one
        self.args = args
        self.pid = pid
        self.returncode: Any = None
        self.stdin = self.stdout = self.stderr = None
        self._child_created = False  # Popen's __del__ leaves it alone: we reap it (wait, poll)
        self._reaping = threading.Lock()

    def poll(self) -> int | None:
        with self._reaping:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:  # reaped elsewhere: gone, as Popen says then
                    self.returncode = 0
                else:
                    if pid == self.pid:
                        self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        attempt = 0
        while (status := self.poll()) is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            time.sleep(backoff(attempt, 0.002))
            attempt += 1
        return status

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)


def adopt_started(pid: int, argv: list[str]) -> Spawned:
    """Take a child this process started itself before proc was imported (a session leader, behind
    `setpriv --pdeathsig` when the machine has it) into proc's care: ended with the rest."""
    with _starting_child(argv[0]):
        sp = Spawned(popen=_Started(pid, argv), argv=argv)
        _register(sp)
    return sp


def spawn_pty(
    argv: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    rows: int = 50,
    cols: int = 10000,
) -> Spawned:
    """Start `argv` on a fresh pseudo-terminal (`rows` x `cols`), leading a session of its own.

    util-linux `setsid --ctty` makes the session and takes the terminal as its controlling terminal
    before it execs `argv`, so a Ctrl-C typed into the terminal reaches the child as SIGINT, as at a
    keyboard; no Python runs in the forked child (a preexec_fn is unsafe with threads). Without
    `setsid` the child still gets a session, but no controlling terminal (`ctty` False).
    """
    import fcntl
    import struct
    import termios

    args = _resolve(argv)
    with _starting_child(args[0]):
        setsid = launch.which("setsid")
        master, slave = os.openpty()
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            popen = subprocess.Popen(
                [setsid, "--ctty", *launch.ending_with_us(args)] if setsid else launch.ending_with_us(args),
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                start_new_session=setsid is None,  # setsid(1) forks when already a group leader
            )
        except FileNotFoundError as exc:
            os.close(master)
            raise ToolMissing(
                f"cannot run `{args[0]}`: {exc.strerror}; check the path or install it"
            ) from exc
        except PermissionError as exc:
            os.close(master)
            raise ToolMissing(f"cannot run `{args[0]}`: permission denied; make it executable") from exc
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        sp = Spawned(popen=popen, argv=args, pty_fd=master, ctty=setsid is not None)
        _register(sp)
    # Until setsid(1) has made its session the child is in ours: wait, so a group kill reaches it.
    deadline = time.monotonic() + 5
    while setsid and _pgid_of(popen.pid) not in (popen.pid, None) and time.monotonic() < deadline:
        time.sleep(0.001)
    return sp


def run(
    argv: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Completed:
    """Run a command to its end, capturing stdout and stderr in full; kill its group on timeout."""
    start = time.monotonic()
    sp = spawn(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = sp.popen.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        sp.stop(grace=0.5)
        out, err = sp.popen.communicate()
        timed_out = True
    finally:
        if sp.popen.returncode is None:
            sp.stop(grace=0.5)
        # A command may leave children in its group (go build's compile jobs on timeout).
        if group_alive(sp.pid):
            sp.stop(grace=0.5)
        _forget(sp)
    return Completed(
        argv=sp.argv,
        returncode=sp.popen.returncode if sp.popen.returncode is not None else -1,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
        timed_out=timed_out,
        seconds=time.monotonic() - start,
    )


def defer_ends() -> None:
    """Have `end_later` end what a session is done with on a thread of its own (the command line).

    A run's dlv takes a few milliseconds to exit after its detach, and its telemetry child a few
    more after SIGTERM: waited for in line, that is time the report waits for. The command line
    makes the report meanwhile and waits for them at its end (`kill_all`); a library caller's
    children stay ended in line, gone when its call returns.
    """
    global _deferring
    _deferring = True


def deferring() -> bool:
    """Whether ends are deferred (`defer_ends`)."""
    return _deferring


def end_later(work: Callable[[], None]) -> None:
    """Run `work` (ending a session's processes) now, or on a thread of its own when ends are
    deferred; `kill_all` waits for it either way. Its errors are its own to swallow."""
    if not _deferring:
        work()
        return

    def quietly() -> None:
        with contextlib.suppress(Exception):
            work()

    thread = threading.Thread(target=quietly, name="dlvauto-ending", daemon=True)
    with _live_lock:
        _ending.append(thread)
    thread.start()


def _wait_for_ends() -> None:
    """Wait for the ends `end_later` put on threads (each is a stop with its own grace)."""
    while True:
        with _live_lock:
            if not _ending:
                return
            thread = _ending.pop()
        thread.join(timeout=30)


def kill_all(final: bool = False) -> None:
    """Stop every child still alive, newest first, then the orphans reparented to us.

    Orphans are only reaped here, when nothing of ours is starting any more: reaped while another
    thread is between starting a child and registering it, a fresh dlv would be taken for one.
    `final` (the command line's last act): from now on nothing is started, so a thread still at
    work (an early dlv start) cannot leave a child behind once this has run.
    """
    global _closed
    _wait_for_ends()
    with _live_lock:
        _closed = _closed or final
        if final:  # a start under way on another thread: wait for its child, then end it too
            _settled.wait_for(lambda: _starting == 0, timeout=10)
        live = list(reversed(_live))
    for sp in live:
        sp.stop(grace=1.0)
    _end_orphans()


@contextlib.contextmanager
def owned(sp: Spawned, grace: float = 2.0) -> Iterator[Spawned]:
    """Stop `sp` when the block ends, however it ends."""
    try:
        yield sp
    finally:
        sp.stop(grace=grace)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C so every `finally` ends its children."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


interrupted = False  # set by Ctrl-C: typer turns KeyboardInterrupt into a plain exit status 130


def _on_sigint(signum: int, frame: object) -> None:
    global interrupted
    interrupted = True
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated(signum)


def install_signal_handlers() -> None:
    """Make Ctrl-C, SIGTERM and SIGHUP unwind through every `finally` so no child is orphaned.

    SIGINT is set explicitly: a shell starting us in the background hands us SIGINT ignored, and
    Python then keeps it ignored, so a later Ctrl-C (or a CI runner's SIGINT) would be lost.
    """
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, _on_sigint)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, _on_sigterm)


atexit.register(kill_all)
