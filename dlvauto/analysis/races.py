"""Data races as the report shows them: frames classified, each access's first user frame, and a
signature that is the same across runs and does not depend on which access the detector saw first."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from dlvauto.report import Frame, GoroutineCreation, Race, RaceAccess
from dlvauto.snapshot import RawFrame, RawRace, RawRaceCreation

ToFrame = Callable[[int, RawFrame], Frame]


def race(raw: RawRace, to_frame: ToFrame) -> Race:
    accesses = []
    for a in raw.accesses:
        frames = [to_frame(i, f) for i, f in enumerate(a.frames)]
        first = next((f for f in frames if f.category == "user"), None)
        accesses.append(
            RaceAccess(
                op=a.op, address=a.address, goroutine_id=a.goroutine_id, previous=a.previous,
                frames=frames, first_user_frame=first,
            )
        )  # fmt: skip
    created = {
        c.goroutine_id: GoroutineCreation(
            state=c.state, frames=[to_frame(i, f) for i, f in enumerate(c.frames)]
        )
        for c in raw.created
    }
    return Race(
        signature=race_signature(accesses), accesses=accesses, goroutines_created_at=created,
        truncated=raw.truncated,
    )  # fmt: skip


def _creation(c: RawRaceCreation, to_frame: ToFrame) -> GoroutineCreation:
    return GoroutineCreation(state=c.state, frames=[to_frame(i, f) for i, f in enumerate(c.frames)])


def race_signature(accesses: list[RaceAccess]) -> str:
    """16 hex digits over each access's kind and the function of its first user frame (or of its
    innermost frame), sorted: the same race reads the same whichever goroutine got there first."""
    parts = []
    for a in accesses:
        where = a.first_user_frame or (a.frames[0] if a.frames else None)
        parts.append(f"{a.op} {where.function if where is not None else '?'}")
    return hashlib.sha256("\n".join(["race", *sorted(parts)]).encode()).hexdigest()[:16]
