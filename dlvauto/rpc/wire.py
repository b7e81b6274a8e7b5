"""Delve's JSON-RPC 1.0 codec over a raw stream: framing, request ids, deadlines, pipelining.

dlv serves Go's `net/rpc/jsonrpc`: one JSON object per request
`{"method": "RPCServer.X", "params": [{...}], "id": N}` and one per reply
`{"id": N, "result": {...}, "error": null | "text"}`, each reply ending in a newline (Go's
json.Encoder). Synchronous methods are answered in order; `Command`, `State` and `Restart` are
answered whenever they finish, so replies are matched by id and early ones are kept aside.
This module knows nothing about dlv's methods: `client.py` does. A reply is decoded with the
stdlib's json and made into its result type by `checked.py` (no pydantic: see there why).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from dlvauto.errors import DebuggerError, RPCError, RPCTimeout

if TYPE_CHECKING:
    from types import ModuleType

T = TypeVar("T")
Params = Any  # a dict, or a wire dataclass; either may hold wire dataclasses (EvalScope, LoadConfig)

_ID_AT_START = re.compile(rb'^\{"id":(\d+),')
_CHUNK = 1 << 20
MAX_REPLY = 512 << 20  # a reply larger than this is no reply dlv would send: stop reading


_checked_module: ModuleType | None = None


def _checked() -> ModuleType:
    """rpc/checked.py, imported on the first reply decoded: the head start (rpc/server.py) writes
    its requests with this module before anything reads a reply, and the wire types (~5 ms of
    imports) need not delay the program's start."""
    global _checked_module
    if _checked_module is None:
        from dlvauto.rpc import checked

        _checked_module = checked
    return _checked_module


