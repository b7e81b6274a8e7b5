"""`dlvauto run --via core`: run the program outside any debugger, let it dump core, read the core.

Some crashes change under a debugger (timing, signals dlv intercepts) or must be explained later,
somewhere else: then the program runs on its own with GOTRACEBACK=crash (the runtime prints every
goroutine and then aborts, which makes the kernel write a core) and RLIMIT_CORE raised to the hard
limit, in a private temporary folder so a core written to the working directory (core_pattern
`core`, `core.%p`, ...) lands where we look. The core is then read with the core source. A program
that runs past --timeout gets SIGQUIT, which at GOTRACEBACK=crash also dumps core; it is reported
as a hang, as a live run would.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import time
from collections.abc import Sequence
from pathlib import Path

from dlvauto.debugger import DEFAULT_DEPTH
from dlvauto.errors import UserError
from dlvauto.snapshot import BuildFacts, Snapshot
from dlvauto.sources import savedcore
from dlvauto.sources.core import open_core
from dlvauto.sources.output import add_crash_text, captured
from dlvauto.sources.races import races_in
from dlvauto.system import files, proc
from dlvauto.system.progress import NullProgress, Progress
from dlvauto.system.scratch import private_folder

CORE_PATTERN = Path("/proc/sys/kernel/core_pattern")
CORE_USES_PID = Path("/proc/sys/kernel/core_uses_pid")
QUIT_GRACE = 30.0  # seconds a program given SIGQUIT has to print its goroutines and dump core
_SPECIFIER = re.compile(r"%(.)")


def _read(path: Path, default: str) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return default


def check_cores_possible() -> str:
    """The core_pattern, once it is known a core can be written as a file here; else a one-line error."""
    pattern = _read(CORE_PATTERN, "core")
    if pattern.startswith("|"):
        program = pattern[1:].split()[0] if pattern[1:].split() else "a program"
        raise UserError(
            f"core dumps are piped to {program} (kernel.core_pattern {pattern!r}), not written as files: "
            "run `sysctl kernel.core_pattern=core` as root, or use --via live"
        )
    _, hard = proc.core_limit()
    if hard == 0:
        raise UserError(
            "the core size hard limit (ulimit -Hc) is 0, so no core can be written: "
            "raise it as root (`ulimit -c unlimited`), or use --via live"
        )
    return pattern


def core_glob(pattern: str, pid: int, exe: str) -> tuple[Path | None, str]:
    """Where core_pattern puts the core of process `pid` running `exe`: (folder or None for the
    working directory, a glob of the file name). Specifiers we cannot know (time, host) match anything.
    """
    comm = exe[:15]  # %e is the command name, which the kernel cuts to 15 bytes

    known = {"p": str(pid), "P": str(pid), "i": str(pid), "I": str(pid), "e": comm, "%": "%"}

    def expand(m: re.Match[str]) -> str:
        return known.get(m.group(1), "*")

    name = _SPECIFIER.sub(expand, pattern)
    if "%p" not in pattern and _read(CORE_USES_PID, "0") == "1":
        name += f".{pid}"
    if "/" in name:
        folder, _, file = name.rpartition("/")
        return Path(folder or "/"), file
    return None, name


def find_core(pattern: str, cwd: Path, pid: int, exe: str, since: float) -> Path | None:
    """The core the kernel wrote for `pid` (newest match written after `since`), or None."""
    folder, glob = core_glob(pattern, pid, exe)
    where = folder if folder is not None else cwd
    found = []
    with contextlib.suppress(OSError):
        for p in where.glob(glob):
            with contextlib.suppress(OSError):
                st = p.stat()
                if p.is_file() and st.st_mtime >= since - 1 and st.st_uid == os.getuid():
                    found.append((st.st_mtime, p))
    return max(found)[1] if found else None


def _no_core(status: int | None, pattern: str, halted: bool) -> UserError:
    if halted:
        return UserError(
            f"the program did not dump core within {QUIT_GRACE:g}s of SIGQUIT after the timeout "
            f"(core_pattern {pattern!r}): run it with --via live to capture a hang"
        )
    if status is not None and status >= 0:
        return UserError(
            f"the program exited with status {status} without crashing, so no core was written: "
            "use --via live (the default) to report a clean exit"
        )
    name = "a signal"
    if status is not None:
        with contextlib.suppress(ValueError):
            name = signal.Signals(-status).name
    return UserError(
        f"the program died of {name} but no core was found (core_pattern {pattern!r}): "
        "check `dlvauto doctor`, or use --via live"
    )


def run_via_core(
    binary: str | Path,
    args: Sequence[str] = (),
    *,
    facts: BuildFacts | None = None,
    timeout: float = 60.0,
    depth: int = DEFAULT_DEPTH,
    dlv: str | None = None,
    env: dict[str, str] | None = None,
    progress: Progress | None = None,
    save_core: Path | None = None,
) -> Snapshot:
    """Run `binary` on its own until it dumps core, then read the core into a Snapshot."""
    progress = progress or NullProgress()
    binary = Path(binary).resolve()
    pattern = check_cores_possible()
    saved_dir = savedcore.prepare(save_core) if save_core is not None else None
    folder = private_folder()
    try:
        run_env = dict(env if env is not None else os.environ)
        run_env["GOTRACEBACK"] = "crash"
        out, err = folder / "stdout", folder / "stderr"
        progress.stage(f"running {binary.name} outside the debugger (timeout {timeout:g}s)")
        since = time.time()
        with files.open_private(out, "wb") as fo, files.open_private(err, "wb") as fe:
            sp = proc.spawn([str(binary), *args], cwd=folder, env=run_env, stdout=fo, stderr=fe, core_size=-1)
        with proc.owned(sp, grace=1.0):
            status = sp.wait(timeout)
            halted = status is None
            if halted:
                progress.stage("timed out: SIGQUIT makes the runtime dump core")
                with contextlib.suppress(ProcessLookupError):
                    os.kill(sp.pid, signal.SIGQUIT)
                status = sp.wait(QUIT_GRACE)
        core = find_core(pattern, folder, sp.pid, binary.name, since)
        if core is None:
            raise _no_core(status, pattern, halted)
        output = captured(out, err)
        saved = None
        if halted:  # the core alone cannot tell our SIGQUIT from a crash: say it was a hang
            saved = savedcore.SavedStop(binary=binary.name, written_by="kernel", reason="halted")
        snap = open_core(binary, core, depth=depth, dlv=dlv, facts=facts, saved=saved, progress=progress)
        if saved_dir is not None:
            target = saved_dir / savedcore.CORE_NAME
            shutil.move(str(core), target)
            kept = savedcore.SavedStop(
                binary=binary.name,
                written_by="kernel",
                reason=snap.stop.reason,
                goroutine_id=snap.stop.goroutine_id,
            )
            savedcore.finish(saved_dir, binary, kept)
            snap.core = str(saved_dir / kept.core)
        else:
            snap.core = None
            snap.notes.append(
                "the core was read in a temporary folder, then removed: --save-core DIR keeps it"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    add_crash_text(snap.stop, output.stderr)
    snap.stop.exit_status = status
    snap.output = output
    # The program's stderr is ours here as in a live run: a -race build's reports are in it.
    snap.races = races_in(output.stderr)
    return snap
