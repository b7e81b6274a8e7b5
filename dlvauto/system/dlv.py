"""The dlv tool on this machine: where it is, what version it is, and what its dying words mean.

Both backends start dlv (headless for the JSON-RPC API, on a pty for its terminal) in a private
folder of their own and read the same things off it, so those facts live here once.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

from dlvauto.errors import DebuggerError, ToolMissing, UserError, shown
from dlvauto.system import launch, proc

DLV_VERSION = "v1.27.1"  # the dlv dlvauto is tested with
DLV_MODULE = "github.com/go-delve/delve/cmd/dlv"
INSTALL = f"go install {DLV_MODULE}@{DLV_VERSION}"  # puts dlv in $(go env GOBIN) or $(go env GOPATH)/bin
_VERSION = r"(?m)^Version: (\S+)"  # compiled by `re` on first use (not at every start)


def _executable(path: str | None) -> bool:
    return bool(path) and Path(str(path)).is_file() and os.access(str(path), os.X_OK)


def go_install_dirs() -> list[str]:
    """Where `go install` puts binaries: $(go env GOBIN), then $(go env GOPATH)/bin (each entry of
    a GOPATH list). Empty when go itself is missing: then only the other places are looked at."""
    from dlvauto.system.go import find_go

    try:
        go = find_go()
    except ToolMissing:
        return []
    res = proc.run([go, "env", "GOBIN", "GOPATH"], timeout=60)
    if res.returncode != 0:
        return []
    lines = [*res.stdout.splitlines(), "", ""]
    gobin, gopath = lines[0].strip(), lines[1].strip()
    dirs = [gobin] if gobin else []
    dirs += [str(Path(p) / "bin") for p in gopath.split(os.pathsep) if p]
    return dirs


def dlv_candidates() -> list[tuple[str, str]]:
    """Every place dlv is looked for, in order, each with the name of where it came from:
    $DLVAUTO_DLV, beside our Python (a venv's bin), PATH, then where `go install` puts it."""
    out: list[tuple[str, str]] = []
    env = os.environ.get("DLVAUTO_DLV")
    if env:
        out.append(("DLVAUTO_DLV", env))
    out.append(("beside python", str(Path(sys.executable).parent / "dlv")))
    on_path = launch.which("dlv")
    if on_path:
        out.append(("PATH", on_path))
    return out


def find_dlv(explicit: str | None = None) -> str:
    """Path of the dlv to use: --dlv, else $DLVAUTO_DLV, else the one beside our Python, else PATH,
    else $(go env GOBIN), else $(go env GOPATH)/bin (where a plain `go install` puts it: a user who
    installed dlv the documented way need not change PATH)."""
    if explicit:
        if not _executable(explicit):
            raise ToolMissing(f"dlv not found at {shown(explicit)}: give the path of a dlv binary")
        try:
            version = version_of(explicit)
        except OSError:  # not a program this machine runs (exec format error)
            version = None
        if version is None:  # `--dlv /bin/true` failed late, as dlv "exiting at start"
            raise ToolMissing(
                f"{shown(explicit)} is not Delve (`{shown(explicit)} version` names no Delve version): "
                "give the path of a dlv binary"
            )
        return explicit
    env = os.environ.get("DLVAUTO_DLV")
    if env and not _executable(env):
        raise ToolMissing(f"DLVAUTO_DLV={env} is not an executable dlv: fix it or unset it")
    for _where, c in dlv_candidates():
        if _executable(c):
            return c
    for folder in go_install_dirs():
        c = str(Path(folder) / "dlv")
        if _executable(c):
            return c
    raise ToolMissing(f"dlv is not installed: run `{INSTALL}` (or `dlvauto doctor --install-dlv`)")


def install_dlv() -> str:
    """Install the pinned dlv with `go install` (into $(go env GOBIN), else $(go env GOPATH)/bin)
    and return its path; the go tool's own last line when it fails."""
    from dlvauto.system.go import find_go

    go = find_go()
    env = dict(os.environ)
    env.setdefault("GOFLAGS", "-mod=mod")
    res = proc.run([go, "install", f"{DLV_MODULE}@{DLV_VERSION}"], env=env, timeout=900)
    if res.returncode != 0:
        last = next(
            (ln for ln in reversed(res.stderr.splitlines()) if ln.strip()), f"status {res.returncode}"
        )
        raise ToolMissing(f"`{INSTALL}` failed: {last.strip()}")
    for folder in go_install_dirs():
        c = str(Path(folder) / "dlv")
        if _executable(c):
            return c
    raise ToolMissing(f"`{INSTALL}` ran but no dlv is in $(go env GOBIN) or $(go env GOPATH)/bin")


def parse_version(text: str) -> str | None:
    """`1.27.1` from what `dlv version` prints, or from the API's DelveVersion (the same text)."""
    m = re.search(_VERSION, text)
    return m.group(1) if m else None


@functools.lru_cache(maxsize=8)
def version_of(dlv: str) -> str | None:
    """The version of the dlv at `dlv`, asked once (its terminal has no command that prints it)."""
    return parse_version(proc.run([dlv, "version"], timeout=30).stdout)


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
