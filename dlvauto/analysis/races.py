"""Data races as the report shows them: frames classified, each access's first user frame, and a
signature that is the same across runs and does not depend on which access the detector saw first."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from dlvauto.report import Frame, GoroutineCreation, Race, RaceAccess, built
from dlvauto.snapshot import RawFrame, RawRace

ToFrame = Callable[[int, RawFrame], Frame]


class StackMemo:
    """Report frames made once per list of raw frames: the text source shares one list between
    every report with the same stack (sources/races.py), so a log's thousands of reports of the
    same races make their Frames once. Keyed by the list's id, the list kept alive beside it."""

    def __init__(self, to_frame: ToFrame) -> None:
        self.to_frame = to_frame
        self.known: dict[int, tuple[list[RawFrame], list[Frame]]] = {}

    def __call__(self, raw: list[RawFrame]) -> list[Frame]:
        hit = self.known.get(id(raw))
        if hit is not None and hit[0] is raw:
            return hit[1]
        frames = [self.to_frame(i, f) for i, f in enumerate(raw)]
        self.known[id(raw)] = (raw, frames)
        return frames


def race(raw: RawRace, to_frame: ToFrame | StackMemo) -> Race:
    """One report; `to_frame` a StackMemo (shared by a report's races) or a frame function.

    Built without validation (snapshot.built): a log holds thousands of reports, and every value
    is typed already (the snapshot's, the analysis's frames)."""
    frames_of = to_frame if isinstance(to_frame, StackMemo) else StackMemo(to_frame)
    accesses = []
    for a in raw.accesses:
        frames = frames_of(a.frames)
        first = next((f for f in frames if f.category == "user"), None)
        accesses.append(
            built(RaceAccess, {
                "op": a.op, "address": a.address, "goroutine_id": a.goroutine_id, "previous": a.previous,
                "frames": frames, "first_user_frame": first,
            })
        )  # fmt: skip
    created = {
        c.goroutine_id: built(GoroutineCreation, {"state": c.state, "frames": frames_of(c.frames)})
        for c in raw.created
    }
    return built(Race, {
        "signature": race_signature(accesses), "accesses": accesses, "goroutines_created_at": created,
        "truncated": raw.truncated,
    })  # fmt: skip


def race_signature(accesses: list[RaceAccess]) -> str:
    """16 hex digits over each access's kind and the function of its first user frame (or of its
    innermost frame), sorted: the same race reads the same whichever goroutine got there first."""
    parts = []
    for a in accesses:
        where = a.first_user_frame or (a.frames[0] if a.frames else None)
        parts.append(f"{a.op} {where.function if where is not None else '?'}")
    return hashlib.sha256("\n".join(["race", *sorted(parts)]).encode()).hexdigest()[:16]
