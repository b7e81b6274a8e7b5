"""The JSON report (the contract) and its JSON Schema."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from json.encoder import encode_basestring as _string  # ensure_ascii=False: UTF-8 kept, as serde_json
from typing import Any, Protocol

from dlvauto.report import OMIT_WHEN_NONE, Goroutine, Report

# Below this many goroutines (races) a report's list is dumped in one piece; above, item by item.
STREAM_OVER = 1000
# The report's lists that are written item by item when long (in the model's order in the text).
STREAMED = ("goroutines", "races")
# Text of shared parts kept for reuse while a report is written, at most (then forgotten, and made
# again when met again): a log of endless variety costs this much memory, not its JSON's size. A
# part's text is kept at every level (a stack's, its access's, the accesses'): 1,000 distinct races
# of three-frame stacks keep 8.4 million, and a bound below what a log's distinct races keep is
# cleared just before each is met again (the log repeats them in order).
CACHE_CHARS = 32_000_000


class Writer(Protocol):
    def write(self, text: str, /) -> int: ...


def to_json(report: Report) -> str:
    """The report's JSON text: two spaces an indent, a newline at the end (the contract's bytes)."""
    return _Composer().text(report, 0) + "\n"


def write_json(report: Report, out: Writer, stream_over: int = STREAM_OVER) -> None:
    """Write exactly `to_json(report)` to `out`, streaming the long lists (goroutines, races).

    A text traceback of 100,000 goroutines, or a log of 44,000 race reports, makes a JSON report of
    hundreds of megabytes; built as one string it would cost that much memory again. Each item of
    a long list is written on its own at its place instead, byte for byte what the whole text would
    have been (tests/unit/render/test_json_stream.py checks it). `stream_over`: the length from
    which a list is streamed.
    """
    big = {name for name in STREAMED if len(getattr(report, name)) >= max(stream_over, 1)}
    if not big:
        out.write(to_json(report))
        return
    composer = _Composer()
    out.write("{")
    first = True
    for name, key, omit in _fields_of(Report):
        value = report.__dict__[name]
        if omit and value is None:
            continue
        out.write("\n  " if first else ",\n  ")
        first = False
        if name not in big:
            out.write(key + composer.text(value, 1))
            continue
        out.write(key + "[")
        item_json = _ITEM_JSON[name]()
        for i, item in enumerate(value):
            out.write(",\n    " if i else "\n    ")
            out.write(item_json(item))
        out.write("\n  ]")
    out.write("\n}\n")


_KEY_FIELDS = tuple(f.name for f in fields(Goroutine) if f.name != "id")
_ID_FIRST = fields(Goroutine)[0].name == "id" and not fields(Goroutine)[0].metadata
_BY_VALUE = frozenset((str, int, bool, float, type(None)))


def _same_as(g: Goroutine) -> tuple[object, ...]:
    """What a goroutine's JSON depends on besides its id, by value or by object identity.

    Goroutines parked at the same place share their Frame objects and their list of them (the
    analysis shares them when the source shares raw frames), so equal keys mean equal JSON. Built
    from the model's fields, so a field added later takes part too; plain values are keyed by
    value, an empty list as (), anything else by its identity (equal objects that are not the same
    one are only written again: still right; the report holds them all alive meanwhile). One list
    comprehension over the instance's dict: this runs once per goroutine, 100,000 times in a big
    dump (a loop of appends and a tuple of each list's frame ids cost 4.7 us a goroutine).
    """
    return tuple(
        [
            v if type(v) in _BY_VALUE else () if type(v) is list and not v else id(v)
            for v in map(g.__dict__.__getitem__, _KEY_FIELDS)
        ]
    )


def _goroutine_json(g: Goroutine, tails: dict[tuple[object, ...], str], composer: _Composer) -> str:
    """One goroutine's JSON at its place in the report (4 spaces in); equal ones written once.

    100,000 goroutines waiting in a handful of places make a handful of different texts after
    their `"id": N,` line, so the rest is reused rather than made 100,000 times.
    """
    if not _ID_FIRST:
        return composer.made(g, 2)
    key = _same_as(g)
    tail = tails.get(key)
    if tail is None:
        text = composer.made(g, 2)
        prefix = f'{{\n      "id": {g.id}'
        tail = tails[key] = text[len(prefix) :]
    return f'{{\n      "id": {g.id}{tail}'


def _goroutines_json() -> Callable[[Goroutine], str]:
    """One goroutine's JSON at its place, for one report (the texts reused are that report's)."""
    tails: dict[tuple[object, ...], str] = {}
    composer = _Composer()
    return lambda g: _goroutine_json(g, tails, composer)


class _Composer:
    """The JSON text of report models, made of the text of their parts, shared parts made once.

    The layout is the contract's (what the first wave's pydantic `model_dump_json(indent=2)` wrote,
    serde_json's pretty printer): `{`, a line per field in the class's order, `}`; `[]` and `{}`
    when empty; two spaces an indent; strings escaped as JSON requires and nothing more (UTF-8
    kept); a field marked `omit_when_none` left out when it is None; a dict's keys as strings.

    A log's races share their parts: the stacks (one list of Frames per stack, sources/races.py and
    analysis/races.py), the accesses and creations equal to an earlier report's; a dump's parked
    goroutines share their frames. The text of a list, a dict or a model met before at the same
    depth is taken from `texts`, keyed by the object's id: the report being written holds every
    object alive, so an id is one object's throughout. The texts kept are bounded (CACHE_CHARS):
    what is forgotten is only made again.
    """

    __slots__ = ("chars", "texts")

    def __init__(self) -> None:
        self.texts: dict[tuple[int, int], str] = {}
        self.chars = 0

    def item(self, value: object) -> str:
        """A top-level list's item (4 spaces in), never kept: each is the report's own."""
        return self.made(value, 2)

    def text(self, value: object, depth: int) -> str:
        """`value`'s JSON starting on a line indented `depth` levels (two spaces each)."""
        kind = type(value)
        if kind is str:
            return _string(value)  # type: ignore[arg-type]
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return str(value)
        if value is None:
            return "null"
        if kind is float:
            return _float(value)  # type: ignore[arg-type]
        if (kind is list or kind is dict) and not value:
            return "[]" if kind is list else "{}"
        key = (id(value), depth)
        known = self.texts.get(key)
        if known is None:
            known = self.made(value, depth)
            if self.chars > CACHE_CHARS:
                self.texts.clear()
                self.chars = 0
            self.texts[key] = known
            self.chars += len(known)
        return known

    def made(self, value: object, depth: int) -> str:
        """`value`'s JSON made now (its parts may be known), not kept."""
        kind = type(value)
        if kind is list or kind is tuple:
            if not value:
                return "[]"
            inner = "\n" + "  " * (depth + 1)
            items = [self.text(v, depth + 1) for v in value]  # type: ignore[attr-defined]
            return "[" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "]"
        if kind is dict:
            if not value:
                return "{}"
            inner = "\n" + "  " * (depth + 1)
            items = [
                f"{_string(str(k))}: {self.text(v, depth + 1)}"
                for k, v in value.items()  # type: ignore[attr-defined]
            ]
            return "{" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "}"
        spec = _FIELDS.get(kind) or _fields_of(kind)  # raises for a type a report cannot hold
        attrs = value.__dict__
        inner = "\n" + "  " * (depth + 1)
        items = [
            key + self.text(attrs[name], depth + 1)
            for name, key, omit in spec
            if not omit or attrs[name] is not None
        ]
        if not items:
            return "{}"
        return "{" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "}"


