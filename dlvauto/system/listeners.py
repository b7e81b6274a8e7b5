"""Which local process listens on an address, and with what command line: read from /proc.

`dlvauto connect` must not end a dlv server it did not start. A headless dlv started without
`--accept-multiclient` ends itself (and its program) when its one client hangs up, so even asking
it whether it is multi-client would end it. For a server on this machine the answer is in its
command line, read before connecting: the listening socket's inode (/proc/net/tcp, tcp6, unix)
leads to the process holding it (/proc/PID/fd). Only processes of this user are visible this way,
which are the only ones a `connect` could use anyway.
"""

from __future__ import annotations

from pathlib import Path

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's st column


def _tcp_inodes(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == _LISTEN and int(parts[1].rsplit(":", 1)[1], 16) == port:
                found.add(parts[9])
    return found


def _unix_inodes(path: str) -> set[str]:
    try:
        lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    except OSError:
        return set()
    return {p[6] for p in (line.split() for line in lines) if len(p) > 7 and p[7] == path}


def listener_argv(address: str) -> list[str] | None:
    """The command line of the local process listening on `address` (`unix:PATH` or `HOST:PORT`),
    or None when none of this user's processes is found listening there."""
    if address.startswith("unix:"):
        inodes = _unix_inodes(address[len("unix:") :])
    else:
        port = address.rpartition(":")[2]
        if not port.isdigit():
            return None
        inodes = _tcp_inodes(int(port))
    if not inodes:
        return None
    wanted = {f"socket:[{i}]" for i in inodes}
    for proc in (d for d in Path("/proc").iterdir() if d.name.isdigit()):
        try:
            links = {str(fd.readlink()) for fd in (proc / "fd").iterdir()}
            if links & wanted:
                return (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
        except OSError:
            continue
    return None
