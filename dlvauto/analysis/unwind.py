"""dlv's stack against the frame-pointer chain: where they agree, where they part, whom to believe.

Pure: both stacks are in the snapshot. Inlined frames have no frame of their own in the chain, so
only dlv's physical frames are compared. Two crossings are told apart from real disagreement:
a signal frame (the chain runs through runtime.sigtramp and the kernel's return trampoline where
dlv steps to the interrupted code, whose own pc is no return address) and a switch of stacks
(asmcgocall, systemstack, mcall: the chain cannot follow from the system stack back to the
goroutine's, so dlv's frames beyond are left unchecked, not contradicted).
"""

from __future__ import annotations

from typing import Any, Literal

from dlvauto.gofacts.runtime import SIGNAL_TRAMPOLINES, STACK_SWITCHES
from dlvauto.report import Frame, Goroutine, UnwindCheck, UnwindDifference, UnwindFrame
from dlvauto.snapshot import FPChain


def _fp_frames(chain: FPChain) -> list[UnwindFrame]:
    frames = chain.frames or []
    out = []
    for i, pc in enumerate(chain.pcs):
        f = frames[i] if i < len(frames) else None
        out.append(
            UnwindFrame(index=i, pc=pc, function=f.function if f else None, file=f.file if f else None,
                        line=f.line if f else 0)
        )  # fmt: skip
    return out


def check(g: Goroutine, chain: FPChain, depth_cut: bool = False) -> UnwindCheck:
    """Compare goroutine `g`'s physical frames with its frame-pointer chain."""
    physical: list[Frame] = [f for f in g.frames if not f.inlined and f.pc != 0]
    fp = _fp_frames(chain)
    i = j = 0
    checked = 0
    crossed_signal = False
    notes: list[str] = []
    diff: UnwindDifference | None = None
    while i < len(physical) and j < len(fp):
        if physical[i].pc == fp[j].pc:
            i, j, checked = i + 1, j + 1, checked + 1
            continue
        if fp[j].function in SIGNAL_TRAMPOLINES or (crossed_signal and fp[j].function is None):
            crossed_signal = True  # the trampoline, then the kernel's return stub (no Go function)
            j += 1
            continue
        if i == j == 1 and _frameless_leaf(physical[0]) and len(physical) > 2 and physical[2].pc == fp[j].pc:
            # An assembly leaf (runtime.futex, usleep) makes no frame of its own: the frame pointer
            # is still its caller's, so the chain's first step skips the caller, which is unchecked.
            caller = physical[1].function
            notes.append(f"{physical[0].function} is a frameless assembly leaf; the chain starts at "
                         f"{caller}'s caller, so {caller} is unchecked")  # fmt: skip
            i += 1
            continue
        if crossed_signal and i + 1 < len(physical) and physical[i + 1].pc == fp[j].pc:
            notes.append(
                f"{physical[i].function} was interrupted by the signal: its pc is in the signal frame"
            )
            i, checked = i + 1, checked + 1
            continue
        if fp[j].function in STACK_SWITCHES:
            # dlv steps from the switch (morestack, systemstack) to the goroutine frame that entered it;
            # the chain stops at the switch itself: what follows is unchecked, not contradicted.
            switch = fp[j].function
            why = (f"the frame-pointer chain cannot cross the stack switch in {switch}; dlv's "
                   f"{len(physical) - i} frame(s) beyond it are unchecked")  # fmt: skip
            return UnwindCheck(agree=True, explanation=_join(notes, why), goroutine_id=g.id,
                               dwarf_frames=len(physical), fp_frames=len(fp), checked_frames=checked,
                               fp_end=chain.end, fp_stack=fp)  # fmt: skip
        diff = UnwindDifference(dwarf=physical[i], fp=fp[j])
        break
    if crossed_signal:
        notes.insert(0, "the chain crosses the signal frame through the signal trampoline")
    base: dict[str, Any] = dict(goroutine_id=g.id, dwarf_frames=len(physical), fp_frames=len(fp),
                                checked_frames=checked, fp_end=chain.end, fp_stack=fp)  # fmt: skip
    if diff is not None:
        believe, why = _whom(diff)
        return UnwindCheck(
            agree=False, first_difference=diff, believe=believe, explanation=_join(notes, why), **base
        )
    if i == len(physical) and j == len(fp):
        return UnwindCheck(agree=True, explanation=_join(notes, "both unwinds give the same frames"), **base)
    if j == len(fp):  # the chain ended first
        last = fp[-1].function if fp else None
        if last in STACK_SWITCHES:
            why = (f"the frame-pointer chain cannot cross the stack switch in {last}; dlv's "
                   f"{len(physical) - i} frame(s) beyond it are unchecked")  # fmt: skip
            return UnwindCheck(agree=True, explanation=_join(notes, why), **base)
        if chain.complete:
            why = "the frame-pointer chain ended (a zero frame pointer) where dlv goes on; check dlv's frames"
            return UnwindCheck(agree=False, first_difference=UnwindDifference(dwarf=physical[i]),
                               believe="unclear", explanation=_join(notes, why), **base)  # fmt: skip
        why = f"the frame-pointer chain broke ({chain.end}); believe dlv's DWARF unwind beyond it"
        diff = UnwindDifference(dwarf=physical[i])
        return UnwindCheck(
            agree=False, first_difference=diff, believe="dwarf", explanation=_join(notes, why), **base
        )
    if depth_cut:
        why = f"dlv's stack was cut at the depth limit; the chain goes on for {len(fp) - j} frame(s)"
        return UnwindCheck(agree=True, explanation=_join(notes, why), **base)
    last_dwarf = physical[-1].function if physical else "nothing"
    why = (f"dlv's stack ends at {last_dwarf} but the frame-pointer chain goes on to "
           f"{fp[j].function or hex(fp[j].pc)}: dlv's unwind information may be missing; "
           "believe the frame pointers")  # fmt: skip
    return UnwindCheck(agree=False, first_difference=UnwindDifference(fp=fp[j]), believe="frame_pointers",
                       explanation=_join(notes, why), **base)  # fmt: skip


def _frameless_leaf(frame: Frame) -> bool:
    """An innermost frame in assembly: such leaves mostly set up no frame pointer."""
    return frame.file is not None and frame.file.endswith(".s")


def _whom(diff: UnwindDifference) -> tuple[Literal["dwarf", "frame_pointers", "unclear"], str]:
    d, f = diff.dwarf, diff.fp
    assert d is not None and f is not None
    dwarf_at = f"{d.function or '???'} {d.pc:#x}"
    where = f"at dlv's frame {d.index} ({dwarf_at}) the chain has {f.function or '???'} {f.pc:#x}"
    if d.function is None and f.function is not None:
        return "frame_pointers", where + ": dlv lost its way (no function there); believe the frame pointers"
    if f.function is None and d.function is not None:
        return (
            "dwarf",
            where + ": the chain points nowhere known (a frame pointer was overwritten?); believe dlv",
        )
    return "unclear", where + ": one of the unwinds is wrong from here; compare with the source"


def _join(notes: list[str], why: str) -> str:
    return "; ".join([*notes, why])
