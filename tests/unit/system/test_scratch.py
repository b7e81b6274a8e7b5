"""Private folders carry their owner; a later run clears only the folders of runs that are gone."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from dlvauto.system import scratch


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _folder(root: Path, name: str, owner: str | None) -> Path:
    folder = root / f"{scratch.PREFIX}{name}"
    folder.mkdir()
    (folder / "stdout").write_text("left behind\n")
    if owner is not None:
        (folder / scratch.OWNER).write_text(owner)
    return folder


def test_private_folder_is_private_and_names_its_owner(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    old = os.umask(0)
    try:
        folder = scratch.private_folder()
    finally:
        os.umask(old)
    assert folder.parent == tmp_path and folder.name.startswith(scratch.PREFIX)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / scratch.OWNER).stat().st_mode) == 0o600
    pid, started, boot = (folder / scratch.OWNER).read_text().split()
    assert int(pid) == os.getpid() and started.isdigit() and boot


def test_sweep_clears_only_dead_runs(tmp_path: Path) -> None:
    mine = scratch._me()
    boot = mine.split()[2]
    dead = _folder(tmp_path, "dead0001", f"{_dead_pid()} 12345 {boot}\n")
    reused = _folder(tmp_path, "reused01", f"{os.getppid()} 1 {boot}\n")  # a live pid, another start
    old_boot = _folder(tmp_path, "oldboot1", f"{os.getpid()} 1 not-this-boot\n")
    alive = _folder(tmp_path, "alive001", mine)
    parent = _folder(tmp_path, "parent01", f"{os.getppid()} {scratch._start_time(os.getppid())} {boot}\n")
    unmarked = _folder(tmp_path, "nomark01", None)
    garbled = _folder(tmp_path, "garble01", "not an owner line")
    other = tmp_path / "other-dead"
    other.mkdir()
    (other / scratch.OWNER).write_text(f"{_dead_pid()} 1 {boot}\n")
    target = _folder(tmp_path, "target01", f"{_dead_pid()} 1 {boot}\n")
    link = tmp_path / f"{scratch.PREFIX}symlink1"
    link.symlink_to(target)

    removed = scratch.sweep(tmp_path)

    assert sorted(removed) == sorted([dead, reused, old_boot, target])
    for kept in (alive, parent, unmarked, garbled, other):
        assert kept.is_dir(), kept
    assert link.is_symlink()  # a symlink is never followed, only its target judged on its own
