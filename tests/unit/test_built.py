"""`report.built` makes models without checks or defaults: every use must give what the validating
reader (pydantic, `reportschema`) would have made (each field, of its type), or a report would be
silently wrong. The
race scanner's snapshot dataclasses are not validated either: each must hold values of the types
it declares, which pydantic checks here."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter

import dlvauto
from dlvauto.gofacts.racetext import parse_races

from tests.helpers import DATA, reference_json

SAMPLES = sorted((DATA / "races").glob("go1.*.txt"))


def _same_as_validated(model: Any) -> None:
    """Every field given (no default left to make), and validation makes the same, of the same types."""
    cls = type(model)
    assert set(model.__dict__) == set(cls.__dataclass_fields__), cls.__name__
    again = TypeAdapter(cls).validate_python(json.loads(reference_json(model)))
    assert again == model, cls.__name__
    for name in cls.__dataclass_fields__:
        assert type(getattr(again, name)) is type(getattr(model, name)), (cls.__name__, name)
    assert reference_json(model) == reference_json(again)


def _typed_as_declared(item: Any) -> None:
    cls = type(item)
    again = TypeAdapter(cls).validate_python(asdict(item))
    assert again == item, cls.__name__
    for name in cls.__dataclass_fields__:  # equal and of the same type: nothing was coerced
        assert type(getattr(again, name)) is type(getattr(item, name)), (cls.__name__, name)


def test_the_scanners_dataclasses_hold_their_declared_types() -> None:
    assert len(SAMPLES) == 7
    seen = set()
    for path in SAMPLES:
        for race in parse_races(path.read_text()):
            _typed_as_declared(race)
            for a in race.accesses:
                _typed_as_declared(a)
                seen.add(type(a).__name__)
            for c in race.created:
                _typed_as_declared(c)
                seen.add(type(c).__name__)
    assert seen == {"RawRaceAccess", "RawRaceCreation"}


def test_the_reports_race_models_are_what_validation_makes() -> None:
    truncated = 0
    for path in SAMPLES:
        (report,) = dlvauto.parse(path)
        assert report.races
        for race in report.races:
            _same_as_validated(race)
            truncated += race.truncated
            for a in race.accesses:
                _same_as_validated(a)
            for c in race.goroutines_created_at.values():
                _same_as_validated(c)
    assert truncated == 1  # the go1.22 sample, cut short


def test_the_reports_goroutines_are_what_validation_makes() -> None:
    traces = sorted((DATA / "tracebacks").glob("go1.*/*.txt"))
    assert len(traces) > 20
    fields: set[str] = set()
    for path in traces:
        for report in dlvauto.parse(path, every=True):
            for g in report.goroutines:
                _same_as_validated(g)
                fields.update(k for k, v in g.__dict__.items() if v)
    # every field was seen with a value somewhere, so each one was checked
    assert fields >= {"created_by", "frames", "wait_reason", "wait_minutes", "locked_to_thread"}
