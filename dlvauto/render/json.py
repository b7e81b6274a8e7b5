"""The JSON report (the contract) and its JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from pydantic import BaseModel
from pydantic_core import to_json as _to_json

from dlvauto.report import Goroutine, Report

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


def to_json(report: Report, indent: int | None = 2) -> str:
    return report.model_dump_json(indent=indent) + "\n"


def write_json(report: Report, out: Writer, stream_over: int = STREAM_OVER) -> None:
    """Write exactly `to_json(report)` to `out`, streaming the long lists (goroutines, races).

    A text traceback of 100,000 goroutines, or a log of 44,000 race reports, makes a JSON report of
    hundreds of megabytes; built as one string it would cost that much memory again (twice, while
    pydantic's buffer is copied). Each item is written on its own at its place instead, byte for
    byte what the whole dump would have been (tests/unit/render/test_json_stream.py checks it):
    the rest of the report (the shell) is dumped by pydantic with those lists empty, and the items
    go where the empty lists were. `stream_over`: the length from which a list is streamed.
    """
    big = [name for name in STREAMED if len(getattr(report, name)) >= max(stream_over, 1)]
    if not big:
        out.write(to_json(report))
        return
    shell = report.model_copy(update={name: [] for name in big}).model_dump_json(indent=2)
    # A top-level field is the only line that starts with two spaces and a quote (a deeper one has
    # more spaces; a newline inside a string is escaped), so each empty list is found once.
    cuts = sorted((shell.find(f'\n  "{name}": []'), name) for name in big)
    if any(at < 0 for at, _ in cuts):  # cannot happen with the report model as it is; stay correct
        out.write(to_json(report))
        return
    at = 0
    for cut, name in cuts:
        out.write(shell[at:cut])
        out.write(f'\n  "{name}": [')
        item_json = _ITEM_JSON[name]()
        for i, item in enumerate(getattr(report, name)):
            out.write(",\n    " if i else "\n    ")
            out.write(item_json(item))
        out.write("\n  ]")
        at = cut + len(f'\n  "{name}": []')
    out.write(shell[at:])
    out.write("\n")


_ID_FIRST = next(iter(Goroutine.model_fields)) == "id"
_KEY_FIELDS = tuple(name for name in Goroutine.model_fields if name != "id")
_BY_VALUE = frozenset((str, int, bool, float, type(None)))


def _same_as(g: Goroutine) -> tuple[object, ...]:
    """What a goroutine's JSON depends on besides its id, by value or by object identity.

    Goroutines parked at the same place share their Frame objects and their list of them (the
    analysis shares them when the source shares raw frames), so equal keys mean equal JSON. Built
    from the model's fields, so a field added later takes part too; plain values are keyed by
    value, an empty list as (), anything else by its identity (equal objects that are not the same
    one are only dumped again: still right; the report holds them all alive meanwhile). One list
    comprehension over the instance's dict: this runs once per goroutine, 100,000 times in a big
    dump (a loop of appends and a tuple of each list's frame ids cost 4.7 us a goroutine).
    """
    return tuple(
        [
            v if type(v) in _BY_VALUE else () if type(v) is list and not v else id(v)
            for v in map(g.__dict__.__getitem__, _KEY_FIELDS)
        ]
    )


def _goroutine_json(g: Goroutine, tails: dict[tuple[object, ...], str]) -> str:
    """One goroutine's JSON at its place in the report (4 spaces in); equal ones dumped once.

    100,000 goroutines waiting in a handful of places make a handful of different texts after
    their `"id": N,` line, so the rest is reused rather than dumped by pydantic 100,000 times.
    """
    if not _ID_FIRST:
        return g.model_dump_json(indent=2).replace("\n", "\n    ")
    key = _same_as(g)
    tail = tails.get(key)
    if tail is None:
        text = g.model_dump_json(indent=2).replace("\n", "\n    ")
        prefix = f'{{\n      "id": {g.id}'
        if not text.startswith(prefix):
            return text
        tail = tails[key] = text[len(prefix) :]
    return f'{{\n      "id": {g.id}{tail}'


def _goroutines_json() -> Callable[[Goroutine], str]:
    """One goroutine's JSON at its place, for one report (the texts reused are that report's)."""
    tails: dict[tuple[object, ...], str] = {}
    return lambda g: _goroutine_json(g, tails)


class _Composer:
    """JSON text of report models as pydantic's `model_dump_json(indent=2)` writes it, made of the
    text of their parts, the parts shared between items made once.

    A log's races share their parts: the stacks (one list of Frames per stack, sources/races.py and
    analysis/races.py), the accesses and creations equal to an earlier report's. Dumped by pydantic
    one race at a time, every race's frames are serialised again (60 us a race: 2.6 s for 44,000).
    Here a model's text is its fields' in its fields' order, at its depth, as serde_json's pretty
    printer lays them out (`{`, a line per field, `}`; `[]` and `{}` when empty), and the text of a
    list, a dict or a model met before at the same depth is taken from `texts`, keyed by the
    object's id: the report being written holds every object alive, so an id is one object's
    throughout. Scalars are written by pydantic_core's own `to_json`.

    Only models whose JSON is their fields' are composed (`plain`: no aliases, serializers,
    computed fields or config); any other model, and any value of another type, is dumped by
    pydantic at its place. The texts kept are bounded (CACHE_CHARS): what is forgotten is only made
    again.
    """

    __slots__ = ("chars", "texts")

    def __init__(self) -> None:
        self.texts: dict[tuple[int, int], str] = {}
        self.chars = 0

    def item(self, value: BaseModel) -> str:
        """A top-level list's item (4 spaces in), never kept: each is the report's own. One holding
        a value of a type not composed here is dumped by pydantic whole."""
        try:
            return self._make(value, 2)
        except _NotComposed:
            return value.model_dump_json(indent=2).replace("\n", "\n    ")

    def text(self, value: object, depth: int) -> str:
        """`value`'s JSON starting on a line indented `depth` levels (two spaces each)."""
        kind = type(value)
        if kind is str:
            return _to_json(value).decode()
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return str(value)
        if value is None:
            return "null"
        if (kind is list or kind is dict) and not value:
            return "[]" if kind is list else "{}"
        key = (id(value), depth)
        known = self.texts.get(key)
        if known is None:
            known = self._make(value, depth)
            if self.chars > CACHE_CHARS:
                self.texts.clear()
                self.chars = 0
            self.texts[key] = known
            self.chars += len(known)
        return known

    def _make(self, value: object, depth: int) -> str:
        inner = "\n" + "  " * (depth + 1)
        if type(value) is list:
            items = [self.text(v, depth + 1) for v in value]
            return "[" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "]"
        if type(value) is dict and all(type(k) is int for k in value):
            items = [f'"{k}": {self.text(v, depth + 1)}' for k, v in value.items()]
            return "{" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "}"
        if isinstance(value, BaseModel):
            fields = _plain_fields(type(value))
            if fields is not None:
                attrs = value.__dict__
                items = [f"{name}{self.text(attrs[field], depth + 1)}" for field, name in fields]
                return "{" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "}"
            return value.model_dump_json(indent=2).replace("\n", "\n" + "  " * depth)
        raise _NotComposed  # a float, a str-keyed dict...: its JSON may depend on the field's type


class _NotComposed(Exception):
    """A value _Composer leaves to pydantic (its JSON is the declared type's, not known here)."""


_PLAIN: dict[type[BaseModel], list[tuple[str, str]] | None] = {}


def _plain_fields(cls: type[BaseModel]) -> list[tuple[str, str]] | None:
    """(field, `"field": `) for each field of a model whose JSON is just its fields, in order, or
    None when pydantic's dump could differ from that (aliases, exclusions, serializers, config)."""
    if cls in _PLAIN:
        return _PLAIN[cls]
    decorators = cls.__pydantic_decorators__
    plain = not (
        cls.model_config
        or cls.model_computed_fields
        or decorators.field_serializers
        or decorators.model_serializers
        or any(
            f.alias or f.serialization_alias or f.exclude or f.exclude_if is not None
            for f in cls.model_fields.values()
        )
    )
    fields = [(name, _to_json(name).decode() + ": ") for name in cls.model_fields] if plain else None
    _PLAIN[cls] = fields
    return fields


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
    s = Report.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "dlvauto report"
    return s


def schema_json() -> str:
    return json.dumps(schema(), indent=2) + "\n"
