"""Source context: the lines around each user frame, read from disk, with --source-root rules.

The reports come from snapshots recorded on the machine that made them (tests/data/snapshots), so
their paths name that machine's checkout: exactly the case --source-root is for.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.enrich.source import SourceReader, add_source, candidates, parse_source_root
from dlvauto.errors import UserError
from dlvauto.report import Report
from dlvauto.snapshot import snapshot_from_json

from tests.helpers import DATA, EXAMPLES, plain, run_cli


def recorded(name: str) -> Report:
    doc = json.loads((DATA / "snapshots" / f"{name}.json").read_text())
    return analyze(snapshot_from_json(doc["snapshot"]))


def test_user_frames_get_their_lines_through_a_source_root(tmp_path: Path) -> None:
    report = recorded("deep_stack")
    built_in = report.source.module_dir
    assert built_in is not None
    here = tmp_path / "checkout" / "deep_stack"
    shutil.copytree(EXAMPLES / "deep_stack", here)
    add_source(report, [(built_in, str(here))])
    fu = report.crash.first_user_frame
    assert fu is not None and fu.source is not None
    assert (fu.source.path, fu.source.first_line, fu.source.line) == (str(here / "c" / "c.go"), 16, 18)
    assert fu.source.lines == (here / "c" / "c.go").read_text().splitlines()[15:20]
    assert fu.source.lines[2] == '\t\tpanic(fmt.Sprintf("checksum mismatch: got %d, want 7", sum))'
    g = report.crash_goroutine()
    assert g is not None
    with_source = [f.index for f in g.frames if f.source is not None]
    assert with_source == [f.index for f in g.frames if f.category == "user"]
    n = report.crash.frame_n.frame
    assert n is not None and n.source is not None and n.source.line == 13
    assert n.source.lines[2] == "\treturn Level3(d) + 2"
    frame = plain(report)["crash"]["first_user_frame"]
    assert set(frame["source"]) == {"path", "first_line", "line", "lines"}


def test_first_and_last_lines_of_a_file(tmp_path: Path) -> None:
    f = tmp_path / "x.go"
    f.write_text("package x\n\nfunc A() {}\n")
    reader = SourceReader()
    top = reader.context(str(f), 1)
    assert top is not None and (top.first_line, top.lines) == (1, ["package x", "", "func A() {}"])
    bottom = reader.context(str(f), 3)
    assert bottom is not None and (bottom.first_line, bottom.line) == (1, 3)
    assert reader.context(str(f), 4) is None, "a file shorter than the line was edited since the build"
    assert reader.context(str(tmp_path / "gone.go"), 1) is None
    assert reader.context(None, 1) is None


def test_rules_are_tried_in_order_then_the_recorded_path(tmp_path: Path) -> None:
    assert candidates("/build/src/a/a.go", [("/build/src", "/x"), ("/build", "/y/")]) == [
        "/x/a/a.go",
        "/y/src/a/a.go",
        "/build/src/a/a.go",
    ]
    # whole folders only: /build/src does not take in /build/srcs
    assert candidates("/build/srcs/a.go", [("/build/src/", "/x")]) == ["/build/srcs/a.go"]
    (tmp_path / "second" / "a").mkdir(parents=True)
    (tmp_path / "second" / "a" / "a.go").write_text("package a\n")
    reader = SourceReader([("/build", str(tmp_path / "first")), ("/build", str(tmp_path / "second"))])
    ctx = reader.context("/build/a/a.go", 1)
    assert ctx is not None and ctx.path == str(tmp_path / "second" / "a" / "a.go")


@pytest.mark.parametrize("spec", ["no-equals", "=/new", "/old=", ""])
def test_bad_source_root_is_one_clear_error(spec: str) -> None:
    with pytest.raises(UserError, match="is not OLD=NEW"):
        parse_source_root(spec)


def test_source_root_splits_at_the_first_equals() -> None:
    assert parse_source_root("/old=/new=dir") == ("/old", "/new=dir")


def test_cli_rejects_a_bad_source_root_before_running() -> None:
    r = run_cli("run", str(EXAMPLES / "deep_stack"), "--source-root", "nonsense", timeout=120)
    assert r.returncode == 2 and r.stdout == "", "refused before building or running anything"
    last = r.stderr.strip().splitlines()[-1]
    assert last.endswith(
        "--source-root 'nonsense' is not OLD=NEW: give the folder the binary was built in and the folder "
        "it is in here, e.g. --source-root /build/src=/home/me/src"
    )
