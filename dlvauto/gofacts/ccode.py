"""Where a C code address lies, from the binary itself: for frames dlv cannot name.

A C function whose last act is a call that never returns (`abort()`) leaves a return address one
past its end. With GCC's hot/cold splitting the failing branch lives in `f.cold`, and the next
symbol starts right where the return address points; dlv's lookup of that address (or of the one
before it) finds no function. The ELF symbol table and the line tables of the binary's C compile
units still know the byte before it: this module reads just those (a handful of small units in a
Go binary), for an executable that is not position-independent (addresses are the file's own).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dlvauto.records import record

# Suffixes GCC gives the parts of a function it splits or specialises.
_PART = re.compile(r"\.(?:cold|part\.\d+|isra\.\d+|constprop\.\d+|lto_priv\.\d+)$")
_DW_LANG_C = {0x01, 0x02, 0x0C, 0x1D, 0x2C}  # C89, C, C99, C11, C17


@record(frozen=True)
class CLocation:
    function: str  # as dlv names C functions: `C.name`
    file: str | None
    line: int


def locate(binary: str | Path, pc: int) -> CLocation | None:
    """The C function and line holding `pc` in `binary`, or None when neither table knows it."""
    from elftools.common.exceptions import DWARFError, ELFError
    from elftools.elf.elffile import ELFFile

    try:
        with Path(binary).open("rb") as f:
            elf = ELFFile(f)
            if elf.header["e_type"] != "ET_EXEC":
                return None  # a PIE's addresses need its load bias, which a frame does not carry
            name = _symbol(elf, pc)
            if name is None:
                return None
            file, line = _line(elf, pc)
            return CLocation(f"C.{_PART.sub('', name)}", file, line)
    except (OSError, ELFError, DWARFError, ValueError, KeyError, AttributeError):
        return None


def _symbol(elf: Any, pc: int) -> str | None:
    symtab = elf.get_section_by_name(".symtab")
    if symtab is None:
        return None
    best = None
    for sym in symtab.iter_symbols():
        if sym["st_info"]["type"] != "STT_FUNC" or not sym.name:
            continue
        start, size = sym["st_value"], sym["st_size"]
        if start <= pc < start + max(size, 1) and (best is None or start > best[0]):
            best = (start, sym.name)
    return best[1] if best else None


def _line(elf: Any, pc: int) -> tuple[str | None, int]:
    if not elf.has_dwarf_info():
        return None, 0
    dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
    for cu in dwarf.iter_CUs():
        lang = cu.get_top_DIE().attributes.get("DW_AT_language")
        if lang is None or lang.value not in _DW_LANG_C:
            continue
        lp = dwarf.line_program_for_CU(cu)
        if lp is None:
            continue
        previous = None
        for entry in lp.get_entries():
            state = entry.state
            if state is None:
                continue
            if previous is not None and previous.address <= pc < state.address and not previous.end_sequence:
                return _file_name(lp, previous.file), previous.line
            previous = state
    return None, 0


def _file_name(lp: Any, index: int) -> str | None:
    """A line-table file index as a path (DWARF 5 counts from 0, earlier versions from 1)."""
    files = lp["file_entry"]
    version = lp.header.get("version", 4)
    i = index if version >= 5 else index - 1
    if not 0 <= i < len(files):
        return None
    entry = files[i]
    name = entry.name.decode(errors="replace") if isinstance(entry.name, bytes) else str(entry.name)
    if name.startswith("/"):
        return name
    dirs = lp["include_directory"]
    d = entry.dir_index if version >= 5 else entry.dir_index - 1
    if 0 <= d < len(dirs):
        folder = dirs[d].decode(errors="replace") if isinstance(dirs[d], bytes) else str(dirs[d])
        return str(Path(folder, name))
    return name
