"""The program's stdout and stderr reach the report whole, however large, without stalling it."""

from __future__ import annotations

from pathlib import Path

from dlvauto.analysis import analyze
from dlvauto.gobuild.program import build
from dlvauto.sources.live import run_live

from tests.helpers import EXAMPLES, needs_dlv, run_cli

pytestmark = needs_dlv

LOUD = """package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	line := strings.Repeat("x", 99)
	for i := 0; i < 40000; i++ {
		fmt.Println(line)
		fmt.Fprintln(os.Stderr, line)
	}
	fmt.Println("last stdout line")
	panic("after the noise")
}
"""


def test_large_output_is_kept_whole(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/loud\n\ngo 1.25\n")
    (tmp_path / "main.go").write_text(LOUD)
    built = build(tmp_path)
    report = analyze(run_live(built.binary, facts=built.facts, timeout=60))
    assert report.crash.kind == "panic" and report.crash.message == "after the noise"
    out, err = report.output.stdout, report.output.stderr
    assert not report.output.truncated
    assert len(out) == 40000 * 100 + len("last stdout line\n")
    assert out.endswith("last stdout line\n")
    assert err.count("x" * 99 + "\n") == 40000
    assert "panic: after the noise" in err, "the runtime's crash text follows the program's output"


def test_depth_option_bounds_the_stacks(tmp_path: Path) -> None:
    import json

    out = tmp_path / "r.json"
    r = run_cli("run", str(EXAMPLES / "deep_stack"), "--depth", "5", "--json", str(out))
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    crash = next(g for g in report["goroutines"] if g["id"] == report["crash"]["goroutine_id"])
    # The crash goroutine is read whole whatever --depth says (main.main must not go missing);
    # --depth bounds the others.
    assert [f["function"] for f in crash["frames"]][-3:] == ["main.main", "runtime.main", "runtime.goexit"]
    assert "frames_omitted" not in crash
    assert all(len(g["frames"]) <= 6 for g in report["goroutines"] if g is not crash), "Depth N: N+1 frames"
    assert report["crash"]["first_user_frame"]["function"] == "example.com/deep_stack/c.Crash"
    assert report["crash"]["frame_n"]["frame"]["function"] is not None
