"""Temporary names and folders, and removing a tree, with `os` alone.

Why not `tempfile` and `shutil`: they bring `random`, `bz2`, `lzma` and `fnmatch` with them,
~3.5 ms of every run's imports (python -X importtime), spent while dlv loads the program on the
other core. What a run needs of them is small: a fresh name (tempfile's alphabet, from
os.urandom), a file or folder made under it that only we can use, the temporary folder as
tempfile.gettempdir chooses it, and a removal that never follows a symlink, as shutil.rmtree's.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile's, for the same look
_TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")
_TEMP_FOLDERS = ("/tmp", "/var/tmp", "/usr/tmp")


def temp_root() -> str:
    """The temporary folder, chosen as tempfile.gettempdir chooses it: $TMPDIR, $TEMP or $TMP,
    then /tmp, /var/tmp, /usr/tmp, then the working folder; the first folder we can write."""
    candidates = [os.environ[v] for v in _TEMP_VARIABLES if os.environ.get(v)]
    candidates += [*_TEMP_FOLDERS, os.getcwd()]
    for folder in candidates:
        if os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return os.path.abspath(folder)
    raise FileNotFoundError(2, f"no usable temporary folder among {candidates}")


def _random_name() -> str:
    return "".join(_NAME_CHARS[b % len(_NAME_CHARS)] for b in os.urandom(8))


def new_file(folder: str | Path, prefix: str = "", suffix: str = "") -> tuple[int, str]:
    """A new file of a fresh name in `folder`, only we can read, open for writing: (fd, path).
    As tempfile.mkstemp: created, never opened through a symlink, not inherited by a child."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        path = os.path.join(os.fspath(folder), f"{prefix}{_random_name()}{suffix}")
        try:
            return os.open(path, flags, PRIVATE_FILE), path
        except FileExistsError:
            continue
    raise FileExistsError(17, "no free name for a temporary file", os.fspath(folder))


def new_folder(root: str | Path | None = None, prefix: str = "") -> Path:
    """A new folder of a fresh name under `root` (the temporary folder), 0700 whatever the umask."""
    base = os.fspath(root) if root is not None else temp_root()
    for _ in range(100):
        path = os.path.join(base, f"{prefix}{_random_name()}")
        try:
            os.mkdir(path, PRIVATE_DIR)
        except FileExistsError:
            continue
        os.chmod(path, PRIVATE_DIR)
        return Path(path)
    raise FileExistsError(17, "no free name for a temporary folder", base)


def remove_tree(path: str | Path) -> None:
    """Remove `path` and all it holds, errors ignored (shutil.rmtree's ignore_errors), never
    following a symlink: each folder is opened with O_NOFOLLOW and emptied through its own fd,
    so a link planted inside (a target writes where dlvauto keeps its files) is removed, not
    followed, even if it replaces a folder while this runs."""
    name = os.fspath(path)
    try:
        st = os.lstat(name)
    except OSError:
        return
    if not stat.S_ISDIR(st.st_mode):
        with contextlib.suppress(OSError):
            os.unlink(name)
        return
    with contextlib.suppress(OSError):
        _empty(name, None)
    with contextlib.suppress(OSError):
        os.rmdir(name)


def _empty(name: str, parent: int | None) -> None:
    """Remove what the folder `name` (in the folder of fd `parent`) holds."""
    fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent)
    try:
        with os.scandir(fd) as listing:
            entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in listing]
        for entry, is_dir in entries:
            with contextlib.suppress(OSError):
                if is_dir:
                    _empty(entry, fd)
                    os.rmdir(entry, dir_fd=fd)
                else:
                    os.unlink(entry, dir_fd=fd)
    finally:
        os.close(fd)
