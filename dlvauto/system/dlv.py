"""The dlv tool on this machine: where it is, what version it is, and what its dying words mean.

Both backends start dlv (headless for the JSON-RPC API, on a pty for its terminal) in a private
folder of their own and read the same things off it, so those facts live here once.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from dlvauto.errors import DebuggerError, ToolMissing, UserError
from dlvauto.system import proc

DLV_VERSION = "v1.27.1"  # the dlv dlvauto is tested with (scripts/setup.sh installs it)
INSTALL = f"GOBIN=.venv/bin go install github.com/go-delve/delve/cmd/dlv@{DLV_VERSION}"
_VERSION = re.compile(r"^Version: (\S+)", re.MULTILINE)


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
    raise ToolMissing(f"dlv is not installed: run `{INSTALL}` (scripts/setup.sh does it)")


def parse_version(text: str) -> str | None:
    """`1.27.1` from what `dlv version` prints, or from the API's DelveVersion (the same text)."""
    m = _VERSION.search(text)
    return m.group(1) if m else None


@functools.lru_cache(maxsize=8)
def version_of(dlv: str) -> str | None:
    """The version of the dlv at `dlv`, asked once (its terminal has no command that prints it)."""
    return parse_version(proc.run([dlv, "version"], timeout=30).stdout)


def private_folder() -> Path:
    """A fresh folder only we can enter (mkdtemp makes it 0700): dlv's socket, logs and output."""
    folder = Path(tempfile.mkdtemp(prefix="dlvauto-"))
    folder.chmod(0o700)
    return folder


class SocketRefused(DebuggerError):
    """dlv could not listen on the unix socket."""


def startup_error(text: str, status: int, was_unix: bool) -> Exception:
    """dlv's dying words at start as a one-line error that says what to do."""
    last = next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), f"exit status {status}")
    low = text.lower()
    if was_unix and ("listen unix" in low or "bind" in low):
        return SocketRefused(last)
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
