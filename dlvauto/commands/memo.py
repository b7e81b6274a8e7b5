"""The early start's memo: the binary each command line was last given, read before dlv starts.

Named by a CRC of its key and holding the key itself, compared when read (a name two command lines
share only loses a guess). `os` and `zlib` alone: the quick start (quickstart.py) reads it before
anything heavier is imported; the early start (early.py) reads and writes it through here too.
"""

# os.path, not pathlib (pyproject.toml lets this file off PTH): this runs before pathlib is imported.
from __future__ import annotations

import os

from dlvauto.system.cachedir import cache_root, ours_and_closed

FORMAT = "dlvauto-early-2"  # 2: the module's stamp when it was built (gobuild/ahead.py)


def key(command: str, src: str, profile: str) -> str:
    """What picks the binary before the cache is checked: the command, its operand, the profile and
    the folder it is run in (an operand can be a relative path or an import path). NUL-separated:
    no path or argument holds a NUL."""
    return "\0".join([command, src, profile, os.getcwd()])


def path_of(memo_key: str) -> str:
    import zlib

    return os.path.join(cache_root(), "early", f"{zlib.crc32(memo_key.encode()):08x}.memo")


def read(memo_key: str) -> tuple[str, str | None, str] | None:
    """The binary, the folder built and the module's stamp then, remembered under `memo_key`, if
    the binary is still in the cache and every step to it is ours and closed to others."""
    root = cache_root()
    memo = path_of(memo_key)
    builds = os.path.join(root, "builds")
    if not all(ours_and_closed(p) for p in (root, os.path.dirname(memo), memo, builds)):
        return None  # what others could have written is not even read
    try:
        with open(memo, encoding="utf-8") as f:
            parts = f.read().split("\0")
    except (OSError, ValueError):
        return None
    if len(parts) != 8 or parts[0] != FORMAT or "\0".join(parts[1:5]) != memo_key:
        return None
    binary, built_in, stamp = parts[5], parts[6] or None, parts[7]
    if os.path.dirname(os.path.dirname(binary)) != builds or not ours_and_closed(binary):
        return None  # only a binary of our own cache is ever guessed
    return binary, built_in, stamp


def text(memo_key: str, binary: str, built_in: str | None, stamp: str) -> str:
    """What a memo holds (early.py writes it privately, with the cache's own helpers)."""
    return "\0".join([FORMAT, memo_key, binary, built_in or "", stamp])


def stamp_of(src: str, outputs: list[str] | tuple[str, ...] = ()) -> str:
    """The stamp of the module holding the folder `src` names ("" for what is not a folder in a
    module: an import path), the run's `outputs` left out, as the quick start and the early start
    both take it."""
    from dlvauto.gobuild import ahead

    folder = os.path.realpath(src)
    root = ahead.module_root(folder) if os.path.isdir(folder) else None
    return ahead.tree_stamp(root, ahead.skipped(outputs)) if root is not None else ""
