"""The compiler's inlining diagnostics joined to frames: which frames were inlined, and why.

Pure tests read snapshots recorded from real optimized runs (tests/data/snapshots, go1.26.8, whose
build facts carry the -m=2 diagnostics); live tests build with `--profile optimized`, run under dlv
and analyze, and check the same facts function by function.
"""

from __future__ import annotations

import json
import re

from dlvauto.analysis import analyze
from dlvauto.gobuild.program import build
from dlvauto.report import Frame, Report
from dlvauto.snapshot import Snapshot, snapshot_from_json
from dlvauto.sources.live import run_live

from tests.helpers import DATA, EXAMPLES, needs_dlv, plain

TWO = "example.com/inlined_two_deep"
DEEP = "example.com/deep_stack"
TOO_COMPLEX = re.compile(r"function too complex: cost \d+ exceeds budget 80")


def load(name: str) -> Snapshot:
    doc = json.loads((DATA / "snapshots" / f"{name}.json").read_text())
    return snapshot_from_json(doc["snapshot"])


def user_frames(report: Report) -> list[Frame]:
    g = report.crash_goroutine()
    assert g is not None
    return [f for f in g.frames if f.category == "user"]


def rel(path: str | None, report: Report) -> str | None:
    root = (report.source.module_dir or "").rstrip("/") + "/"
    return path[len(root) :] if path and path.startswith(root) else path


def note(f: Frame, report: Report) -> tuple[object, ...] | None:
    d = f.inlining
    if d is None:
        return None
    return (d.kind, rel(d.file, report), d.line, d.column, d.caller, d.callee, d.text)


def assert_call_sites(report: Report) -> None:
    """Every inlined frame's diagnostic sits at its caller's file:line and names the frame's function."""
    g = report.crash_goroutine()
    assert g is not None
    for i, f in enumerate(g.frames):
        if f.inlined and f.inlining is not None:
            caller = g.frames[i + 1]
            assert (f.inlining.file, f.inlining.line) == (caller.file, caller.line), f.function
            assert f.inlining.caller == caller.function and f.inlining.callee == f.function


def test_recorded_two_deep_frames_carry_the_compilers_word() -> None:
    report = analyze(load("inlined_two_deep"))
    assert [(f.function, f.inlined) for f in user_frames(report)] == [
        (f"{TWO}/b.leaf", True),
        (f"{TWO}/b.Middle", True),
        (f"{TWO}/a.Outer", False),
        ("main.main", False),
    ]
    assert [note(f, report) for f in user_frames(report)] == [
        ("inlining_call", "b/b.go", 6, 13, f"{TWO}/b.Middle", f"{TWO}/b.leaf", "inlining call to leaf"),
        ("inlining_call", "a/a.go", 16, 20, f"{TWO}/a.Outer", f"{TWO}/b.Middle", "inlining call to b.Middle"),
        ("cannot_inline", "a/a.go", 12, 6, "main.main", f"{TWO}/a.Outer",
         "cannot inline Outer: function too complex: cost 197 exceeds budget 80"),
        ("cannot_inline", "main.go", 14, 6, "runtime.main", "main.main",
         "cannot inline main: function too complex: cost 166 exceeds budget 80"),
    ]  # fmt: skip
    assert_call_sites(report)
    assert report.crash.first_user_frame is not None
    assert report.crash.first_user_frame.inlining == user_frames(report)[0].inlining
    # the report's list is every diagnostic of the main module, in the order the compiler printed them
    assert len(report.inlining) == 10
    assert [(d.kind, d.callee) for d in report.inlining[:3]] == [
        ("can_inline", f"{TWO}/b.leaf"),
        ("can_inline", f"{TWO}/b.Middle"),
        ("inlining_call", f"{TWO}/b.leaf"),
    ]


def test_inlined_frame_falls_back_to_the_outermost_call_site() -> None:
    """Without package b's own diagnostics (as for code built elsewhere), leaf's inlining is still
    explained: the compiler reports it again at the call in a.Outer whose body received it."""
    snap = load("inlined_two_deep")
    snap.build.inlining = [d for d in snap.build.inlining if d.package != f"{TWO}/b"]
    report = analyze(snap)
    leaf = user_frames(report)[0]
    assert note(leaf, report) == (
        "inlining_call", "a/a.go", 16, 20, f"{TWO}/b.Middle", f"{TWO}/b.leaf", "inlining call to b.leaf",
    )  # fmt: skip


def test_inlinable_function_called_through_a_function_value() -> None:
    """sort.Slice calls the less closure through a func value: inlinable, yet not inlined there. Its
    declaration was inlined into main.main with ranking.Sort, so dlv names it main.main.Sort.func1."""
    report = analyze(load("sort_less_callback.optimized"))
    less = next(f for f in user_frames(report) if f.function == "main.main.Sort.func1")
    assert not less.inlined
    assert note(less, report) == (
        "can_inline", "ranking/ranking.go", 19, 17, "sort.insertionSort_func", "main.main.Sort.func1",
        "can inline Sort.func1 with cost 12, but was not inlined at this call site",
    )  # fmt: skip
    sort_frame = next(f for f in user_frames(report) if f.function.endswith("ranking.Sort"))
    assert sort_frame.inlined and sort_frame.inlining is not None
    assert sort_frame.inlining.text == "inlining call to ranking.Sort"


