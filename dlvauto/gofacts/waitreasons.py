"""The runtime's wait reasons by number, per Go version (the order changed in Go 1.26).

dlv sends the raw `waitReason` number; the text depends on the target's Go version, as in Delve's
service/api/waitreason.go. Only the versions Delve 1.27 supports are kept.
"""

from __future__ import annotations

_GO125 = [
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "GOMAXPROCS updater (idle)", "semacquire",
    "sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
    "sync.WaitGroup.Wait", "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
    "GC worker (active)", "preempted", "debug call", "GC mark termination", "stopping the world",
    "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush",
    "coroutine", "GC weak to strong wait", "synctest.Run", "synctest.Wait", "chan receive (durable)",
    "chan send (durable)", "select (durable)", "sync.WaitGroup.Wait (durable)", "cleanup wait",
]  # fmt: skip

_GO126 = [
    "", "GC assist marking", "IO wait", "dumping heap", "garbage collection",
    "garbage collection scan", "panicwait", "GC assist wait", "GC sweep wait", "GC scavenge wait",
    "finalizer wait", "force gc (idle)", "GOMAXPROCS updater (idle)", "semacquire", "sleep",
    "chan receive (nil chan)", "chan send (nil chan)", "select (no cases)", "select", "chan receive",
    "chan send", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
    "sync.WaitGroup.Wait", "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
    "GC worker (active)", "preempted", "debug call", "GC mark termination", "stopping the world",
    "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush",
    "coroutine", "GC weak to strong wait", "synctest.Run", "synctest.Wait", "chan receive (durable)",
    "chan send (durable)", "select (durable)", "sync.WaitGroup.Wait (durable)", "cleanup wait",
]  # fmt: skip


def _minor(go_version: str | None) -> int | None:
    """26 for "go1.26.8" or "Go cmd/compile go1.26.8"."""
    if not go_version:
        return None
    tail = go_version.rsplit("go1.", 1)
    if len(tail) != 2:
        return None
    digits = ""
    for ch in tail[1]:
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else None


def wait_reason(go_version: str | None, number: int) -> str | None:
    """The wait reason's text, or None for 0 (not waiting) or a number this table lacks."""
    if number <= 0:
        return None
    minor = _minor(go_version)
    table = _GO125 if minor is not None and minor <= 25 else _GO126
    return table[number] if number < len(table) else f"wait reason {number}"


STATUS_NAMES = {
    0: "idle", 1: "runnable", 2: "running", 3: "syscall", 4: "waiting",
    5: "moribund", 6: "dead", 7: "enqueue", 8: "copystack", 9: "preempted",
}  # fmt: skip


def status_name(status: int) -> str:
    return STATUS_NAMES.get(status, f"status {status}")
