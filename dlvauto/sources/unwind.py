"""The frame-pointer chain of a goroutine, read through dlv: a second, independent unwind.

dlv unwinds with DWARF call-frame information; when that is missing or wrong the stack it shows can
be cut short or wrong. Go keeps frame pointers on amd64 (and arm64), so the saved-frame-pointer chain
([FP] = the caller's FP, [FP+8] = the return address) gives the same stack by another road. This
module only reads, through the debugger: registers (in the goroutine's scope), stack memory (in
chunks) and where each return address lies. The comparison with dlv's frames is pure and lives in
analysis/unwind.py.
"""

from __future__ import annotations

import struct

from dlvauto.debugger import Debugger
from dlvauto.errors import DebuggerError
from dlvauto.gofacts.runtime import SIGNAL_TRAMPOLINES
from dlvauto.snapshot import FPChain

CHUNK = 4096  # bytes of stack read at a time: a small goroutine stack is one or two reads
MAX_FRAMES = 4096
MAX_STEP = 1 << 24  # a frame of more than 16 MiB means the chain left the stack


def _walk(dbg: Debugger, pc: int, sp: int, fp: int) -> FPChain:
    """Follow saved frame pointers from `fp` while they grow and stay readable."""
    pcs = [pc]
    cache: tuple[int, bytes] = (0, b"")

    def word(addr: int) -> int:
        nonlocal cache
        base, data = cache
        if not (base <= addr and addr + 8 <= base + len(data)):
            base = addr & ~7
            try:
                data = dbg.memory(base, CHUNK)
            except DebuggerError:
                data = dbg.memory(base, 16)  # the chunk ran past the end of the mapped stack
            cache = (base, data)
            if len(data) < 16:
                raise DebuggerError(f"short read at {addr:#x}")
        off = addr - base
        value: int = struct.unpack_from("<Q", data, off)[0]
        return value

    if fp == 0:
        return FPChain(pcs=pcs, end=f"no frame pointer at frame 0 (FP register is 0, SP {sp:#x})")
    while len(pcs) < MAX_FRAMES:
        try:
            saved, ret = word(fp), word(fp + 8)
        except DebuggerError as exc:
            return FPChain(pcs=pcs, end=f"stack memory unreadable at {fp:#x}: {exc.said}")
        if ret == 0:
            return FPChain(pcs=pcs, end="return address 0: the chain ends", complete=True)
        pcs.append(ret)
        if saved == 0:
            return FPChain(pcs=pcs, end="frame pointer 0: the chain ends", complete=True)
        if (saved <= fp or saved - fp > MAX_STEP) and not _crosses_signal_frame(dbg, pcs[-2]):
            return FPChain(
                pcs=pcs, end=f"saved frame pointer {saved:#x} does not lead up the stack from {fp:#x}"
            )
        fp = saved
    return FPChain(pcs=pcs, end=f"stopped after {MAX_FRAMES} frames")


def _crosses_signal_frame(dbg: Debugger, pc: int) -> bool:
    """True when `pc` lies in a signal trampoline: its saved FP is the interrupted code's, on
    another stack (the signal stack is elsewhere), so the chain may jump there once."""
    return dbg.locations([pc])[0].function in SIGNAL_TRAMPOLINES


def read_fp_chains(dbg: Debugger, goroutine_ids: list[int]) -> dict[int, FPChain]:
    """The frame-pointer chain of each goroutine, with the location of every pc it holds."""
    chains: dict[int, FPChain] = {}
    for gid in goroutine_ids:
        try:
            regs = dbg.registers(gid)
        except DebuggerError as exc:
            chains[gid] = FPChain(end=f"registers unreadable: {exc.said}")
            continue
        pc, sp, fp = regs.get("Rip"), regs.get("Rsp"), regs.get("Rbp")
        if pc is None or sp is None or fp is None:
            chains[gid] = FPChain(end="not an amd64 target: no Rip/Rsp/Rbp")
            continue
        chains[gid] = _walk(dbg, pc, sp, fp)
    unique = sorted({pc for ch in chains.values() for pc in ch.pcs})
    where = dict(zip(unique, dbg.locations(unique), strict=True))
    for ch in chains.values():
        ch.frames = [where[pc] for pc in ch.pcs]
    return chains
