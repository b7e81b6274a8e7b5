"""Decoded replies (`json.loads` of a dlv reply line) made into the wire dataclasses, type-checked.

This replaces pydantic on the hot path: importing it and building its validators cost 0.1-0.2 s of
CPU at every start, as much as a whole small dlv job (issue 18). It must also not be slower than
pydantic-core where the volume is: 100,000 goroutines are a few hundred ListGoroutines replies and
100,000 Stacktrace replies, millions of objects. So no generic loop reads a field description per
value: each dataclass gets its own function, generated from its fields on first use and compiled
once (as `dataclasses` itself makes `__init__`), that reads each key, checks its type with one
identity test and stores it on an instance made with `object.__new__` (no `__init__` call).

What is accepted is what dlv sends, as strictly as is cheap (JSON ints are exact, Go never writes
`1.0` or `"1"` for an int):

- `int`: an int; a float with an integral value too (pydantic took it, it loses nothing); not a
  bool, a string or `2.5`.
- `float`: an int or a float, not a bool. `str`: a string. `bool`: true or false, not 0/1/"true".
- `bytes`: Go's `[]byte`, which encoding/json writes as base64 text.
- `X | None`: null or an X; a field that is not optional rejects null.
- `list[X]`, `dict[str, str]`, a nested dataclass (recursion included: `Variable.children`).

Unknown keys are ignored (a newer dlv), a missing key takes the field's default (or default
factory), a missing key without one is an error. A field whose metadata names a `WIRE_NAME` is read
from that key. A bad value raises `Malformed`, whose `where` is the path to it
(`Goroutines.3.currentLoc.line`) and whose `message` says what was wrong, for one error line.
"""

from __future__ import annotations

import binascii
import dataclasses
import threading
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from dlvauto.rpc.types import WIRE_NAME

T = TypeVar("T")


class Malformed(ValueError):
    """A value in a reply that its wire type does not allow; the path to it is added on the way out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self._path: list[str | int] = []  # innermost first: each level appends its key as it unwinds

    def at(self, key: str | int) -> Malformed:
        """This error, one level further out (under `key`)."""
        self._path.append(key)
        return self

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in reversed(self._path))


class _Missing:
    """The value of a key the reply does not have (a field without a default needs it)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _kind(v: object) -> str:
    """What a JSON value is, in words (never the value: it may be long or hold control characters)."""
    if v is None:
        return "null"
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array"}
    return names.get(type(v), "an object")


def _bad(want: str, v: object) -> Malformed:
    if v is MISSING:
        return Malformed("missing (the field has no default)")
    return Malformed(f"expected {want}, got {_kind(v)}")


# ---- the slow paths of the generated code: a value that is not the plain case ------------------------


def as_int(v: object) -> int:
    if type(v) is float and v.is_integer():
        return int(v)
    if type(v) is float:
        raise Malformed("expected an integer, got a number with a fraction")
    if type(v) is int:
        return v
    raise _bad("an integer", v)


def as_float(v: object) -> float:
    if type(v) is int or type(v) is float:
        return float(v)
    raise _bad("a number", v)


def as_str(v: object) -> str:
    if type(v) is str:
        return v
    raise _bad("a string", v)


def as_bool(v: object) -> bool:
    if type(v) is bool:
        return v
    raise _bad("a boolean", v)


def as_base64(v: object) -> bytes:
    """Go's []byte: base64 text, decoded as leniently as pydantic's Base64Bytes (stray characters
    are skipped) but with the padding checked."""
    if type(v) is not str:
        raise _bad("base64 text", v)
    try:
        return binascii.a2b_base64(v)
    except binascii.Error as exc:
        raise Malformed(f"invalid base64: {exc}") from None


def as_list(v: object, item: Callable[[object], T]) -> list[T]:
    """A list whose items are checked (and converted, an integral float to an int) by `item`."""
    if type(v) is not list:
        raise _bad("an array", v)
    out = []
    for i, x in enumerate(v):
        try:
            out.append(item(x))
        except Malformed as exc:
            raise exc.at(i) from None
    return out


def as_str_dict(v: object) -> dict[str, str]:
    if type(v) is not dict:
        raise _bad("an object", v)
    for k, x in v.items():
        if type(x) is not str:
            raise _bad("a string", x).at(k)
    return v


def not_object(v: object) -> Malformed:
    return _bad("an object", v)


def not_array(v: object) -> Malformed:
    return _bad("an array", v)


def in_list(v: list[Any], check: Callable[[object], object]) -> Malformed:
    """The error of the first bad item of `v` (a comprehension failed: which item is not known)."""
    for i, x in enumerate(v):
        try:
            check(x)
        except Malformed as exc:
            return exc.at(i)
    raise AssertionError("in_list: every item checks")  # pragma: no cover - the comprehension failed


# ---- generating the checking constructors ------------------------------------------------------------

