"""The race detector's reports in a source's text, as snapshot data (gofacts/racetext.py reads them)."""

from __future__ import annotations

from dlvauto.gofacts.racetext import Race, RaceFrame, parse_races
from dlvauto.snapshot import RawFrame, RawRace, RawRaceAccess, RawRaceCreation


def _frames(frames: list[RaceFrame]) -> list[RawFrame]:
    return [RawFrame(function=f.function, file=f.file, line=f.line) for f in frames]


def to_raw(r: Race) -> RawRace:
    return RawRace(
        accesses=[
            RawRaceAccess(
                op="write" if a.op == "write" else "read", address=a.address, goroutine_id=a.goroutine_id,
                previous=a.previous, frames=_frames(a.frames),
            )
            for a in r.accesses
        ],
        created=[
            RawRaceCreation(goroutine_id=c.goroutine_id, state=c.state, frames=_frames(c.frames))
            for c in r.created
        ],
        truncated=r.truncated,
    )  # fmt: skip


def races_in(text: str) -> list[RawRace]:
    """Every race report in `text` (a program's stderr)."""
    if "WARNING: DATA RACE" not in text:
        return []
    return [to_raw(r) for r in parse_races(text)]
