"""The first thing `dlvauto run` does: dlv started on the binary this command line was last given,
~15 ms after the interpreter starts, before any module heavier than `os` is imported.

Why: a headless dlv takes ~70 ms to load a small program, and the early start (early.py) could
start it only once typing, pathlib, dataclasses, subprocess and our own modules were imported
(~50 ms in): on a small crash that wait was the run's critical path. Here nothing is decided. The
early start compares what was started with what it would start itself (the key rpc/server.py's
claim compares) and adopts it into proc's care (`take`), or ends it (`discard`); either way its
program never ran (`dlv exec` holds it at its entry until a client continues it).

Only the plainest case is taken: a `run` whose every word words.py understands, with no --dlv,
--ancestors, other backend or --via; a memo (memo.py) naming a binary of the private cache; dlv
named by $DLVAUTO_DLV or beside this Python; the temporary folder /tmp. Anything else starts
nothing here, and the early start does what it always did. dlv is started as proc.spawn starts a
child: in a session of its own, behind `setpriv --pdeathsig TERM` (it ends if this process dies,
however), SIGPIPE and SIGXFSZ back to their defaults, stdin /dev/null; its private folder is made
as system/scratch.py makes one, with the same owner line, and its files are 0600 from the start.

Right after dlv, the build check's `go env -json` is started too (system/goenv_ahead.py): the
check takes its answer instead of asking again, once dlv's load and the imports are under way.

With no memo (a first run), or a memo whose stamp of the module is not today's (a file changed
since that build: the dlv just started on it is ended), the debug profile's `go build` is begun
here instead, started the same way (gobuild/ahead.py says when the build cache takes it).
"""

from __future__ import annotations

import os
import sys

from dlvauto.commands import memo
from dlvauto.commands.words import VALUED, outputs_of, words
from dlvauto.rpc import argv as argv_of
from dlvauto.system import goenv_ahead, launch
from dlvauto.system.ownermark import owner_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dlvauto.gobuild.ahead import AheadBuild

_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile.mkdtemp's, for the same look
_TEMP = "/tmp"


class Started:
    """A dlv this module started: what the early start compares and adopts (plain attributes)."""

    __slots__ = ("argv", "binary", "command", "dlv", "folder", "listen", "pid", "stamp")

    def __init__(
        self, pid: int, argv: list[str], dlv: str, command: list[str], folder: str, listen: str, binary: str
    ) -> None:
        self.pid, self.argv, self.dlv, self.command = pid, argv, dlv, command
        self.folder, self.listen, self.binary = folder, listen, binary
        self.stamp: str | None = None  # the module's stamp when it started: the memo's (early.py)


class _Line:
    """A command line the quick start takes: the folder, profile, program arguments and outputs,
    and the memo of its last build (None on a first run)."""

    __slots__ = ("args", "outputs", "profile", "remembered", "spec")

    def __init__(
        self,
        spec: str,
        profile: str,
        args: tuple[str, ...],
        outputs: tuple[str, ...],
        remembered: tuple[str, str | None, str] | None,
    ) -> None:
        self.spec, self.profile, self.args, self.outputs, self.remembered = (
            spec, profile, args, outputs, remembered,
        )  # fmt: skip


_started: Started | None = None
_building: AheadBuild | None = None


def begin(argv: list[str]) -> None:
    """Start dlv for the run `argv` (the command line's words, without the program's name), or
    its build when there is no memo for it, if this is the plainest case (see the module's
    docstring); errors of any kind start nothing."""
    global _started, _building
    try:
        line = _line_of(argv)
        if line is None:
            return
        if line.remembered is None:
            _building = _start_build(line) if line.profile == "debug" else None
            return
        started = _start_dlv(line)
        if started is None:
            return
        _ask_go_env()  # the build check's toolchain facts, asked while dlv loads
        try:
            started.stamp = memo.stamp_of(line.spec, line.outputs)
        except Exception:
            started.stamp = line.remembered[2]  # the early start's check decides, as it always did
        if started.stamp == line.remembered[2]:
            _started = started
            return
        # The module changed since the remembered build: that binary is not the one to run. Its
        # dlv is ended (its program never ran) and the build begins, as on a first run.
        try:
            _building = _start_build(line) if line.profile == "debug" else None
        finally:
            discard(started)  # after the build has begun: ending dlv imports proc
    except Exception:
        return  # whatever was started is in _started or _building, and ended unless taken


