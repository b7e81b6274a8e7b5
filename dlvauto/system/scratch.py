"""dlvauto's private working folders (`/tmp/dlvauto-*`), and clearing those a dead run left behind.

Each run makes folders only its user can enter (dlv's socket, the program's captured output, an
unpacked core) and removes them when it ends. A run killed with SIGKILL cannot: its folders stay.
So each folder carries an `owner` file naming the process that made it (pid, its start time, the
boot), and the first folder a later run makes clears every folder of its user whose owner is gone.
A folder is never touched when its owner might be alive, when it belongs to another user, when it
is a symlink, or when it has no owner file (a folder some other program named `dlvauto-...`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import stat
import threading
from pathlib import Path

from dlvauto.system import files, ownermark, trees

PREFIX = "dlvauto-"
OWNER = "owner"

_swept = False
_sweep_lock = threading.Lock()


_start_time = ownermark.start_time
_boot_id = ownermark.boot_id
_me = ownermark.owner_line


def _owner_gone(folder: Path) -> bool:
    """True only when the folder's owner file names a process that is certainly not running."""
    try:
        pid_text, started, boot = (folder / OWNER).read_text().split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return False  # no owner file, or not ours to judge
    if boot != _boot_id():
        return True  # made before this boot: nothing of that run lives
    return pid != os.getpid() and _start_time(pid) != started


def sweep(root: Path | None = None) -> list[Path]:
    """Remove this user's dlvauto folders under `root` (the temporary folder) whose run is gone."""
    root = Path(root or trees.temp_root())
    removed: list[Path] = []
    uid = os.getuid()
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
            continue
        folder = Path(entry.path)
        if _owner_gone(folder):
            trees.remove_tree(folder)
            removed.append(folder)
    return removed


def _sweep_quietly() -> None:
    with contextlib.suppress(OSError):
        sweep()


def private_folder() -> Path:
    """A fresh folder only we can enter (0700 whatever the umask), marked as this process's; the
    first one a process makes clears the folders of runs that died without removing theirs."""
    global _swept
    with _sweep_lock:
        if not _swept:
            _swept = True
            # Off the run's path: a temporary folder of thousands of entries takes tens of ms.
            sweeper = threading.Thread(target=_sweep_quietly, name="dlvauto-sweep", daemon=True)
            sweeper.start()
            atexit.register(sweeper.join, 2.0)  # a short run still finishes its sweep
    folder = trees.new_folder(prefix=PREFIX)
    with files.open_private(folder / OWNER, exclusive=True) as f:
        f.write(_me())
    return folder
