"""The build: profiles, a content-keyed cache, and compiler errors passed through."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dlvauto.build import build
from dlvauto.errors import BuildFailed, UserError

from .conftest import EXAMPLES, needs_dlv

pytestmark = needs_dlv


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLVAUTO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _copy(example: str, tmp_path: Path) -> Path:
    dst = tmp_path / example
    shutil.copytree(EXAMPLES / example, dst)
    return dst


def test_second_build_of_unchanged_source_is_cached(cache: Path, tmp_path: Path) -> None:
    src = _copy("nil_map_write", tmp_path)
    first = build(src)
    assert not first.cached and first.binary.is_file()
    mtime = first.binary.stat().st_mtime_ns
    src.joinpath("main.go").touch()  # a new mtime, the same content: still cached
    second = build(src)
    assert second.cached and second.binary == first.binary
    assert second.binary.stat().st_mtime_ns == mtime


def test_changed_source_or_flags_rebuild(cache: Path, tmp_path: Path) -> None:
    src = _copy("nil_map_write", tmp_path)
    first = build(src)
    cache_go = src / "store" / "cache.go"
    cache_go.write_text(cache_go.read_text() + "\n// a change\n")
    changed = build(src)
    assert not changed.cached and changed.key != first.key
    optimized = build(src, "optimized")
    assert not optimized.cached and optimized.key != changed.key
    assert optimized.flags == [] and changed.flags == ["-gcflags=all=-N -l"]


def test_build_facts_come_from_the_module(cache: Path) -> None:
    result = build(EXAMPLES / "deep_stack")
    assert result.facts.module_path == "example.com/deep_stack"
    assert result.facts.module_dir == str(EXAMPLES / "deep_stack")
    assert result.facts.goroot and Path(result.facts.goroot, "src", "runtime").is_dir()
    assert result.facts.go_version and result.facts.go_version.startswith("go1.")


def test_compile_error_keeps_the_compilers_words(cache: Path, tmp_path: Path) -> None:
    src = _copy("nil_map_write", tmp_path)
    (src / "main.go").write_text(
        (src / "main.go").read_text().replace("func main() {", "func main() {\n\tundefinedThing()")
    )
    with pytest.raises(BuildFailed) as info:
        build(src)
    assert "undefined: undefinedThing" in info.value.detail
    assert "./main.go:" in info.value.detail


def test_not_in_a_module(tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    with pytest.raises(UserError, match="not inside a Go module"):
        build(tmp_path)
