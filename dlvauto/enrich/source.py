"""Source context: the lines around each user frame's line, read from the file on disk.

This is I/O, so it is kept out of the pure analysis: a step between analysis and rendering. A binary
built on another machine names files by the paths *there*; `--source-root OLD=NEW` rules (as Delve's
substitute-path) say where those files are here. Rules are tried in the order given, then the path
as recorded; the first existing file wins. A file shorter than the frame's line (edited since the
build) gives no context rather than the wrong lines.

File names come from what the program and its traceback say, which is untrusted: a pasted trace
naming `/etc/shadow:2` must not copy that file into a report. So a file is read only when it lies,
after every symlink is resolved, inside a folder the user vouched for (`trusted_dirs`: the module
folder of a build dlvauto made or of a binary the user gave, the NEW side of each --source-root,
`parse --module-dir`; never the module folder a text traceback merely implies), and only when it is
a regular Go, C or assembly source file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from dlvauto.errors import UserError
from dlvauto.report import Frame, Report, SourceContext

AROUND = 2  # lines either side of the frame's line
MAX_FILE_BYTES = 8 << 20  # a source file larger than this is not read (generated data, not code)

SourceRoot = tuple[str, str]
SOURCE_SUFFIXES = frozenset({".go", ".c", ".h", ".s", ".S"})


def parse_source_root(spec: str) -> SourceRoot:
    """`OLD=NEW` -> (OLD, NEW); a clear error for anything else."""
    old, sep, new = spec.partition("=")
    if not sep or not old or not new:
        raise UserError(
            f"--source-root {spec!r} is not OLD=NEW: give the folder the binary was built in and the "
            "folder it is in here, e.g. --source-root /build/src=/home/me/src"
        )
    return old, new


def candidates(path: str, roots: Sequence[SourceRoot]) -> list[str]:
    """Where `path` may be on this machine: each matching rule's substitution, then `path` itself."""
    out = []
    for old, new in roots:
        prefix = old.rstrip("/")
        if path == prefix or path.startswith(prefix + "/"):
            out.append(new.rstrip("/") + path[len(prefix) :])
    out.append(path)
    return out


def trusted_dirs(report: Report, roots: Sequence[SourceRoot], given: Sequence[str] = ()) -> list[Path]:
    """The folders source may be read from for `report` (see the module's docstring)."""
    dirs = [new for _, new in roots] + list(given)
    if report.source.mode != "text" and report.source.module_dir:
        dirs.append(report.source.module_dir)
    out = []
    for d in dirs:
        try:
            out.append(Path(d).resolve(strict=True))
        except OSError:
            continue
    return out


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)


class SourceReader:
    """Reads each file once; returns the lines around a line.

    `allowed` (resolved folders) confines what is read; None reads any source file (a library
    caller who passes its own paths).
    """

    def __init__(
        self, roots: Sequence[SourceRoot] = (), around: int = AROUND, allowed: Sequence[Path] | None = None
    ) -> None:
        self.roots = list(roots)
        self.around = around
        self.allowed = list(allowed) if allowed is not None else None
        self._files: dict[str, tuple[str, list[str]] | None] = {}

    def _load(self, file: str) -> tuple[str, list[str]] | None:
        if file not in self._files:
            self._files[file] = None
            for path in candidates(file, self.roots):
                p = Path(path)
                try:
                    real = p.resolve(strict=True)
                    if real.suffix not in SOURCE_SUFFIXES or not real.is_file():
                        continue  # only regular source files (is_file: after the symlinks)
                    if self.allowed is not None and not _inside(real, self.allowed):
                        continue
                    if real.stat().st_size > MAX_FILE_BYTES:
                        continue
                    self._files[file] = (path, p.read_text(encoding="utf-8", errors="replace").splitlines())
                    break
                except OSError:
                    continue
        return self._files[file]

    def context(self, file: str | None, line: int) -> SourceContext | None:
        if not file or line <= 0:
            return None
        loaded = self._load(file)
        if loaded is None:
            return None
        path, lines = loaded
        if line > len(lines):
            return None
        first = max(1, line - self.around)
        last = min(len(lines), line + self.around)
        return SourceContext(path=path, first_line=first, line=line, lines=lines[first - 1 : last])


def _frames(report: Report) -> Iterable[Frame]:
    """The frames that get source: every user frame of the crash goroutine, and frame N."""
    g = report.crash_goroutine()
    if g is not None:
        yield from (f for f in g.frames if f.category == "user")
    c = report.crash
    if c.first_user_frame is not None:
        yield c.first_user_frame
    if c.frame_n.frame is not None:
        yield c.frame_n.frame
        if g is not None and 0 <= c.frame_n.frame.index < len(g.frames):
            yield g.frames[c.frame_n.frame.index]


def add_source(
    report: Report, roots: Sequence[SourceRoot] = (), around: int = AROUND, given_dirs: Sequence[str] = ()
) -> Report:
    """Set `source` on the report's user frames (and frame N) whose files may and can be read, in
    place: only inside `trusted_dirs` (`given_dirs`: folders the user named, e.g. --module-dir)."""
    reader = SourceReader(roots, around, trusted_dirs(report, roots, given_dirs))
    for f in _frames(report):
        if f.source is None:
            f.source = reader.context(f.file, f.line)
    return report
