"""What crashed: the kind, the message and the crash goroutine (its landmarks: dlvauto/landmarks.py).

These are design.md's definitions, read off a snapshot whatever its source.
"""

from __future__ import annotations

from dlvauto.gofacts.runtime import PANIC_FUNCTIONS, THROW_FUNCTIONS
from dlvauto.report import CrashKind
from dlvauto.snapshot import MAIN_GOROUTINE, RawGoroutine, Snapshot

# Frames that only a crashing goroutine has on its stack: used when the stop names no goroutine.
_DYING = frozenset(
    {"runtime.fatalpanic", "runtime.fatalthrow", "runtime.crash", *THROW_FUNCTIONS, *PANIC_FUNCTIONS}
)


def crash_kind(snap: Snapshot) -> CrashKind:
    stop = snap.stop
    if stop.reason == "exited":
        return "none"
    if stop.reason == "halted":
        return "hang"
    if stop.reason in ("panic", "fatal", "signal"):
        return stop.reason
    if stop.runtime_kind is not None:
        return stop.runtime_kind
    return "signal" if stop.signal else "hang"


def crash_message(snap: Snapshot, kind: CrashKind) -> str | None:
    """The runtime's own words when it wrote them (as a log shows), else what dlv read."""
    stop = snap.stop
    if kind in ("none", "hang"):
        return None
    if stop.runtime_message is not None and stop.runtime_kind == kind:
        return stop.runtime_message
    return stop.debugger_message or stop.runtime_message


def crash_goroutine(snap: Snapshot, kind: CrashKind) -> RawGoroutine | None:
    """The goroutine that panicked or threw; for a deadlock or a hang, the main goroutine."""
    if kind == "none":
        return None
    by_id = {g.id: g for g in snap.goroutines}
    if kind == "hang":
        return by_id.get(MAIN_GOROUTINE) or by_id.get(snap.stop.goroutine_id or -1)
    if snap.stop.goroutine_id is not None and snap.stop.goroutine_id in by_id:
        return by_id[snap.stop.goroutine_id]
    for g in snap.goroutines:
        if any(f.function in _DYING for f in g.frames):
            return g
    return by_id.get(MAIN_GOROUTINE)
