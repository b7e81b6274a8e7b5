"""Finding the tools dlvauto starts, and starting them so they end with it: no imports but os.

The quick start (commands/quickstart.py) starts `go build` and dlv before anything heavier than
`os` is loaded; proc.py and system/go.py start and find the same tools later. Both go through
here, so the go the quick start built with is the go the build cache compares (program.py), and
every child sits behind the same parent-death signal.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # (typing is not imported this early)
if TYPE_CHECKING:
    from collections.abc import Mapping

# The signal the kernel sends a child when dlvauto dies, even of SIGKILL (PR_SET_PDEATHSIG, set by
# util-linux `setpriv` just before it execs the child: no Python runs between fork and exec). TERM
# lets a headless dlv end its target itself, as it does when its client says so.
PARENT_DEATH_SIGNAL = "TERM"


# The garbage collector's target for the go toolchain's own processes (go, compile, link), not for
# anything they build or run: GOGC=400 lets a heap grow to five times its live size before a
# collection instead of twice. Measured on a 2-core machine: a small program's `go build` with
# the debug flags (warm build cache, a fresh output: the link) 150 -> 128 ms; a cold build of dlv
# 24.6 -> 20.0 s, the largest process's peak RSS 265 -> 299 MB. GOGC=off saves a few ms more
# but puts no bound on a large link's memory. The binaries are byte for byte the same.
TOOLCHAIN_GOGC = "400"


def toolchain_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for a `go build`: the user's own, with TOOLCHAIN_GOGC unless they set GOGC
    themselves. Only the toolchain gets it: dlv and the program under debug never see it."""
    env = dict(environ)
    if "GOGC" not in env:
        env["GOGC"] = TOOLCHAIN_GOGC
    return env


def which(name: str) -> str | None:
    """The first executable file `name` on PATH (shutil.which's answer, without importing it)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK) and os.path.isfile(path):
            return path
    return None


def go_path() -> str | None:
    """The go command: $DLVAUTO_GO (when it is a file), else `go` on PATH."""
    named = os.environ.get("DLVAUTO_GO")
    if named:
        return named if os.path.isfile(named) else None
    return which("go")


def ending_with_us(args: list[str]) -> list[str]:
    """`args` behind `setpriv --pdeathsig`, when the machine has setpriv.

    The signal comes when the *thread* that started the child ends, not only the process: a child
    that must outlive the thread that started it needs that thread kept (commands/early.py)."""
    setpriv = which("setpriv")
    return [setpriv, "--pdeathsig", PARENT_DEATH_SIGNAL, "--", *args] if setpriv else args
