"""The JSON report (the contract) and its JSON Schema."""

from __future__ import annotations

import json
from typing import Any

from dlvauto.report import Report


def to_json(report: Report, indent: int | None = 2) -> str:
    return report.model_dump_json(indent=indent) + "\n"


def schema() -> dict[str, Any]:
    s = Report.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "dlvauto report"
    return s


def schema_json() -> str:
    return json.dumps(schema(), indent=2) + "\n"
