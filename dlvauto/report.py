"""The report model: the JSON contract of design.md ("The report"), and nothing else.

Field names here are read by outside checks; add fields, never rename them. `dlvauto schema`
prints the JSON Schema generated from these classes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

CrashKind = Literal["panic", "fatal", "signal", "hang", "none"]
Category = Literal["runtime", "stdlib", "user", "thirdparty", "unknown"]

SCHEMA_VERSION = 1


class Frame(BaseModel):
    index: int
    function: str | None
    package: str | None
    file: str | None
    line: int
    pc: int
    category: Category
    inlined: bool


class FrameN(BaseModel):
    n: int
    index: int
    frame: Frame | None


class Crash(BaseModel):
    kind: CrashKind
    message: str | None = None
    goroutine_id: int | None = None
    throw_frame_index: int | None = None
    first_user_frame: Frame | None = None
    frame_n: FrameN
    signature: str


class AncestorStack(BaseModel):
    """A goroutine that created this one, as it stood when it did (GODEBUG=tracebackancestors)."""

    id: int
    frames: list[Frame] = Field(default_factory=list)
    unreadable: str | None = None


class Goroutine(BaseModel):
    id: int
    status: str
    wait_reason: str | None = None
    created_by: Frame | None = None
    frames: list[Frame] = Field(default_factory=list)
    ancestors: list[AncestorStack] = Field(default_factory=list)


class UnwindFrame(BaseModel):
    """One return address of the frame-pointer chain and where it lies."""

    index: int
    pc: int
    function: str | None = None
    file: str | None = None
    line: int = 0


class UnwindDifference(BaseModel):
    """Where dlv's DWARF unwind and the frame-pointer chain part."""

    dwarf: Frame | None = None  # dlv's frame there (None: dlv's stack had ended)
    fp: UnwindFrame | None = None  # the chain's frame there (None: the chain had ended)


class UnwindCheck(BaseModel):
    """dlv's stack checked against the saved-frame-pointer chain (--unwind-check)."""

    goroutine_id: int
    agree: bool
    dwarf_frames: int  # physical frames dlv showed (inlined ones have no frame of their own)
    fp_frames: int
    checked_frames: int  # dlv frames the chain confirmed
    first_difference: UnwindDifference | None = None
    believe: Literal["both", "dwarf", "frame_pointers", "unclear"] = "both"
    explanation: str = ""
    fp_end: str = ""
    fp_stack: list[UnwindFrame] = Field(default_factory=list)


class Source(BaseModel):
    mode: Literal["live", "core", "text", "attach"]
    binary: str | None = None
    core: str | None = None
    trace: str | None = None
    profile: str | None = None
    go_version: str | None = None
    dlv_version: str | None = None
    module_path: str | None = None
    module_dir: str | None = None
    goroot: str | None = None


class Output(BaseModel):
    stdout: str = ""
    stderr: str = ""
    truncated: bool = False


class Inlining(BaseModel):
    file: str
    line: int
    column: int
    caller: str | None = None
    callee: str | None = None
    text: str


class Report(BaseModel):
    schema_version: int = SCHEMA_VERSION
    source: Source
    exit_code: int | None = None
    output: Output = Field(default_factory=Output)
    crash: Crash
    goroutines: list[Goroutine] = Field(default_factory=list)
    inlining: list[Inlining] = Field(default_factory=list)
    unwind_check: UnwindCheck | None = None  # the crash goroutine's
    unwind_others: list[UnwindCheck] = Field(default_factory=list)  # every other goroutine (with `all`)
    notes: list[str] = Field(default_factory=list)

    def crash_goroutine(self) -> Goroutine | None:
        """The goroutine the crash names, if any."""
        for g in self.goroutines:
            if g.id == self.crash.goroutine_id:
                return g
        return None
