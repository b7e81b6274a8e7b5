"""The snapshot: what a source saw of a stopped or dead Go program, before any interpretation.

Live runs, core dumps and text tracebacks all end here, so one analysis serves them all. Nothing in
this module decides what the crash *means*; it records frames, goroutines, why the program stopped
and the facts of its build that the analysis needs to classify frames.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

SourceMode = Literal["live", "core", "text", "attach"]
StopReason = Literal["panic", "fatal", "signal", "exited", "halted", "unknown"]
MAIN_GOROUTINE = 1  # the goroutine running main.main: the crash goroutine of a deadlock or a hang
DiagnosticKind = Literal["can_inline", "cannot_inline", "inlining_call", "cannot_inline_call", "big_function"]


class RawFrame(BaseModel):
    """One frame as the source gave it; `entry` and `frame_offset` feed the inlining rule."""

    function: str | None = None
    file: str | None = None
    line: int = 0
    pc: int = 0
    entry: int | None = None
    frame_offset: int | None = None
    inlined: bool | None = None  # set when the source says so outright (text "(...)")
    error: str | None = None


class RawGoroutine(BaseModel):
    id: int
    status: str = "unknown"
    wait_reason: str | None = None
    thread_id: int | None = None
    created_by: RawFrame | None = None
    created_by_goroutine: int | None = None
    frames: list[RawFrame] = Field(default_factory=list)
    unreadable: str | None = None
    wait_minutes: int | None = None  # text: "[chan receive, 2 minutes]" (the runtime's estimate)
    locked_to_thread: bool = False  # text: "[..., locked to thread]"
    frames_omitted: int | None = None  # frames of its stack not read (beyond --depth) or not printed


class RecoveredStack(BaseModel):
    """A panic the program survived, as a library (or the program) printed its stack."""

    source: str  # "net/http" (its `http: panic serving` log) or "runtime/debug.Stack"
    message: str | None = None
    goroutine: RawGoroutine


class RawRaceAccess(BaseModel):
    op: Literal["read", "write"]
    address: str
    goroutine_id: int | None = None
    previous: bool = False
    frames: list[RawFrame] = Field(default_factory=list)


class RawRaceCreation(BaseModel):
    goroutine_id: int
    state: str
    frames: list[RawFrame] = Field(default_factory=list)


class RawRace(BaseModel):
    """One report of the race detector, as printed (gofacts/racetext.py)."""

    accesses: list[RawRaceAccess] = Field(default_factory=list)
    created: list[RawRaceCreation] = Field(default_factory=list)
    truncated: bool = False


class FPChain(BaseModel):
    """A goroutine's stack by its saved frame pointers: the return addresses, outermost last."""

    pcs: list[int] = Field(default_factory=list)
    frames: list[RawFrame] = Field(default_factory=list)  # where each pc lies
    end: str = ""  # why the walk stopped
    complete: bool = False  # it reached the chain's natural end (a zero frame pointer)


class RawValue(BaseModel):
    """An argument or local variable in words, as the source could read it."""

    name: str
    type: str = ""
    value: str = ""
    note: str | None = None  # e.g. optimized away, unreadable memory, an interface's dynamic type


class FrameValues(BaseModel):
    args: list[RawValue] = Field(default_factory=list)
    locals: list[RawValue] = Field(default_factory=list)
    error: str | None = None


class Ancestor(BaseModel):
    """A goroutine that created the crash goroutine (GODEBUG=tracebackancestors), as it was then."""

    id: int
    frames: list[RawFrame] = Field(default_factory=list)
    unreadable: str | None = None


# dlv's crash breakpoints, by the name a stop reports (unrecovered-panic is on runtime.startpanic or
# fatalpanic, runtime-fatal-throw on runtime.throw, runtime.fatal and runtime.fatalsignal).
CRASH_BREAKPOINTS: dict[str, StopReason] = {"unrecovered-panic": "panic", "runtime-fatal-throw": "fatal"}


