"""Keeping the build cache (`cache_root()/builds/KEY/`) under a size cap, least recently used first.

A day of use left 817 MB of binaries nobody would run again: every edit of a program is a new key.
Each build folder's mtime says when it was last used (a cache hit touches it), so after each build
the oldest folders go until the whole fits the cap (default 2 GiB, `$DLVAUTO_CACHE_MAX`). The
folder just built or used is never removed, and a folder is first renamed away (atomic), so a
concurrent run sees a whole cached build or none.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

from dlvauto.errors import UserError
from dlvauto.records import record
from dlvauto.system import trees

DEFAULT_CAP = 2 * 1024**3  # bytes
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_SIZE = r"(?i)^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*$"  # compiled by `re` on first use


@record(frozen=True)
class Entry:
    """One cached build: its folder, its size in bytes and when it was last used."""

    path: Path
    size: int
    used: float  # seconds since the epoch (the folder's mtime)


def parse_size(text: str, name: str = "$DLVAUTO_CACHE_MAX") -> int:
    """`2G`, `500M`, `2GiB`, `1073741824` -> bytes; one line naming the setting otherwise."""
    m = re.match(_SIZE, text)
    if not m:
        raise UserError(f"{name} must be a size such as 2G, 500M or 1073741824 (bytes), not {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def cap() -> int:
    """The cache's cap in bytes: $DLVAUTO_CACHE_MAX, else 2 GiB."""
    text = os.environ.get("DLVAUTO_CACHE_MAX")
    return parse_size(text) if text else DEFAULT_CAP


def builds_dir(root: Path) -> Path:
    return root / "builds"


def _size_of(folder: str) -> int:
    """Bytes of every file under `folder` (links counted as links, never followed).

    With os.scandir's entries, whose type and lstat come with the listing or are asked once: the
    prune after every build sizes every cached build, and os.walk with a Path and an lstat per
    file took 14 ms for 300 builds, on the way to dlv's start (5.6 ms this way)."""
    total = 0
    pending = [folder]
    while pending:
        with contextlib.suppress(OSError), os.scandir(pending.pop()) as listing:
            for entry in listing:
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    else:
                        total += entry.stat(follow_symlinks=False).st_size
    return total


def entries(root: Path) -> list[Entry]:
    """Every cached build under `root`, least recently used first."""
    folder = builds_dir(root)
    out = []
    try:
        with os.scandir(folder) as found:
            listing = list(found)
    except OSError:  # no cache yet (or not a folder): nothing to count
        return []
    for child in listing:
        with contextlib.suppress(OSError):
            if child.name.startswith(".") or not child.is_dir(follow_symlinks=False):
                continue
            used = child.stat(follow_symlinks=False).st_mtime
            out.append(Entry(Path(child.path), _size_of(child.path), used))
    return sorted(out, key=lambda e: (e.used, e.path.name))


def mark_used(folder: Path) -> None:
    """A cache hit: the folder becomes the most recently used."""
    with contextlib.suppress(OSError):
        os.utime(folder)


def _remove(folder: Path) -> None:
    """Rename away, then delete: no one ever sees half a cached build."""
    trash = folder.with_name(f".trash-{folder.name}-{os.getpid()}-{time.monotonic_ns()}")
    try:
        folder.rename(trash)
    except OSError:
        return
    trees.remove_tree(trash)


def prune(root: Path, limit: int, keep: Path | None = None) -> list[Entry]:
    """Remove the least recently used builds until the rest fit in `limit` bytes (never `keep`);
    the entries removed, oldest first."""
    all_entries = entries(root)
    total = sum(e.size for e in all_entries)
    removed = []
    for entry in all_entries:
        if total <= limit:
            break
        if keep is not None and entry.path == keep:
            continue
        _remove(entry.path)
        total -= entry.size
        removed.append(entry)
    return removed


def after_build(root: Path, built: Path) -> None:
    """The cap, applied after each build; a cache that cannot be pruned never fails a build."""
    with contextlib.suppress(OSError):
        prune(root, cap(), keep=built)
