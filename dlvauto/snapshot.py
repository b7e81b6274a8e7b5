"""The snapshot: what a source saw of a stopped or dead Go program, before any interpretation.

Live runs, core dumps and text tracebacks all end here, so one analysis serves them all. Nothing in
this module decides what the crash *means*; it records frames, goroutines, why the program stopped
and the facts of its build that the analysis needs to classify frames.

Plain slotted dataclasses, not pydantic models: dlvauto builds every one of them itself from values
it typed (dlv's replies are validated at the wire, in rpc/types.py; a core's saved stop in
sources/savedcore.py), a text traceback makes them by the hundred thousand, and the commands that
only read text (the race parser, `parse`) start without importing pydantic at all. Recorded
snapshots (tests/data, scripts/record) cross the boundary through `snapshot_from_json` and
`snapshot_to_json`, which validate with pydantic, imported then.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

from dlvauto.records import record

SourceMode = Literal["live", "core", "text", "attach"]
StopReason = Literal["panic", "fatal", "signal", "exited", "halted", "unknown"]
MAIN_GOROUTINE = 1  # the goroutine running main.main: the crash goroutine of a deadlock or a hang
DiagnosticKind = Literal["can_inline", "cannot_inline", "inlining_call", "cannot_inline_call", "big_function"]


@record(slots=True, kw_only=True)
class RawFrame:
    """One frame as the source gave it; `entry` and `frame_offset` feed the inlining rule."""

    function: str | None = None
    file: str | None = None
    line: int = 0
    pc: int = 0
    entry: int | None = None
    frame_offset: int | None = None
    inlined: bool | None = None  # set when the source says so outright (text "(...)")
    error: str | None = None


@record(slots=True, kw_only=True)
class RawGoroutine:
    id: int
    status: str = "unknown"
    wait_reason: str | None = None
    thread_id: int | None = None
    created_by: RawFrame | None = None
    created_by_goroutine: int | None = None
    frames: list[RawFrame] = field(default_factory=list)
    unreadable: str | None = None
    wait_minutes: int | None = None  # text: "[chan receive, 2 minutes]" (the runtime's estimate)
    locked_to_thread: bool = False  # text: "[..., locked to thread]"
    frames_omitted: int | None = None  # frames of its stack not read (beyond --depth) or not printed


@record(slots=True, kw_only=True)
class RecoveredStack:
    """A panic the program survived, as a library (or the program) printed its stack."""

    source: str  # "net/http" (its `http: panic serving` log) or "runtime/debug.Stack"
    message: str | None = None
    goroutine: RawGoroutine


@record(slots=True, kw_only=True)
class RawRaceAccess:
    op: Literal["read", "write"]
    address: str
    goroutine_id: int | None = None
    previous: bool = False
    frames: list[RawFrame] = field(default_factory=list)


@record(slots=True, kw_only=True)
class RawRaceCreation:
    goroutine_id: int
    state: str
    frames: list[RawFrame] = field(default_factory=list)


@record(slots=True, kw_only=True)
class RawRace:
    """One report of the race detector, as printed (gofacts/racetext.py)."""

    accesses: list[RawRaceAccess] = field(default_factory=list)
    created: list[RawRaceCreation] = field(default_factory=list)
    truncated: bool = False


@record(slots=True, kw_only=True)
class FPChain:
    """A goroutine's stack by its saved frame pointers: the return addresses, outermost last."""

    pcs: list[int] = field(default_factory=list)
    frames: list[RawFrame] = field(default_factory=list)  # where each pc lies
    end: str = ""  # why the walk stopped
    complete: bool = False  # it reached the chain's natural end (a zero frame pointer)


@record(slots=True, kw_only=True)
class RawValue:
    """An argument or local variable in words, as the source could read it."""

    name: str
    type: str = ""
    value: str = ""
    note: str | None = None  # e.g. optimized away, unreadable memory, an interface's dynamic type


@record(slots=True, kw_only=True)
class FrameValues:
    args: list[RawValue] = field(default_factory=list)
    locals: list[RawValue] = field(default_factory=list)
    error: str | None = None


@record(slots=True, kw_only=True)
class Ancestor:
    """A goroutine that created the crash goroutine (GODEBUG=tracebackancestors), as it was then."""

    id: int
    frames: list[RawFrame] = field(default_factory=list)
    unreadable: str | None = None


# dlv's crash breakpoints, by the name a stop reports (unrecovered-panic is on runtime.startpanic or
# fatalpanic, runtime-fatal-throw on runtime.throw, runtime.fatal and runtime.fatalsignal).
CRASH_BREAKPOINTS: dict[str, StopReason] = {"unrecovered-panic": "panic", "runtime-fatal-throw": "fatal"}


