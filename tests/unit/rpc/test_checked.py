"""The reply checker (dlvauto/rpc/checked.py): exact values from good replies, one exact line for
each kind of bad value, and the envelope as Connection.receive reads it."""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

import pytest

from dlvauto.errors import DebuggerError, RPCError
from dlvauto.rpc import types as t
from dlvauto.rpc.checked import Malformed, check
from dlvauto.rpc.wire import Connection

FN = {"name": "main.f", "value": 4975200, "type": 0, "goType": 0, "optimized": False}
FRAME = {
    "pc": 4975269, "file": "/src/main.go", "line": 24, "function": FN, "Locals": None, "Arguments": None,
    "FrameOffset": -904, "FramePointerOffset": -920, "Defers": [], "Err": "",
}  # fmt: skip


def test_a_stack_frame_as_dlv_sends_it() -> None:
    frame = check(t.Stackframe, FRAME)
    assert frame == t.Stackframe(
        pc=4975269, file="/src/main.go", line=24, function=t.Function("main.f", 4975200, 0, 0, False),
        Locals=None, Arguments=None, FrameOffset=-904, FramePointerOffset=-920, Bottom=False, Err="",
    )  # fmt: skip
    assert type(frame.function) is t.Function


def test_unknown_keys_are_ignored_and_missing_keys_take_defaults() -> None:
    st = check(t.DebuggerState, {"Pid": 3, "exited": True, "SomethingNew": [1], "currentThread": None})
    assert st == t.DebuggerState(Pid=3, exited=True)
    assert not hasattr(st, "SomethingNew")
    g = check(t.Goroutine, {"id": 7})
    assert g == t.Goroutine(id=7) and g.currentLoc == t.Location()
    assert g.currentLoc is not g.startLoc, "a default factory makes one object per field"
    assert check(t.DetachOut, {"x": 1}) == t.DetachOut()


def test_a_frame_without_some_keys_is_read_by_the_slow_path() -> None:
    frame = dict(FRAME, Bottom=True)
    del frame["function"], frame["Err"]
    assert check(t.Stackframe, frame) == t.Stackframe(
        pc=4975269, file="/src/main.go", line=24, FrameOffset=-904, FramePointerOffset=-920, Bottom=True
    )


def test_recursion_alias_base64_maps_and_lists_of_strings() -> None:
    leaf = {"name": "s", "kind": 24, "value": "boom", "len": 4, "children": []}
    out = check(t.EvalOut, {"Variable": {"name": "arg", "kind": 20, "children": [leaf]}})
    assert out.variable == t.Variable(
        name="arg", kind=20, children=[t.Variable(name="s", kind=24, value="boom", len=4, children=[])]
    )
    assert check(t.EvalOut, {"variable": {"name": "x"}}).variable is None, "read from the wire key only"
    assert check(t.ExaminedMemoryOut, {"Mem": "AAEC/w==", "IsLittleEndian": False}) == t.ExaminedMemoryOut(
        Mem=b"\x00\x01\x02\xff", IsLittleEndian=False
    )
    assert check(t.ExaminedMemoryOut, {"Mem": None}).Mem is None
    g = check(t.Goroutine, {"id": 1, "labels": {"job": "a"}})
    assert g.labels == {"job": "a"}
    assert check(t.Breakpoint, {"variables": ["a", "b"]}).variables == ["a", "b"]
    assert check(t.PackageBuildInfo, {"ImportPath": "main", "Files": None}).Files is None


def test_an_integral_float_is_an_int() -> None:
    g = check(t.Goroutine, {"id": 3.0, "currentLoc": {"line": 5.0}})
    assert (g.id, g.currentLoc.line) == (3, 5) and type(g.id) is int and type(g.currentLoc.line) is int


BAD: list[tuple[type, Any, str, str]] = [
    (t.Goroutine, {}, "id", "missing (the field has no default)"),
    (t.Goroutine, {"id": True}, "id", "expected an integer, got a boolean"),
    (t.Goroutine, {"id": "1"}, "id", "expected an integer, got a string"),
    (t.Goroutine, {"id": 2.5}, "id", "expected an integer, got a number with a fraction"),
    (t.Goroutine, {"id": None}, "id", "expected an integer, got null"),
    (t.Goroutine, {"id": 1, "unreadable": 0}, "unreadable", "expected a string, got an integer"),
    (t.Goroutine, {"id": 1, "labels": {"a": 1}}, "labels.a", "expected a string, got an integer"),
    (t.Goroutine, {"id": 1, "labels": []}, "labels", "expected an object, got an array"),
    (t.Goroutine, {"id": 1, "currentLoc": None}, "currentLoc", "expected an object, got null"),
    (t.Function, {"optimized": 1}, "optimized", "expected a boolean, got an integer"),
    (t.Breakpoint, {"variables": ["a", 3]}, "variables.1", "expected a string, got an integer"),
    (t.Breakpoint, {"variables": "a"}, "variables", "expected an array, got a string"),
    (t.ExaminedMemoryOut, {"Mem": "AAE"}, "Mem", "invalid base64: Incorrect padding"),
    (t.ExaminedMemoryOut, {"Mem": 5}, "Mem", "expected base64 text, got an integer"),
    (t.StacktraceOut, {"Locations": "x"}, "Locations", "expected an array, got a string"),
    (t.StacktraceOut, [1], "", "expected an object, got an array"),
    (t.CommandOut, {"State": None}, "State", "expected an object, got null"),
    (t.ProcessPidOut, {}, "Pid", "missing (the field has no default)"),
    (
        t.ListGoroutinesOut,
        {"Goroutines": [{"id": 1}, {"id": 2, "currentLoc": {"function": {"name": 3}}}]},
        "Goroutines.1.currentLoc.function.name",
        "expected a string, got an integer",
    ),
    (
        t.EvalOut,
        {"Variable": {"children": [{"children": [{"kind": None}]}]}},
        "Variable.children.0.children.0.kind",
        "expected an integer, got null",
    ),
    (
        t.StacktraceOut,
        {"Locations": [FRAME, dict(FRAME, Locals=7)]},
        "Locations.1.Locals",
        "expected an array, got an integer",
    ),
]


