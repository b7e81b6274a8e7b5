"""A `go build` started ahead, before the command line's modules are imported, and what the build
cache (program.py) needs to take its binary as the one it would have built itself.

Why: from source, `go build` is the longest step of a small run, and the build cache could start it
only once its modules were imported and `go env` had answered (~60 ms in). The quick start
(commands/quickstart.py) starts it ~15 ms in instead, for a command line it fully understands and
no memo for it (a first run: nothing to start dlv on). The cache takes what it built only if it is
exactly its own build (the same go, folder and flags), and only if no file of the module changed
between the start and the end of that build: the tree's stamp (every file's name, size and change
time) is taken when the build starts and again once it has ended, and must be the same. Otherwise
the binary is thrown away and the cache builds as it always did.

No imports but os and zlib: the quick start uses this module before anything else is loaded.
"""

from __future__ import annotations

import os
import zlib

TYPE_CHECKING = False  # (typing is not imported this early)
if TYPE_CHECKING:
    from collections.abc import Iterable

# Folders no build reads and the cache's key leaves out (program.py hashes the same tree).
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"})
OUTPUT = "built"  # the binary, in the build's private folder
STDOUT = "go-build.out"
STDERR = "go-build.err"


class AheadBuild:
    """A `go build` the quick start started: what it runs, and where it writes (plain attributes)."""

    __slots__ = ("argv", "folder", "go", "outputs", "pid", "root", "src", "stamp", "started", "verb_flags")

    def __init__(
        self,
        pid: int,
        argv: list[str],
        go: str,
        src: str,
        verb_flags: list[str],
        folder: str,
        root: str,
        stamp: str,
        started: float,
    ) -> None:
        self.pid, self.argv, self.go, self.src, self.verb_flags = pid, argv, go, src, verb_flags
        self.folder, self.root, self.stamp, self.started = folder, root, stamp, started
        self.outputs: tuple[str, ...] = ()  # the run's own outputs, left out of the stamp

    def path(self, name: str) -> str:
        """A file of the build's private folder (OUTPUT, STDOUT, STDERR)."""
        return os.path.join(self.folder, name)


def module_root(folder: str) -> str | None:
    """The folder of the go.mod that holds `folder` (the tree the cache's key hashes)."""
    here = folder
    while True:
        if os.path.isfile(os.path.join(here, "go.mod")):
            return here
        up = os.path.dirname(here)
        if up == here:
            return None
        here = up


def skipped(paths: Iterable[str]) -> frozenset[str]:
    """What a walk of the module leaves out: the run's own outputs (words.outputs_of), by their
    absolute real paths; a folder with all it holds."""
    return frozenset(os.path.realpath(p) for p in paths)


def tree_stamp(root: str, skip: frozenset[str] = frozenset()) -> str:
    """Every file of the module by name, size and change times, as one short string: any write to
    a file changes its change time (ctime cannot be set back), so an unchanged stamp means the
    files read between two stamps were the files stamped."""
    crc, adler, count = 0, 1, 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and os.path.join(dirpath, d) not in skip
        )
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if path in skip:
                continue
            try:
                st = os.stat(path)
            except OSError:
                st = None
            fact = f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0" if st else f"{path}\0-\0"
            data = fact.encode("utf-8", "surrogateescape")
            crc, adler = zlib.crc32(data, crc), zlib.adler32(data, adler)
            count += 1
    return f"{count}:{crc:08x}{adler:08x}"