# (field, `"field": `, left out when None) of each report class, in order.
_FIELDS: dict[type, list[tuple[str, str, bool]]] = {}


def _fields_of(cls: type) -> list[tuple[str, str, bool]]:
    if cls in _FIELDS:
        return _FIELDS[cls]
    if not is_dataclass(cls):
        raise TypeError(f"no JSON for a {cls.__name__} in a report")
    spec = [(f.name, _string(f.name) + ": ", bool(f.metadata.get(OMIT_WHEN_NONE))) for f in fields(cls)]
    _FIELDS[cls] = spec
    return spec


def _float(value: float) -> str:
    """A float as the contract writes it: Python's shortest repr, but serde_json's (ryu's) form of
    an exponent and null for what JSON cannot hold (pydantic's `ser_json_inf_nan="null"`)."""
    if not math.isfinite(value):
        return "null"
    text = repr(value)
    if "e" in text:  # rare (timings are rounded to the millisecond): the exact ryu form
        import datetime  # noqa: F401  # before pydantic_core loads it: see cli.main

        from pydantic_core import to_json

        return to_json(value).decode()
    return text


_ITEM_JSON: dict[str, Callable[[], Callable[[Any], str]]] = {
    "goroutines": _goroutines_json,
    "races": lambda: _Composer().item,
}


class _Indented:
    """A writer that indents every line it passes on by two spaces (reports inside an array).

    A line end is held back until more text comes, so the report's own last newline is dropped
    and the array's `,` follows the report's closing brace.
    """

    def __init__(self, out: Writer) -> None:
        self.out = out
        self.started = False
        self.newline_held = False

    def write(self, text: str, /) -> int:
        if not text:
            return 0
        lead = "" if self.started else "  "
        if self.newline_held:
            lead += "\n  "
        self.started = True
        self.newline_held = text.endswith("\n")
        if self.newline_held:
            text = text[:-1]
        return self.out.write(lead + text.replace("\n", "\n  "))


def write_json_array(reports: Iterable[Report], out: Writer) -> None:
    """Several reports as one JSON array (`dlvauto parse --all`), each indented as json.dumps would."""
    out.write("[")
    first = True
    for report in reports:
        out.write("\n" if first else ",\n")
        first = False
        inner = _Indented(out)
        write_json(report, inner)
    out.write("\n]\n" if not first else "]\n")


def schema() -> dict[str, Any]:
    from dlvauto.reportschema import report_schema

    s = report_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "dlvauto report"
    return s


def schema_json() -> str:
    return json.dumps(schema(), indent=2) + "\n"
