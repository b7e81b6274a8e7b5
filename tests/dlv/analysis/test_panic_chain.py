"""A panic raised while panicking: the chain, first raised first, the same in live and text.

Fresh program, random names: `work` writes to a nil map, its deferred `cleanup` panics again.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers import needs_dlv, run_cli

pytestmark = needs_dlv


def _chain(report: dict[str, Any]) -> list[tuple[str, bool, str | None, int | None]]:
    return [
        (
            p["message"],
            p["recovered"],
            p["raised_by"] and p["raised_by"]["function"],
            p["raised_by"] and p["raised_by"]["line"],
        )
        for p in report["crash"]["panics"]
    ]


def test_the_chain_reads_the_same_in_live_and_at_every_traceback_level(tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    src = tmp_path / f"chain{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/chain{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        'package main\n\nimport "errors"\n\n'
        f'func cleanup{tag}() {{\n\tpanic(errors.New("cleanup {tag} failed")) // SECOND\n}}\n\n'
        f'func work{tag}() {{\n\tdefer cleanup{tag}()\n\tvar m map[string]int\n\tm["k"] = 1 // FIRST\n}}\n\n'
        f"func main() {{\n\twork{tag}()\n}}\n"
    )
    lines = (src / "main.go").read_text().splitlines()
    first = next(i for i, t in enumerate(lines, 1) if "// FIRST" in t)
    second = next(i for i, t in enumerate(lines, 1) if "// SECOND" in t)
    want = [
        ("assignment to entry in nil map", False, f"main.work{tag}", first),
        (f"cleanup {tag} failed", False, f"main.cleanup{tag}", second),
    ]
    live = json.loads(run_cli("run", str(src), "--json", "-").stdout)
    assert _chain(live) == want
    assert live["crash"]["message"] == f"cleanup {tag} failed"
    view = " ".join(run_cli("run", str(src)).stdout.replace("│", " ").split())  # the box may wrap it
    assert f"cleanup {tag} failed (raised while panicking: assignment to entry in nil map)" in view
    binary = tmp_path / "prog"
    subprocess.run(
        ["go", "build", "-gcflags=all=-N -l", "-o", str(binary), "."], cwd=src, check=True, timeout=300
    )
    for level in ("single", "all", "system", "crash"):
        run = subprocess.run(
            [str(binary)], capture_output=True, text=True, env={**os.environ, "GOTRACEBACK": level}
        )
        trace = tmp_path / f"t-{level}.txt"
        trace.write_text(run.stderr)
        text = json.loads(run_cli("parse", str(trace), "--json", "-").stdout)
        assert _chain(text) == want, level
        assert text["crash"]["signature"] == live["crash"]["signature"], level
        assert not any("recovered" in n for n in text["notes"]), text["notes"]
