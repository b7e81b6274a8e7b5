"""The report model: the JSON contract of design.md ("The report"), and nothing else.

Field names here are read by outside checks; add fields, never rename them. `dlvauto schema`
prints the JSON Schema generated from these classes (`reportschema.py`).

Plain dataclasses, not pydantic models: every report is made by dlvauto itself (the analysis) from
values it has typed already, and its JSON is written by our own writer (`render/json.py`), so a
`dlvauto run` on a small crash, whose whole dlv job takes 0.15 s, does not pay the ~0.2 s that
importing pydantic and building its models costs at every start. What comes back in from outside
(a saved report read again, `--json` of an older run) is validated by pydantic, imported then:
`reportschema.report_from_json`. A field's JSON rules travel as dataclass metadata:
`omit_when_none` (left out of the JSON when None) and `description` (for the schema).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal, TypeVar

from dlvauto.records import record

CrashKind = Literal["panic", "fatal", "signal", "hang", "none"]
Category = Literal["runtime", "stdlib", "user", "thirdparty", "unknown"]

SCHEMA_VERSION = 1

# A field's JSON rules (dataclass metadata read by render/json.py and reportschema.py).
OMIT_WHEN_NONE = "omit_when_none"
DESCRIPTION = "description"


_OMITTED = {OMIT_WHEN_NONE: True}


@record(kw_only=True)
class Inlining:
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


@record(kw_only=True)
class SourceContext:
    """The lines around a frame's line, as read from the file on disk when the report was made."""

    path: str  # the file read (after --source-root substitution)
    first_line: int  # number of lines[0]
    line: int  # the frame's line, within first_line .. first_line + len(lines) - 1
    lines: list[str]


@record(kw_only=True)
class Value:
    """An argument or local variable at the crash, in words."""

    name: str
    type: str
    value: str
    note: str | None = None  # optimized away, unreadable, or an interface's dynamic type


@record(kw_only=True)
class Frame:
    index: int
    function: str | None
    # An instantiated generic's type arguments as dlv named them (`go.shape.string`); `function`
    # is written as the runtime prints it (`pkg.(*Stack[...]).Pop`) in every mode.
    type_args: str | None = field(default=None, metadata=_OMITTED)
    package: str | None
    file: str | None
    line: int
    pc: int
    category: Category
    inlined: bool
    # Optional explanations, present only when known (left out of the JSON otherwise):
    # the compiler's word on this frame's inlining (optimized builds) and its source lines.
    inlining: Inlining | None = field(default=None, metadata=_OMITTED)
    source: SourceContext | None = field(default=None, metadata=_OMITTED)
    # Values read through dlv for the first user frames, frame N and the like (--values).
    args: list[Value] | None = field(default=None, metadata=_OMITTED)
    locals: list[Value] | None = field(default=None, metadata=_OMITTED)


@record(kw_only=True)
class FrameN:
    n: int
    index: int
    frame: Frame | None


@record(kw_only=True)
class RecoveredPanic:
    """A panic the program survived, whose stack a library or the program printed (design.md)."""

    source: str  # who printed it: "net/http" (`http: panic serving ...`) or "runtime/debug.Stack"
    message: str | None = None
    goroutine_id: int
    first_user_frame: Frame | None = None  # the innermost user frame above the panic
    frames: list[Frame] = field(default_factory=list)


@record(kw_only=True)
class RaceAccess:
    op: Literal["read", "write"]
    address: str
    goroutine_id: int | None = None
    previous: bool = False  # the earlier of the two accesses ("Previous write at ...")
    frames: list[Frame] = field(default_factory=list)
    first_user_frame: Frame | None = None


@record(kw_only=True)
class GoroutineCreation:
    state: str  # running | finished (when the race was seen)
    frames: list[Frame] = field(default_factory=list)


@record(kw_only=True)
class Race:
    """A data race the detector reported (design.md, "Races"): not a crash kind."""

    signature: str  # the same across runs, whichever access came first
    accesses: list[RaceAccess] = field(default_factory=list)
    goroutines_created_at: dict[int, GoroutineCreation] = field(default_factory=dict)
    truncated: bool = False  # the text ended in the middle of the report: what is there is kept


@record(kw_only=True)
class StuckGoroutine:
    """A test that was still running when `-test.timeout` fired: where its goroutine was."""

    goroutine_id: int
    test: str | None = None  # the test function tRunner was running (`TestX`, `TestX.func1`)
    first_user_frame: Frame | None = None


@record(kw_only=True)
class PanicLink:
    """One panic of the crash goroutine's chain (design.md, "Panic chain")."""

    message: str | None = None
    recovered: bool = False
    raised_by: Frame | None = None  # the first frame above its runtime.gopanic that is not the runtime's


@record(kw_only=True)
class Crash:
    kind: CrashKind
    message: str | None = None
    goroutine_id: int | None = None
    throw_frame_index: int | None = None
    first_user_frame: Frame | None = None
    frame_n: FrameN
    signature: str
    panics: list[PanicLink] = field(
        default_factory=list,
        metadata={
            DESCRIPTION: "Every runtime.gopanic on the crash goroutine's stack, first raised first, when "
            "there is more than one: a panic raised while the program was already panicking."
        },
    )
    stuck: list[StuckGoroutine] = field(
        default_factory=list,
        metadata={
            DESCRIPTION: "For a test timeout (`test timed out after D`): the goroutines of the tests that "
            "were still running, each with its first user frame; the panicking goroutine is the alarm's."
        },
    )