def _as_json(value: object) -> dict[str, Any]:
    """A wire dataclass in a request, as its JSON object (json.dumps asks for what it cannot write)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not a wire type: it cannot be sent to dlv")


def _malformed(method: str, where: str, message: str) -> DebuggerError:
    return DebuggerError(f"malformed reply from dlv to {method}: {where}: {message}")


class Connection:
    """A JSON-RPC stream to one dlv server; not thread-safe (one caller owns it)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buf = bytearray()
        self._next_id = 0
        self._early: dict[int, bytes] = {}
        self._methods: dict[int, str] = {}
        self.requests_sent = 0
        # Requests written before their caller existed (the run's head start, rpc/server.py): the
        # caller takes each by its name, with when it was written, and reads the reply.
        self.ahead: dict[str, tuple[int, float]] = {}
        self.max_in_flight = 0  # most requests written but not yet answered, for tests and benchmarks
        self.max_reply = MAX_REPLY

    @classmethod
    def open(cls, address: str, timeout: float = 10.0, ended: Callable[[], bool] | None = None) -> Connection:
        """Connect to `unix:/path` or `host:port` (what dlv printed after `listening at:`).

        `ended` says whether the dlv that should answer there has exited: dlv prints its address
        before it launches the program, and when the launch fails (ptrace refused, say) it exits
        and its socket is gone; trying again until `timeout` would only hide its reason.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                return cls(cls._dial(address, timeout))
            except (ConnectionRefusedError, FileNotFoundError) as exc:
                if ended is not None and ended():
                    raise DebuggerError(f"cannot connect to dlv at {address}: dlv has ended ({exc})") from exc
                if time.monotonic() > deadline:
                    raise DebuggerError(f"cannot connect to dlv at {address}: {exc}") from exc
                time.sleep(0.01)
            except OSError as exc:
                raise DebuggerError(f"cannot connect to dlv at {address}: {exc}") from exc

    @staticmethod
    def _dial(address: str, timeout: float) -> socket.socket:
        if address.startswith(("unix:", "/")):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(address.removeprefix("unix:"))
            except OSError:
                sock.close()
                raise
            return sock
        host, _, port = address.rpartition(":")
        sock = socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()

    # ---- writing -------------------------------------------------------------------------

    def send(self, method: str, params: Params) -> int:
        """Write one request without waiting for its reply; returns its id."""
        self._next_id += 1
        rid = self._next_id
        text = json.dumps({"method": f"RPCServer.{method}", "params": [params], "id": rid}, default=_as_json)
        self._write(text.encode() + b"\n")
        self._methods[rid] = method
        self.requests_sent += 1
        return rid

    def send_ahead(self, name: str, method: str, params: Params) -> None:
        """Write a request now whose reply a later caller takes with `take_ahead(name)`."""
        sent = time.monotonic()
        self.ahead[name] = (self.send(method, params), sent)

    def take_ahead(self, name: str) -> tuple[int, float] | None:
        """The id of the request written ahead under `name` and when it was written, once; or None."""
        return self.ahead.pop(name, None)

    def _write(self, data: bytes) -> None:
        try:
            self._sock.settimeout(30.0)
            self._sock.sendall(data)
        except OSError as exc:
            raise DebuggerError(f"lost the connection to dlv while writing: {exc}") from exc

    # ---- reading -------------------------------------------------------------------------

    def _read_line(self, deadline: float | None) -> bytes:
        while True:
            nl = self._buf.find(b"\n")
            if nl >= 0:
                line = bytes(self._buf[:nl])
                del self._buf[: nl + 1]
                return line
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise TimeoutError
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(_CHUNK)
            except TimeoutError:
                raise
            except OSError as exc:
                raise DebuggerError(f"lost the connection to dlv while reading: {exc}") from exc
            if not chunk:
                raise DebuggerError("dlv closed the connection (it exited or crashed)")
            self._buf += chunk
            if len(self._buf) > self.max_reply and self._buf.find(b"\n") < 0:
                raise DebuggerError(f"reply from dlv exceeds {self.max_reply} bytes without ending: not dlv?")

    @staticmethod
    def _id_of(line: bytes) -> int:
        m = _ID_AT_START.match(line)
        if m:
            return int(m.group(1))
        try:
            return int(json.loads(line)["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DebuggerError(f"malformed reply from dlv (not JSON-RPC): {line[:80]!r}") from exc

    def receive_raw(self, rid: int, timeout: float | None) -> bytes:
        """The reply line for request `rid`, keeping replies to other requests for later."""
        if rid in self._early:
            return self._early.pop(rid)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                line = self._read_line(deadline)
            except TimeoutError as exc:
                method = self._methods.get(rid, "?")
                raise RPCTimeout(f"dlv did not answer {method} within {timeout:g}s") from exc
            got = self._id_of(line)
            if got == rid:
                return line
            self._early[got] = line

    def receive(self, rid: int, result_type: type[T], timeout: float | None) -> T:
        """Decode the reply to `rid` as `result_type`, raising RPCError for dlv's error replies.

        The envelope `{"id": int, "result": object | null, "error": string | null}` is checked
        here; the result by its type's checker. Any fault is one line naming where it is.
        """
        line = self.receive_raw(rid, timeout)
        method = self._methods.pop(rid, "?")
        try:
            reply = json.loads(line)
        except ValueError as exc:  # JSONDecodeError, and UnicodeDecodeError of bytes not UTF-8
            raise _malformed(method, "reply", f"not JSON: {exc}") from None
        if type(reply) is not dict:
            raise _malformed(method, "reply", "expected an object")
        if type(reply.get("id")) is not int:
            raise _malformed(method, "id", "expected an integer")
        error = reply.get("error")
        if error is not None:
            if type(error) is not str:
                raise _malformed(method, "error", "expected a string or null")
            raise RPCError(method, error)
        result = reply.get("result")
        if result is None:
            raise RPCError(method, "empty reply")
        checked = _checked()
        try:
            return checked.checker(result_type)(result)  # type: ignore[no-any-return]
        except checked.Malformed as exc:
            raise _malformed(method, exc.at("result").where, exc.message) from None

    def call(self, method: str, params: Params, result_type: type[T], timeout: float | None) -> T:
        """One request, one reply."""
        return self.receive(self.send(method, params), result_type, timeout)

    def pipeline(
        self,
        method: str,
        params: Iterable[Params],
        result_type: type[T],
        *,
        timeout: float,
        window: int = 64,
    ) -> Iterator[T | RPCError]:
        """Send many requests of one method, up to `window` ahead of the replies, yielding in order.

        The window keeps our unread requests small (dlv reads the next request only after writing
        the previous reply, so an unbounded burst could fill both socket buffers and stall). An
        error reply is yielded, not raised, so one unreadable goroutine does not lose the rest.
        """
        pending: list[int] = []
        it = iter(params)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                try:
                    p = next(it)
                except StopIteration:
                    exhausted = True
                    break
                pending.append(self.send(method, p))
            self.max_in_flight = max(self.max_in_flight, len(pending))
            if not pending:
                return
            rid = pending.pop(0)
            try:
                yield self.receive(rid, result_type, timeout)
            except RPCError as exc:
                yield exc