_PLAIN = {int: "as_int", float: "as_float", str: "as_str", bool: "as_bool"}
# The namespace of every generated function: each finds its helpers and the others' functions here.
_NS: dict[str, Any] = {
    "new": object.__new__,
    "MISSING": MISSING,
    "Malformed": Malformed,
    "as_int": as_int,
    "as_float": as_float,
    "as_str": as_str,
    "as_bool": as_bool,
    "as_base64": as_base64,
    "as_list": as_list,
    "as_str_dict": as_str_dict,
    "not_object": not_object,
    "not_array": not_array,
    "in_list": in_list,
}
_CHECKERS: dict[type, Callable[[object], Any]] = {}


_MAKING = threading.Lock()


def checker(cls: type[T]) -> Callable[[object], T]:
    """The function that makes a `cls` from a decoded JSON object, checking it; made on first use.

    Made under a lock and published with the checkers of the types it holds, once all of them are
    compiled: another thread (a run's preload, `warm`) may be making them at the same time.
    """
    try:
        return _CHECKERS[cls]
    except KeyError:
        pass
    with _MAKING:
        if cls not in _CHECKERS:
            made: dict[type, Callable[[object], Any]] = {}
            _generate(cls, made)
            _CHECKERS.update(made)
    return _CHECKERS[cls]


def warm(classes: Iterable[type]) -> None:
    """Make the checkers of `classes` now (on a thread that would otherwise wait), not on first use."""
    for cls in classes:
        checker(cls)


def check(cls: type[T], value: object) -> T:
    """`value` (decoded JSON) as a `cls`; raises Malformed, with the path to the bad value."""
    return checker(cls)(value)


def _fn_name(cls: type) -> str:
    return f"check_{cls.__name__}_{id(cls):x}"


@dataclasses.dataclass
class _Spec:
    """One field as the generated code handles it."""

    name: str
    key: str  # the JSON key
    kind: str  # plain | bytes | object | objects | plains | strdict
    inner: Any  # the type (plain, dataclass) or the list's item type
    optional: bool
    field: dataclasses.Field[Any]

    @property
    def omitempty(self) -> bool:
        return bool(self.field.metadata.get("omitempty"))


def _spec(f: dataclasses.Field[Any], hint: Any) -> _Spec:
    inner, optional = _optional(hint)
    key = f.metadata.get(WIRE_NAME, f.name)
    if inner in _PLAIN:
        kind = "plain"
    elif inner is bytes:
        kind = "bytes"
    elif dataclasses.is_dataclass(inner):
        kind = "object"
    elif typing.get_origin(inner) is list:
        (inner,) = typing.get_args(inner)
        if dataclasses.is_dataclass(inner):
            kind = "objects"
        elif inner in _PLAIN:
            kind = "plains"
        else:
            raise TypeError(f"{f.name}: unsupported list item type {inner!r}")
    elif typing.get_origin(inner) is dict and typing.get_args(inner) == (str, str):
        kind = "strdict"
    else:
        raise TypeError(f"{f.name}: unsupported wire type {hint!r}")
    if f.metadata.get("omitempty") and f.default is dataclasses.MISSING:
        raise TypeError(f"{f.name}: a key dlv may leave out needs a default")
    return _Spec(f.name, key, kind, inner, optional, f)


