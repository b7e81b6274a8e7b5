"""The report model: the JSON contract of design.md ("The report"), and nothing else.

Field names here are read by outside checks; add fields, never rename them. `dlvauto schema`
prints the JSON Schema generated from these classes.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

CrashKind = Literal["panic", "fatal", "signal", "hang", "none"]
Category = Literal["runtime", "stdlib", "user", "thirdparty", "unknown"]

SCHEMA_VERSION = 1


class Inlining(BaseModel):
    """One inlining diagnostic of the compiler (-m=2), at the position it names."""

    file: str
    line: int
    column: int
    caller: str | None = None
    callee: str | None = None
    text: str
    # can_inline | cannot_inline | inlining_call | cannot_inline_call | big_function
    kind: str | None = None
    cost: int | None = None
    reason: str | None = None


class SourceContext(BaseModel):
    """The lines around a frame's line, as read from the file on disk when the report was made."""

    path: str  # the file read (after --source-root substitution)
    first_line: int  # number of lines[0]
    line: int  # the frame's line, within first_line .. first_line + len(lines) - 1
    lines: list[str]


def _absent(value: object) -> bool:
    return value is None


class Value(BaseModel):
    """An argument or local variable at the crash, in words."""

    name: str
    type: str
    value: str
    note: str | None = None  # optimized away, unreadable, or an interface's dynamic type


class Frame(BaseModel):
    index: int
    function: str | None
    # An instantiated generic's type arguments as dlv named them (`go.shape.string`); `function`
    # is written as the runtime prints it (`pkg.(*Stack[...]).Pop`) in every mode.
    type_args: str | None = Field(default=None, exclude_if=_absent)
    package: str | None
    file: str | None
    line: int
    pc: int
    category: Category
    inlined: bool
    # Optional explanations, present only when known (left out of the JSON otherwise):
    # the compiler's word on this frame's inlining (optimized builds) and its source lines.
    inlining: Inlining | None = Field(default=None, exclude_if=_absent)
    source: SourceContext | None = Field(default=None, exclude_if=_absent)
    # Values read through dlv for the first user frames, frame N and the like (--values).
    args: list[Value] | None = Field(default=None, exclude_if=_absent)
    locals: list[Value] | None = Field(default=None, exclude_if=_absent)


class FrameN(BaseModel):
    n: int
    index: int
    frame: Frame | None


class RecoveredPanic(BaseModel):
    """A panic the program survived, whose stack a library or the program printed (design.md)."""

    source: str  # who printed it: "net/http" (`http: panic serving ...`) or "runtime/debug.Stack"
    message: str | None = None
    goroutine_id: int
    first_user_frame: Frame | None = None  # the innermost user frame above the panic
    frames: list[Frame] = Field(default_factory=list)


class RaceAccess(BaseModel):
    op: Literal["read", "write"]
    address: str
    goroutine_id: int | None = None
    previous: bool = False  # the earlier of the two accesses ("Previous write at ...")
    frames: list[Frame] = Field(default_factory=list)
    first_user_frame: Frame | None = None


class GoroutineCreation(BaseModel):
    state: str  # running | finished (when the race was seen)
    frames: list[Frame] = Field(default_factory=list)


class Race(BaseModel):
    """A data race the detector reported (design.md, "Races"): not a crash kind."""

    signature: str  # the same across runs, whichever access came first
    accesses: list[RaceAccess] = Field(default_factory=list)
    goroutines_created_at: dict[int, GoroutineCreation] = Field(default_factory=dict)
    truncated: bool = False  # the text ended in the middle of the report: what is there is kept


class StuckGoroutine(BaseModel):
    """A test that was still running when `-test.timeout` fired: where its goroutine was."""

    goroutine_id: int
    test: str | None = None  # the test function tRunner was running (`TestX`, `TestX.func1`)
    first_user_frame: Frame | None = None


class PanicLink(BaseModel):
    """One panic of the crash goroutine's chain (design.md, "Panic chain")."""

    message: str | None = None
    recovered: bool = False
    raised_by: Frame | None = None  # the first frame above its runtime.gopanic that is not the runtime's


class Crash(BaseModel):
    kind: CrashKind
    message: str | None = None
    goroutine_id: int | None = None
    throw_frame_index: int | None = None
    first_user_frame: Frame | None = None
    frame_n: FrameN
    signature: str
    panics: list[PanicLink] = Field(
        default_factory=list,
        description="Every runtime.gopanic on the crash goroutine's stack, first raised first, when "
        "there is more than one: a panic raised while the program was already panicking.",
    )
    stuck: list[StuckGoroutine] = Field(
        default_factory=list,
        description="For a test timeout (`test timed out after D`): the goroutines of the tests that "
        "were still running, each with its first user frame; the panicking goroutine is the alarm's.",
    )


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
    wait_minutes: int | None = None  # how long it had been blocked, when the source says (text)
    locked_to_thread: bool = False
    frames_omitted: int | None = Field(
        default=None,
        exclude_if=_absent,
        description="Frames of this goroutine's stack left out: beyond --depth (the crash goroutine's "
        "is read whole), or not printed by the runtime (`...N frames elided...`).",
    )


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
    tested_package: str | None = None  # a test binary's package (import path)


