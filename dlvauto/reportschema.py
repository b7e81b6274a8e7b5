"""The report where it crosses the boundary inward: validated reading, and its JSON Schema.

The report classes are plain dataclasses (report.py) written by our own JSON writer
(render/json.py), so the hot path of a run never imports pydantic. A report that comes back in from
outside (a file a user names, a test's saved output) is read here, through a pydantic TypeAdapter
built on first use: every type checked, JSON's string keys made ints again, the dataclasses made
with their defaults for what the JSON left out. The schema `dlvauto schema report` prints is
pydantic's for the same classes, with each field's `description` (dataclass metadata) added.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from dlvauto.report import DESCRIPTION, Report


def report_from_json(doc: str | bytes | Any) -> Report:
    """A report read back: `doc` is its JSON text, or the JSON already decoded. Raises pydantic's
    ValidationError (a ValueError) for a document that is not a report."""
    adapter = _adapter()
    if isinstance(doc, (str, bytes)):
        return adapter.validate_json(doc)  # type: ignore[no-any-return]
    return adapter.validate_python(doc)  # type: ignore[no-any-return]


def report_schema() -> dict[str, Any]:
    """The JSON Schema of a report (pydantic's, with each field's description)."""
    schema: dict[str, Any] = _adapter().json_schema()
    for name, sub in {"Report": schema, **schema.get("$defs", {})}.items():
        cls = _CLASSES.get(name)
        if cls is None:
            continue
        for f in dataclasses.fields(cls):
            text = f.metadata.get(DESCRIPTION)
            if text is not None and f.name in sub.get("properties", {}):
                sub["properties"][f.name]["description"] = text
    return schema


@cache
def _adapter() -> Any:
    import datetime  # noqa: F401  # before pydantic_core loads it: see cli.main

    from pydantic import TypeAdapter

    return TypeAdapter(Report)


def _report_classes() -> dict[str, type]:
    import dlvauto.report as module

    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__
    }


_CLASSES = _report_classes()
