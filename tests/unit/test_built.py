"""`snapshot.built` makes models without validating them: every use must give what the validating
constructor would have made (each field, of its type), or a report would be silently wrong."""

from __future__ import annotations

from pydantic import BaseModel

import dlvauto
from dlvauto.gofacts.racetext import parse_races

from tests.helpers import DATA

SAMPLES = sorted((DATA / "races").glob("go1.*.txt"))


def _same_as_validated(model: BaseModel) -> None:
    cls = type(model)
    again = cls.model_validate(model.model_dump())
    assert again == model, cls.__name__
    assert set(model.model_fields_set) == set(cls.model_fields), cls.__name__
    assert model.model_dump_json() == again.model_dump_json()


def test_the_scanners_models_are_what_validation_makes() -> None:
    assert len(SAMPLES) == 6
    seen = set()
    for path in SAMPLES:
        for race in parse_races(path.read_text()):
            _same_as_validated(race)
            for a in race.accesses:
                _same_as_validated(a)
                seen.add(type(a).__name__)
            for c in race.created:
                _same_as_validated(c)
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