class TestMessage(BaseModel):
    file: str
    line: int
    text: str


class FailedTest(BaseModel):
    """A test that failed without crashing (`t.Error`, `t.Fatal`), with its messages."""

    name: str
    messages: list[TestMessage] = Field(default_factory=list)


class Output(BaseModel):
    stdout: str = ""
    stderr: str = ""
    truncated: bool = False
    stdout_dropped: int = 0  # bytes cut from the middle of a flood (its head and tail are kept)
    stderr_dropped: int = 0


class Report(BaseModel):
    schema_version: int = SCHEMA_VERSION
    source: Source
    exit_code: int | None = None
    output: Output = Field(default_factory=Output)
    crash: Crash
    goroutines: list[Goroutine] = Field(default_factory=list)
    inlining: list[Inlining] = Field(default_factory=list)
    incomplete: str | None = None  # set when part of the evidence could not be read (dlv died)
    interrupted: str | None = Field(
        default=None,
        description="The signal (SIGINT, SIGTERM) that ended dlvauto before the program stopped: the "
        "report holds what was captured until then (its output), `incomplete` says what is missing, "
        "and the command exits 130 or 143 after writing it.",
    )
    unwind_check: UnwindCheck | None = None  # the crash goroutine's
    unwind_others: list[UnwindCheck] = Field(default_factory=list)  # every other goroutine (with `all`)
    notes: list[str] = Field(default_factory=list)
    errors: list[str] = Field(
        default_factory=list,
        description="What the user asked for that could not be done (a --save-core that failed), one line "
        "each; the report was still written. Non-empty makes the command exit 1.",
    )

    recovered: list[RecoveredPanic] = Field(
        default_factory=list,
        description="Panics the program survived, found in its stderr or the text parsed (net/http's "
        "`http: panic serving` stacks, runtime/debug.Stack dumps): never the crash.",
    )
    races: list[Race] = Field(
        default_factory=list,
        description="The race detector's reports (a -race build), in the order printed; kept beside a "
        "crash when there is one.",
    )
    failed_tests: list[FailedTest] = Field(
        default_factory=list,
        description="A test binary's failed tests (kind none, exit code 1 when nothing crashed), from "
        "the testing package's own `--- FAIL` lines and messages.",
    )
    timings: dict[str, float] = Field(
        default_factory=dict,
        description="Wall seconds of each stage of the command that made the report, in order (python "
        "start, build, dlv start, run to the stop, collection, values, finishing, analysis, ...).",
    )

    def crash_goroutine(self) -> Goroutine | None:
        """The goroutine the crash names, if any."""
        for g in self.goroutines:
            if g.id == self.crash.goroutine_id:
                return g
        return None


# ---- models by the hundred thousand: one shared fields-set instead of one set per instance -----
#
# pydantic keeps, per instance, the set of field names its constructor was given
# (`__pydantic_fields_set__`, what `model_fields_set` and `exclude_unset` read). Built with five or
# more keyword arguments, that set costs 728 bytes: more than the rest of a goroutine's object. A
# text traceback of 100,000 goroutines makes 100,000 report Goroutines, so the analysis (`built`)
# gives them one shared set naming every field. That is true of how they are built (every field is
# passed), and since the shared set already holds every name, an attribute assignment, which adds
# its name to the set, never changes it.

M = TypeVar("M", bound=BaseModel)

_SHARED: dict[type[BaseModel], set[str]] = {}


def _shared(cls: type[BaseModel]) -> set[str]:
    shared = _SHARED.get(cls)
    if shared is None:
        shared = _SHARED[cls] = set(cls.model_fields)
    return shared


def built(cls: type[M], values: dict[str, Any]) -> M:
    """A `cls` made of `values`, which name every field with a value of its type, not validated.

    For models by the ten thousand made of values that are typed already (a dump's goroutines, a
    log's race reports: a validated constructor costs 5 us, pydantic's model_construct 15 us, this
    one 1 us). A caller that misses a field or a type is caught by tests/unit/test_built.py, which
    checks each use against the validating constructor.
    """
    model = _new(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", _SHARED.get(cls) or _shared(cls))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


_new = object.__new__
_set = object.__setattr__
