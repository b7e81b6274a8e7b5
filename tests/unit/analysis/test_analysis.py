"""The analysis on snapshots recorded from real runs (tests/data/snapshots; dlv 1.27.1, go1.26).

No debugger needed: the analysis is pure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.analysis.inline import inlined_marks
from dlvauto.landmarks import category, package_of
from dlvauto.snapshot import BuildFacts, RawFrame, Snapshot, snapshot_from_json
from dlvauto.suite.expect import Expectation, differences

from tests.helpers import DATA, EXAMPLES

SNAPSHOTS = DATA / "snapshots"
RECORDED = sorted(p.name.removesuffix(".json") for p in SNAPSHOTS.glob("*.json") if p.name.count(".") == 1)


def load(name: str) -> Snapshot:
    doc = json.loads((SNAPSHOTS / f"{name}.json").read_text())
    assert doc["recorded_with"]["dlv"].startswith("1.27")
    return snapshot_from_json(doc["snapshot"])


def test_every_example_has_a_recording() -> None:
    examples = sorted(p.parent.name for p in EXAMPLES.glob("*/expect.toml"))
    assert examples == RECORDED


@pytest.mark.parametrize("name", RECORDED)
def test_recorded_snapshot_gives_the_expected_report(name: str) -> None:
    report = analyze(load(name))
    assert differences(Expectation.load(EXAMPLES / name / "expect.toml"), report) == []


def test_panic_facts_deep_stack() -> None:
    report = analyze(load("deep_stack"))
    c = report.crash
    assert c.kind == "panic"
    assert c.message == "checksum mismatch: got 6, want 7"
    assert c.throw_frame_index == 1
    assert c.first_user_frame is not None
    assert (c.first_user_frame.index, c.first_user_frame.function) == (2, "example.com/deep_stack/c.Crash")
    assert c.first_user_frame.file == f"{report.source.module_dir}/c/c.go"
    assert c.first_user_frame.line == 18
    assert c.frame_n.index == 18 and c.frame_n.frame is not None
    assert c.frame_n.frame.function == "example.com/deep_stack/a.Level2"
    assert c.frame_n.frame.package == "example.com/deep_stack/a"


def test_frame_n_is_configurable() -> None:
    report = analyze(load("deep_stack"), frame_n=3)
    assert report.crash.frame_n.n == 3 and report.crash.frame_n.index == 4
    assert report.crash.frame_n.frame is not None
    assert report.crash.frame_n.frame.function == "example.com/deep_stack/b.Step8"


def test_deadlock_has_no_throw_frame_and_counts_from_minus_one() -> None:
    report = analyze(load("deadlock"))
    c = report.crash
    assert (c.kind, c.message, c.goroutine_id) == ("fatal", "all goroutines are asleep - deadlock!", 1)
    assert c.throw_frame_index is None
    assert c.frame_n.index == 16
    assert c.first_user_frame is not None and c.first_user_frame.function == "main.waitResult"


def test_fatal_error_in_other_goroutine() -> None:
    report = analyze(load("concurrent_map_writes"))
    c = report.crash
    assert c.kind == "fatal" and c.message == "concurrent map writes"
    assert c.goroutine_id != 1
    g = report.crash_goroutine()
    assert g is not None and g.frames[0].function == "runtime.fatal"
    assert g.frames[1].function == "internal/runtime/maps.fatal" and g.frames[1].category == "runtime"


def test_cgo_signal_first_user_frame_is_c_code() -> None:
    report = analyze(load("cgo_sigsegv"))
    c = report.crash
    assert c.kind == "signal" and c.message == "SIGSEGV: segmentation violation"
    assert c.throw_frame_index == 0
    assert c.first_user_frame is not None
    assert c.first_user_frame.function == "C.store_value"
    assert c.first_user_frame.package is None and c.first_user_frame.category == "user"
    assert c.first_user_frame.file == f"{report.source.module_dir}/cfault/fault.c"


def test_vendored_code_is_thirdparty_though_inside_the_module() -> None:
    report = analyze(load("thirdparty_vendor"))
    g = report.crash_goroutine()
    assert g is not None
    vendored = [f for f in g.frames if f.function and f.function.startswith("example.org/retry.")]
    assert vendored and all(f.category == "thirdparty" for f in vendored)
    assert report.crash.first_user_frame is not None
    assert report.crash.first_user_frame.function == "main.main.func1"


def test_callback_from_stdlib_classifies_stdlib_frames() -> None:
    report = analyze(load("json_unmarshaler_callback"))
    g = report.crash_goroutine()
    assert g is not None
    cats = {f.function: f.category for f in g.frames}
    assert cats["encoding/json.Unmarshal"] == "stdlib"
    assert cats["runtime.gopanic"] == "runtime"
    fu = report.crash.first_user_frame
    assert (
        fu is not None and fu.function == "example.com/json_unmarshaler_callback/model.(*Level).UnmarshalJSON"
    )


def test_inlined_frames_in_an_optimized_build() -> None:
    report = analyze(load("deep_stack.optimized"))
    g = report.crash_goroutine()
    assert g is not None
    inlined = {f.function.rsplit("/", 1)[-1] for f in g.frames if f.inlined and f.function}
    physical = {f.function.rsplit("/", 1)[-1] for f in g.frames if not f.inlined and f.function}
    # The rule: an inlined frame shares FrameOffset, pc and entry with the frame out from it.
    frames = load("deep_stack.optimized").goroutines[0].frames
    for i, f in enumerate(frames[:-1]):
        same = (f.frame_offset, f.pc, f.entry) == (
            frames[i + 1].frame_offset,
            frames[i + 1].pc,
            frames[i + 1].entry,
        )
        assert g.frames[i].inlined == same
    assert "c.Crash" in inlined and "c.Validate" in physical and "main.main" in physical
    assert "main.run" in inlined
    assert report.crash.first_user_frame is not None
    assert report.crash.first_user_frame.function == "example.com/deep_stack/c.Crash"


def test_debug_build_has_no_inlined_frames() -> None:
    report = analyze(load("deep_stack"))
    assert not any(f.inlined for g in report.goroutines for f in g.frames)


def test_signature_ignores_numbers_addresses_and_goroutine_ids() -> None:
    snap = load("concurrent_map_writes")
    base = analyze(snap).crash.signature
    for g in snap.goroutines:
        g.id += 100
        for f in g.frames:
            f.pc += 0x1000
    if snap.stop.goroutine_id is not None:
        snap.stop.goroutine_id += 100
    assert analyze(snap).crash.signature == base
    snap.stop.runtime_message = "concurrent map read and map write"
    assert analyze(snap).crash.signature != base


def test_signature_same_for_same_crash_with_other_numbers() -> None:
    a = analyze(load("index_out_of_range"))
    snap = load("index_out_of_range")
    snap.stop.runtime_message = "runtime error: index out of range [7] with length 4"
    assert analyze(snap).crash.signature == a.crash.signature


@pytest.mark.parametrize(
    ("function", "package"),
    [
        ("main.main", "main"),
        ("main.main.func1", "main"),
        ("example.com/x/store.(*Cache).Put", "example.com/x/store"),
        ("internal/runtime/maps.(*Map).assign", "internal/runtime/maps"),
        ("example.com/x.Map[go.shape.string].Get", "example.com/x"),
        ("example.com/x.F[example.com/y.T]", "example.com/x"),
        ("gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml.v3"),
        ("C.store_value", None),
        ("type:.eq.main.T", None),
        (None, None),
    ],
)
def test_package_of(function: str | None, package: str | None) -> None:
    assert package_of(function) == package


FACTS = BuildFacts(
    module_path="example.com/app",
    module_dir="/src/app",
    goroot="/usr/local/go",
    gomodcache="/home/u/go/pkg/mod",
)


@pytest.mark.parametrize(
    ("function", "file", "expected"),
    [
        ("runtime.gopanic", "/usr/local/go/src/runtime/panic.go", "runtime"),
        ("internal/runtime/maps.fatal", "/usr/local/go/src/runtime/panic.go", "runtime"),
        ("runtime.goexit", "/usr/local/go/src/runtime/asm_amd64.s", "runtime"),
        ("sort.Slice", "/usr/local/go/src/sort/slice.go", "stdlib"),
        ("internal/sync.(*Mutex).Unlock", "/usr/local/go/src/internal/sync/mutex.go", "stdlib"),
        ("main.main", "/src/app/main.go", "user"),
        ("example.com/app/db.Open", "/src/app/db/db.go", "user"),
        ("example.com/app/db.Open", "/elsewhere/db.go", "user"),  # trimpath or moved sources
        ("C.crash", "/src/app/c/crash.c", "user"),
        ("example.org/lib.Do", "/src/app/vendor/example.org/lib/lib.go", "thirdparty"),
        ("github.com/x/y.F", "/home/u/go/pkg/mod/github.com/x/y@v1.0.0/y.go", "thirdparty"),
        ("example.com/application.F", "/home/u/go/pkg/mod/example.com/application@v1/f.go", "thirdparty"),
        ("C.memcpy", None, "unknown"),
        (None, None, "unknown"),
    ],
)
def test_category(function: str | None, file: str | None, expected: str) -> None:
    assert category(RawFrame(function=function, file=file), FACTS) == expected


def test_inlined_marks_rule() -> None:
    f = [
        RawFrame(function="a", pc=10, entry=1, frame_offset=-40),
        RawFrame(function="b", pc=10, entry=1, frame_offset=-40),
        RawFrame(function="c", pc=10, entry=1, frame_offset=-40),
        RawFrame(function="d", pc=20, entry=2, frame_offset=-80),
        RawFrame(function="e", pc=30, entry=3, frame_offset=-80),
    ]
    assert inlined_marks(f) == [True, True, False, False, False]
    text = [RawFrame(function="x", inlined=True), RawFrame(function="y")]
    assert inlined_marks(text) == [True, False]


def test_recordings_are_in_tests_data() -> None:
    assert Path(SNAPSHOTS).is_dir() and len(RECORDED) >= 18