def take() -> Started | None:
    """What was started, once (the early start then owns it)."""
    global _started
    started, _started = _started, None
    return started


def take_build() -> AheadBuild | None:
    """The build that was started, once (the build cache then owns it: gobuild/program.py)."""
    global _building
    building, _building = _building, None
    return building


def discard(started: Started | None = None) -> None:
    """End what was started and was not taken (its program never ran; a build's binary is thrown
    away), and remove its folder."""
    if started is None:
        discard_build()
    started = started if started is not None else take()
    if started is None:
        return
    _end(started.pid, started.argv, started.folder)


def discard_build(building: AheadBuild | None = None) -> None:
    """End the build that was started and was not taken (its binary is thrown away)."""
    building = building if building is not None else take_build()
    if building is not None:
        _end(building.pid, building.argv, building.folder)


def _end(pid: int, argv: list[str], folder: str) -> None:
    import shutil

    from dlvauto.system import proc

    try:
        proc.adopt_started(pid, argv).stop(grace=0.2)  # dlv and the target it holds, or go build
    except Exception:  # the process is ending (proc takes no child now): ended without ceremony
        import contextlib
        import signal

        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    shutil.rmtree(folder, ignore_errors=True)


def _line_of(argv: list[str]) -> _Line | None:
    """The command line, when it is one the quick start takes (see the module's docstring)."""
    if not argv or argv[0] != "run" or not _standard_streams_open():
        return None
    read = words(argv, VALUED)
    if read is None:
        return None
    values, _, _, positional, args = read
    if len(positional) != 1 or any(k in values for k in ("--dlv", "--ancestors", "--backend", "--via")):
        return None
    profile = values.get("--profile", "debug")
    if profile not in ("debug", "optimized") or any(os.environ.get(v) for v in ("TMPDIR", "TEMP", "TMP")):
        return None
    remembered = memo.read(memo.key("run", positional[0], profile))
    return _Line(positional[0], profile, args, tuple(outputs_of(values)), remembered)


def _start_dlv(line: _Line) -> Started | None:
    """dlv started on the remembered binary (None when dlv is not where find_dlv looks first)."""
    dlv = _dlv()
    if line.remembered is None or dlv is None:
        return None
    binary = os.path.realpath(line.remembered[0])
    command = ["exec", binary, "--", *line.args]
    folder = _private_folder()
    try:
        listen = argv_of.listen_address(folder, True)
        server = argv_of.server_argv(dlv, command, listen, folder)
        for name in (argv_of.TARGET_STDOUT, argv_of.TARGET_STDERR):
            os.close(_private_file(os.path.join(folder, name)))
        log = _private_file(os.path.join(folder, argv_of.LOG))
        try:
            pid = _spawn(launch.ending_with_us(server), log)
        finally:
            os.close(log)
    except BaseException:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Started(pid, server, dlv, command, folder, listen, binary)


def _ask_go_env() -> None:
    """`go env -json` started as system/go.py would ask it, its answer to a pipe
    (system/goenv_ahead.py); nothing when there is no go or the start fails."""
    go = launch.go_path()
    if go is None:
        return
    reader, writer = os.pipe()  # both ends close-on-exec: only the child's stdout is the writer
    try:
        nowhere = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
        try:
            argv = launch.ending_with_us(goenv_ahead.command(go))
            pid = _spawn(argv, writer, nowhere)
        finally:
            os.close(nowhere)
    except BaseException:
        os.close(reader)
        raise
    finally:
        os.close(writer)
    goenv_ahead.hold(goenv_ahead.Asked(pid, argv, go, dict(os.environ), reader))


