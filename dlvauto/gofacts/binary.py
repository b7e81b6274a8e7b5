"""Facts of a Go binary read from the file itself: is it ELF, has it DWARF, how and from what was it built.

A core dump comes without the source folder `dlvauto run` builds from, and dlv says little when a
binary cannot serve (no DWARF) or does not belong to the core. This module reads what the binary
knows of itself, cheaply and without dlv: the ELF header and section names, the build-ID notes,
the Go build information (`.go.buildinfo`: Go version, main package and module path, build
settings, dependencies) and, from DWARF, only the top entries of the compile units and the line
tables of the few units that name a folder we need (the main package, the runtime, a dependency).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import field
from pathlib import Path
from typing import IO, Any

from dlvauto.errors import UserError, shown
from dlvauto.records import record
from dlvauto.snapshot import BuildFacts

ELF_MAGIC = b"\x7fELF"
BUILDINFO_MAGIC = b"\xff Go buildinf:"
_GO_NOTE_TYPE = 4  # the Go build ID note ("Go\0\0", type 4); pyelftools calls it NT_GNU_GOLD_VERSION
_DW_LANG_GO = 0x16
_MOD_SENTINEL = 16  # the module text is wrapped in 16 bytes of sentinel on each side (Go 1.18+)


@record(frozen=True)
class Region:
    """Bytes the binary maps at `vaddr` that the running program never changes: a fingerprint."""

    name: str
    vaddr: int
    data: bytes


@record
class BinaryFacts:
    """What a binary says of itself; None where it does not say."""

    path: str
    elf_type: str  # ET_EXEC, ET_DYN (PIE), ...
    machine: str
    entry: int
    phdr_vaddr: int | None  # where the program headers are mapped (for a PIE's load bias)
    has_dwarf: bool
    has_symtab: bool
    go_build_id: str | None = None
    gnu_build_id: str | None = None
    fingerprints: list[Region] = field(default_factory=list)
    go_version: str | None = None
    main_path: str | None = None  # import path of the main package (`path` line of the build info)
    module_path: str | None = None
    build_settings: dict[str, str] = field(default_factory=dict)
    deps: dict[str, str] = field(default_factory=dict)  # module path -> version (replacements applied)
    producer: str | None = None  # DW_AT_producer of the main package's compile unit
    main_dir: str | None = None
    goroot: str | None = None
    gomodcache: str | None = None

    @property
    def compiler_flags(self) -> str | None:
        """The compiler flags DWARF records: `-N -l` from `Go cmd/compile go1.26.8; -N -l regabi`."""
        if self.producer is None or ";" not in self.producer:
            return None
        flags = [f for f in self.producer.split(";", 1)[1].split() if f.startswith("-")]
        return " ".join(flags)

    @property
    def debug_build(self) -> bool | None:
        """Built with optimisation and inlining off (`-N -l`), as the `debug` profile builds."""
        flags = self.compiler_flags
        if flags is None:
            return None
        words = flags.split()
        return "-N" in words and "-l" in words

    @property
    def tested_path(self) -> str | None:
        """For a test binary (`go test -c`: build info path `PKG.test`), the import path tested."""
        main = self.main_path
        return main[: -len(".test")] if main and main.endswith(".test") else None

    @property
    def module_dir(self) -> str | None:
        """The main module's folder: the main package's folder less the package's path in the module.

        A test binary's `main` is generated in a temporary folder: its tested package's folder
        (`main_dir` then holds that one) stands in for it.
        """
        if self.main_dir is None:
            return None
        mod, main = self.module_path, self.tested_path or self.main_path
        if not mod or not main or main == mod or not main.startswith(mod + "/"):
            return self.main_dir
        rel = main[len(mod) + 1 :]
        if self.main_dir.endswith("/" + rel):
            return self.main_dir[: -len(rel) - 1]
        return self.main_dir


def _open_elf(path: Path, f: IO[bytes], what: str) -> Any:
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    head = f.read(4)
    if head != ELF_MAGIC:
        shown = head.decode("latin-1") if head else "nothing"
        raise UserError(f"{path} is not an ELF file (it starts with {shown!r}): give {what}")
    f.seek(0)
    try:
        return ELFFile(f)
    except (ELFError, ValueError, OSError) as exc:
        raise UserError(f"{path} is a damaged ELF file ({exc}): give {what}") from exc


GO_SECTIONS = (".go.buildinfo", ".gopclntab", ".gosymtab")


def is_go_binary(path: str | Path) -> bool | None:
    """Whether `path` is an ELF file a Go linker wrote (it has Go's own sections); None when it
    cannot be told (unreadable, not ELF)."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    try:
        with Path(path).open("rb") as f:
            if f.read(4) != ELF_MAGIC:
                return None
            f.seek(0)
            elf = ELFFile(f)
            return any(elf.get_section_by_name(name) is not None for name in GO_SECTIONS)
    except (OSError, ELFError, ValueError):
        return None


def read_binary(path: str | Path) -> BinaryFacts:
    """Everything this module knows how to read of `path`; one-line errors for what is no binary."""
    from elftools.common.exceptions import ELFError

    p = Path(path)
    what = "the Go program's executable"
    try:
        f = p.open("rb")
    except FileNotFoundError:
        raise UserError(f"{p} does not exist: give the path of {what}") from None
    except IsADirectoryError:
        raise UserError(f"{p} is a folder: give the path of {what}") from None
    except OSError as exc:
        raise UserError(f"cannot read {p}: {exc.strerror}") from exc
    with f:
        elf = _open_elf(p, f, what)
        try:
            return _facts(p, elf)
        except (ELFError, ValueError, KeyError, OSError) as exc:
            raise UserError(f"{p} is a damaged ELF file ({exc}): give {what}") from exc


def _facts(path: Path, elf: Any) -> BinaryFacts:
    etype = elf["e_type"]
    if etype == "ET_CORE":
        raise UserError(f"{path} is a core dump, not an executable: give the binary first, then the core")
    if etype not in ("ET_EXEC", "ET_DYN"):
        raise UserError(f"{path} is an ELF {etype} file, not an executable: give the Go program's binary")
    phdr = next((s["p_vaddr"] for s in elf.iter_segments() if s["p_type"] == "PT_PHDR"), None)
    facts = BinaryFacts(
        path=str(path),
        elf_type=etype,
        machine=elf["e_machine"],
        entry=elf["e_entry"],
        phdr_vaddr=phdr,
        has_dwarf=elf.get_section_by_name(".debug_info") is not None
        or elf.get_section_by_name(".zdebug_info") is not None,
        has_symtab=elf.get_section_by_name(".symtab") is not None,
    )
    _read_notes(elf, facts)
    _read_buildinfo(elf, facts)
    # The build IDs first: a mismatch is then told in the words a person can compare.
    rank = {".note.go.buildid": 0, ".note.gnu.build-id": 1, ".go.buildinfo": 2}
    facts.fingerprints.sort(key=lambda r: rank.get(r.name, 3))
    if facts.has_dwarf:
        _read_dwarf(elf, facts)
    return facts


def _read_notes(elf: Any, facts: BinaryFacts) -> None:
    """The build IDs, and their bytes as mapped: a kernel core holds the first page of the binary."""
    for sec in elf.iter_sections():
        if sec["sh_type"] != "SHT_NOTE" or not sec["sh_flags"] & 0x2:  # SHF_ALLOC: mapped at run time
            continue
        for note in sec.iter_notes():
            if note["n_name"] == "Go" and note["n_type"] in (_GO_NOTE_TYPE, "NT_GNU_GOLD_VERSION"):
                desc = note["n_desc"]
                facts.go_build_id = desc.decode(errors="replace") if isinstance(desc, bytes) else str(desc)
            elif note["n_type"] == "NT_GNU_BUILD_ID":
                facts.gnu_build_id = str(note["n_desc"])
        facts.fingerprints.append(Region(sec.name, sec["sh_addr"], sec.data()))


def _uvarint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data):
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7
    raise ValueError("truncated varint in the Go build info")


