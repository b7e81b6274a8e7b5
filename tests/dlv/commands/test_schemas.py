"""`dlvauto schema DOCUMENT` describes every document the tool writes: each real document, written
by the real command, validates against its schema, and each schema refuses a broken document."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.helpers import DATA, EXAMPLES, needs_dlv, run_cli

TRACES = DATA / "tracebacks" / "go1.26"


def _schema(name: str) -> dict[str, Any]:
    r = run_cli("schema", name)
    assert r.returncode == 0, r.stderr
    schema: dict[str, Any] = json.loads(r.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _valid(doc: Any, schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_parse_all_writes_a_list_its_schema_describes() -> None:
    r = run_cli("parse", str(TRACES / "nil_map_write.all.txt"), "--all", "--json", "-")
    assert r.returncode == 0, r.stderr
    docs = json.loads(r.stdout)
    assert isinstance(docs, list) and docs
    schema = _schema("reports")
    _valid(docs, schema)
    with pytest.raises(jsonschema.ValidationError):
        _valid(docs[0], schema)  # one report is not the list
    _valid(docs[0], _schema("report"))


def test_doctor_and_cache_info_documents() -> None:
    doctor = json.loads(run_cli("doctor", "--json").stdout)
    _valid(doctor, _schema("doctor"))
    with pytest.raises(jsonschema.ValidationError):
        _valid([{**doctor[0], "status": "maybe"}], _schema("doctor"))
    info = json.loads(run_cli("cache", "info", "--json").stdout)
    _valid(info, _schema("cache-info"))


@needs_dlv
def test_saved_stop_document(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    assert run_cli("run", str(EXAMPLES / "nil_map_write"), "--save-core", str(saved), "-q").returncode == 0
    stop = json.loads((saved / "stop.json").read_text())
    _valid(stop, _schema("stop"))
    assert stop["core"] == "core.zst" and stop["reason"] == "panic"


def test_unknown_document_is_one_line() -> None:
    r = run_cli("schema", "everything", env={**os.environ})
    assert (r.returncode, r.stderr) == (
        2,
        "dlvauto: error: unknown document 'everything':"
        " use one of report, reports, doctor, cache-info, stop\n",
    )
