"""Values at the crash: the arguments and locals of chosen frames, read through dlv and put in words.

Read with a bounded load configuration (string length, elements, depth), so a huge slice or a deep
structure costs a bounded amount; the requests for all chosen frames are written before the
replies are read. The words follow Go's own notation closely enough that an index-out-of-range shows
the index and the slice's length, a nil map shows `nil`, and an interface its dynamic type.
"""

from __future__ import annotations

from dlvauto.errors import RPCError
from dlvauto.gofacts.runtime import PANIC_FUNCTIONS, THROW_FUNCTIONS
from dlvauto.rpc import types as t
from dlvauto.rpc.client import DlvClient
from dlvauto.snapshot import (
    MAIN_GOROUTINE,
    BuildFacts,
    FrameValues,
    RawFrame,
    RawGoroutine,
    RawValue,
    StopEvent,
)

LOAD = t.LoadConfig(
    FollowPointers=True, MaxVariableRecurse=2, MaxStringLen=256, MaxArrayValues=16, MaxStructFields=16
)
_MAX_TEXT = 400

# reflect.Kind numbers as dlv sends them.
_BOOL, _CHAN, _FUNC, _INTERFACE, _MAP, _PTR, _SLICE, _STRING, _STRUCT, _ARRAY = (
    1,
    18,
    19,
    20,
    21,
    22,
    23,
    24,
    25,
    17,
)
_UNSAFE_POINTER = 26
_FAKE_ADDRESS = 1 << 5  # VariableFakeAddress: in a register, or gone


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def _elements(v: t.Variable, sep: str = ", ") -> str:
    kids = v.children or []
    shown = sep.join(render(c) for c in kids)
    more = v.len - len(kids) if v.kind in (_SLICE, _ARRAY, _MAP) else 0
    if v.kind == _MAP:
        pairs = [f"{render(kids[i])}: {render(kids[i + 1])}" for i in range(0, len(kids) - 1, 2)]
        shown = sep.join(pairs)
        more = v.len - len(pairs)
    return shown + (f"{sep}...+{more} more" if more > 0 else "")


def render(v: t.Variable) -> str:
    """A value in Go-like words (nested values without their type unless it is informative)."""
    if v.unreadable:
        return f"(unreadable: {v.unreadable})"
    k = v.kind
    if k == _STRING:
        more = v.len - len(v.value.encode())
        return repr(v.value).replace("'", '"') if more <= 0 else f'"{v.value}"...+{more} more bytes'
    if k in (_SLICE, _ARRAY):
        if k == _SLICE and v.base == 0:
            return "nil"
        cap = f", cap: {v.cap}" if k == _SLICE else ""
        return f"len: {v.len}{cap}, [{_elements(v)}]"
    if k == _MAP:
        if v.base == 0:
            return "nil"
        return f"len: {v.len}, [{_elements(v)}]"
    if k == _PTR:
        kids = v.children or []
        if not kids or (kids[0].addr == 0 and not kids[0].children and not kids[0].value):
            return "nil"
        return f"*{render(kids[0])}" if kids[0].kind != _STRUCT else f"&{kids[0].type} {render(kids[0])}"
    if k == _STRUCT:
        kids = v.children or []
        if not kids and v.len > 0:
            return "{...}"
        return "{" + ", ".join(f"{c.name}: {render(c)}" for c in kids) + "}"
    if k == _INTERFACE:
        kids = v.children or []
        if not kids or (kids[0].kind == 0 and not kids[0].type) or (v.addr == 0 and not kids):
            return "nil"
        inner = kids[0]
        if inner.type == "" and inner.kind == 0:
            return "nil"
        return f"{inner.type}({render(inner)})"
    if k in (_CHAN, _FUNC, _UNSAFE_POINTER):
        if v.base == 0 and k != _FUNC:
            return "nil"
        return v.value or ("nil" if v.base == 0 else f"{v.base:#x}")
    return v.value


def to_value(v: t.Variable) -> RawValue:
    note = None
    if v.unreadable:
        note = v.unreadable
    elif v.flags & _FAKE_ADDRESS and not v.value and not v.children:
        note = "optimized away: the value is no longer in memory or a register here"
    text = _short(render(v))
    if v.kind == _INTERFACE and v.children and v.children[0].type:
        kind_note = f"dynamic type {v.children[0].type}"
        note = f"{note}; {kind_note}" if note else kind_note
    return RawValue(name=v.name, type=v.type, value=text, note=note)


def read_values(client: DlvClient, goroutine_id: int, frames: list[int]) -> dict[int, FrameValues]:
    """Args and locals of each of `frames` of goroutine `goroutine_id`, all requests in one batch."""
    conn = client.conn
    cfg = LOAD.model_dump()
    pending = []
    for index in frames:
        scope = t.EvalScope(GoroutineID=goroutine_id, Frame=index).model_dump()
        pending.append((index, conn.send("ListFunctionArgs", {"Scope": scope, "Cfg": cfg}),
                        conn.send("ListLocalVars", {"Scope": scope, "Cfg": cfg})))  # fmt: skip
    out: dict[int, FrameValues] = {}
    for index, args_id, locals_id in pending:
        values = FrameValues()
        try:
            values.args = [
                to_value(v) for v in conn.receive(args_id, t.ListFunctionArgsOut, client.timeout).Args or []
            ]
        except RPCError as exc:
            values.error = exc.remote_message
        try:
            got = conn.receive(locals_id, t.ListLocalVarsOut, client.timeout).Variables or []
            values.locals = [to_value(v) for v in got]
        except RPCError as exc:
            values.error = exc.remote_message
        out[index] = values
    return out


def frames_worth_reading(frames: list[RawFrame], facts: BuildFacts, limit: int, frame_n: int) -> list[int]:
    """The user frames above the throw (innermost first, at most `limit`) and frame N."""
    from dlvauto.analysis.classify import Classifier  # what counts as the user's code

    classify = Classifier(facts)
    dying = PANIC_FUNCTIONS | THROW_FUNCTIONS
    throw = next((i for i, f in enumerate(frames) if f.function in dying), -1)
    chosen = [i for i, f in enumerate(frames) if i > throw and classify(f) == "user"][:limit]
    n_index = throw + frame_n
    if 0 <= n_index < len(frames) and n_index not in chosen:
        chosen.append(n_index)
    return chosen


def read_crash_values(
    client: DlvClient,
    stop: StopEvent,
    goroutines: list[RawGoroutine],
    facts: BuildFacts,
    limit: int,
    frame_n: int,
) -> dict[int, dict[int, FrameValues]]:
    """Values of the chosen frames of the goroutine(s) the crash may be pinned on."""
    by_id = {g.id: g for g in goroutines}
    out: dict[int, dict[int, FrameValues]] = {}
    for gid in sorted({stop.goroutine_id or MAIN_GOROUTINE, MAIN_GOROUTINE}):
        g = by_id.get(gid)
        if g is None or not g.frames:
            continue
        chosen = frames_worth_reading(g.frames, facts, limit, frame_n)
        if chosen:
            out[gid] = read_values(client, gid, chosen)
    return out
