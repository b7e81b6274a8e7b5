"""The RPC client against a server that misbehaves: malformed, truncated, huge, out-of-order replies.

Every case ends in a clear error (DebuggerError or one of its kinds) within its deadline; none hangs.
The server is a thread on a unix socket in the test's temp folder.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dlvauto.errors import DebuggerError, RPCError, RPCTimeout
from dlvauto.rpc import types as t
from dlvauto.rpc.checked import check
from dlvauto.rpc.client import DlvClient
from dlvauto.rpc.wire import Connection

Behaviour = Callable[[socket.socket, list[dict]], None]  # type: ignore[type-arg]


def _requests(conn: socket.socket) -> Iterator[dict]:  # type: ignore[type-arg]
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Callable[[Behaviour], DlvClient]]:
    path = tmp_path / "fake.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.listen(1)
    threads: list[threading.Thread] = []
    clients: list[DlvClient] = []

    def start(behaviour: Behaviour) -> DlvClient:
        def serve() -> None:
            conn, _ = listener.accept()
            with conn, contextlib.suppress(OSError):
                behaviour(conn, [])

        th = threading.Thread(target=serve, daemon=True)
        th.start()
        threads.append(th)
        client = DlvClient(Connection.open(f"unix:{path}"), timeout=1.0)
        clients.append(client)
        return client

    yield start
    for c in clients:
        c.close()
    listener.close()


def _reply(rid: int, result: object = None, error: str | None = None) -> bytes:
    return json.dumps({"id": rid, "result": result, "error": error}).encode() + b"\n"


def test_malformed_json_is_a_clear_error(server) -> None:  # type: ignore[no-untyped-def]
    def bad(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        next(_requests(conn))
        conn.sendall(b'{"id":1,"result":{"DelveVersion": nope}\n')
        time.sleep(1)

    with pytest.raises(DebuggerError, match="malformed reply from dlv"):
        server(bad).version()


def test_truncated_reply_then_close(server) -> None:  # type: ignore[no-untyped-def]
    def cut(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        next(_requests(conn))
        conn.sendall(b'{"id":1,"result":{"DelveVer')

    with pytest.raises(DebuggerError, match="dlv closed the connection"):
        server(cut).version()


def test_silence_times_out(server) -> None:  # type: ignore[no-untyped-def]
    def mute(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        next(_requests(conn))
        time.sleep(3)

    start = time.monotonic()
    with pytest.raises(RPCTimeout, match="dlv did not answer GetVersion within 1s"):
        server(mute).version()
    assert time.monotonic() - start < 2


def test_partial_line_then_silence_times_out(server) -> None:  # type: ignore[no-untyped-def]
    def dribble(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        next(_requests(conn))
        conn.sendall(b'{"id":1,')
        time.sleep(3)

    with pytest.raises(RPCTimeout):
        server(dribble).version()


def test_huge_reply_is_read(server) -> None:  # type: ignore[no-untyped-def]
    def huge(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        req = next(_requests(conn))
        frames = [
            {"pc": i, "file": "x" * 200, "line": i, "function": {"name": f"main.f{i}"}} for i in range(50000)
        ]
        conn.sendall(_reply(req["id"], {"Locations": frames}))
        time.sleep(0.5)

    stack = server(huge).stacktrace(1, 50000)
    assert len(stack) == 50000 and stack[-1].function is not None and stack[-1].function.name == "main.f49999"


def test_out_of_order_replies_are_matched_by_id(server) -> None:  # type: ignore[no-untyped-def]
    def shuffle(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        reqs = _requests(conn)
        got = [next(reqs) for _ in range(5)]
        for req in reversed(got):
            gid = req["params"][0]["Id"]
            conn.sendall(_reply(req["id"], {"Locations": [{"pc": gid, "line": gid}]}))
        time.sleep(0.5)

    client = server(shuffle)
    client.timeout = 15.0  # a big reply on a loaded machine: the test is of reading it, not of speed
    stacks = dict(client.stacktraces([11, 12, 13, 14, 15], depth=1))
    assert {gid: st[0].pc for gid, st in stacks.items() if not isinstance(st, RPCError)} == {
        11: 11, 12: 12, 13: 13, 14: 14, 15: 15,
    }  # fmt: skip


def test_reply_with_unknown_id_and_wrong_shape(server) -> None:  # type: ignore[no-untyped-def]
    def stray(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        req = next(_requests(conn))
        conn.sendall(_reply(999, {"x": 1}))  # nobody asked
        conn.sendall(_reply(req["id"], {"Goroutines": "not a list"}))
        time.sleep(0.5)

    with pytest.raises(DebuggerError, match="malformed reply from dlv"):
        server(stray).list_goroutines()


def test_error_reply_is_rpc_error(server) -> None:  # type: ignore[no-untyped-def]
    def refuse(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        req = next(_requests(conn))
        conn.sendall(_reply(req["id"], None, "unknown goroutine 5"))
        time.sleep(0.5)

    with pytest.raises(RPCError, match="Stacktrace: unknown goroutine 5"):
        server(refuse).stacktrace(5, 10)


def test_garbage_without_newline_flood_is_bounded(server) -> None:  # type: ignore[no-untyped-def]
    def flood(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        next(_requests(conn))
        chunk = b"x" * 65536
        try:
            for _ in range(2000):  # 128 MiB with no newline
                conn.sendall(chunk)
        except OSError:
            pass

    client = server(flood)
    client.conn.max_reply = 4 << 20
    with pytest.raises(DebuggerError, match="reply from dlv exceeds 4194304 bytes without ending"):
        client.version()


def test_wire_types_ignore_unknown_fields() -> None:
    st = check(t.DebuggerState, {"Pid": 3, "exited": True, "exitStatus": 2, "SomethingNew": [1]})
    assert (st.Pid, st.exited, st.exitStatus) == (3, True, 2)


def test_a_stack_dlv_cannot_load_whole_is_read_frame_by_frame(server) -> None:  # type: ignore[no-untyped-def]
    """One frame's variables failing fails dlv's whole full stack: the values are then asked frame by
    frame, and each frame keeps its own answer (or its own error)."""
    seen: list[str] = []

    def whole_fails(conn: socket.socket, _: list[dict]) -> None:  # type: ignore[type-arg]
        for req in _requests(conn):
            method = req["method"].removeprefix("RPCServer.")
            seen.append(method)
            params = req["params"][0]
            if method == "Stacktrace":
                assert params["Full"] is True and params["Depth"] == 6
                conn.sendall(_reply(req["id"], error="could not read frame 1's locals"))
            elif params["Scope"]["Frame"] == 4:
                conn.sendall(_reply(req["id"], error="frame 4 is unreadable"))
            elif method == "ListFunctionArgs":
                frame = params["Scope"]["Frame"]
                conn.sendall(_reply(req["id"], {"Args": [{"name": f"a{frame}", "value": str(frame)}]}))
            else:
                conn.sendall(_reply(req["id"], {"Variables": []}))

    got = server(whole_fails).frame_variables(1, [3, 4, 5, 6])
    assert seen[0] == "Stacktrace" and len(seen) == 1 + 2 * 4
    assert [(v.name, v.value) for v in got[3].args] == [("a3", "3")] and got[3].error is None
    assert got[4].args == [] and got[4].error == "frame 4 is unreadable"
    assert [(v.name, v.value) for v in got[6].args] == [("a6", "6")]
