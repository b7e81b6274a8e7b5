"""The frame-pointer cross-check, ancestors and mixed Go/C stacks, on real runs under dlv."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dlvauto.analysis import analyze
from dlvauto.analysis.unwind import check
from dlvauto.report import Frame, Goroutine, Report
from dlvauto.snapshot import FPChain, RawFrame
from dlvauto.sources.live import run_live
from dlvauto.suite.expect import Expectation

from tests.helpers import EXAMPLE_NAMES, EXAMPLES, build_example, needs_dlv

CHECKED = [n for n in EXAMPLE_NAMES if Expectation.load(EXAMPLES / n / "expect.toml").kind != "none"]
BROKEN = "broken_frame_pointer"
# A signal the program raises itself (kill(2), abort(3)) arrives in the middle of the syscall: the
# saved frame-pointer chain does not lead through the kernel's signal frame, so the two unwinds
# part there by nature (the cgo SIGSEGV, raised by a faulting store, is crossed fine).
SELF_SIGNALLED = {"self_sigabrt", "cgo_abort"}


def _run(name: str, profile: str = "debug", **kw: object) -> Report:
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    built = build_example(name, profile)
    return analyze(run_live(built.binary, exp.args, facts=built.facts, timeout=exp.timeout, **kw))  # type: ignore[arg-type]


@needs_dlv
@pytest.mark.parametrize("name", [n for n in CHECKED if n != BROKEN and n not in SELF_SIGNALLED])
def test_check_agrees_on_debug_builds(name: str) -> None:
    u = _run(name, unwind="crash").unwind_check
    assert u is not None and u.goroutine_id is not None
    assert u.agree, u.explanation
    assert u.checked_frames >= 2 and u.first_difference is None


@needs_dlv
def test_check_agrees_on_an_optimized_build_with_inlined_frames() -> None:
    report = _run("deep_stack", "optimized", unwind="crash")
    g = report.crash_goroutine()
    assert g is not None and any(f.inlined for f in g.frames)
    u = report.unwind_check
    assert u is not None and u.agree, u.explanation
    assert u.dwarf_frames == len([f for f in g.frames if not f.inlined]) == u.checked_frames


@needs_dlv
def test_check_disagrees_where_assembly_broke_the_chain() -> None:
    report = _run(BROKEN, unwind="crash")
    u = report.unwind_check
    assert u is not None and not u.agree
    assert u.first_difference is not None and u.first_difference.dwarf is not None
    assert (u.first_difference.dwarf.index, u.first_difference.dwarf.function) == (4, "main.main")
    assert u.first_difference.fp is None
    assert u.believe == "dwarf"
    assert [f.function for f in u.fp_stack] == [
        "runtime.fatalpanic",
        "runtime.gopanic",
        "main.explode",
        "main.clobber",
    ]
    assert "saved frame pointer 0x10 does not lead up the stack" in u.fp_end


@needs_dlv
def test_cgo_stack_shows_c_frames_and_where_the_chain_stops() -> None:
    report = _run("cgo_sigsegv", unwind="crash")
    g = report.crash_goroutine()
    assert g is not None
    names = [f.function for f in g.frames]
    start = names.index("runtime.sigtrampgo")
    c_frame = g.frames[start + 1]
    assert (c_frame.function, c_frame.line, c_frame.category) == ("C.store_value", 7, "user")
    assert c_frame.file is not None and c_frame.file.endswith("cfault/fault.c")
    assert names[start + 2].startswith("C._cgo_") and names[start + 2].endswith("_Cfunc_store_value")
    assert names.index("runtime.asmcgocall") < names.index("runtime.cgocall")
    assert names.index("runtime.cgocall") < names.index("example.com/cgo_sigsegv/cfault._Cfunc_store_value")
    u = report.unwind_check
    assert u is not None and u.agree
    assert "crosses the signal frame" in u.explanation
    assert "cannot cross the stack switch in runtime.asmcgocall" in u.explanation


@needs_dlv
def test_all_goroutines_are_checked_with_all() -> None:
    report = _run("many_goroutines", unwind="all")
    assert report.unwind_check is not None and report.unwind_check.agree
    assert len(report.unwind_others) == len(report.goroutines) - 1
    assert all(o.agree for o in report.unwind_others), [
        o.explanation for o in report.unwind_others if not o.agree
    ]


@needs_dlv
def test_ancestors_show_where_the_worker_was_started() -> None:
    report = _run("goroutine_panic", ancestors=2)
    g = report.crash_goroutine()
    assert g is not None and g.id != 1
    assert g.ancestors and g.ancestors[0].id == 1
    frames = [(f.function, f.line) for f in g.ancestors[0].frames]
    assert ("main.main", 16) in frames, frames


def _frame(i: int, fn: str, pc: int, inlined: bool = False) -> Frame:
    return Frame(
        index=i, function=fn, package=None, file=None, line=1, pc=pc, category="user", inlined=inlined
    )


def test_check_rules_on_synthetic_stacks() -> None:
    g = Goroutine(id=7, status="running", frames=[
        _frame(0, "a", 10), _frame(1, "b", 20, inlined=True), _frame(2, "c", 20), _frame(3, "d", 30),
    ])  # fmt: skip
    same = FPChain(pcs=[10, 20, 30], frames=[RawFrame(function=x) for x in "acd"], complete=True)
    assert check(g, same).agree and check(g, same).checked_frames == 3
    wrong = FPChain(pcs=[10, 25, 30], frames=[RawFrame(function="a"), RawFrame(), RawFrame(function="d")])
    u = check(g, wrong)
    assert not u.agree and u.believe == "dwarf"
    assert u.first_difference is not None and u.first_difference.dwarf is not None
    assert u.first_difference.dwarf.function == "c"
    longer = FPChain(pcs=[10, 20, 30, 40], frames=[RawFrame(function=x) for x in "acde"], complete=True)
    assert check(g, longer).believe == "frame_pointers"
    assert check(g, longer, depth_cut=True).agree


def test_a_frameless_assembly_leaf_leaves_its_caller_unchecked() -> None:
    leaf = replace(_frame(0, "runtime.futex", 10), file="/go/src/runtime/sys_linux_amd64.s")
    g = Goroutine(id=9, status="running", frames=[
        leaf, _frame(1, "runtime.futexsleep", 20), _frame(2, "runtime.notesleep", 30),
        _frame(3, "runtime.mPark", 40),
    ])  # fmt: skip
    chain = FPChain(pcs=[10, 30, 40], frames=[RawFrame(function=x) for x in
                    ("runtime.futex", "runtime.notesleep", "runtime.mPark")], complete=True)  # fmt: skip
    u = check(g, chain)
    assert u.agree, u.explanation
    assert "runtime.futexsleep is unchecked" in u.explanation
    # The same skip for a Go leaf would hide a real difference: it is not made.
    go_leaf = replace(g, frames=[_frame(0, "main.leaf", 10), *g.frames[1:]])
    assert not check(go_leaf, chain).agree
