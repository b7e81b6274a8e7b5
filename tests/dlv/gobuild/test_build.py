"""The build: profiles, a content-keyed cache, and compiler errors passed through."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dlvauto.errors import BuildFailed, UserError
from dlvauto.gobuild import program as build_module
from dlvauto.gobuild.program import DIAGNOSTICS_FILE, build

from tests.helpers import EXAMPLES, needs_dlv

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
    assert changed.flags == ["-gcflags=all=-N -l"]
    assert optimized.flags == ["-gcflags=example.com/nil_map_write/...=-m=2"]  # the diagnostics only


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


def test_optimized_build_keeps_its_inlining_diagnostics(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _copy("inlined_two_deep", tmp_path)
    first = build(src, "optimized")
    assert not first.cached
    assert (first.binary.parent / DIAGNOSTICS_FILE).is_file(), "kept beside the binary, under its key"
    texts = {(d.file, d.line, d.column, d.text) for d in first.facts.inlining}
    assert (str(src / "b" / "b.go"), 6, 13, "inlining call to leaf") in texts
    assert (str(src / "a" / "a.go"), 16, 20, "inlining call to b.Middle") in texts

    def no_process(*args: object, **kw: object) -> None:
        raise AssertionError("a cached optimized build must not run the compiler")

    monkeypatch.setattr(build_module.proc, "run", no_process)
    second = build(src, "optimized")
    assert second.cached and second.facts.inlining == first.facts.inlining


def test_diagnostics_of_packages_go_already_compiled(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new dlvauto cache over a warm Go build cache: go replays the compiler's cached output."""
    src = _copy("inlined_two_deep", tmp_path)
    first = build(src, "optimized")
    monkeypatch.setenv("DLVAUTO_CACHE_DIR", str(tmp_path / "another-cache"))
    again = build(src, "optimized")
    assert not again.cached and again.binary != first.binary
    assert again.facts.inlining == first.facts.inlining and len(again.facts.inlining) == 10


def test_main_package_below_the_module_root(cache: Path, tmp_path: Path) -> None:
    src = _copy("inlined_two_deep", tmp_path)
    (src / "cmd" / "run").mkdir(parents=True)
    (src / "main.go").rename(src / "cmd" / "run" / "main.go")
    result = build(src / "cmd" / "run", "optimized")
    diags = result.facts.inlining
    assert all(Path(d.file).is_absolute() and Path(d.file).is_file() for d in diags)
    by_package = {d.package for d in diags}
    assert by_package == {"main", "example.com/inlined_two_deep/a", "example.com/inlined_two_deep/b"}
    main = next(d for d in diags if d.function == "main.main")
    assert main.file == str(src / "cmd" / "run" / "main.go") and main.kind == "cannot_inline"


def test_optimized_compile_error_is_not_buried_in_diagnostics(cache: Path, tmp_path: Path) -> None:
    src = _copy("inlined_two_deep", tmp_path)
    (src / "main.go").write_text(
        (src / "main.go").read_text().replace("func main() {", "func main() {\n\tundefinedThing()")
    )
    with pytest.raises(BuildFailed) as info:
        build(src, "optimized")
    # packages a and b built, and printed their -m=2 lines: the error is shown without them
    assert info.value.detail == "# example.com/inlined_two_deep\n./main.go:15:2: undefined: undefinedThing"
