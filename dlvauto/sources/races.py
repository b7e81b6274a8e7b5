"""The race detector's reports in a source's text, as snapshot data (gofacts/racetext.py reads them
into the snapshot's models)."""

from __future__ import annotations

from dlvauto.gofacts.racetext import WARNING, parse_races
from dlvauto.snapshot import RawRace


def races_in(text: str) -> list[RawRace]:
    """Every race report in `text` (a program's stderr)."""
    if WARNING not in text:
        return []
    return parse_races(text)
