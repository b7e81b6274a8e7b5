"""Analysis: pure functions from a Snapshot to a Report. No I/O, no dlv, no clock."""

from __future__ import annotations

from dlvauto.analysis import unwind
from dlvauto.analysis.classify import Classifier, category, package_of
from dlvauto.analysis.crash import crash_goroutine, crash_kind, crash_message, throw_index
from dlvauto.analysis.inline import inlined_marks
from dlvauto.analysis.signature import signature
from dlvauto.report import AncestorStack, Crash, Frame, FrameN, Goroutine, Output, Report, Source, UnwindCheck
from dlvauto.snapshot import Ancestor, RawFrame, RawGoroutine, Snapshot

DEFAULT_FRAME_N = 17
SIGNATURE_USER_FRAMES = 3


def to_frame(index: int, raw: RawFrame, classify: Classifier, inlined: bool = False) -> Frame:
    return Frame(
        index=index,
        function=raw.function,
        package=package_of(raw.function),
        file=raw.file,
        line=raw.line,
        pc=raw.pc,
        category=classify(raw),
        inlined=inlined,
    )


def to_goroutine(g: RawGoroutine, classify: Classifier, ancestors: list[Ancestor] | None = None) -> Goroutine:
    marks = inlined_marks(g.frames)
    return Goroutine(
        id=g.id,
        status=g.status,
        wait_reason=g.wait_reason,
        created_by=to_frame(0, g.created_by, classify) if g.created_by else None,
        frames=[to_frame(i, f, classify, marks[i]) for i, f in enumerate(g.frames)],
        ancestors=[
            AncestorStack(
                id=a.id,
                frames=[to_frame(i, f, classify) for i, f in enumerate(a.frames)],
                unreadable=a.unreadable,
            )
            for a in ancestors or []
        ],
    )


def analyze(snap: Snapshot, frame_n: int = DEFAULT_FRAME_N) -> Report:
    """Turn what a source saw into the report design.md defines."""
    facts = snap.build
    kind = crash_kind(snap)
    message = crash_message(snap, kind)
    crash_raw = crash_goroutine(snap, kind)
    classify = Classifier(facts)
    goroutines = [to_goroutine(g, classify, snap.ancestors.get(g.id)) for g in snap.goroutines]
    crash_g = next((g for g in goroutines if crash_raw is not None and g.id == crash_raw.id), None)
    if crash_g is not None:
        goroutines.remove(crash_g)
        goroutines.sort(key=lambda g: g.id)
        goroutines.insert(0, crash_g)
    else:
        goroutines.sort(key=lambda g: g.id)

    throw = throw_index(crash_raw, kind) if crash_raw is not None else None
    if snap.runtime_frames_hidden and crash_raw is not None and crash_raw.id == snap.stop.goroutine_id:
        throw = -1  # the goroutine that threw, its runtime frames hidden by the traceback level
    first_user = None
    n_index = (throw if throw is not None else -1) + frame_n
    n_frame = None
    if crash_g is not None:
        start = (throw if throw is not None else -1) + 1
        first_user = next((f for f in crash_g.frames[start:] if f.category == "user"), None)
        if 0 <= n_index < len(crash_g.frames):
            n_frame = crash_g.frames[n_index]

    user_functions: list[str] = []
    if crash_g is not None and first_user is not None:
        user_functions = [
            f.function or "?" for f in crash_g.frames[first_user.index :] if f.category == "user"
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
    unwind_check, unwind_others = _unwind_checks(snap, goroutines, crash_g)
    return Report(
        unwind_check=unwind_check,
        unwind_others=unwind_others,
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
        ),
        exit_code=exit_code,
        output=Output(stdout=snap.output.stdout, stderr=snap.output.stderr, truncated=snap.output.truncated),
        crash=crash,
        goroutines=goroutines,
        notes=list(snap.notes),
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
