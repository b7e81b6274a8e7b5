"""Finding the tools dlvauto starts, and starting them so they end with it: no imports but os.

The quick start (commands/quickstart.py) starts `go build` and dlv before anything heavier than
`os` is loaded; proc.py and system/go.py start and find the same tools later. Both go through
here, so the go the quick start built with is the go the build cache compares (program.py), and
every child sits behind the same parent-death signal.
"""

from __future__ import annotations

import os

# The signal the kernel sends a child when dlvauto dies, even of SIGKILL (PR_SET_PDEATHSIG, set by
# util-linux `setpriv` just before it execs the child: no Python runs between fork and exec). TERM
# lets a headless dlv end its target itself, as it does when its client says so.
PARENT_DEATH_SIGNAL = "TERM"


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