def _buildinfo_bytes(elf: Any) -> tuple[int, bytes] | None:
    sec = elf.get_section_by_name(".go.buildinfo")
    if sec is not None:
        return sec["sh_addr"], sec.data()
    # No section headers to go by: the build info starts, 16-byte aligned, in a writable segment.
    for seg in elf.iter_segments():
        if seg["p_type"] != "PT_LOAD" or not seg["p_flags"] & 0x2:
            continue
        data = seg.data()
        at = data.find(BUILDINFO_MAGIC)
        while at >= 0 and at % 16:
            at = data.find(BUILDINFO_MAGIC, at + 1)
        if at >= 0:
            return seg["p_vaddr"] + at, data[at : at + 64 * 1024]
    return None


def parse_buildinfo(data: bytes) -> tuple[str, str, int] | None:
    """(Go version, module text, bytes used) of build info bytes in the Go 1.18+ inline form."""
    if not data.startswith(BUILDINFO_MAGIC) or len(data) < 32 or not data[15] & 0x2:
        return None  # before Go 1.18 the strings were behind pointers: dlv does not support those anyway
    try:
        n, pos = _uvarint(data, 32)
        version = data[pos : pos + n].decode(errors="replace")
        n, pos = _uvarint(data, pos + n)
        mod = data[pos : pos + n].decode(errors="replace")
    except ValueError:
        return None
    if len(mod) >= 2 * _MOD_SENTINEL + 1 and mod[-_MOD_SENTINEL - 1] == "\n":
        mod = mod[_MOD_SENTINEL:-_MOD_SENTINEL]
    return version, mod, pos + n


