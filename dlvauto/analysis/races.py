"""Data races as the report shows them: frames classified, each access's first user frame, and a
signature that is the same across runs and does not depend on which access the detector saw first."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from dlvauto.report import Frame, GoroutineCreation, Race, RaceAccess, built
from dlvauto.snapshot import RawFrame, RawRace, RawRaceAccess, RawRaceCreation

ToFrame = Callable[[int, RawFrame], Frame]

# Distinct accesses and creations remembered for sharing (as the text source bounds its stacks): a
# log of endless variety costs no more than this in keys, and only shares less.
MAX_SHARED = 10_000

_AccessKey = tuple[str, str, int | None, bool, int]
_CreatedKey = tuple[tuple[int, str, int], ...]


class StackMemo:
    """Report frames made once per list of raw frames, and the parts of a report made once per value.

    The text source shares one list between every report with the same stack (sources/races.py),
    so a log's thousands of reports of the same races make their Frames once. Keyed by the list's
    id, the list kept alive beside it (so an id seen here is never another list's while the memo
    lives).

    On top of that, the parts of a report that equal an earlier report's are that report's objects:
    the accesses (kind, address, goroutine, stack), the goroutines' creations, and the signature.
    A log of many runs repeats the same reports over and over (a global's address and the goroutine
    ids are the same run to run), and each part rebuilt would cost 44,000 times its models: the
    report's memory, and the time to make them. The report's models are read-only after the
    analysis, as the shared Frames already are.
    """

    def __init__(self, to_frame: ToFrame) -> None:
        self.to_frame = to_frame
        self.known: dict[int, tuple[list[RawFrame], list[Frame], Frame | None]] = {}
        self.accesses: dict[tuple[_AccessKey, ...], tuple[list[RaceAccess], str]] = {}
        self.created: dict[_CreatedKey, dict[int, GoroutineCreation]] = {}
        self.creations: dict[tuple[str, int], GoroutineCreation] = {}

    def __call__(self, raw: list[RawFrame]) -> list[Frame]:
        return self.stack(raw)[1]

    def stack(self, raw: list[RawFrame]) -> tuple[list[RawFrame], list[Frame], Frame | None]:
        """The raw list (kept alive), its report Frames and their first user frame."""
        hit = self.known.get(id(raw))
        if hit is not None and hit[0] is raw:
            return hit
        frames = [self.to_frame(i, f) for i, f in enumerate(raw)]
        first = next((f for f in frames if f.category == "user"), None)
        hit = self.known[id(raw)] = (raw, frames, first)
        return hit

    def race_accesses(self, raw: list[RawRaceAccess]) -> tuple[list[RaceAccess], str]:
        """A report's accesses and their signature, shared with every report whose accesses are
        equal: keyed by each access's values and its stack's id (the stack kept alive by `known`)."""
        key = tuple([(a.op, a.address, a.goroutine_id, a.previous, id(a.frames)) for a in raw])
        hit = self.accesses.get(key)
        if hit is not None:
            return hit
        accesses = [self._access(a) for a in raw]
        if len(self.accesses) >= MAX_SHARED:
            self.accesses.clear()
        hit = self.accesses[key] = (accesses, race_signature(accesses))
        return hit

    def _access(self, a: RawRaceAccess) -> RaceAccess:
        _, frames, first = self.stack(a.frames)
        return built(RaceAccess, {
            "op": a.op, "address": a.address, "goroutine_id": a.goroutine_id, "previous": a.previous,
            "frames": frames, "first_user_frame": first,
        })  # fmt: skip

    def goroutines_created(self, raw: list[RawRaceCreation]) -> dict[int, GoroutineCreation]:
        """A report's `goroutines_created_at`, shared with every report that names the same
        goroutines created at the same places in the same states."""
        key = tuple([(c.goroutine_id, c.state, id(c.frames)) for c in raw])
        hit = self.created.get(key)
        if hit is not None:
            return hit
        for c in raw:
            self.stack(c.frames)  # the ids in the key stay the lists' while the memo lives
        if len(self.created) >= MAX_SHARED:
            self.created.clear()
        hit = self.created[key] = {c.goroutine_id: self._creation(c) for c in raw}
        return hit

    def _creation(self, c: RawRaceCreation) -> GoroutineCreation:
        """One creation per state and place: the few places a program starts goroutines from."""
        key = (c.state, id(c.frames))
        made = self.creations.get(key)
        if made is None:
            if len(self.creations) >= MAX_SHARED:
                self.creations.clear()
            made = self.creations[key] = built(
                GoroutineCreation, {"state": c.state, "frames": self.stack(c.frames)[1]}
            )
        return made


def race(raw: RawRace, memo: StackMemo) -> Race:
    """One report; `memo` is shared by the report's races.

    Built without validation (report.built): a log holds thousands of reports, and every value
    is typed already (the snapshot's, the analysis's frames). The work per report is two lookups
    and one model: the rest is made once per distinct value (StackMemo)."""
    accesses, signature = memo.race_accesses(raw.accesses)
    return built(Race, {
        "signature": signature, "accesses": accesses,
        "goroutines_created_at": memo.goroutines_created(raw.created), "truncated": raw.truncated,
    })  # fmt: skip


def race_signature(accesses: list[RaceAccess]) -> str:
    """16 hex digits over each access's kind and the function of its first user frame (or of its
    innermost frame), sorted: the same race reads the same whichever goroutine got there first."""
    parts = []
    for a in accesses:
        where = a.first_user_frame or (a.frames[0] if a.frames else None)
        parts.append(f"{a.op} {where.function if where is not None else '?'}")
    return hashlib.sha256("\n".join(["race", *sorted(parts)]).encode()).hexdigest()[:16]