@record(slots=True, kw_only=True)
class StopEvent:
    """Why the program is where it is, as the debugger or runtime said it."""

    reason: StopReason
    breakpoint: str | None = None
    goroutine_id: int | None = None  # the goroutine the debugger stopped on, if any
    debugger_message: str | None = None  # panic value or throw argument read through dlv
    runtime_message: str | None = None  # the runtime's own `panic:` / `fatal error:` words
    runtime_kind: Literal["panic", "fatal", "signal"] | None = None
    signal: str | None = None
    exit_status: int | None = None
    thread_frames: list[RawFrame] = field(default_factory=list)  # current thread when no goroutine
    # The runtime's chain of panics (`panic: A` then `\tpanic: B`), first raised first:
    # (value, whether it was marked [recovered]). Empty when it printed a single panic.
    runtime_chain: list[tuple[str, bool]] = field(default_factory=list)

    @classmethod
    def after_continue(
        cls, breakpoint: str | None, function: str | None, goroutine_id: int | None, timed_out: bool
    ) -> StopEvent:
        """Why a continue ended, from the breakpoint it stopped at (if any) and where."""
        if breakpoint is not None and breakpoint in CRASH_BREAKPOINTS:
            reason = CRASH_BREAKPOINTS[breakpoint]
            if reason == "fatal" and function == "runtime.fatalsignal":
                reason = "signal"
            return cls(reason=reason, breakpoint=breakpoint, goroutine_id=goroutine_id)
        if timed_out:
            return cls(reason="halted", goroutine_id=goroutine_id)
        return cls(reason="unknown", breakpoint=breakpoint, goroutine_id=goroutine_id)


@record(slots=True, kw_only=True)
class InlineDiagnostic:
    """One inlining decision of the compiler, at the position it names."""

    kind: DiagnosticKind
    package: str  # import path as Delve names functions: "main" for the main package
    file: str  # absolute (or as printed when it is not a file, e.g. "<autogenerated>")
    line: int
    column: int  # 0 when the compiler gave none
    name: str  # the function the message is about, as the compiler wrote it
    function: str  # the same, fully qualified as Delve names it where that can be known
    caller: str | None = None  # the function compiled when it was printed (see `parse`)
    cost: int | None = None
    reason: str | None = None
    text: str  # the message as the compiler wrote it, after the position


@record(slots=True, kw_only=True)
class BuildFacts:
    """Where the program came from: what tells user code from stdlib and third-party code."""

    binary: str | None = None
    profile: str | None = None
    module_path: str | None = None
    module_dir: str | None = None
    package_dir: str | None = None
    goroot: str | None = None
    gomodcache: str | None = None
    go_version: str | None = None
    gcflags: str | None = None
    tested_package: str | None = None  # set for a test binary: the import path of the package tested
    # The compiler's -m=2 inlining decisions for the main module (optimized builds only).
    inlining: list[InlineDiagnostic] = field(default_factory=list)


@record(slots=True, kw_only=True)
class CapturedOutput:
    stdout: str = ""
    stderr: str = ""
    truncated: bool = False
    stdout_dropped: int = 0  # bytes cut from the middle (head and tail kept)
    stderr_dropped: int = 0


@record(slots=True, kw_only=True)
class Snapshot:
    mode: SourceMode
    build: BuildFacts = field(default_factory=BuildFacts)
    dlv_version: str | None = None
    core: str | None = None
    trace: str | None = None
    stop: StopEvent
    goroutines: list[RawGoroutine] = field(default_factory=list)
    output: CapturedOutput = field(default_factory=CapturedOutput)
    depth: int | None = None
    # True for a text traceback printed at GOTRACEBACK=single|all, where the runtime hid its own
    # frames: the throw frame is then taken to sit just above frame 0 (index -1).
    runtime_frames_hidden: bool = False
    incomplete: str | None = None  # why part of the evidence is missing (dlv died mid-collection)
    interrupted: str | None = None  # the signal (SIGINT, SIGTERM) that ended the run before its stop
    values: dict[int, dict[int, FrameValues]] = field(default_factory=dict)  # goroutine -> frame -> values
    fp_chains: dict[int, FPChain] = field(default_factory=dict)  # goroutine id -> chain (--unwind-check)
    ancestors: dict[int, list[Ancestor]] = field(default_factory=dict)  # goroutine id -> its creators
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # asked for and not done (see Report.errors)
    recovered: list[RecoveredStack] = field(default_factory=list)  # panics it survived (logs, stderr)
    races: list[RawRace] = field(default_factory=list)  # the race detector's reports (-race)


# ---- the boundary: recorded snapshots as JSON --------------------------------------------------


def snapshot_to_json(snap: Snapshot) -> dict[str, Any]:
    """`snap` as plain JSON values (what scripts/record writes under tests/data)."""
    return _adapter().dump_python(snap, mode="json")  # type: ignore[no-any-return]


def snapshot_from_json(doc: Any) -> Snapshot:
    """A recorded snapshot, validated (types checked, JSON's string keys made ints again)."""
    return _adapter().validate_python(doc)  # type: ignore[no-any-return]


def _adapter() -> Any:
    import datetime  # noqa: F401  # before pydantic_core loads it: see cli.main

    from pydantic import TypeAdapter  # only here: the sources and the parser never need pydantic

    global _ADAPTER
    if _ADAPTER is None:
        _ADAPTER = TypeAdapter(Snapshot)
    return _ADAPTER


_ADAPTER: Any = None
