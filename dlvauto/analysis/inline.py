"""Which frames were inlined into their caller.

Delve's API drops its internal "inlined" flag, but an inlined frame copies its physical frame: frame
i is inlined when frame i+1 has the same FrameOffset, the same pc and the same function entry. The
outermost frame of such a run is the physical one. Sources that state the fact outright (a text
traceback's `(...)`) are believed as they are.
"""

from __future__ import annotations

from dlvauto.snapshot import RawFrame


def inlined_marks(frames: list[RawFrame]) -> list[bool]:
    marks: list[bool] = []
    for i, f in enumerate(frames):
        if f.inlined is not None:
            marks.append(f.inlined)
            continue
        nxt = frames[i + 1] if i + 1 < len(frames) else None
        marks.append(
            nxt is not None
            and f.frame_offset is not None
            and f.entry is not None
            and f.pc != 0
            and f.frame_offset == nxt.frame_offset
            and f.pc == nxt.pc
            and f.entry == nxt.entry
        )
    return marks