def main_path_of(mod: str) -> str | None:
    """The main package's import path from the module text (`path\t...` line)."""
    for line in mod.splitlines():
        if line.startswith("path\t"):
            return line[5:]
    return None


def _read_buildinfo(elf: Any, facts: BinaryFacts) -> None:
    """Go version, module, main package, settings and dependencies (`go version -m` reads the same)."""
    found = _buildinfo_bytes(elf)
    if found is None:
        return
    vaddr, data = found
    parsed = parse_buildinfo(data)
    if parsed is None:
        return
    version, mod, used = parsed
    facts.fingerprints.append(Region(".go.buildinfo", vaddr, data[:used]))
    facts.go_version = version or None
    last_dep: str | None = None
    for line in mod.splitlines():
        parts = line.split("\t")
        if parts[0] == "path" and len(parts) > 1:
            facts.main_path = parts[1]
        elif parts[0] == "mod" and len(parts) > 1:
            facts.module_path = parts[1]
        elif parts[0] == "dep" and len(parts) > 2:
            last_dep = parts[1]
            facts.deps[last_dep] = parts[2]
        elif parts[0] == "=>" and len(parts) > 2 and last_dep is not None:
            facts.deps[last_dep] = f"{parts[1]}@{parts[2]}" if parts[2] else parts[1]
        elif parts[0] == "build" and len(parts) > 1 and "=" in parts[1]:
            key, _, value = parts[1].partition("=")
            facts.build_settings[key] = _unquote(value)


