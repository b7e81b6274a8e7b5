"""Analysis: pure functions from a Snapshot to a Report. No I/O, no dlv, no clock."""

from __future__ import annotations

import re
from dataclasses import asdict, replace

from dlvauto.analysis import tests, unwind
from dlvauto.analysis.crash import crash_goroutine, crash_kind, crash_message
from dlvauto.analysis.inline import inlined_marks
from dlvauto.analysis.inlining import annotate, to_report
from dlvauto.analysis.panics import panic_chain, recovered_panic
from dlvauto.analysis.races import StackMemo, race
from dlvauto.analysis.signature import signature
from dlvauto.gofacts.runtime import runtime_name
from dlvauto.landmarks import (
    DEFAULT_FRAME_N,
    Classifier,
    category,
    frame_n_index,
    original_panic,
    package_of,
    throw_index,
    user_frames_above,
)
from dlvauto.report import (
    AncestorStack,
    Crash,
    Frame,
    FrameN,
    Goroutine,
    Output,
    Report,
    Source,
    UnwindCheck,
    Value,
    built,
)
from dlvauto.snapshot import Ancestor, RawFrame, RawGoroutine, Snapshot
from dlvauto.system.gcpause import paused_gc

SIGNATURE_USER_FRAMES = 3


RACE_EXIT = 66  # a -race program's exit status once the detector reported a race
_GOWRAP = re.compile(r"\.gowrap\d+$")


def to_frame(index: int, raw: RawFrame, classify: Classifier, inlined: bool = False) -> Frame:
    name, type_args = runtime_name(raw.function)
    return Frame(
        index=index,
        function=name,
        type_args=type_args,
        package=package_of(raw.function),
        file=raw.file,
        line=raw.line,
        pc=raw.pc,
        category=classify(raw),
        inlined=inlined,
    )


class FrameMemo:
    """Report frames made once for raw frames a source shares among goroutines.

    The text source gives goroutines parked at the same place the same RawFrame objects; keyed
    by those objects' identities (alive as long as the snapshot is), a whole stack seen before
    costs one dict lookup, and 100,000 goroutines in one spot share one list of report Frames
    instead of a million Frames. Sources that share nothing only fill the dicts.
    """

    def __init__(self) -> None:
        self.stacks: dict[tuple[int, ...], list[Frame]] = {}
        self.created: dict[int, Frame] = {}


def _frames(raw: list[RawFrame], classify: Classifier, memo: FrameMemo | None) -> list[Frame]:
    if memo is not None:
        key = tuple(map(id, raw))
        known = memo.stacks.get(key)
        if known is None:
            known = memo.stacks[key] = _frames(raw, classify, None)
        return known
    marks = inlined_marks(raw)
    return [to_frame(i, f, classify, marks[i]) for i, f in enumerate(raw)]


def _created_by(raw: RawFrame | None, classify: Classifier, memo: FrameMemo | None) -> Frame | None:
    if raw is None:
        return None
    if memo is None:
        return to_frame(0, raw, classify)
    frame = memo.created.get(id(raw))
    if frame is None:
        frame = memo.created[id(raw)] = to_frame(0, raw, classify)
    return frame


def to_goroutine(
    g: RawGoroutine,
    classify: Classifier,
    ancestors: list[Ancestor] | None = None,
    memo: FrameMemo | None = None,
) -> Goroutine:
    """The report's goroutine; `memo` (alive no longer than the snapshot) shares equal frames.

    Made without validation (report.built: a text dump makes 100,000 of them, and every value
    here is typed already); tests/unit/test_built.py checks it against the validating constructor.
    """
    return built(
        Goroutine,
        {
            "id": g.id,
            "status": g.status,
            "wait_reason": g.wait_reason,
            "created_by": _created_by(g.created_by, classify, memo),
            "frames": _frames(g.frames, classify, memo),
            "ancestors": [
                AncestorStack(
                    id=a.id,
                    frames=[to_frame(i, f, classify) for i, f in enumerate(a.frames)],
                    unreadable=a.unreadable,
                )
                for a in ancestors or []
            ],
            "wait_minutes": g.wait_minutes,
            "locked_to_thread": g.locked_to_thread,
            "frames_omitted": g.frames_omitted,
        },
    )


def analyze(snap: Snapshot, frame_n: int = DEFAULT_FRAME_N) -> Report:
    """Turn what a source saw into the report design.md defines.

    The build facts carry the compiler's inlining diagnostics of an optimized build: they become the
    report's `inlining` list, and the crash goroutine's frames carry the ones that explain them.

    The cyclic garbage collector is paused meanwhile (system/gcpause.py): a dump of 100,000
    goroutines becomes as many report models, no cycles among them, and the collector's full passes
    over the growing heap cost 0.3-0.6 s of the analysis's 0.8 s, for nothing.
    """
    with paused_gc():
        return _analyze(snap, frame_n)


