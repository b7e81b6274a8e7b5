"""The build cache is private and checked: a binary in it runs only if it is the one we built.

dlvauto executes what it finds in its cache, so the cache is treated like code on a search path.
Folders are made 0700 and binaries 0700 whatever the umask; a cache folder that another user owns
or that group or others can write is refused (one line, exit 2) rather than used; and each binary's
SHA-256 is written beside it at build time and checked before it is run. A binary that is not
what was built (truncated, replaced, its digest missing) is removed and built again, with a note.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

from dlvauto.errors import UserError, shown
from dlvauto.system import cachedir, files

DIGEST_SUFFIX = ".sha256"


def cache_root() -> Path:
    """The cache's folder: $DLVAUTO_CACHE_DIR, else $XDG_CACHE_HOME/dlvauto or ~/.cache/dlvauto."""
    return Path(cachedir.cache_root())


def ours_and_closed(path: Path) -> bool:
    """Whether `path` is ours and neither group nor others can write it (checked without a fuss:
    for what is only read to save time, where a refusal costs nothing)."""
    return cachedir.ours_and_closed(str(path))


def private_dir(path: Path, *, root: bool = False) -> Path:
    """`path` as a folder only we can use, made 0700 when missing.

    The cache's root is refused when another user owns it or group or others can write it (its
    binaries could be anyone's). A folder inside it, under a root that is private, can only have
    been made by us: a looser mode there (an older run under umask 000) is closed.
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"{path} is not a folder: set DLVAUTO_CACHE_DIR to a folder for the cache") from None
    except OSError as exc:
        raise UserError(
            f"cannot make the cache folder {path}: {exc.strerror}; "
            "set DLVAUTO_CACHE_DIR to a folder you can write"
        ) from None
    st = path.stat()
    if not stat.S_ISDIR(st.st_mode):
        raise UserError(f"{path} is not a folder: set DLVAUTO_CACHE_DIR to a folder for the cache")
    if st.st_uid != os.getuid():
        raise UserError(
            f"the cache folder {path} belongs to another user (uid {st.st_uid}): a binary there could "
            "be anyone's; set DLVAUTO_CACHE_DIR to a folder of your own"
        )
    if root and st.st_mode & 0o022:
        raise UserError(
            f"the cache folder {path} is writable by others (mode {stat.S_IMODE(st.st_mode):o}): its "
            f"binaries could be replaced; run `chmod 700 {path}` or set DLVAUTO_CACHE_DIR to a private folder"
        )
    if root and not os.access(path, os.W_OK | os.X_OK):  # even root cannot write a read-only mount
        raise UserError(
            f"the cache folder {shown(path)} is read-only: dlvauto keeps its builds there; "
            "set DLVAUTO_CACHE_DIR to a folder you can write"
        )
    if st.st_mode & 0o077:
        path.chmod(0o700)
    return path


def digest_of(binary: Path) -> str:
    import hashlib  # here: the early start reads the cache's folders before dlv starts, without it

    h = hashlib.sha256()
    with binary.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def seal(binary: Path) -> None:
    """Make a freshly built binary private and record its digest beside it (before it is used)."""
    files.make_private(binary, files.EXECUTABLE)
    files.write_private(binary.with_name(binary.name + DIGEST_SUFFIX), digest_of(binary) + "\n")


def intact(binary: Path) -> bool:
    """Whether the cached `binary` is the one built: ours, private, and its digest matches.

    A binary that fails is removed (with its digest) and a one-line note goes to stderr; the caller
    builds it again.
    """
    digest = binary.with_name(binary.name + DIGEST_SUFFIX)
    why = None
    try:
        st = binary.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
            why = "is not private to you"
        elif not digest.is_file():
            why = "has no recorded digest"
        elif digest.read_text().strip() != digest_of(binary):
            why = "does not match the digest recorded when it was built"
    except OSError as exc:
        why = f"cannot be read ({exc.strerror})"
    if why is None:
        return True
    sys.stderr.write(f"dlvauto: note: the cached build {binary} {why}: building it again\n")
    for p in (binary, digest):
        with contextlib.suppress(OSError):
            p.unlink()
    return False
