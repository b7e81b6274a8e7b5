"""The build cache's ledger as the prune reads it: each build's size is the bytes of its files,
links are never followed, and the order is least recently used first."""

from __future__ import annotations

import os
from pathlib import Path

from dlvauto.gobuild import prune


def _build(builds: Path, name: str, sizes: dict[str, int], used: float) -> Path:
    folder = builds / name
    for rel, size in sizes.items():
        file = folder / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"x" * size)
    os.utime(folder, (used, used))
    return folder


def test_sizes_order_and_links(tmp_path: Path) -> None:
    builds = tmp_path / "builds"
    big = tmp_path / "elsewhere.bin"
    big.write_bytes(b"y" * 50_000)
    older = _build(builds, "a" * 24, {"prog": 1000, "prog.sha256": 65, "sub/deep.txt": 7}, 1_000_000)
    newer = _build(builds, "b" * 24, {"prog": 300}, 2_000_000)
    (newer / "link").symlink_to(big)  # counted as the link itself, not the 50 kB it names
    os.utime(newer, (2_000_000, 2_000_000))
    (builds / ("c" * 24)).symlink_to(older)  # a linked folder is no build of the cache
    _build(builds, ".trash-" + "d" * 24, {"prog": 9}, 3_000_000)  # being removed: not counted
    (builds / "stray-file").write_bytes(b"z")

    found = prune.entries(tmp_path)

    link_size = (newer / "link").lstat().st_size
    assert [(e.path, e.size, e.used) for e in found] == [
        (older, 1000 + 65 + 7, 1_000_000),
        (newer, 300 + link_size, 2_000_000),
    ]
    assert link_size < 1000


def test_no_cache_yet(tmp_path: Path) -> None:
    assert prune.entries(tmp_path / "nothing") == []
    (tmp_path / "builds").write_text("not a folder")
    assert prune.entries(tmp_path) == []


def test_prune_keeps_the_newest_that_fit(tmp_path: Path) -> None:
    builds = tmp_path / "builds"
    first = _build(builds, "1" * 24, {"prog": 600}, 1_000)
    second = _build(builds, "2" * 24, {"prog": 600}, 2_000)
    third = _build(builds, "3" * 24, {"prog": 600}, 3_000)
    removed = prune.prune(tmp_path, 1300, keep=first)
    assert [e.path for e in removed] == [second]
    assert [e.path for e in prune.entries(tmp_path)] == [first, third]
    assert sorted(p.name for p in builds.iterdir()) == [first.name, third.name]