def test_debug_builds_have_no_diagnostics() -> None:
    report = analyze(load("deep_stack"))
    assert report.inlining == []
    assert all(f.inlining is None for g in report.goroutines for f in g.frames)
    frame = plain(report)["goroutines"][0]["frames"][0]
    assert "inlining" not in frame and "source" not in frame, "absent explanations are left out"


@needs_dlv
def test_live_two_deep_optimized() -> None:
    built = build(EXAMPLES / "inlined_two_deep", "optimized")
    report = analyze(run_live(built.binary, facts=built.facts, timeout=60))
    assert report.crash.message == "runtime error: index out of range [2] with length 2"
    frames = user_frames(report)
    assert [(f.function, f.inlined, rel(f.file, report), f.line) for f in frames] == [
        (f"{TWO}/b.leaf", True, "b/b.go", 11),
        (f"{TWO}/b.Middle", True, "b/b.go", 6),
        (f"{TWO}/a.Outer", False, "a/a.go", 16),
        ("main.main", False, "main.go", 17),
    ]
    leaf, middle, outer, main = frames
    assert note(leaf, report) == (
        "inlining_call", "b/b.go", 6, 13, f"{TWO}/b.Middle", f"{TWO}/b.leaf", "inlining call to leaf",
    )  # fmt: skip
    assert note(middle, report) == (
        "inlining_call", "a/a.go", 16, 20, f"{TWO}/a.Outer", f"{TWO}/b.Middle", "inlining call to b.Middle",
    )  # fmt: skip
    assert outer.inlining is not None and main.inlining is not None
    assert (outer.inlining.kind, rel(outer.inlining.file, report), outer.inlining.line) == (
        "cannot_inline", "a/a.go", 12,
    )  # fmt: skip
    assert outer.inlining.reason and TOO_COMPLEX.fullmatch(outer.inlining.reason)
    assert (main.inlining.kind, rel(main.inlining.file, report), main.inlining.line) == (
        "cannot_inline", "main.go", 14,
    )  # fmt: skip
    assert main.inlining.text.startswith("cannot inline main: function too complex")
    assert_call_sites(report)
    fu = report.crash.first_user_frame
    assert fu is not None and fu.function == f"{TWO}/b.leaf" and fu.inlined


@needs_dlv
def test_live_deep_stack_optimized() -> None:
    built = build(EXAMPLES / "deep_stack", "optimized")
    report = analyze(run_live(built.binary, facts=built.facts, timeout=60))
    frames = user_frames(report)
    expected = [
        ("c.Crash", True, "inlining call to Crash"),
        ("c.Validate", False, "cannot inline Validate"),
        ("b.Step8", True, "inlining call to Step8"),
        ("b.Step7", True, "inlining call to Step7"),
        ("b.Step6", True, "inlining call to Step6"),
        ("b.Step5", True, "inlining call to Step5"),
        ("b.Step4", False, "cannot inline Step4"),
        ("b.Step3", True, "inlining call to Step3"),
        ("b.Step2", True, "inlining call to Step2"),
        ("b.Step1", True, "inlining call to b.Step1"),  # called from package a: qualified
        ("a.Level8", False, "cannot inline Level8"),
        ("a.Level7", True, "inlining call to Level7"),
        ("a.Level6", True, "inlining call to Level6"),
        ("a.Level5", True, "inlining call to Level5"),
        ("a.Level4", False, "cannot inline Level4"),
        ("a.Level3", True, "inlining call to Level3"),
        ("a.Level2", True, "inlining call to Level2"),
        ("a.Level1", True, "inlining call to a.Level1"),
        ("main.run", True, "inlining call to run"),
        ("main.main", False, "cannot inline main"),
    ]
    got = [
        ((f.function or "").removeprefix(f"{DEEP}/"), f.inlined, f.inlining.text if f.inlining else None)
        for f in frames
    ]
    assert [(fn, inl) for fn, inl, _ in got] == [(fn, inl) for fn, inl, _ in expected]
    for (fn, _, text), (_, _, want) in zip(got, expected, strict=True):
        assert text is not None and (text == want or text.startswith(want + ": function too complex")), fn
    assert_call_sites(report)
    # e.g. Step1 was inlined into a.Level8 at a/a.go:43, the line Level8's frame shows
    step1 = next(f for f in frames if f.function == f"{DEEP}/b.Step1")
    assert step1.inlining is not None
    assert (rel(step1.inlining.file, report), step1.inlining.line, step1.inlining.caller) == (
        "a/a.go", 43, f"{DEEP}/a.Level8",
    )  # fmt: skip
    n = report.crash.frame_n.frame
    assert n is not None and n.function == f"{DEEP}/a.Level2" and n.inlining is not None


@needs_dlv
def test_live_debug_build_has_no_inlining() -> None:
    built = build(EXAMPLES / "inlined_two_deep", "debug")
    report = analyze(run_live(built.binary, facts=built.facts, timeout=60))
    assert report.inlining == [] and not any(f.inlined or f.inlining for f in user_frames(report))
    assert [f.function for f in user_frames(report)] == [
        f"{TWO}/b.leaf",
        f"{TWO}/b.Middle",
        f"{TWO}/a.Outer",
        "main.main",
    ]