def _unquote(value: str) -> str:
    """A build setting's value: Go quotes the ones with spaces or quotes (`"all=-N -l"`)."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        import json

        with contextlib.suppress(ValueError):
            unquoted = json.loads(value)
            if isinstance(unquoted, str):
                return unquoted
    return value


def _attr(die: Any, name: str) -> str | None:
    a = die.attributes.get(name)
    if a is None:
        return None
    v = a.value
    return v.decode(errors="replace") if isinstance(v, bytes) else str(v)


def _first_source_dir(dwarf: Any, cu: Any) -> str | None:
    """The folder of a compile unit's first Go or assembly file, as dlv names a package's folder."""
    lp = dwarf.line_program_for_CU(cu)
    if lp is None:
        return None
    dirs = [d.decode(errors="replace") if isinstance(d, bytes) else str(d) for d in lp["include_directory"]]
    version = lp.header.get("version", 4)
    for entry in lp["file_entry"]:
        name = entry.name.decode(errors="replace") if isinstance(entry.name, bytes) else str(entry.name)
        if not name.endswith((".go", ".s")):
            continue
        if name.startswith("/"):
            return str(Path(name).parent)
        idx = entry.dir_index if version >= 5 else entry.dir_index - 1
        if 0 <= idx < len(dirs):
            return str(Path(dirs[idx], name).parent)
        return None
    return None


_ESCAPE_UPPER = re.compile(r"[A-Z]")


def _cache_escape(path: str) -> str:
    """A module path as the module cache spells it on disk (`!` before a lower-cased capital)."""
    return _ESCAPE_UPPER.sub(lambda m: "!" + m.group(0).lower(), path)


def _read_dwarf(elf: Any, facts: BinaryFacts) -> None:
    """The main package's producer and folder, GOROOT and the module cache, from DWARF's first few units.

    Only compile-unit headers and top entries are read, and a line table only for the units that
    answer a question; the walk stops once every question has its answer.
    """
    from elftools.common.exceptions import DWARFError, ELFError

    try:
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
    except (DWARFError, ELFError, ValueError, KeyError):
        return
    deps = {_cache_escape(p): v for p, v in facts.deps.items() if "@" not in v and not v.startswith(".")}
    want_cache = bool(deps)
    first_producer = None
    tested = facts.tested_path
    with contextlib.suppress(DWARFError, ValueError, KeyError, AttributeError):
        for cu in dwarf.iter_CUs():
            top = cu.get_top_DIE()
            lang = top.attributes.get("DW_AT_language")
            if lang is None or lang.value != _DW_LANG_GO:
                continue
            name = _attr(top, "DW_AT_name") or ""
            if first_producer is None:
                first_producer = _attr(top, "DW_AT_producer")
            # A test binary's own code is its tested package's (its `main` is generated).
            ours = name == "main" if tested is None else name in (tested, tested + "_test")
            if ours and facts.main_dir is None:
                facts.producer = _attr(top, "DW_AT_producer")
                facts.main_dir = _first_source_dir(dwarf, cu)
            elif name == "runtime" and facts.goroot is None:
                folder = _first_source_dir(dwarf, cu)
                if folder and folder.endswith("/src/runtime"):
                    facts.goroot = folder.removesuffix("/src/runtime")
            elif want_cache and facts.gomodcache is None:
                facts.gomodcache = _cache_from(_cache_escape(name), deps, dwarf, cu)
            if (
                facts.main_dir is not None
                and facts.goroot is not None
                and (facts.gomodcache is not None or not want_cache)
            ):
                break
    if facts.producer is None:
        facts.producer = first_producer


def _cache_from(name: str, deps: dict[str, str], dwarf: Any, cu: Any) -> str | None:
    """GOMODCACHE from a dependency's package folder: `<cache>/<module>@<version>/<package dir>`."""
    for mod, version in deps.items():
        if name == mod or name.startswith(mod + "/"):
            folder = _first_source_dir(dwarf, cu)
            marker = f"/{mod}@{version}"
            if folder and marker in folder:
                return folder[: folder.index(marker)]
    return None


def require_debug_info(facts: BinaryFacts) -> None:
    """Refuse, in one line, a binary dlv cannot read stacks from: no DWARF, or not a Go program."""
    if not facts.has_dwarf:
        how = "-ldflags='-s -w'" if not facts.has_symtab else "-ldflags=-w"
        raise UserError(f"{facts.path}: binary has no DWARF: it was linked with {how}; rebuild without -s -w")
    if facts.go_version is None and facts.producer is None:
        raise UserError(f"{facts.path} is not a Go program (no Go build info, no Go compile units)")


def require_race_build(facts: BinaryFacts, given: str) -> None:
    """Refuse, in one line, `--race` on a binary its build settings do not call a race build."""
    if facts.build_settings.get("-race") != "true":
        raise UserError(
            f"{shown(given)} was not built with -race: rebuild it with `go build -race`, or drop --race"
        )


def build_facts(facts: BinaryFacts) -> BuildFacts:
    """The snapshot's build facts of a binary met without its source folder (a core, a copied binary)."""
    debug = facts.debug_build
    return BuildFacts(
        binary=facts.path,
        profile=None if debug is None else ("debug" if debug else "optimized"),
        module_path=facts.module_path,
        module_dir=facts.module_dir,
        package_dir=facts.main_dir,
        goroot=facts.goroot,
        gomodcache=facts.gomodcache,
        go_version=facts.go_version,
        gcflags=_gcflags(facts),
        tested_package=facts.tested_path,
    )


def _gcflags(facts: BinaryFacts) -> str | None:
    """The compiler flags as `go build` was given them when recorded, else as DWARF records them."""
    given = facts.build_settings.get("-gcflags")
    return f"-gcflags={given}" if given else facts.compiler_flags
