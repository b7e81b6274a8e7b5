"""attach and connect: capture a running program and leave it running (or the server as it was)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from dlvauto.gobuild.program import build
from dlvauto.rpc.client import DlvClient
from dlvauto.rpc.wire import Connection
from dlvauto.system.dlv import find_dlv

from tests.helpers import EXAMPLES, assert_hang_report, needs_dlv, run_cli, tracer_of, wait_for

pytestmark = needs_dlv


def test_attach_leaves_the_program_running_and_untraced(
    running_hang: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    r = run_cli("attach", str(running_hang.pid), "--json", str(out))
    assert r.returncode == 0, r.stderr
    assert_hang_report(json.loads(out.read_text()), "attach")
    assert running_hang.poll() is None, "the program is still running"
    state = Path(f"/proc/{running_hang.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    assert state in ("S", "R"), f"not stopped (state {state})"
    assert tracer_of(running_hang.pid) == "0", "no debugger is left attached"


def test_attach_to_no_such_process() -> None:
    r = run_cli("attach", "999999999")
    assert r.returncode == 2
    assert r.stderr.startswith("dlvauto: error: no process 999999999")


def test_connect_captures_and_leaves_the_server_running(tmp_path: Path) -> None:
    binary = build(EXAMPLES / "hang").binary
    server = subprocess.Popen(
        [find_dlv(), "exec", str(binary), "--headless", "--accept-multiclient", "--continue",
         "--api-version=2", "--listen=127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        line = server.stdout.readline().decode()
        address = line.split("listening at: ")[1].strip()
        # `--continue` sets the target running only once dlv's own client has connected and left:
        # a connect before that finds it stopped at its entry, and then runs while it is read.
        probe = DlvClient(Connection.open(address), timeout=10)
        try:
            assert wait_for(lambda: probe.state(non_blocking=True).Running, 30), "the server runs its target"
        finally:
            probe.close()
        out = tmp_path / "r.json"
        r = run_cli("connect", address, "--json", str(out))
        assert r.returncode == 0, r.stderr
        assert_hang_report(json.loads(out.read_text()), "attach")
        assert server.poll() is None, "the server is still there"
        client = DlvClient(Connection.open(address), timeout=10)
        try:
            time.sleep(0.2)
            assert client.state(non_blocking=True).Running, "the target runs again, as it was"
        finally:
            client.close()
    finally:
        import os
        import signal

        from dlvauto.system.proc import children_of

        for child in children_of(server.pid):  # dlv's target leads a process group of its own
            os.killpg(child, signal.SIGKILL)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_connect_refuses_remote_without_allow_remote() -> None:
    r = run_cli("connect", "192.0.2.1:4040")
    assert r.returncode == 2
    assert "not a loopback address" in r.stderr and "--allow-remote" in r.stderr


def test_connect_with_nothing_listening() -> None:
    r = run_cli("connect", "127.0.0.1:1")
    assert r.returncode == 2
    assert r.stderr.startswith("dlvauto: error: no dlv server answers at 127.0.0.1:1")
