"""Build facts read off a text traceback's frames: GOROOT, the main module's folder and path."""

from __future__ import annotations

from pathlib import Path

from dlvauto.snapshot import BuildFacts, RawFrame
from dlvauto.sources.text import read_trace
from dlvauto.sources.textfacts import infer_build_facts, infer_goroot, merge_facts

from tests.helpers import DATA


def frames(*pairs: tuple[str, str]) -> list[RawFrame]:
    return [RawFrame(function=fn, file=file, line=1) for fn, file in pairs]


def test_from_a_real_traceback_of_a_downloaded_toolchain() -> None:
    """Go 1.21.13 ran from the module cache: its GOROOT is the toolchain module's folder."""
    snap = read_trace(str(DATA / "tracebacks" / "go1.21" / "deep_stack.system.txt"))[0]
    facts = snap.build
    assert facts.goroot == "/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.21.13.linux-amd64"
    assert facts.module_path == "example.com/deep_stack"
    assert facts.module_dir is not None
    crash = next(f for f in snap.goroutines[0].frames if f.function == "example.com/deep_stack/c.Crash")
    assert crash.file == f"{facts.module_dir}/c/c.go"
    assert Path(facts.module_dir).name == "deep_stack"


def test_module_root_above_a_main_package_in_cmd() -> None:
    facts = infer_build_facts(
        frames(
            ("main.main", "/src/m/cmd/tool/main.go"),
            ("example.com/m/internal/store.(*DB).Get", "/src/m/internal/store/db.go"),
            ("runtime.gopanic", "/usr/local/go/src/runtime/panic.go"),
        )
    )
    assert (facts.module_dir, facts.module_path, facts.goroot) == ("/src/m", "example.com/m", "/usr/local/go")


def test_main_only_program_has_its_folder_but_no_path() -> None:
    facts = infer_build_facts(frames(("main.main", "/src/m/main.go"), ("main.run", "/src/m/run.go")))
    assert (facts.module_dir, facts.module_path, facts.goroot) == ("/src/m", None, None)


def test_vendored_and_module_cache_code_is_not_the_module() -> None:
    facts = infer_build_facts(
        frames(
            ("main.main", "/src/m/main.go"),
            ("example.org/retry.Do", "/src/m/vendor/example.org/retry/retry.go"),
            ("github.com/x/y.F", "/root/go/pkg/mod/github.com/x/y@v1.2.3/y.go"),
        )
    )
    assert (facts.module_dir, facts.module_path) == ("/src/m", None)


def test_major_version_suffix_is_part_of_the_module_path() -> None:
    facts = infer_build_facts(
        frames(("main.main", "/src/m/main.go"), ("example.com/m/v2/sub.F", "/src/m/sub/sub.go"))
    )
    assert (facts.module_dir, facts.module_path) == ("/src/m", "example.com/m/v2")


def test_trimpath_file_names() -> None:
    """-trimpath prints module files under their import path and GOROOT files bare."""
    facts = infer_build_facts(
        frames(
            ("main.main", "example.com/m/main.go"),
            ("example.com/m/c.Crash", "example.com/m/c/c.go"),
            ("runtime.gopanic", "runtime/panic.go"),
        )
    )
    assert (facts.module_dir, facts.module_path, facts.goroot) == ("example.com/m", "example.com/m", None)


def test_without_main_frames_the_most_agreed_module_wins() -> None:
    facts = infer_build_facts(
        frames(
            ("example.com/m/a.F", "/src/m/a/a.go"),
            ("example.com/m/b.G", "/src/m/b/b.go"),
        )
    )
    assert (facts.module_dir, facts.module_path) == ("/src/m", "example.com/m")


def test_goroot_from_another_standard_package() -> None:
    sites = [("sync.(*WaitGroup).Wait", "/opt/go/src/sync/waitgroup.go"), ("main.main", "/x/main.go")]
    assert infer_goroot(sites) == "/opt/go"
    assert infer_goroot([("net/http.(*conn).serve", "/opt/go/src/net/http/server.go")]) == "/opt/go"
    assert infer_goroot([("main.main", "/x/main.go")]) is None


def test_no_frames_no_facts() -> None:
    assert infer_build_facts([]) == BuildFacts()


def test_given_facts_win() -> None:
    inferred = BuildFacts(module_path="a", module_dir="/a", goroot="/go")
    merged = merge_facts(inferred, BuildFacts(module_path="b", goroot=None))
    assert (merged.module_path, merged.module_dir, merged.goroot) == ("b", "/a", "/go")
