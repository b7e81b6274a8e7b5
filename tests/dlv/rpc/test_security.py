"""The debug server is reachable by its owner only: a unix socket in a 0700 folder, or loopback TCP."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import time
from pathlib import Path

from dlvauto.gobuild.program import build
from dlvauto.rpc.server import start_headless
from dlvauto.system.dlv import find_dlv

from tests.helpers import DLVAUTO, EXAMPLES, ROOT, comm, needs_dlv, processes_mentioning

pytestmark = needs_dlv


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        m = re.fullmatch(r"socket:\[(\d+)\]", target)
        if m:
            out.add(m.group(1))
    return out


def _sockets(pid: int, listening_only: bool) -> tuple[list[str], list[str]]:
    """(unix socket paths, tcp local addresses) of process `pid`'s sockets (or its listeners)."""
    inodes = _socket_inodes(pid)
    unix = []
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        parts = line.split()
        # Num RefCount Protocol Flags Type St Inode Path; flags 00010000 = listening
        if len(parts) >= 8 and parts[6] in inodes and (not listening_only or int(parts[3], 16) & 0x10000):
            unix.append(parts[7])
    tcp = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[9] in inodes and (not listening_only or parts[3] == "0A"):  # 0A: LISTEN
                tcp.append(parts[1])
    return unix, tcp


def test_run_listens_on_a_private_unix_socket_only(tmp_path: Path) -> None:
    env = os.environ.copy()
    env.update(
        DLVAUTO_CACHE_DIR=str(tmp_path / "cache"), DLVAUTO_PAUSE_AT="running", DLVAUTO_PAUSE_SECONDS="2"
    )
    argv = [*DLVAUTO, "run", str(EXAMPLES / "nil_map_write"), "--json", str(tmp_path / "r.json")]
    p = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stderr is not None
    line = p.stderr.readline()
    assert line.startswith("dlvauto: paused at running"), line
    dlv = [x for x in processes_mentioning(str(tmp_path / "cache")) if comm(x) == "dlv"]
    assert len(dlv) == 1
    # dlv stops listening once its one client is connected: its only socket is ours, in the folder.
    unix, tcp = _sockets(dlv[0], listening_only=False)
    assert tcp == [], "no TCP socket at all when the unix socket works"
    assert _sockets(dlv[0], listening_only=True) == ([], []), "nothing else can connect during the run"
    assert len(unix) == 1 and unix[0].endswith("/dlv.sock")
    folder = Path(unix[0]).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and folder.stat().st_uid == os.getuid()
    p.communicate(timeout=60)
    assert p.returncode == 0
    assert not folder.exists(), "the private folder is removed afterwards"


def test_tcp_fallback_listens_on_loopback_only() -> None:
    binary = build(EXAMPLES / "nil_map_write").binary
    server = start_headless(find_dlv(), ["exec", str(binary)], redirect_output=True, prefer_unix=False)
    try:
        deadline = time.monotonic() + 5
        unix, tcp = _sockets(server.spawned.pid, listening_only=True)
        while not tcp and time.monotonic() < deadline:
            time.sleep(0.05)
            unix, tcp = _sockets(server.spawned.pid, listening_only=True)
        assert unix == [] and len(tcp) == 1
        addr, port = tcp[0].split(":")
        assert addr == "0100007F", f"127.0.0.1 only, not {addr}"  # little-endian hex of 127.0.0.1
        assert server.address == f"127.0.0.1:{int(port, 16)}"
    finally:
        server.stop()
