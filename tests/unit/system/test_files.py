"""system/files.py: private files are 0600 whatever the umask, reports land whole or not at all."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlvauto.system import files


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.lstat().st_mode)


def test_private_files_and_folders_ignore_a_umask_of_000(tmp_path: Path, umask_000: None) -> None:
    folder = files.private_dir(tmp_path / "a" / "b")
    with files.open_private(folder / "core", "wb") as f:
        f.write(b"memory")
    files.write_private(folder / "stop.json", "{}\n")
    assert (_mode(folder), _mode(folder / "core"), _mode(folder / "stop.json")) == (0o700, 0o600, 0o600)


def test_an_existing_loose_file_opened_private_is_closed(tmp_path: Path) -> None:
    p = tmp_path / "f"
    p.write_text("old")
    p.chmod(0o666)
    with files.open_private(p) as f:
        f.write("new")
    assert (_mode(p), p.read_text()) == (0o600, "new")


def test_open_private_does_not_follow_a_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / "link").symlink_to(victim)
    with pytest.raises(OSError) as caught:
        files.open_private(tmp_path / "link")
    assert caught.value.errno == errno.ELOOP
    assert victim.read_text() == "precious"


def test_a_report_is_0644_at_most_and_follows_a_tighter_umask(tmp_path: Path, umask_000: None) -> None:
    with files.replace(tmp_path / "r.json") as f:
        f.write("{}")
    assert _mode(tmp_path / "r.json") == 0o644
    os.umask(0o077)
    with files.replace(tmp_path / "r.json") as f:
        f.write("{}")
    assert _mode(tmp_path / "r.json") == 0o600


def test_a_report_that_fails_midway_leaves_the_old_one_and_no_temporary(tmp_path: Path) -> None:
    p = tmp_path / "r.json"
    p.write_text("old report")
    with pytest.raises(RuntimeError), files.replace(p) as f:
        f.write("half a rep")
        raise RuntimeError("the renderer broke")
    assert p.read_text() == "old report"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["r.json"]


def test_a_device_is_written_through(tmp_path: Path) -> None:
    with files.replace("/dev/null") as f:
        f.write("gone")
    assert Path("/dev/null").is_char_device()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with files.replace(fifo) as f:
            f.write("through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_folder_at_the_destination_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError), files.replace(tmp_path):
        pass


def test_update_keeps_the_users_mode_less_others_write(tmp_path: Path) -> None:
    p = tmp_path / "expect.toml"
    p.write_text("kind = 'panic'\n")
    p.chmod(0o640)
    files.update(p, "kind = 'fatal'\n")
    assert (_mode(p), p.read_text()) == (0o640, "kind = 'fatal'\n")
    p.chmod(0o666)
    files.update(p, "kind = 'none'\n")
    assert _mode(p) == 0o644


def test_a_placed_private_file_replaces_a_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / "transcript"
    link.symlink_to(victim)
    files.place_private(link)
    assert not link.is_symlink() and _mode(link) == 0o600 and link.read_text() == ""
    assert victim.read_text() == "precious"


# Where dlvauto may still create a file without system/files.py, and why that is safe.
_ALLOWED = {
    "dlvauto/cli.py": "a closed standard stream reopened on /dev/null",
    "dlvauto/repl/debugger.py": "the transcript, made private by sources/backends.options first",
    "dlvauto/sandbox/container.py": "the image's build context, in a TemporaryDirectory (0700)",
    "dlvauto/gobuild/cache.py": "the cache's folders, 0700 and checked (cache.private_dir)",
    "dlvauto/sources/viacore.py": "the kernel's core moved into the saved folder, then made 0600 there",
    "dlvauto/sources/savedcore.py": "the binary copied beside a saved core, then made 0700",
    "dlvauto/system/trees.py": "fresh names for files.py and scratch.py: 0600 files (O_EXCL), 0700 folders",
    "dlvauto/commands/quickstart.py": "its 0700 folder, 0600 files (O_EXCL), made before files.py loads",
    "dlvauto/commands/surroundings.py": "stdin copied into a file files.open_private made",
}
_WRITES = re.compile(
    r"\.write_text\(|\.write_bytes\(|\.open\(\"[wa]|open\([^)]*\"[wa]|O_CREAT|\.mkdir\(|shutil\.(copy|move)|mkstemp|mkdtemp"
)


def test_every_file_dlvauto_writes_goes_through_the_helper() -> None:
    package = Path(files.__file__).resolve().parent.parent
    found = {}
    for path in sorted(package.rglob("*.py")):
        rel = str(path.relative_to(package.parent))
        if rel == "dlvauto/system/files.py":
            continue
        lines = [ln.strip() for ln in path.read_text().splitlines() if _WRITES.search(ln)]
        if lines and rel not in _ALLOWED:
            found[rel] = lines
    assert found == {}, "write through dlvauto/system/files.py (private, or a report written whole)"


def test_a_symlink_to_a_stream_is_written_through_not_replaced(tmp_path: Path) -> None:
    """`--json /dev/stdout` is a symlink to the process's fd 1: replacing it would break /dev."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"
    link.symlink_to(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with files.replace(link) as f:
            f.write("{}")
        assert os.read(reader, 10) == b"{}"
    finally:
        os.close(reader)
    assert link.is_symlink()
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with files.replace(dangling) as f:
        f.write("{}")
    assert not dangling.is_symlink() and not (tmp_path / "nowhere").exists()
