"""Facts of a core file read from the file itself, and whether it belongs to a given binary.

dlv opens any core with any binary and, when they do not belong together, shows nonsense (no
goroutines, stacks through the wrong functions) without a word. So before dlv is started the core
is checked here: that it is an ELF core at all, that it is whole (every segment its headers
describe is in the file), and that it was written by this binary. The last check compares bytes
the program never changes: the build-ID notes at the start of the text (a kernel core keeps the
first page of the executable) and the Go build information in the data segment (every core keeps
writable memory), with the entry point as the last resort.

A core written by dlv (`dump`, `dlvauto run --save-core`) carries a "Delve Header" note and no
copy of the executable's read-only pages; a kernel core carries NT_FILE (the mapped files).
"""

from __future__ import annotations

import struct
from dataclasses import field
from pathlib import Path
from typing import IO, Any, Literal

from dlvauto.errors import UserError
from dlvauto.gofacts.binary import ELF_MAGIC, BinaryFacts, Region, main_path_of, parse_buildinfo
from dlvauto.records import record

DELVE_HEADER_NOTE = 0x444C5645  # "DLVE" (pkg/elfwriter/delve_core_notes.go)
DELVE_THREAD_NOTE = 0x444C5654  # "DLVT": a thread in Delve's platform-independent format
_AT_PHDR, _AT_ENTRY = 3, 9
_PRSTATUS_CURSIG = 12  # offset of pr_cursig (after the 12-byte elf_siginfo)
_PRSTATUS_PID = 32


@record(frozen=True)
class Load:
    vaddr: int
    offset: int
    filesz: int
    memsz: int


@record
class CoreFacts:
    """What a core says of the process it was taken from."""

    path: str
    size: int
    machine: str
    writer: Literal["kernel", "delve"]
    threads: int = 0
    signal: int | None = None  # pr_cursig of the first thread: the signal that made the core
    pid: int | None = None
    exe: str | None = None  # the executable's path when the core was written (NT_FILE / PRPSINFO)
    entry: int | None = None  # AT_ENTRY of the auxiliary vector
    phdr: int | None = None  # AT_PHDR: where the program headers were mapped (a PIE's load bias)
    loads: list[Load] = field(default_factory=list)

    def memory(self, f: IO[bytes], vaddr: int, length: int) -> bytes | None:
        """`length` bytes the process had at `vaddr`, when the core holds them all."""
        for seg in self.loads:
            if seg.vaddr <= vaddr and vaddr + length <= seg.vaddr + seg.filesz:
                f.seek(seg.offset + vaddr - seg.vaddr)
                data = f.read(length)
                return data if len(data) == length else None
        return None