@record(kw_only=True)
class AncestorStack:
    """A goroutine that created this one, as it stood when it did (GODEBUG=tracebackancestors)."""

    id: int
    frames: list[Frame] = field(default_factory=list)
    unreadable: str | None = None


@record(kw_only=True)
class Goroutine:
    id: int
    status: str
    wait_reason: str | None = None
    created_by: Frame | None = None
    frames: list[Frame] = field(default_factory=list)
    ancestors: list[AncestorStack] = field(default_factory=list)
    wait_minutes: int | None = None  # how long it had been blocked, when the source says (text)
    locked_to_thread: bool = False
    frames_omitted: int | None = field(
        default=None,
        metadata={
            **_OMITTED,
            DESCRIPTION: "Frames of this goroutine's stack left out: beyond --depth (the crash goroutine's "
            "is read whole), or not printed by the runtime (`...N frames elided...`).",
        },
    )


@record(kw_only=True)
class UnwindFrame:
    """One return address of the frame-pointer chain and where it lies."""

    index: int
    pc: int
    function: str | None = None
    file: str | None = None
    line: int = 0


@record(kw_only=True)
class UnwindDifference:
    """Where dlv's DWARF unwind and the frame-pointer chain part."""

    dwarf: Frame | None = None  # dlv's frame there (None: dlv's stack had ended)
    fp: UnwindFrame | None = None  # the chain's frame there (None: the chain had ended)


@record(kw_only=True)
class UnwindCheck:
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
    fp_stack: list[UnwindFrame] = field(default_factory=list)


@record(kw_only=True)
class Source:
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


@record(kw_only=True)
class TestMessage:
    file: str
    line: int
    text: str


@record(kw_only=True)
class FailedTest:
    """A test that failed without crashing (`t.Error`, `t.Fatal`), with its messages."""

    name: str
    messages: list[TestMessage] = field(default_factory=list)


@record(kw_only=True)
class Output:
    stdout: str = ""
    stderr: str = ""
    truncated: bool = False
    stdout_dropped: int = 0  # bytes cut from the middle of a flood (its head and tail are kept)
    stderr_dropped: int = 0


@record(kw_only=True)
class Report:
    schema_version: int = SCHEMA_VERSION
    source: Source
    exit_code: int | None = None
    output: Output = field(default_factory=Output)
    crash: Crash
    goroutines: list[Goroutine] = field(default_factory=list)
    inlining: list[Inlining] = field(default_factory=list)
    incomplete: str | None = None  # set when part of the evidence could not be read (dlv died)
    interrupted: str | None = field(
        default=None,
        metadata={
            DESCRIPTION: "The signal (SIGINT, SIGTERM) that ended dlvauto before the program stopped: the "
            "report holds what was captured until then (its output), `incomplete` says what is missing, "
            "and the command exits 130 or 143 after writing it."
        },
    )
    unwind_check: UnwindCheck | None = None  # the crash goroutine's
    unwind_others: list[UnwindCheck] = field(default_factory=list)  # every other goroutine (with `all`)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(
        default_factory=list,
        metadata={
            DESCRIPTION: "What the user asked for that could not be done (a --save-core that failed), one "
            "line each; the report was still written. Non-empty makes the command exit 1."
        },
    )

    recovered: list[RecoveredPanic] = field(
        default_factory=list,
        metadata={
            DESCRIPTION: "Panics the program survived, found in its stderr or the text parsed (net/http's "
            "`http: panic serving` stacks, runtime/debug.Stack dumps): never the crash."
        },
    )
    races: list[Race] = field(
        default_factory=list,
        metadata={
            DESCRIPTION: "The race detector's reports (a -race build), in the order printed; kept beside a "
            "crash when there is one."
        },
    )
    failed_tests: list[FailedTest] = field(
        default_factory=list,
        metadata={
            DESCRIPTION: "A test binary's failed tests (kind none, exit code 1 when nothing crashed), from "
            "the testing package's own `--- FAIL` lines and messages."
        },
    )
    timings: dict[str, float] = field(
        default_factory=dict,
        metadata={
            DESCRIPTION: "Wall seconds of each stage of the command that made the report, in order (python "
            "start, build, dlv start, run to the stop, collection, values, finishing, analysis, ...)."
        },
    )

    def crash_goroutine(self) -> Goroutine | None:
        """The goroutine the crash names, if any."""
        for g in self.goroutines:
            if g.id == self.crash.goroutine_id:
                return g
        return None


# ---- models by the hundred thousand: made without the constructor's checks and defaults ---------

M = TypeVar("M")


def built(cls: type[M], values: dict[str, Any]) -> M:
    """A `cls` made of `values`, which name every field with a value of its type.

    For models by the ten thousand made of values that are typed already (a dump's goroutines, a
    log's race reports): the dict given becomes the instance's own, no keyword is matched and no
    default made (the dataclass constructor costs 2 us, this 0.4 us). A caller that misses a field
    or a type is caught by tests/unit/test_built.py, which checks each use against the validating
    reader (`reportschema`).
    """
    model = _new(cls)
    _set(model, "__dict__", values)
    return model


_new = object.__new__
_set = object.__setattr__
