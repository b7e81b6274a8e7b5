"""The JSON report (the contract) and its JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from dlvauto.report import Goroutine, Report

# Below this many goroutines a report is dumped in one piece; above, goroutine by goroutine.
STREAM_OVER = 1000
_EMPTY_GOROUTINES = '\n  "goroutines": []'


class Writer(Protocol):
    def write(self, text: str, /) -> int: ...


def to_json(report: Report, indent: int | None = 2) -> str:
    return report.model_dump_json(indent=indent) + "\n"


def write_json(report: Report, out: Writer) -> None:
    """Write exactly `to_json(report)` to `out`, streaming the goroutines of a big report.

    A text traceback of 100,000 goroutines makes a JSON report of hundreds of megabytes; built as
    one string it would cost that much memory again (twice, while pydantic's buffer is copied).
    Each goroutine is dumped on its own and indented to its place instead, byte for byte what the
    whole dump would have been.
    """
    if len(report.goroutines) < STREAM_OVER:
        out.write(to_json(report))
        return
    shell = report.model_copy(update={"goroutines": []}).model_dump_json(indent=2)
    head, found, tail = shell.partition(_EMPTY_GOROUTINES)
    if not found:  # cannot happen with the report model as it is; stay correct if it changes
        out.write(to_json(report))
        return
    out.write(head)
    out.write('\n  "goroutines": [')
    tails: dict[tuple[object, ...], str] = {}
    for i, g in enumerate(report.goroutines):
        out.write(",\n    " if i else "\n    ")
        out.write(_goroutine_json(g, tails))
    out.write("\n  ]")
    out.write(tail)
    out.write("\n")


_ID_FIRST = next(iter(Goroutine.model_fields)) == "id"
_KEY_FIELDS = tuple(name for name in Goroutine.model_fields if name != "id")
_BY_VALUE = (str, int, bool, float, type(None))


def _same_as(g: Goroutine) -> tuple[object, ...]:
    """What a goroutine's JSON depends on besides its id, by value or by object identity.

    Goroutines parked at the same place share their Frame objects (the analysis shares them
    when the source shares raw frames), so equal keys mean equal JSON. Built from the model's
    fields, so a field added later takes part too; anything not a plain value is keyed by its
    identity (equal objects that are not the same one are only dumped again: still right).
    Read from the instance's dict: this runs once per goroutine, 100,000 times in a big dump.
    """
    fields = g.__dict__
    key: list[object] = []
    for name in _KEY_FIELDS:
        value = fields[name]
        kind = type(value)
        if kind is list:
            key.append(tuple(map(id, value)))
        elif kind in _BY_VALUE:
            key.append(value)
        else:
            key.append(id(value))
    return tuple(key)


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
