"""Every file dlvauto writes goes through here: private ones, and reports written whole or not at all.

Two kinds of file, two rules, whatever the user's umask:

- **private** (cores, stop.json, transcripts, the copy of the program's input, the build cache's
  files): the program's memory and words, so 0600 files in 0700 folders, set with fchmod after the
  open (a umask of 000 would otherwise leave them readable and writable by everyone);
- **reports** (`--json`, `--out`, the suite's JUnit, Markdown and per-scenario reports): meant to
  be read, at most 0644 and never writable by group or others; written to a temporary file in the
  destination's folder and renamed into place, so a reader never sees half a report and a symlink
  planted at the destination is replaced, not followed. A stream (`/dev/stdout`, `/dev/full`, a
  FIFO, itself or through a symlink) cannot be renamed onto: it is written through.

Files the user owns and dlvauto edits (`suite --update`'s expect.toml) are replaced the same way,
keeping their mode.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal, TextIO, overload

from dlvauto.system.trees import new_file

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
REPORT_MODE = 0o644  # then the umask; never writable by group or others
EXECUTABLE = 0o700  # a binary of ours (the build cache, the copy beside a saved core)


def current_umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def private_dir(path: Path) -> Path:
    """`path` (and missing parents) made a folder only we can enter: 0700 whatever the umask."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)  # mkdir's mode passes through the umask; an existing folder keeps its own
    return path


def report_dir(path: Path) -> Path:
    """A folder for reports (`suite --reports DIR`): made at most 0755, never writable by others."""
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True)
    if not existed:
        path.chmod(0o755 & ~current_umask() & ~0o022)
    return path


def make_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Close a file someone else wrote for us (dlv's core, a compiler's output) to others.

    Opened without following a symlink, so a link planted in its place changes nothing else.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


@overload
def open_private(path: Path, mode: Literal["w"] = "w", *, exclusive: bool = False) -> TextIO: ...
@overload
def open_private(path: Path, mode: Literal["wb"], *, exclusive: bool = False) -> BinaryIO: ...
def open_private(path: Path, mode: str = "w", *, exclusive: bool = False) -> TextIO | BinaryIO:
    """A new (or truncated) file only we can read: 0600 whatever the umask or its old mode.

    A symlink at `path` is not followed (ELOOP); `exclusive` refuses an existing file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    flags |= os.O_EXCL if exclusive else os.O_TRUNC
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except BaseException:
        os.close(fd)
        raise
    if mode == "wb":
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8")


def write_private(path: Path, text: str) -> None:
    """`text` into a private file, replacing whatever was there (see `replace`)."""
    with replace(path, PRIVATE_FILE) as f:
        f.write(text)


def place_private(path: Path) -> None:
    """An empty private file at `path` for another part to fill (the REPL's transcript).

    Written by rename, so a symlink planted there is replaced; whoever opens it for writing later
    truncates it and keeps its 0600.
    """
    write_private(path, "")


def report_mode(umask: int | None = None) -> int:
    """The mode of a report: 0644 less the umask, and never writable by group or others."""
    return REPORT_MODE & ~(current_umask() if umask is None else umask) & ~0o022


@contextlib.contextmanager
def replace(path: str | Path, mode: int | None = None) -> Iterator[TextIO]:
    """A text file written whole or not at all: a temporary file in its folder, renamed onto it.

    `mode` defaults to a report's (`report_mode`). A stream at `path` (`_written_through`) is
    written through: it cannot be renamed onto. When the
    folder does not let us make a file but `path` is a regular file we may write (not a symlink),
    it is rewritten in place: the report still lands, only not atomically.
    """
    target = Path(path)
    wanted = report_mode() if mode is None else mode
    try:
        st = target.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(target))
    if st is not None and _written_through(target, st):
        with target.open("w", encoding="utf-8") as through:
            yield through
        return
    folder = target.parent
    try:
        fd, tmp = new_file(folder, prefix=f".{target.name}.", suffix=".tmp")
    except PermissionError:
        if st is None or not stat.S_ISREG(st.st_mode):
            raise
        fd = os.open(target, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC)
        os.fchmod(fd, wanted)
        with os.fdopen(fd, "w", encoding="utf-8") as inplace:
            yield inplace
        return
    try:
        os.fchmod(fd, wanted)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yield f
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _written_through(target: Path, st: os.stat_result) -> bool:
    """Whether `target` is a stream rather than a file: a terminal, pipe, socket or character
    device, itself or through a symlink (`/dev/stdout`, `/dev/fd/63` of `>(jq .)`).

    A symlink to a regular file, a block device or nothing is replaced like any file.
    """
    if stat.S_ISLNK(st.st_mode):
        try:
            st = target.stat()
        except OSError:
            return False
    return stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode)


def update(path: Path, text: str) -> None:
    """Rewrite a file the user owns (expect.toml) whole, keeping its mode (less others' write)."""
    mode = stat.S_IMODE(path.stat().st_mode) & ~0o022
    with replace(path, mode) as f:
        f.write(text)
