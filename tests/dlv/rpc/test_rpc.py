"""The JSON-RPC client against a real headless dlv: design.md's facts about the API, checked by running."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlvauto.errors import RPCError
from dlvauto.gobuild.program import build
from dlvauto.rpc.client import DlvClient
from dlvauto.rpc.server import HeadlessServer, start_headless
from dlvauto.rpc.wire import Connection
from dlvauto.system.dlv import find_dlv

from tests.helpers import EXAMPLES, needs_dlv

pytestmark = needs_dlv


@pytest.fixture
def session(request: pytest.FixtureRequest) -> Iterator[tuple[HeadlessServer, DlvClient]]:
    example, prefer_unix = request.param
    binary = build(EXAMPLES / example).binary
    server = start_headless(find_dlv(), ["exec", str(binary)], redirect_output=True, prefer_unix=prefer_unix)
    client = DlvClient(Connection.open(server.address), timeout=30)
    try:
        yield server, client
    finally:
        client.close()
        server.stop()


@pytest.mark.parametrize("session", [("many_goroutines", True)], indirect=True)
def test_unix_socket_in_private_folder_and_pipelined_stacks(
    session: tuple[HeadlessServer, DlvClient],
) -> None:
    server, client = session
    assert server.address == f"unix:{server.folder}/dlv.sock"
    assert stat.S_IMODE(server.folder.stat().st_mode) == 0o700
    assert client.version().APIVersion == 2
    state = client.continue_until(60).state
    assert state.currentThread is not None and state.currentThread.breakPoint is not None
    assert state.currentThread.breakPoint.name == "unrecovered-panic"
    goroutines = client.list_goroutines(page=500)  # four pages: Nextg is followed to -1
    assert len(goroutines) > 2000
    ids = [g.id for g in goroutines]
    before = client.conn.requests_sent
    stacks = dict(client.stacktraces(ids, depth=20))
    assert client.conn.requests_sent - before == len(ids)
    assert client.conn.max_in_flight == 64, "requests were written ahead of the replies"
    workers = [
        gid
        for gid, st in stacks.items()
        if not isinstance(st, RPCError)
        and any(f.function and f.function.name.endswith("pool.worker") for f in st)
    ]
    assert len(workers) == 2000
    # Every reply went to its own request: the goroutine's stack matches its listed location.
    for g in goroutines[:200]:
        st = stacks[g.id]
        assert not isinstance(st, RPCError)
        assert st[0].pc == g.currentLoc.pc


@pytest.mark.parametrize("session", [("deep_stack", False)], indirect=True)
def test_tcp_fallback_depth_and_error_replies(session: tuple[HeadlessServer, DlvClient]) -> None:
    server, client = session
    host, _, port = server.address.rpartition(":")
    assert host == "127.0.0.1" and int(port) > 0
    state = client.continue_until(60).state
    gid = state.currentThread.goroutineID if state.currentThread else 0
    assert gid == 1
    assert len(client.stacktrace(gid, 5)) == 6, "Depth N returns up to N+1 frames"
    with pytest.raises(RPCError, match="unknown goroutine 999999"):
        client.stacktrace(999999, 5)
    value = client.eval("runtime.curg._panic.arg")
    assert (
        value is not None and value.children and value.children[0].value == "checksum mismatch: got 6, want 7"
    )


@pytest.mark.parametrize("session", [("hang", True)], indirect=True)
def test_continue_times_out_then_halts(session: tuple[HeadlessServer, DlvClient]) -> None:
    _, client = session
    result = client.continue_until(0.5)
    assert result.timed_out and not result.state.exited and not result.state.Running
    assert any(g.id == 1 for g in client.list_goroutines()), "the connection still works after the halt"


@pytest.mark.parametrize("session", [("os_exit_3", True)], indirect=True)
def test_exit_is_reported_and_later_calls_fail(session: tuple[HeadlessServer, DlvClient]) -> None:
    server, client = session
    state = client.continue_until(60).state
    assert state.exited and state.exitStatus == 3
    with pytest.raises(RPCError, match=r"Process \d+ has exited with status 3"):
        client.list_goroutines()
    assert server.target_stdout is not None
    assert Path(server.target_stdout).read_text().strip() != ""


@pytest.mark.parametrize("session", [("deep_stack", True)], indirect=True)
def test_frames_close_together_come_in_one_full_stack_with_the_same_values(
    session: tuple[HeadlessServer, DlvClient],
) -> None:
    """Many frames close together are read with one Stacktrace (Full) and give exactly what the two
    requests a frame give; a few frames, or frames far apart, are read frame by frame."""
    _, client = session
    state = client.continue_until(60).state
    gid = state.currentThread.goroutineID if state.currentThread else 0
    stack = client.stacktrace(gid, 50)
    crash = next(i for i, f in enumerate(stack) if f.function and f.function.name.endswith("c.Crash"))
    close = list(range(crash, crash + 8))
    before = client.conn.requests_sent
    whole = client.frame_variables(gid, close)
    assert client.conn.requests_sent - before == 1, "one Stacktrace for eight frames"
    before = client.conn.requests_sent
    one_by_one = client._frames_one_by_one(gid, close)
    assert client.conn.requests_sent - before == 16
    shown = {
        i: ([(v.name, v.type, v.value) for v in g.args], [(v.name, v.value) for v in g.locals])
        for i, g in whole.items()
    }
    assert shown == {
        i: ([(v.name, v.type, v.value) for v in g.args], [(v.name, v.value) for v in g.locals])
        for i, g in one_by_one.items()
    }
    assert shown[crash] == ([("sum", "int", "6"), ("~r0", "int", "0")], [])
    assert ("sum", "6") in shown[crash + 1][1]  # c.Validate's local
    before = client.conn.requests_sent
    client.frame_variables(gid, [crash, crash + 1])  # a few: frame by frame
    client.frame_variables(gid, [crash, crash + 1, crash + 2, 40])  # far apart: frame by frame
    assert client.conn.requests_sent - before == 4 + 8