def _start_build(line: _Line) -> AheadBuild | None:
    """`go build` of the folder `spec` with the debug profile's flags, as the build cache runs it
    (program.py): in the folder, with the toolchain's environment (launch.toolchain_env) and a
    private GOTMPDIR, in a
    session of its own behind setpriv, its output and the binary in a private folder."""
    import time

    from dlvauto.gobuild import ahead
    from dlvauto.gobuild.profiles import PROFILES

    src = os.path.realpath(line.spec)  # as targets.main_package resolves a folder
    go = launch.go_path()
    root = ahead.module_root(src) if os.path.isdir(src) else None
    if go is None or root is None:
        return None  # the build cache meets and reports whatever is wrong
    stamp = ahead.tree_stamp(root, ahead.skipped(line.outputs))  # before go reads a file
    folder = _private_folder()
    try:
        verb_flags = ["build", *PROFILES["debug"]]
        command = [go, *verb_flags, "-o", os.path.join(folder, ahead.OUTPUT), "."]
        env = launch.toolchain_env(os.environ)
        if not env.get("GOTMPDIR"):
            env["GOTMPDIR"] = folder  # go's work folder goes with ours (program._go_work_folder)
        argv = launch.ending_with_us(command)
        out = _private_file(os.path.join(folder, ahead.STDOUT))
        err = _private_file(os.path.join(folder, ahead.STDERR))
        try:
            pid = _spawn(argv, out, err, env=env, cwd=src)
        finally:
            os.close(out)
            os.close(err)
    except BaseException:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise
    building = ahead.AheadBuild(pid, argv, go, src, verb_flags, folder, root, stamp, time.monotonic())
    building.outputs = line.outputs
    return building


def _standard_streams_open() -> bool:
    """Whether fds 0, 1 and 2 are open: a closed one (`>&-`) would be the next file this module
    opens, and the command line reopens them on /dev/null only later (cli._usable_streams)."""
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:
        return False
    return True


def _dlv() -> str | None:
    """The dlv find_dlv(None) gives first, when it is one of the two looked at without a search."""
    named = os.environ.get("DLVAUTO_DLV")
    found = named or os.path.join(os.path.dirname(sys.executable), "dlv")
    return found if os.path.isfile(found) and os.access(found, os.X_OK) else None


def _private_folder() -> str:
    """A fresh 0700 folder in /tmp named and marked as scratch.private_folder marks its own."""
    for _ in range(100):
        name = "".join(_NAME_CHARS[b % len(_NAME_CHARS)] for b in os.urandom(8))
        folder = os.path.join(_TEMP, "dlvauto-" + name)
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)
        fd = _private_file(os.path.join(folder, "owner"))
        try:
            os.write(fd, owner_line().encode())
        finally:
            os.close(fd)
        return folder
    raise FileExistsError("no free name for a private folder")


def _private_file(path: str) -> int:
    """A new file only we can read, opened for writing (its fd)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def _spawn(
    args: list[str],
    out: int,
    err: int | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> int:
    """`args` in a session of its own, stdin /dev/null, stdout to `out` and stderr to `err` (or
    `out`), in `cwd`: its pid."""
    import _signal  # type: ignore[import-not-found]  # signal without its Signals enum

    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out, 1),
        (os.POSIX_SPAWN_DUP2, out if err is None else err, 2),
    ]
    here = None
    if cwd is not None:  # posix_spawn has no chdir before 3.13: this process goes there and back
        here = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # (no thread runs yet)
        os.chdir(cwd)
    try:
        return os.posix_spawn(
            args[0],
            args,
            os.environ if env is None else env,
            file_actions=actions,
            setsid=True,
            setsigdef=(_signal.SIGPIPE, _signal.SIGXFSZ),
        )
    finally:
        if here is not None:
            os.fchdir(here)
            os.close(here)
