"""Values at the crash: the arguments and locals of the frames that explain it, read while dlv is
still attached.

Which frames those are is the landmarks' word (the user frames above the throw, and frame N), asked
before the analysis runs because the program must still be stopped to be read; the debugger reads
them with bounded loads and puts them in words.
"""

from __future__ import annotations

from dlvauto.debugger import Debugger
from dlvauto.landmarks import frames_worth_reading
from dlvauto.report import CrashKind
from dlvauto.snapshot import MAIN_GOROUTINE, BuildFacts, FrameValues, RawGoroutine, StopEvent


def stop_kind(stop: StopEvent) -> CrashKind:
    """The crash kind a stop points to, as far as the stop alone can tell (before the analysis)."""
    return stop.reason if stop.reason in ("panic", "fatal", "signal") else "hang"


def read_crash_values(
    dbg: Debugger,
    stop: StopEvent,
    goroutines: list[RawGoroutine],
    facts: BuildFacts,
    limit: int,
    frame_n: int,
) -> dict[int, dict[int, FrameValues]]:
    """Values of the chosen frames of the goroutine(s) the crash may be pinned on."""
    by_id = {g.id: g for g in goroutines}
    kind = stop_kind(stop)
    out: dict[int, dict[int, FrameValues]] = {}
    for gid in sorted({stop.goroutine_id or MAIN_GOROUTINE, MAIN_GOROUTINE}):
        g = by_id.get(gid)
        if g is None or not g.frames:
            continue
        chosen = frames_worth_reading(g.frames, kind, facts, limit, frame_n)
        if chosen:
            out[gid] = dbg.frame_values(gid, chosen)
    return out
