"""system/trees.py: fresh private names and folders, the temporary folder, and a removal that
never follows a symlink (what tempfile and shutil gave the run before, with `os` alone)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dlvauto.system import trees


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_remove_tree_removes_all_it_holds_and_follows_no_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "kept.txt").write_text("keep me")
    doomed = tmp_path / "doomed"
    (doomed / "a" / "b").mkdir(parents=True)
    (doomed / "a" / "b" / "f.txt").write_text("x")
    (doomed / "top.txt").write_text("y")
    (doomed / "a" / "link-to-outside").symlink_to(outside, target_is_directory=True)
    (doomed / "file-link").symlink_to(outside / "deep" / "kept.txt")
    trees.remove_tree(doomed)
    assert not doomed.exists() and not doomed.is_symlink()
    assert (outside / "deep" / "kept.txt").read_text() == "keep me"


def test_remove_tree_of_a_link_removes_the_link_only(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "kept").write_text("k")
    link = tmp_path / "link"
    link.symlink_to(target, target_is_directory=True)
    trees.remove_tree(link)
    assert not link.is_symlink()
    assert (target / "kept").read_text() == "k"


def test_remove_tree_of_a_file_or_nothing(tmp_path: Path) -> None:
    f = tmp_path / "plain.txt"
    f.write_text("z")
    trees.remove_tree(f)
    assert not f.exists()
    trees.remove_tree(tmp_path / "never-there")  # no error: ignore_errors, as rmtree's


def test_new_file_and_folder_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        fd, path = trees.new_file(tmp_path, prefix=".rep.", suffix=".tmp")
        os.close(fd)
        folder = trees.new_folder(tmp_path, prefix="dlvauto-")
    finally:
        os.umask(old)
    name = Path(path).name
    assert name.startswith(".rep.") and name.endswith(".tmp") and len(name) == len(".rep.") + 8 + len(".tmp")
    assert _mode(Path(path)) == 0o600
    assert folder.parent == tmp_path and folder.name.startswith("dlvauto-") and _mode(folder) == 0o700
    assert os.get_inheritable(os.open(path, os.O_RDONLY | os.O_CLOEXEC)) is False


def test_new_names_are_fresh(tmp_path: Path) -> None:
    made = {trees.new_file(tmp_path)[1] for _ in range(200)}
    assert len(made) == 200
    folders = {trees.new_folder(tmp_path) for _ in range(50)}
    assert len(folders) == 50 and all(f.is_dir() for f in folders)


def test_new_file_never_opens_through_a_planted_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name already taken (here by a symlink to a file elsewhere) is skipped, not opened."""
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    names = iter(["taken123", "fresh456"])
    monkeypatch.setattr(trees, "_random_name", lambda: next(names))
    (tmp_path / "p-taken123").symlink_to(victim)
    fd, path = trees.new_file(tmp_path, prefix="p-")
    os.write(fd, b"mine")
    os.close(fd)
    assert Path(path).name == "p-fresh456"
    assert victim.read_text() == "untouched"


def test_temp_root_follows_tmpdir_then_the_usual_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert trees.temp_root() == str(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    monkeypatch.setenv("TMP", str(tmp_path / "second"))
    (tmp_path / "second").mkdir()
    assert trees.temp_root() == str(tmp_path / "second")  # the first that is a folder we can write
    monkeypatch.delenv("TMPDIR")
    monkeypatch.delenv("TMP")
    assert trees.temp_root() == "/tmp"
