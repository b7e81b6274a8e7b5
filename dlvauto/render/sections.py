"""What a human view of a report says, section by section: computed once, shown by every view.

`sections(report)` turns a Report into plain data, in the order a reader meets it: the headline,
the landmarks, the crash goroutine, its ancestors, the unwind check, the other goroutines, the
compiler's inlining diagnostics, the program's output, the notes. The terminal, Markdown and HTML
views walk this one list and only decide how each section looks: a view is a module with one
function per kind of section (`View`), and `show` is the one place that picks the function, so a
section added here is a type error in every view until it is shown there. A section with nothing
to say is left out of the list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import field
from typing import Protocol, TypeVar

from dlvauto.records import record
from dlvauto.render.common import Value, exit_text, inlining_text, state, values, visible, where
from dlvauto.report import CrashKind, Frame, Goroutine, Race, Report, SourceContext, UnwindCheck

ID_LIST_LIMIT = 8  # goroutine ids a group's title names before "and N more"
_DUMP_START = re.compile(r"^(panic: |fatal error: |SIG[A-Z]+: )", re.MULTILINE)


T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


# How much the terminal views show of a stream and of a group of other goroutines.
TAIL_LINES = 15
OTHER_GROUP_FRAMES = 6


class View(Protocol[T_co]):
    """How one view shows each kind of section (a view's module is one: its functions are these)."""

    def headline(self, s: Headline, /) -> T_co: ...
    def landmarks(self, s: Landmarks, /) -> T_co: ...
    def crash_goroutine(self, s: CrashGoroutine, /) -> T_co: ...
    def ancestors(self, s: Ancestors, /) -> T_co: ...
    def unwind(self, s: Unwind, /) -> T_co: ...
    def other_goroutines(self, s: OtherGoroutines, /) -> T_co: ...
    def inlining_diagnostics(self, s: InliningDiagnostics, /) -> T_co: ...
    def program_output(self, s: ProgramOutput, /) -> T_co: ...
    def notes(self, s: Notes, /) -> T_co: ...
    def recovered(self, s: Recovered, /) -> T_co: ...
    def races(self, s: Races, /) -> T_co: ...


@record(frozen=True)
class FrameLine:
    """A frame as every view names it, with its landmarks (crash goroutine only) and explanations."""

    index: int
    function: str  # "???" when the source could not name it
    where: str  # file:line, the file short (see common.short_path)
    category: str
    inlined: bool
    throw: bool = False
    first_user: bool = False
    frame_n: int | None = None  # N, when this is frame N
    inlining: str | None = None  # the compiler's word on its inlining, with the position it names
    source: SourceContext | None = None
    values: list[tuple[str, list[Value]]] = field(default_factory=list)

    @property
    def marks(self) -> list[str]:
        """The landmarks on this frame in words: throw, first user, frame N."""
        out = ["throw"] if self.throw else []
        if self.first_user:
            out.append("first user")
        if self.frame_n is not None:
            out.append(f"frame {self.frame_n}")
        return out


@record(frozen=True)
class Landmark:
    """A landmark frame under its name ("first user frame", "frame 17"), for the views that explain it."""

    label: str
    frame: FrameLine


@record(frozen=True)
class Headline:
    """What happened, in one line: KIND and the message (or how the program ended)."""

    crash_kind: CrashKind
    kind: str  # the kind as the headline says it: PANIC, FATAL, ...
    what: str  # "" when there is nothing more to say
    goroutine_id: int | None

    def shown_by(self, view: View[T]) -> T:
        return view.headline(self)


@record(frozen=True)
class FrameN:
    n: int
    index: int
    frame: FrameLine | None  # None: the stack is shorter


@record(frozen=True)
class Landmarks:
    """The first user frame, frame N and the signature; what made the report."""

    first_user: FrameLine | None
    frame_n: FrameN
    goroutine_id: int | None
    signature: str
    build: list[str]  # mode, profile, Go version, "dlv VERSION": those known
    binary: str | None
    crashed: bool = True  # False for kind none: no throw, so no frame N to speak of

    @property
    def frame_n_shown(self) -> bool:
        """Whether the views name frame N: always after a crash, when it is a frame otherwise."""
        return self.crashed or self.frame_n.frame is not None

    @property
    def frame_n_apart(self) -> FrameLine | None:
        """Frame N when it is not the first user frame (then it is explained on its own)."""
        nf = self.frame_n.frame
        if nf is None or (self.first_user is not None and nf.index == self.first_user.index):
            return None
        return nf

    @property
    def explained(self) -> list[Landmark]:
        """The landmark frames, each once: the first user frame, then frame N when it is another."""
        out = []
        if self.first_user is not None:
            out.append(Landmark("first user frame", self.first_user))
        if self.frame_n_apart is not None:
            out.append(Landmark(f"frame {self.frame_n.n}", self.frame_n_apart))
        return out

    def shown_by(self, view: View[T]) -> T:
        return view.landmarks(self)


@record(frozen=True)
class CrashGoroutine:
    """The crash goroutine's frames, innermost first, its landmarks marked."""

    id: int
    state: str
    frames: list[FrameLine]
    created_by: FrameLine | None
    landmarks: list[Landmark]  # Landmarks.explained, for views that explain them under the frames

    @property
    def inlining_column(self) -> bool:
        """Whether any frame carries the compiler's word on its inlining (a column of its own)."""
        return any(f.inlining is not None for f in self.frames)

    def shown_by(self, view: View[T]) -> T:
        return view.crash_goroutine(self)


@record(frozen=True)
class Ancestor:
    id: int
    frames: list[FrameLine]

    @property
    def title(self) -> str:
        return f"created from goroutine {self.id}, whose stack was then:"


@record(frozen=True)
class Ancestors:
    """The goroutines that created the crash goroutine, as they stood then (--ancestors)."""

    ancestors: list[Ancestor]

    def shown_by(self, view: View[T]) -> T:
        return view.ancestors(self)


@record(frozen=True)
class UnwindGap:
    """Where dlv's stack and the frame-pointer chain part: each side's frame there (None: it had ended)."""

    dlv: FrameLine | None
    chain: str | None  # the chain's function there, or its pc when no function holds it

    def text(self, code: Callable[[str], str] = str) -> str:
        """In words; `code` marks up what comes from the program (a view's code span)."""
        f = self.dlv
        dlv = f"#{f.index} {code(f.function)} at {code(f.where)}" if f is not None else "its end"
        chain = code(self.chain) if self.chain is not None else "its end"
        return f"first difference: dlv has {dlv}, the chain has {chain}"


@record(frozen=True)
class Unwind:
    """--unwind-check: whether dlv's stack and the frame-pointer chain agree, and where they part."""

    agree: bool
    verdict: str  # the crash goroutine's check, with how many other goroutines agree
    first_difference: UnwindGap | None
    explanation: str
    chain_end: str  # why the chain ended, "" when unknown

    @property
    def chain_end_text(self) -> str:
        return f"the chain ended: {self.chain_end}"

    def shown_by(self, view: View[T]) -> T:
        return view.unwind(self)


@record(frozen=True)
class GoroutineGroup:
    """Goroutines with identical stacks (and state), shown once."""

    ids: list[int]
    state: str
    runtime_only: bool  # every frame is the runtime's own (GC workers, finalizers, ...)
    frames: list[FrameLine]
    created_by: FrameLine | None
    frames_omitted: int | None = None  # frames of the stack left out (beyond --depth, or elided)

    def terminal_frames(self, limit: int = OTHER_GROUP_FRAMES) -> list[FrameLine]:
        """The frames the terminal views show of the group: its first non-runtime ones, else two."""
        return [f for f in self.frames if f.category != "runtime"][:limit] or self.frames[:2]

    def id_list(self, limit: int = ID_LIST_LIMIT) -> str:
        shown = ", ".join(str(i) for i in self.ids[:limit])
        more = len(self.ids) - limit
        return shown + (f" and {more} more" if more > 0 else "")

    @property
    def noun(self) -> str:
        return "goroutine" if len(self.ids) == 1 else "goroutines"

    @property
    def title(self) -> str:
        left_out = f" ({self.frames_omitted} frames left out)" if self.frames_omitted else ""
        return f"{len(self.ids)} × [{self.state}] {self.noun} {self.id_list()}{left_out}"


@record(frozen=True)
class OtherGoroutines:
    """Every goroutine but the crash goroutine, grouped by identical stack, biggest group first."""

    groups: list[GoroutineGroup]

    @property
    def total(self) -> int:
        return sum(len(grp.ids) for grp in self.groups)

    @property
    def runtime_only(self) -> int:
        """How many goroutines are the runtime's own (views may leave them out)."""
        return sum(len(grp.ids) for grp in self.groups if grp.runtime_only)

    def shown_by(self, view: View[T]) -> T:
        return view.other_goroutines(self)


@record(frozen=True)
class Diagnostic:
    at: str  # file name:line:column
    caller: str
    callee: str
    text: str


@record(frozen=True)
class InliningDiagnostics:
    """The compiler's -m=2 inlining diagnostics of the main module (optimized builds)."""

    diagnostics: list[Diagnostic]

    def shown_by(self, view: View[T]) -> T:
        return view.inlining_diagnostics(self)


@record(frozen=True)
class Stream:
    name: str  # stdout, stderr
    text: str
    dump_at: int | None = None  # where the runtime's goroutine dump begins (after its crash header)

    def tail(self, lines: int = TAIL_LINES) -> tuple[str, str]:
        """The terminal views' title and text of the stream: its last `lines` lines, stderr up to
        the runtime's crash header (the dump is shown above)."""
        text = self.text
        if self.dump_at is not None:
            text = text[: self.dump_at] + "\n(the runtime's goroutine dump is in the JSON report)"
        all_lines = text.rstrip("\n").splitlines()
        cut = f", last {lines}" if len(all_lines) > lines else ""
        return f"program {self.name} ({len(all_lines)} lines{cut})", "\n".join(all_lines[-lines:])


@record(frozen=True)
class ProgramOutput:
    """What the program wrote: its non-empty streams."""

    streams: list[Stream]

    def shown_by(self, view: View[T]) -> T:
        return view.program_output(self)


@record(frozen=True)
class RecoveredItem:
    title: str  # who printed it, and the value
    first_user: FrameLine | None


@record(frozen=True)
class Recovered:
    """Panics the program survived (a library or the program printed their stacks)."""

    items: list[RecoveredItem]

    def shown_by(self, view: View[T]) -> T:
        return view.recovered(self)


@record(frozen=True)
class RaceSide:
    """One access of a race: what it did and where in the user's code."""

    what: str  # "write by goroutine 7" (previous accesses say so)
    frame: FrameLine | None


@record(frozen=True)
class RaceGroup:
    """Races with one signature: the two accesses side by side, and how often it was reported."""

    signature: str
    count: int
    sides: list[RaceSide]
    truncated: bool


@record(frozen=True)
class Races:
    groups: list[RaceGroup]

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    def shown_by(self, view: View[T]) -> T:
        return view.races(self)


@record(frozen=True)
class Notes:
    notes: list[str]

    def shown_by(self, view: View[T]) -> T:
        return view.notes(self)


Section = (
    Headline
    | Landmarks
    | CrashGoroutine
    | Ancestors
    | Unwind
    | OtherGoroutines
    | InliningDiagnostics
    | ProgramOutput
    | Recovered
    | Races
    | Notes
)


def show(view: View[T], section: Section) -> T:
    """What `view` makes of `section` (each section knows which of the view's functions is its)."""
    return section.shown_by(view)


def sections(report: Report) -> list[Section]:
    """The report's sections in reading order, each with something to say."""
    c = report.crash
    first_user = _line(c.first_user_frame, report) if c.first_user_frame is not None else None
    nf = c.frame_n.frame
    landmarks = Landmarks(
        first_user=first_user,
        frame_n=FrameN(c.frame_n.n, c.frame_n.index, _line(nf, report) if nf is not None else None),
        goroutine_id=c.goroutine_id,
        signature=c.signature,
        build=_build(report),
        binary=visible(report.source.binary) if report.source.binary else None,
        crashed=c.kind != "none",
    )
    out: list[Section] = [_headline(report), landmarks]
    g = report.crash_goroutine()
    if g is not None:
        out.append(
            CrashGoroutine(
                id=g.id,
                state=state(g),
                frames=[_line(f, report, landmarks=True) for f in g.frames],
                created_by=_line(g.created_by, report) if g.created_by is not None else None,
                landmarks=landmarks.explained,
            )
        )
        if g.ancestors:
            out.append(Ancestors([Ancestor(a.id, [_line(f, report) for f in a.frames]) for a in g.ancestors]))
    if report.unwind_check is not None:
        out.append(_unwind(report.unwind_check, report.unwind_others, report))
    groups = _groups(report)
    if groups:
        out.append(OtherGoroutines(groups))
    if report.inlining:
        out.append(
            InliningDiagnostics(
                [
                    Diagnostic(
                        f"{d.file.rsplit('/', 1)[-1]}:{d.line}:{d.column}",
                        d.caller or "",
                        d.callee or "",
                        d.text,
                    )
                    for d in report.inlining
                ]
            )
        )
    if report.races:
        out.append(Races(_race_groups(report)))
    if report.recovered:
        out.append(
            Recovered(
                [
                    RecoveredItem(
                        visible(
                            f"{r.source}: {r.message}"
                            if r.message
                            else f"{r.source} (goroutine {r.goroutine_id})"
                        ),
                        _line(r.first_user_frame, report) if r.first_user_frame is not None else None,
                    )
                    for r in report.recovered
                ]
            )
        )
    streams = _streams(report)
    if streams:
        out.append(ProgramOutput(streams))
    if report.notes:
        out.append(Notes([visible(n) for n in report.notes]))
    return out


def _headline(report: Report) -> Headline:
    c = report.crash
    first = c.panics[0].message if len(c.panics) > 1 else None
    if c.message and first and first != c.message:
        what = f"{c.message} (raised while panicking: {first})"
    elif c.message:
        what = c.message
    elif c.kind == "none":
        what = exit_text(report.exit_code)
    elif c.kind == "hang" and report.interrupted:
        what = f"still running when {report.interrupted} arrived; stopped before it was captured (partial)"
    elif c.kind == "hang" and report.incomplete and not report.goroutines:
        what = "still running when dlv ended; its goroutines could not be read (partial)"
    elif c.kind == "hang" and report.source.mode == "attach":
        what = "a running program, halted, captured and let go"
    elif c.kind == "hang":
        what = "did not end before the timeout; halted and captured"
    else:
        what = ""
    return Headline(crash_kind=c.kind, kind=c.kind.upper(), what=visible(what), goroutine_id=c.goroutine_id)


def _build(report: Report) -> list[str]:
    s = report.source
    dlv = f"dlv {s.dlv_version}" if s.dlv_version else ""
    return [x for x in (s.mode, s.profile or "", s.go_version or "", dlv) if x]


def _line(f: Frame, report: Report, *, landmarks: bool = False) -> FrameLine:
    """`f` as the views show it; `landmarks` marks it as a frame of the crash goroutine."""
    c = report.crash
    return FrameLine(
        index=f.index,
        function=visible(f.function or "???"),
        where=where(f, report),
        category=f.category,
        inlined=f.inlined,
        throw=landmarks and f.index == c.throw_frame_index,
        first_user=landmarks and c.first_user_frame is not None and f.index == c.first_user_frame.index,
        frame_n=c.frame_n.n if landmarks and f.index == c.frame_n.index else None,
        inlining=inlining_text(f, report),
        source=_shown_source(f.source),
        values=values(f),
    )


def _race_groups(report: Report) -> list[RaceGroup]:
    by_signature: dict[str, list[Race]] = {}
    for r in report.races:
        by_signature.setdefault(r.signature, []).append(r)
    groups = []
    for sig, races in by_signature.items():
        first = races[0]
        sides = [
            RaceSide(
                visible(f"{'previous ' if a.previous else ''}{a.op} by goroutine {a.goroutine_id}"),
                _line(a.first_user_frame, report) if a.first_user_frame is not None else None,
            )
            for a in first.accesses
        ]
        groups.append(RaceGroup(sig, len(races), sides, any(r.truncated for r in races)))
    return groups


def _shown_source(src: SourceContext | None) -> SourceContext | None:
    """The source lines as views show them: a file is the program's, its bytes untrusted."""
    if src is None:
        return None
    return SourceContext(
        path=visible(src.path),
        first_line=src.first_line,
        line=src.line,
        lines=[visible(x) for x in src.lines],
    )


def _unwind(u: UnwindCheck, others: list[UnwindCheck], report: Report) -> Unwind:
    disagree = sum(1 for o in others if not o.agree)
    tail = f"; {len(others) - disagree} of {len(others)} other goroutines agree" if others else ""
    if u.agree:
        verdict = (
            f"dlv's stack and the frame-pointer chain agree "
            f"({u.checked_frames} of {u.dwarf_frames} frames confirmed){tail}"
        )
    else:
        verdict = f"dlv's stack and the frame-pointer chain disagree (believe: {u.believe}){tail}"
    gap = None
    d = u.first_difference
    if not u.agree and d is not None:
        fp = (d.fp.function or hex(d.fp.pc)) if d.fp else None
        gap = UnwindGap(_line(d.dwarf, report) if d.dwarf else None, fp)
    return Unwind(
        agree=u.agree, verdict=verdict, first_difference=gap, explanation=u.explanation, chain_end=u.fp_end
    )


def _key(g: Goroutine, stacks: dict[int, tuple[str, ...]]) -> tuple[object, ...]:
    """What makes goroutines one group: state, frames left out, and each frame's function and line.

    The stack's part is made once per list of frames (`stacks`, keyed by the list's id: the report
    holds every list alive meanwhile): goroutines parked at the same place share one list (the
    analysis's FrameMemo), and 100,000 of them would otherwise make a million frame strings.
    """
    frames = g.frames
    stack = stacks.get(id(frames))
    if stack is None:
        stack = stacks[id(frames)] = tuple([f"{f.function}:{f.line}" for f in frames])
    return (g.status, g.wait_reason or "", str(g.frames_omitted), stack)


def _groups(report: Report) -> list[GoroutineGroup]:
    """The goroutines but the crash goroutine's, grouped by _key; the work per goroutine is a
    lookup and an append, a group's lines are made once for its first goroutine."""
    by_stack: dict[tuple[object, ...], list[Goroutine]] = defaultdict(list)
    stacks: dict[int, tuple[str, ...]] = {}
    crash_id = report.crash.goroutine_id
    for g in report.goroutines:
        if g.id != crash_id:
            by_stack[_key(g, stacks)].append(g)
    out = []
    for gs in by_stack.values():
        first = gs[0]
        out.append(
            GoroutineGroup(
                ids=[g.id for g in gs],
                state=state(first),
                runtime_only=bool(first.frames) and all(f.category == "runtime" for f in first.frames),
                frames=[_line(f, report) for f in first.frames],
                created_by=_line(first.created_by, report) if first.created_by is not None else None,
                frames_omitted=first.frames_omitted,
            )
        )
    out.sort(key=lambda grp: (grp.runtime_only, -len(grp.ids), grp.ids[0]))
    return out


def _streams(report: Report) -> list[Stream]:
    out = []
    if report.output.stdout:
        out.append(Stream("stdout", visible(report.output.stdout)))
    text = report.output.stderr
    if text:
        dump_at = _dump_at(text) if report.crash.kind not in ("none", "hang") else None
        at = len(visible(text[:dump_at])) if dump_at is not None else None  # the same place, made visible
        out.append(Stream("stderr", visible(text), at))
    return out


def _dump_at(stderr: str) -> int | None:
    """Where the runtime's goroutine dump begins: after the paragraph of its first crash header."""
    start = _DUMP_START.search(stderr)
    if start is None:
        return None
    end = stderr.find("\n\n", start.start())
    return end if end >= 0 else len(stderr)
