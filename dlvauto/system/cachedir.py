"""Where the cache is and whether a path in it can be trusted, in `os` alone.

The run's quick start (commands/quickstart.py) reads the cache before any module heavier than `os`
is imported; gobuild/cache.py gives the same answers as Paths. One definition for both.
"""

# os.path, not pathlib (pyproject.toml lets this file off PTH): this runs before pathlib is imported.
from __future__ import annotations

import os


def cache_root() -> str:
    """The cache's folder: $DLVAUTO_CACHE_DIR, else $XDG_CACHE_HOME/dlvauto or ~/.cache/dlvauto."""
    base = os.environ.get("DLVAUTO_CACHE_DIR")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME")
    return os.path.join(xdg if xdg else os.path.join(os.path.expanduser("~"), ".cache"), "dlvauto")


def ours_and_closed(path: str) -> bool:
    """Whether `path` is ours and neither group nor others can write it (checked without a fuss:
    for what is only read to save time, where a refusal costs nothing)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022
