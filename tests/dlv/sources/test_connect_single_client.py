"""`connect` to a dlv started without --accept-multiclient is refused without ending it (issue 16,
item 3): hanging up on such a server ends it and its program, so dlvauto must not connect at all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from dlvauto.gobuild.program import build
from dlvauto.system.dlv import find_dlv
from dlvauto.system.proc import children_of

from tests.helpers import EXAMPLES, needs_dlv, one_error_line, run_cli

pytestmark = needs_dlv


def test_a_single_client_server_is_refused_and_keeps_running() -> None:
    binary = build(EXAMPLES / "hang").binary
    server = subprocess.Popen(
        [find_dlv(), "exec", str(binary), "--headless", "--api-version=2", "--listen=127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        address = server.stdout.readline().decode().split("listening at: ")[1].strip()
        r = run_cli("connect", address)
        assert one_error_line(r) == (
            f"dlvauto: error: the dlv server at {address} was started without --accept-multiclient: "
            "connecting and hanging up would end it and its program, so dlvauto did not connect; restart "
            "it with `dlv ... --headless --accept-multiclient --listen=...` to share it"
        )
        time.sleep(0.5)
        assert server.poll() is None, "the user's dlv is still there"
        targets = children_of(server.pid)
        assert targets and all(Path(f"/proc/{t}").exists() for t in targets), "and its program too"
    finally:
        for child in children_of(server.pid):
            os.killpg(child, signal.SIGKILL)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
