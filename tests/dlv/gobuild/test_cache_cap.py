"""The build cache's size cap: after each real `go build`, the least recently used builds go until
the cache fits $DLVAUTO_CACHE_MAX; a cache hit makes a build the most recently used; `dlvauto cache
info|prune` say and do the same."""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

import pytest

from dlvauto.gobuild import prune
from dlvauto.gobuild.program import build

from tests.helpers import needs_dlv, run_cli

pytestmark = [needs_dlv, pytest.mark.dlv]


def _program(root: Path) -> Path:
    name = "c" + secrets.token_hex(4)
    src = root / name
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.25\n")
    (src / "main.go").write_text(f'package main\n\nfunc main() {{ println("{name}") }}\n')
    return src


def test_the_least_recently_used_build_goes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("DLVAUTO_CACHE_DIR", str(cache))
    a, b, c = (_program(tmp_path) for _ in range(3))
    first = build(a)
    one = prune.entries(cache)[0].size
    assert one > 500_000  # a Go binary: the cap below is about whole builds
    monkeypatch.setenv("DLVAUTO_CACHE_MAX", str(int(one * 2.5)))
    second = build(b)
    assert [e.path.name for e in prune.entries(cache)] == [first.key, second.key]
    time.sleep(0.05)  # file times tick with the kernel's coarse clock (a few ms): no tie with b
    again = build(a)  # a hit: a becomes the most recently used
    assert again.cached and again.key == first.key
    assert [e.path.name for e in prune.entries(cache)] == [second.key, first.key]
    time.sleep(0.05)
    third = build(c)  # three builds exceed the cap: b, the least recently used, goes
    assert [e.path.name for e in prune.entries(cache)] == [first.key, third.key]
    assert not (cache / "builds" / second.key).exists()
    assert sum(e.size for e in prune.entries(cache)) <= int(one * 2.5)
    assert not build(b).cached  # it is built again when asked for


def test_a_cap_smaller_than_one_build_keeps_the_one_just_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("DLVAUTO_CACHE_DIR", str(cache))
    monkeypatch.setenv("DLVAUTO_CACHE_MAX", "1K")
    build(_program(tmp_path))
    latest = build(_program(tmp_path))
    assert [e.path.name for e in prune.entries(cache)] == [latest.key]
    assert latest.binary.is_file()


def test_cache_info_and_prune_commands(tmp_path: Path) -> None:
    env = {**os.environ, "DLVAUTO_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("DLVAUTO_CACHE_MAX", None)
    for _ in range(2):
        r = run_cli("run", str(_program(tmp_path)), "-q", env=env)
        assert r.returncode == 0, r.stderr
    r = run_cli("cache", "info", "--json", env=env)
    figures = json.loads(r.stdout)
    sizes = [e.size for e in prune.entries(tmp_path / "cache")]
    assert figures == {
        "root": str(tmp_path / "cache"), "builds": 2, "bytes": sum(sizes), "cap_bytes": 2 * 1024**3,
    }  # fmt: skip
    r = run_cli("cache", "prune", "--max", str(max(sizes)), env=env)
    assert r.returncode == 0 and r.stdout.startswith("removed 1 builds, "), r.stdout + r.stderr
    r = run_cli("cache", "prune", "--all", env=env)
    assert r.returncode == 0 and r.stdout.startswith("removed 1 builds, "), r.stdout + r.stderr
    assert json.loads(run_cli("cache", "info", "--json", env=env).stdout)["builds"] == 0
    r = run_cli("cache", "prune", "--max", "lots", env=env)
    assert (r.returncode, r.stderr) == (
        2,
        "dlvauto: error: --max must be a size such as 2G, 500M or 1073741824 (bytes), not 'lots'\n",
    )


@pytest.mark.parametrize(
    ("text", "size"), [("2G", 2 * 1024**3), ("500M", 500 * 1024**2), ("2GiB", 2 * 1024**3), ("1024", 1024)]
)
def test_sizes(text: str, size: int) -> None:
    assert prune.parse_size(text) == size


def test_a_run_of_the_command_line_prunes_what_is_over_the_cap(tmp_path: Path) -> None:
    """A `dlvauto run` that builds prunes the cache to the cap before dlv starts: every older build
    over it is gone (sizes counted as the files' sizes: sparse ones too), no trash is left."""
    cache = tmp_path / "cache"
    builds = cache / "builds"
    old = []
    for k in range(3):
        folder = builds / f"{k:024x}"
        folder.mkdir(parents=True)
        with (folder / "prog").open("wb") as f:
            f.truncate(40 * 1024**2)  # sparse: counted by its size, no disk used
        stamp = time.time() - 3600 * (k + 1)
        os.utime(folder, (stamp, stamp))
        old.append(folder)
    cache.chmod(0o700)
    builds.chmod(0o700)
    env = {**os.environ, "DLVAUTO_CACHE_DIR": str(cache), "DLVAUTO_CACHE_MAX": "30M"}
    src = _program(tmp_path)
    r = run_cli("run", str(src), "--json", str(tmp_path / "r.json"), "-q", env=env)
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    ran = Path(report["source"]["binary"])
    assert ran.name == src.name and ran.parent.parent == builds
    assert [e.path for e in prune.entries(cache)] == [ran.parent]
    assert not any(folder.exists() for folder in old)
    assert [p.name for p in builds.iterdir()] == [ran.parent.name], "no .trash- folder left"
