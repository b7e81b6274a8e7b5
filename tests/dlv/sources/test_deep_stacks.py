"""A crash stack deeper than --depth is read whole; other goroutines say what --depth left out.

The program is written fresh with random names: a recursion N deep (N random, above 100) panics at
its bottom while another goroutine sleeps M calls deep. Expected counts come from N and M.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

from tests.helpers import needs_dlv, run_cli

pytestmark = needs_dlv


def _program(tmp_path: Path) -> tuple[Path, str, int, int]:
    tag = secrets.token_hex(3)
    depth, sleeper = 120 + secrets.randbelow(60), 200 + secrets.randbelow(50)
    src = tmp_path / f"deep{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/deep{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        'package main\n\nimport "time"\n\n'
        f"func dig{tag}(n int) int {{\n\tif n == 0 {{\n\t\tvar m map[int]int\n\t\tm[n] = 1\n"
        f"\t\treturn 0\n\t}}\n\treturn dig{tag}(n-1) + 1\n}}\n\n"
        f"func rest{tag}(n int) {{\n\tif n == 0 {{\n\t\ttime.Sleep(time.Hour)\n\t\treturn\n\t}}\n"
        f"\trest{tag}(n - 1)\n}}\n\n"
        f"func main() {{\n\tgo rest{tag}({sleeper})\n\ttime.Sleep(20 * time.Millisecond)\n"
        f"\tdig{tag}({depth})\n}}\n"
    )
    return src, tag, depth, sleeper


def test_the_crash_goroutine_is_read_whole_and_the_others_count_what_was_left_out(tmp_path: Path) -> None:
    src, tag, depth, sleeper = _program(tmp_path)
    report = json.loads(run_cli("run", str(src), "--depth", "100", "--json", "-").stdout)
    crash = report["goroutines"][0]
    names = [f["function"] for f in crash["frames"]]
    assert names.count(f"main.dig{tag}") == depth + 1
    assert "main.main" in names and names[-1] == "runtime.goexit"
    assert "frames_omitted" not in crash
    other = next(
        g for g in report["goroutines"] if any(f["function"] == f"main.rest{tag}" for f in g["frames"])
    )
    assert len(other["frames"]) == 101
    # Its whole stack: the runtime's frames of the sleep, time.Sleep, rest{tag} sleeper+1 times,
    # main.main.gowrap1 (the compiler's wrapper of `go f(x)`), goexit. 101 were read, so what was
    # left out is the rest{tag} frames not shown, and those two.
    shown = sum(1 for f in other["frames"] if f["function"] == f"main.rest{tag}")
    assert other["frames_omitted"] == sleeper + 1 - shown + 2
    assert report["crash"]["frame_n"]["frame"]["function"] == f"main.dig{tag}"


def test_text_says_how_many_frames_the_runtime_left_out(tmp_path: Path) -> None:
    src, tag, depth, _ = _program(tmp_path)
    binary = tmp_path / "prog"
    subprocess.run(["go", "build", "-o", str(binary), "."], cwd=src, check=True, timeout=300)
    run = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60)
    trace = tmp_path / "trace.txt"
    trace.write_text(run.stderr)
    report = json.loads(run_cli("parse", str(trace), "--json", "-").stdout)
    crash = report["goroutines"][0]
    shown = sum(1 for f in crash["frames"] if f["function"] == f"main.dig{tag}")
    # The runtime prints the innermost and outermost frames and counts the ones between.
    assert shown + crash["frames_omitted"] == depth + 1
    assert crash["frames"][-1]["function"] == "main.main"
