"""`dlvauto schema [DOCUMENT]`: the JSON Schema of each document the tool writes.

`report` (the default, as before) is one report (`--json`); `reports` the array `parse --all
--json` writes; `doctor` what `doctor --json` prints; `cache-info` what `cache info --json` prints;
`stop` the stop.json of a `run --save-core` folder. Each is generated from the model that writes it
or written beside the code that does, so a document and its schema cannot drift apart unseen.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from dlvauto.commands.app import app
from dlvauto.errors import UserError

DOCUMENTS = ("report", "reports", "doctor", "cache-info", "stop")
_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def document_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of the document `name` (one of DOCUMENTS)."""
    from dlvauto.render.json import schema as report_schema

    if name == "report":
        return report_schema()
    if name == "reports":
        one = report_schema()
        defs = one.pop("$defs", {})
        one.pop("$schema", None)
        defs["Report"] = one
        return {"$schema": _DRAFT, "title": "dlvauto reports (parse --all)", "type": "array",
                "items": {"$ref": "#/$defs/Report"}, "$defs": defs}  # fmt: skip
    if name == "doctor":
        text = {"type": "string"}
        check = {
            "type": "object",
            "properties": {
                "name": text,
                "status": {"enum": ["ok", "warn", "fail"]},
                "found": text,
                "fix": text,
            },
            "required": ["name", "status", "found", "fix"],
            "additionalProperties": False,
        }
        return {"$schema": _DRAFT, "title": "dlvauto doctor --json", "type": "array", "items": check}
    if name == "cache-info":
        count = {"type": "integer", "minimum": 0}
        return {
            "$schema": _DRAFT, "title": "dlvauto cache info --json", "type": "object",
            "properties": {"root": {"type": "string"}, "builds": count, "bytes": count, "cap_bytes": count},
            "required": ["root", "builds", "bytes", "cap_bytes"], "additionalProperties": False,
        }  # fmt: skip
    if name == "stop":
        from dlvauto.sources.savedcore import stop_adapter

        s: dict[str, Any] = stop_adapter().json_schema()
        s["$schema"] = _DRAFT
        s["title"] = "stop.json of a run --save-core folder"
        return s
    raise UserError(f"unknown document {name!r}: use one of {', '.join(DOCUMENTS)}")


@app.command()
def schema(
    document: Annotated[
        str, typer.Argument(metavar="report|reports|doctor|cache-info|stop", help="Which document.")
    ] = "report",
) -> None:
    """Print the JSON Schema of a document dlvauto writes (default: the report)."""
    if document == "report":
        from dlvauto.render.json import schema_json

        sys.stdout.write(schema_json())
        return
    sys.stdout.write(json.dumps(document_schema(document), indent=2) + "\n")
