"""The race detector's reports in a source's text, as snapshot data (gofacts/racetext.py reads them
into the snapshot's models)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dlvauto.gofacts.runtime import RACE_WARNING

if TYPE_CHECKING:
    from dlvauto.snapshot import RawRace


def races_in(text: str) -> list[RawRace]:
    """Every race report in `text` (a program's stderr)."""
    if RACE_WARNING not in text:
        return []
    from dlvauto.gofacts.racetext import parse_races

    return parse_races(text)