def _generate(cls: type, made: dict[type, Callable[[object], Any]]) -> None:
    """Compile the checker of `cls` and, then, of the dataclasses its fields hold.

    Two functions: the fast one reads every key with a subscript, tests every plain value's type in
    one condition and stores them; anything else (a key missing, a value of another type, null
    where a list or map may be) hands the whole object to the slow one, which reads each key with
    its default, converts what may be converted and raises Malformed with the path to a bad value.
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    name = _fn_name(cls)
    _NS[f"cls_{name}"] = cls
    hints = typing.get_type_hints(cls)
    specs = [_spec(f, hints[f.name]) for f in dataclasses.fields(cls)]
    where = f"<checker of {cls.__module__}.{cls.__qualname__}>"
    exec(compile(_fast_source(name, specs), where, "exec"), _NS)
    # The slow one is compiled when first needed: most runs never leave the fast path, and compiling
    # both for the ~30 wire types was ~10 ms of every start.
    _NS[f"slow_{name}"] = _compiled_when_called(name, specs, where)
    made[cls] = _NS[name]  # before its nested types': a type that holds itself finds it here
    for spec in specs:
        if spec.kind in ("object", "objects") and spec.inner not in _CHECKERS and spec.inner not in made:
            _generate(spec.inner, made)


def _compiled_when_called(name: str, specs: list[_Spec], where: str) -> Callable[[object], Any]:
    """A stand-in for the slow checker `slow_{name}`: compiles it, takes its place, and calls it."""

    def first_call(d: object) -> Any:
        exec(compile(_slow_source(name, specs), where, "exec"), _NS)
        return _NS[f"slow_{name}"](d)

    return first_call


def _fast_source(name: str, specs: list[_Spec]) -> str:
    slow = f"slow_{name}"
    lines = [
        f"def {name}(d):",
        "    if d.__class__ is not dict:",
        "        raise not_object(d)",
    ]
    if specs:
        lines.append("    try:")
        for i, s in enumerate(specs):
            if s.omitempty:
                _NS[f"dflt_{name}_{s.name}"] = s.field.default
                lines.append(f"        v{i} = d.get({s.key!r}, dflt_{name}_{s.name})")
            else:
                lines.append(f"        v{i} = d[{s.key!r}]")
        lines += ["    except KeyError:", f"        return {slow}(d)"]
    tests = []
    for i, s in enumerate(specs):
        if s.kind == "plain":
            none_ok = f" and v{i} is not None" if s.optional else ""
            tests.append(f"(v{i}.__class__ is not {s.inner.__name__}{none_ok})")
        elif s.kind in ("bytes", "plains", "strdict"):
            tests.append(f"v{i} is not None")  # rare on the hot path: the slow path reads them
    if tests:
        lines += [f"    if {' or '.join(tests)}:", f"        return {slow}(d)"]
    nested = []
    for i, s in enumerate(specs):
        if s.kind not in ("object", "objects"):
            continue
        each = _fn_name(s.inner)
        pad = "        "
        if s.optional:
            nested.append(f"{pad}if v{i} is not None:")
            pad += "    "
        if s.kind == "object":
            nested.append(f"{pad}v{i} = {each}(v{i})")
        else:
            nested += [
                f"{pad}if v{i}.__class__ is not list:",
                f"{pad}    return {slow}(d)",
                f"{pad}v{i} = [{each}(x) for x in v{i}]",
            ]
    if nested:
        lines += ["    try:", *nested, "    except Malformed:", f"        return {slow}(d)"]
    lines.append(f"    o = new(cls_{name})")
    lines += [f"    o.{s.name} = v{i}" for i, s in enumerate(specs)]
    lines.append("    return o")
    return "\n".join(lines) + "\n"


def _slow_source(name: str, specs: list[_Spec]) -> str:
    lines = [
        f"def slow_{name}(d):",
        "    if d.__class__ is not dict:",
        "        raise not_object(d)",
        "    get = d.get",
        f"    o = new(cls_{name})",
    ]
    for s in specs:
        lines += _field_code(name, s)
    lines.append("    return o")
    return "\n".join(lines) + "\n"


def _optional(hint: Any) -> tuple[Any, bool]:
    """(X, True) for `X | None`, (hint, False) otherwise."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {hint!r}")
        return args[0], True
    return hint, False


def _field_code(fn: str, s: _Spec) -> list[str]:
    """The slow path's lines that read, check and store one field (into `o`), `v` their scratch."""
    f, key = s.field, s.key
    default = f"dflt_{fn}_{f.name}"
    if f.default is not dataclasses.MISSING:
        _NS[default] = f.default
        read = [f"    v = get({key!r}, {default})"]
    elif f.default_factory is not dataclasses.MISSING:
        _NS[default] = f.default_factory
        read = [
            f"    v = get({key!r}, MISSING)",
            "    if v is MISSING:",
            f"        v = {default}()",
            "    else:",
        ]
    else:
        read = [f"    v = get({key!r}, MISSING)"]  # the checks below reject MISSING as they reject null
    # The check runs inside the else: of a default factory, so it is indented one level more there.
    pad = "    " * (2 if read[-1] == "    else:" else 1)
    guard = f"{pad}if v is not None:" if s.optional else None

    def wrapped(body: list[str]) -> list[str]:
        """`body` guarded against null (an optional field), its error placed under `key`."""
        inner_pad = pad + ("    " if guard else "")
        out = [guard] if guard else []
        out += [f"{inner_pad}try:"]
        out += [f"{inner_pad}    {line}" for line in body]
        out += [f"{inner_pad}except Malformed as exc:", f"{inner_pad}    raise exc.at({key!r}) from None"]
        return out

    if s.kind == "plain":
        none_ok = " and v is not None" if s.optional else ""
        check = [
            f"{pad}if v.__class__ is not {s.inner.__name__}{none_ok}:",
            f"{pad}    try:",
            f"{pad}        v = {_PLAIN[s.inner]}(v)",
            f"{pad}    except Malformed as exc:",
            f"{pad}        raise exc.at({key!r}) from None",
        ]
    elif s.kind == "bytes":
        check = wrapped(["v = as_base64(v)"])
    elif s.kind == "object":
        check = wrapped([f"v = {_fn_name(s.inner)}(v)"])
    elif s.kind == "objects":
        each = _fn_name(s.inner)
        # The comprehension is the fast path; on an error, in_list finds which item it was.
        check = wrapped(
            [
                "if v.__class__ is not list:",
                "    raise not_array(v)",
                "try:",
                f"    v = [{each}(x) for x in v]",
                "except Malformed:",
                f"    raise in_list(v, {each}) from None",
            ]
        )
    elif s.kind == "plains":
        item = s.inner.__name__
        check = wrapped(
            [
                f"if v.__class__ is not list or any(x.__class__ is not {item} for x in v):",
                f"    v = as_list(v, {_PLAIN[s.inner]})",
            ]
        )
    else:  # strdict
        check = wrapped(["v = as_str_dict(v)"])
    return [*read, *check, f"    o.{f.name} = v"]