def _open(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise UserError(f"{path} does not exist: give the path of the core dump") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder: give the path of the core dump file") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc


def read_core(path: str | Path) -> CoreFacts:
    """The core's facts; one-line errors for a file that is no core or not a whole one."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    p = Path(path)
    with _open(p) as f:
        head = f.read(4)
        if head != ELF_MAGIC:
            shown = head.decode("latin-1") if head else "nothing"
            raise UserError(f"{p} is not an ELF file (it starts with {shown!r}): give a core dump")
        size = p.stat().st_size
        f.seek(0)
        try:
            elf = ELFFile(f)
            if elf["e_type"] != "ET_CORE":
                raise UserError(
                    f"{p} is an executable, not a core dump: give the binary first, then the core"
                )
            facts = CoreFacts(
                path=str(p),
                size=size,
                machine=elf["e_machine"],
                writer="kernel",
            )
            _check_whole(p, elf, size)
            _read_segments(elf, facts)
        except (ELFError, ValueError, KeyError, struct.error) as exc:
            raise UserError(
                f"{p} is a damaged or truncated core ({exc}): copy it again whole, or take a new one"
            ) from exc
    return facts


def _check_whole(path: Path, elf: Any, size: int) -> None:
    """Every segment the program headers describe must lie inside the file: else it was cut short."""
    phend = elf["e_phoff"] + elf["e_phnum"] * elf["e_phentsize"]
    need = phend
    for seg in elf.iter_segments():
        need = max(need, seg["p_offset"] + seg["p_filesz"])
    if need > size:
        raise UserError(
            f"{path} is truncated: its headers describe {need} bytes but the file has {size}; "
            "copy it again whole (a core size limit also cuts cores: ulimit -c unlimited)"
        )


def _read_segments(elf: Any, facts: CoreFacts) -> None:
    for seg in elf.iter_segments():
        if seg["p_type"] == "PT_LOAD":
            facts.loads.append(Load(seg["p_vaddr"], seg["p_offset"], seg["p_filesz"], seg["p_memsz"]))
        elif seg["p_type"] == "PT_NOTE":
            for kind, desc in _notes(seg.data()):
                _read_note(kind, desc, facts)


def _notes(data: bytes) -> list[tuple[int, bytes]]:
    """(type, descriptor) of each ELF note, read by hand: dlv writes notes with empty names, which
    pyelftools' own note parser rejects."""
    out = []
    pos = 0
    while pos + 12 <= len(data):
        namesz, descsz, kind = struct.unpack_from("<III", data, pos)
        start = pos + 12 + ((namesz + 3) & ~3)
        end = start + descsz
        if end > len(data):
            raise ValueError(f"a note runs past the end of its segment ({end} > {len(data)})")
        out.append((kind, data[start:end]))
        pos = start + ((descsz + 3) & ~3)
    return out


_NT_PRSTATUS, _NT_PRPSINFO, _NT_AUXV, _NT_FILE = 1, 3, 6, 0x46494C45
_PRPSINFO_PID, _PRPSINFO_ARGS = 24, 56  # struct elf_prpsinfo on 64-bit Linux


def _cstring(data: bytes) -> str:
    return data.split(b"\0", 1)[0].decode(errors="replace")


def _read_note(kind: int, desc: bytes, facts: CoreFacts) -> None:
    if kind == _NT_PRSTATUS:
        if facts.threads == 0 and len(desc) >= _PRSTATUS_PID + 4:
            facts.signal = struct.unpack_from("<h", desc, _PRSTATUS_CURSIG)[0] or None
        facts.threads += 1
    elif kind == DELVE_THREAD_NOTE:
        facts.threads += 1
    elif kind == DELVE_HEADER_NOTE:
        facts.writer = "delve"
        for line in desc.decode(errors="replace").splitlines():
            if line.startswith("Entry Point: ") and facts.entry is None:
                facts.entry = int(line.split(": ", 1)[1], 0)
            elif line.startswith("Target Pid: "):
                facts.pid = int(line.split(": ", 1)[1])
    elif kind == _NT_PRPSINFO and len(desc) >= _PRPSINFO_ARGS:
        facts.pid = facts.pid or struct.unpack_from("<i", desc, _PRPSINFO_PID)[0] or None
        args = _cstring(desc[_PRPSINFO_ARGS:]).split(" ")[0]
        if args.startswith("/") and facts.exe is None:
            facts.exe = args
    elif kind == _NT_AUXV:
        for i in range(0, len(desc) - 15, 16):
            key, value = struct.unpack_from("<QQ", desc, i)
            if key == _AT_ENTRY:
                facts.entry = value
            elif key == _AT_PHDR:
                facts.phdr = value
    elif kind == _NT_FILE and len(desc) >= 16:
        count = struct.unpack_from("<Q", desc, 0)[0]
        names = desc[16 + 24 * count :].split(b"\0")
        for i in range(min(count, len(names))):
            _, _, page_offset = struct.unpack_from("<QQQ", desc, 16 + 24 * i)
            if page_offset == 0:  # the first file mapped from its start is the executable
                facts.exe = names[i].decode(errors="replace")
                break


def _bias(core: CoreFacts, binary: BinaryFacts) -> int:
    """How far a position-independent binary was moved when loaded (0 for a fixed-address one)."""
    if binary.elf_type != "ET_DYN" or core.phdr is None or binary.phdr_vaddr is None:
        return 0
    return core.phdr - binary.phdr_vaddr


def _note_desc(data: bytes, name: bytes, kind: int) -> bytes | None:
    """The descriptor of the ELF note at the start of `data` when it is a `name` note of type `kind`."""
    if len(data) < 12:
        return None
    namesz, descsz, got_kind = struct.unpack_from("<III", data, 0)
    start = 12 + ((namesz + 3) & ~3)
    if got_kind != kind or data[12 : 12 + namesz].rstrip(b"\0") != name or start + descsz > len(data):
        return None
    return data[start : start + descsz]


def _describe(region: Region, got: bytes) -> str:
    """What differs, in the words a person compares: the two build IDs when the core has one there."""
    if region.name in (".note.go.buildid", ".note.gnu.build-id"):
        go = region.name == ".note.go.buildid"
        name, kind = (b"Go", 4) if go else (b"GNU", 3)
        mine, theirs = _note_desc(region.data, name, kind), _note_desc(got, name, kind)
        label = "Go build ID" if go else "build ID"

        def show(desc: bytes) -> str:
            return desc.decode(errors="replace") if go else desc.hex()

        if mine is not None and theirs is not None:
            return f"the core's {label} is {show(theirs)}, the binary's {show(mine)}"
        if mine is not None:
            return f"the core has other bytes where the binary keeps its {label} {show(mine)}"
    if region.name == ".go.buildinfo":
        ours, core_info = parse_buildinfo(region.data), parse_buildinfo(got)
        if ours is not None and core_info is not None:
            core_prog = f"{main_path_of(core_info[1]) or '?'} ({core_info[0]})"
            bin_prog = f"{main_path_of(ours[1]) or '?'} ({ours[0]})"
            if core_prog != bin_prog:
                return f"the core's program is {core_prog}, the binary's {bin_prog}"
            return f"the core is of another build of {core_prog} (their Go build info differs)"
    return f"the core's {region.name} differs from the binary's"


def check_belongs(core: CoreFacts, binary: BinaryFacts) -> None:
    """Refuse, in one line, a core that another binary (or another build of it) wrote."""
    if core.machine != binary.machine:
        raise UserError(
            f"{core.path} is from a {core.machine} process but {binary.path} is a {binary.machine} binary: "
            "give the binary that crashed"
        )
    was = f" (the core was of {core.exe})" if core.exe else ""
    bias = _bias(core, binary)
    compared = 0
    with Path(core.path).open("rb") as f:
        for region in binary.fingerprints:
            got = core.memory(f, region.vaddr + bias, len(region.data))
            if got is None:
                continue
            compared += 1
            if got != region.data:
                raise UserError(
                    f"{core.path} was not written by {binary.path}: {_describe(region, got)}{was}; "
                    "give the binary that crashed"
                )
    if core.entry is not None and core.entry != binary.entry + bias:
        raise UserError(
            f"{core.path} was not written by {binary.path}: the core's program starts at {core.entry:#x}, "
            f"the binary at {binary.entry + bias:#x}{was}; give the binary that crashed"
        )
    if compared == 0 and core.entry is None:
        raise UserError(
            f"{core.path} holds nothing to tell which binary wrote it (no build ID, no entry point): "
            "not a core of a Go program?"
        )