def _analyze(snap: Snapshot, frame_n: int) -> Report:
    facts = snap.build
    kind = crash_kind(snap)
    message = crash_message(snap, kind)
    crash_raw = crash_goroutine(snap, kind)
    classify = Classifier(facts)
    memo = FrameMemo()
    goroutines = [to_goroutine(g, classify, snap.ancestors.get(g.id), memo) for g in snap.goroutines]
    _attach_values(snap, goroutines)
    del memo
    crash_g = next((g for g in goroutines if crash_raw is not None and g.id == crash_raw.id), None)
    if crash_g is not None:
        goroutines.remove(crash_g)
        goroutines.sort(key=lambda g: g.id)
        goroutines.insert(0, crash_g)
    else:
        goroutines.sort(key=lambda g: g.id)
    if crash_g is not None:
        annotate(crash_g.frames, facts.inlining)  # the compiler's why, for the crash goroutine only

    throw = throw_index(crash_raw.frames, kind) if crash_raw is not None else None
    if snap.runtime_frames_hidden and crash_raw is not None and crash_raw.id == snap.stop.goroutine_id:
        throw = -1  # the goroutine that threw, its runtime frames hidden by the traceback level
    innermost_throw = throw
    if kind == "panic" and crash_raw is not None:
        throw = original_panic(crash_raw.frames, throw, classify)
    first_user = None
    n_index = frame_n_index(throw, frame_n)
    n_frame = None
    if crash_g is not None and crash_raw is not None:
        users = user_frames_above(crash_raw.frames, throw, lambda f: classify(f) == "user")
        first_user = crash_g.frames[users[0]] if users else None
        if 0 <= n_index < len(crash_g.frames):
            n_frame = crash_g.frames[n_index]

    user_functions: list[str] = []
    if crash_g is not None and first_user is not None:
        # The compiler's wrapper of a `go f(x)` statement (`F.gowrap1`) is a frame dlv shows and the
        # runtime's traceback never prints: it takes no part, so the signature is the same in text.
        user_functions = [
            f.function or "?"
            for f in crash_g.frames[first_user.index :]
            if f.category == "user" and not _GOWRAP.search(f.function or "")
        ][:SIGNATURE_USER_FRAMES]
    exit_code = snap.stop.exit_status if snap.mode == "live" else None
    sig_message = message if kind != "none" else f"exit {exit_code}"
    crash = Crash(
        kind=kind,
        message=message,
        goroutine_id=crash_g.id if crash_g is not None else None,
        throw_frame_index=throw,
        first_user_frame=first_user,
        frame_n=FrameN(n=frame_n, index=n_index, frame=n_frame),
        signature=signature(kind, sig_message, user_functions),
    )
    if kind == "panic":
        crash.panics = panic_chain(
            crash_g, snap.stop.runtime_chain, message, throw != innermost_throw, innermost_throw == -1
        )
    is_test = facts.tested_package is not None
    if kind == "panic" and tests.is_timeout(message):
        crash.stuck = tests.stuck(goroutines, crash.goroutine_id)
    unwind_check, unwind_others = _unwind_checks(snap, goroutines, crash_g)
    recovered = [
        recovered_panic(r.source, r.message, to_goroutine(r.goroutine, classify)) for r in snap.recovered
    ]
    race_frames = StackMemo(lambda i, f: to_frame(i, f, classify))
    races = [race(r, race_frames) for r in snap.races]
    notes = list(snap.notes)
    if races and exit_code == RACE_EXIT:
        notes.append(f"exit status {RACE_EXIT} is the race detector's: it reported {len(races)} data race(s)")
    return Report(
        races=races,
        recovered=recovered,
        failed_tests=tests.failures(snap.output.stdout, snap.output.stderr) if is_test else [],
        unwind_check=unwind_check,
        unwind_others=unwind_others,
        incomplete=snap.incomplete,
        interrupted=snap.interrupted,
        source=Source(
            mode=snap.mode,
            binary=facts.binary,
            core=snap.core,
            trace=snap.trace,
            profile=facts.profile,
            go_version=facts.go_version,
            dlv_version=snap.dlv_version,
            module_path=facts.module_path,
            module_dir=facts.module_dir,
            goroot=facts.goroot,
            tested_package=facts.tested_package,
        ),
        exit_code=exit_code,
        output=Output(**asdict(snap.output)),
        crash=crash,
        goroutines=goroutines,
        inlining=[to_report(d) for d in facts.inlining],
        notes=notes,
        errors=list(snap.errors),
    )


def _attach_values(snap: Snapshot, goroutines: list[Goroutine]) -> None:
    """Put the values read at the crash on their frames (copies: frames may be shared)."""
    for g in goroutines:
        per_frame = snap.values.get(g.id)
        if not per_frame:
            continue
        for index, vals in per_frame.items():
            if 0 <= index < len(g.frames):
                g.frames[index] = replace(
                    g.frames[index],
                    args=[Value(**asdict(v)) for v in vals.args],
                    locals=[Value(**asdict(v)) for v in vals.locals],
                )


def _unwind_checks(
    snap: Snapshot, goroutines: list[Goroutine], crash_g: Goroutine | None
) -> tuple[UnwindCheck | None, list[UnwindCheck]]:
    """The frame-pointer cross-check of every goroutine whose chain the source read."""
    if not snap.fp_chains:
        return None, []
    raw_len = {g.id: len(g.frames) for g in snap.goroutines}
    checks: dict[int, UnwindCheck] = {}
    for g in goroutines:
        chain = snap.fp_chains.get(g.id)
        if chain is not None:
            cut = snap.depth is not None and raw_len.get(g.id, 0) >= snap.depth + 1
            checks[g.id] = unwind.check(g, chain, depth_cut=cut)
    mine = checks.pop(crash_g.id, None) if crash_g is not None else None
    return mine, [checks[k] for k in sorted(checks)]


__all__ = ["DEFAULT_FRAME_N", "analyze", "category", "package_of"]