@pytest.mark.parametrize(("cls", "value", "where", "message"), BAD)
def test_each_bad_value_names_its_place(cls: type, value: Any, where: str, message: str) -> None:
    with pytest.raises(Malformed) as got:
        check(cls, value)
    assert (got.value.where, got.value.message) == (where, message)


def _receive(line: bytes, result_type: type = t.StacktraceOut, method: str = "Stacktrace") -> Any:
    conn = Connection.__new__(Connection)
    conn._early, conn._methods = {1: line}, {1: method}
    return conn.receive(1, result_type, None)


def test_the_envelope() -> None:
    reply = {"id": 1, "result": {"Locations": [FRAME]}, "error": None}
    assert _receive(json.dumps(reply).encode()) == t.StacktraceOut(Locations=[check(t.Stackframe, FRAME)])
    with pytest.raises(RPCError, match=r"^Stacktrace: unknown goroutine 5$"):
        _receive(b'{"id":1,"result":null,"error":"unknown goroutine 5"}')
    with pytest.raises(RPCError, match=r"^Stacktrace: empty reply$"):
        _receive(b'{"id":1,"result":null,"error":null}')


NOT_JSON = "reply: not JSON: "
BAD_REPLIES = [
    (
        b'{"id":1,"result":{"Locations":"x"},"error":null}',
        "result.Locations: expected an array, got a string",
    ),
    (b'{"id":1,"result":[],"error":null}', "result: expected an object, got an array"),
    (b'{"id":1,"result":{},"error":3}', "error: expected a string or null"),
    (b'{"id":"1","result":{}}', "id: expected an integer"),
    (b"[1]", "reply: expected an object"),
    (b'{"id":1,"result":{"DelveVersion": nope}', NOT_JSON + "Expecting value: line 1 column 35 (char 34)"),
    (
        b'{"id":1,"result":"\xff"}',
        NOT_JSON + "'utf-8' codec can't decode byte 0xff in position 18: invalid start byte",
    ),
]


@pytest.mark.parametrize(("line", "message"), BAD_REPLIES)
def test_a_bad_reply_is_one_line(line: bytes, message: str) -> None:
    with pytest.raises(DebuggerError) as got:
        _receive(line)
    assert str(got.value) == f"malformed reply from dlv to Stacktrace: {message}"


def test_requests_hold_wire_dataclasses() -> None:
    sent: list[bytes] = []
    conn = Connection.__new__(Connection)
    conn._next_id, conn._methods, conn.requests_sent = 0, {}, 0
    conn._write = sent.append  # type: ignore[method-assign,assignment]
    conn.send("Eval", {"Scope": t.EvalScope(GoroutineID=3), "Expr": "x", "Cfg": t.LoadConfig()})
    conn.send("Echo", t.EvalScope())
    assert [json.loads(s) for s in sent] == [
        {
            "method": "RPCServer.Eval",
            "params": [
                {
                    "Scope": {"GoroutineID": 3, "Frame": 0, "DeferredCall": 0},
                    "Expr": "x",
                    "Cfg": {
                        "FollowPointers": True,
                        "MaxVariableRecurse": 1,
                        "MaxStringLen": 64,
                        "MaxArrayValues": 64,
                        "MaxStructFields": -1,
                    },
                }
            ],
            "id": 1,
        },
        {"method": "RPCServer.Echo", "params": [{"GoroutineID": -1, "Frame": 0, "DeferredCall": 0}], "id": 2},
    ]
    with pytest.raises(TypeError, match="object is not a wire type"):
        conn.send("Echo", {"x": object()})


@dataclasses.dataclass
class _Inner:
    n: int = 0


@dataclasses.dataclass
class _Outer:
    inner: _Inner = dataclasses.field(default_factory=_Inner)
    items: list[_Inner] = dataclasses.field(default_factory=list)


def test_a_checker_is_published_only_once_the_types_it_holds_are_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The preload thread makes checkers (`warm`) while the main thread may read a reply: it must
    never find a checker whose nested types' checkers are not compiled yet."""
    from dlvauto.rpc import checked

    real = checked._generate
    making_inner = threading.Event()
    go_on = threading.Event()

    def slow(cls: type, made: dict[type, Any]) -> None:
        if cls is _Inner:
            making_inner.set()
            assert go_on.wait(10)
        real(cls, made)

    monkeypatch.setattr(checked, "_generate", slow)
    warming = threading.Thread(target=checked.warm, args=([_Outer],))
    warming.start()
    assert making_inner.wait(10)
    assert _Outer not in checked._CHECKERS and _Inner not in checked._CHECKERS  # not yet published
    go_on.set()
    warming.join(10)
    assert _Outer in checked._CHECKERS and _Inner in checked._CHECKERS
    got = check(_Outer, {"inner": {"n": 3}, "items": [{"n": 4}, {"n": 5}]})
    assert got == _Outer(_Inner(3), [_Inner(4), _Inner(5)])