class StopEvent(BaseModel):
    """Why the program is where it is, as the debugger or runtime said it."""

    reason: StopReason
    breakpoint: str | None = None
    goroutine_id: int | None = None  # the goroutine the debugger stopped on, if any
    debugger_message: str | None = None  # panic value or throw argument read through dlv
    runtime_message: str | None = None  # the runtime's own `panic:` / `fatal error:` words
    runtime_kind: Literal["panic", "fatal", "signal"] | None = None
    signal: str | None = None
    exit_status: int | None = None
    thread_frames: list[RawFrame] = Field(default_factory=list)  # current thread when no goroutine
    # The runtime's chain of panics (`panic: A` then `\tpanic: B`), first raised first:
    # (value, whether it was marked [recovered]). Empty when it printed a single panic.
    runtime_chain: list[tuple[str, bool]] = Field(default_factory=list)

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


class InlineDiagnostic(BaseModel):
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


class BuildFacts(BaseModel):
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
    inlining: list[InlineDiagnostic] = Field(default_factory=list)


class CapturedOutput(BaseModel):
    stdout: str = ""
    stderr: str = ""
    truncated: bool = False
    stdout_dropped: int = 0  # bytes cut from the middle (head and tail kept)
    stderr_dropped: int = 0


class Snapshot(BaseModel):
    mode: SourceMode
    build: BuildFacts = Field(default_factory=BuildFacts)
    dlv_version: str | None = None
    core: str | None = None
    trace: str | None = None
    stop: StopEvent
    goroutines: list[RawGoroutine] = Field(default_factory=list)
    output: CapturedOutput = Field(default_factory=CapturedOutput)
    depth: int | None = None
    # True for a text traceback printed at GOTRACEBACK=single|all, where the runtime hid its own
    # frames: the throw frame is then taken to sit just above frame 0 (index -1).
    runtime_frames_hidden: bool = False
    incomplete: str | None = None  # why part of the evidence is missing (dlv died mid-collection)
    interrupted: str | None = None  # the signal (SIGINT, SIGTERM) that ended the run before its stop
    values: dict[int, dict[int, FrameValues]] = Field(default_factory=dict)  # goroutine -> frame -> values
    fp_chains: dict[int, FPChain] = Field(default_factory=dict)  # goroutine id -> chain (--unwind-check)
    ancestors: dict[int, list[Ancestor]] = Field(default_factory=dict)  # goroutine id -> its creators
    notes: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)  # asked for and not done (see Report.errors)
    recovered: list[RecoveredStack] = Field(default_factory=list)  # panics it survived (logs, stderr)
    races: list[RawRace] = Field(default_factory=list)  # the race detector's reports (-race)


# ---- models by the hundred thousand: one shared fields-set instead of one set per instance -----
#
# pydantic keeps, per instance, the set of field names its constructor was given
# (`__pydantic_fields_set__`, what `model_fields_set` and `exclude_unset` read). Built with five or
# more keyword arguments, that set costs 728 bytes: more than the rest of a goroutine's object. A
# text traceback of 100,000 goroutines makes 100,000 RawGoroutines and as many report Goroutines, so
# the text source and the analysis give them one shared set naming every field. That is true of how
# they are built (every field is passed or assigned), and since the shared set already holds every
# name, an attribute assignment, which adds its name to the set, never changes it.

M = TypeVar("M", bound=BaseModel)

_SHARED: dict[type[BaseModel], set[str]] = {}


def _shared(cls: type[BaseModel]) -> set[str]:
    shared = _SHARED.get(cls)
    if shared is None:
        shared = _SHARED[cls] = set(cls.model_fields)
    return shared


def lean(model: M) -> M:
    """`model`, its fields-set swapped for the one its class shares (see the comment above)."""
    object.__setattr__(model, "__pydantic_fields_set__", _shared(type(model)))
    return model


def built(cls: type[M], values: dict[str, Any]) -> M:
    """A `cls` made of `values`, which name every field with a value of its type, not validated.

    For models by the ten thousand made of values that are typed already (a log's race reports: a
    validated constructor costs 5 us, pydantic's model_construct 15 us, this one 1 us). A caller
    that misses a field or a type is caught by tests/unit/test_built.py, which checks each use
    against the validating constructor.
    """
    model = _new(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", _SHARED.get(cls) or _shared(cls))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


_new = object.__new__
_set = object.__setattr__
