"""The snapshot: what a source saw of a stopped or dead Go program, before any interpretation.

Live runs, core dumps and text tracebacks all end here, so one analysis serves them all. Nothing in
this module decides what the crash *means*; it records frames, goroutines, why the program stopped
and the facts of its build that the analysis needs to classify frames.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from dlvauto.gcdiag import InlineDiagnostic

SourceMode = Literal["live", "core", "text", "attach"]
StopReason = Literal["panic", "fatal", "signal", "exited", "halted", "unknown"]
MAIN_GOROUTINE = 1  # the goroutine running main.main: the crash goroutine of a deadlock or a hang


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
    values: dict[int, dict[int, FrameValues]] = Field(default_factory=dict)  # goroutine -> frame -> values
    fp_chains: dict[int, FPChain] = Field(default_factory=dict)  # goroutine id -> chain (--unwind-check)
    ancestors: dict[int, list[Ancestor]] = Field(default_factory=dict)  # goroutine id -> its creators
    notes: list[str] = Field(default_factory=list)
