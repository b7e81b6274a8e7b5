#!/usr/bin/env python3
"""Record snapshots of real runs under dlv into tests/data/snapshots/ for the analysis unit tests.

The analysis is pure, so its tests need no debugger: they read these recordings. Each file names the
dlv and Go versions that wrote it. Goroutines other than the crash goroutine are trimmed to keep the
files small. Run again after changing the snapshot model or the examples:

    .venv/bin/python scripts/record/record_snapshots.py [NAME[:optimized] ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dlvauto.analysis import analyze
from dlvauto.gobuild.program import build
from dlvauto.snapshot import snapshot_to_json
from dlvauto.sources.live import run_live
from dlvauto.suite.expect import Expectation

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "go"
OUT = ROOT / "tests" / "data" / "snapshots"
KEEP_OTHERS = 20
EXTRA = ["nil_receiver_method:optimized", "deep_stack:optimized", "sort_less_callback:optimized"]


def record(spec: str) -> Path:
    name, _, profile = spec.partition(":")
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    flags, env = exp.race_flags(None)  # a race build, as the suite runs it
    built = build(EXAMPLES / name, profile or exp.profile, extra_flags=flags)
    snap = run_live(built.binary, exp.args, facts=built.facts, timeout=exp.timeout, env=env)
    crash_id = analyze(snap).crash.goroutine_id
    others = [g for g in snap.goroutines if g.id != crash_id]
    kept = [g for g in snap.goroutines if g.id == crash_id] + others[:KEEP_OTHERS]
    if len(others) > KEEP_OTHERS:
        snap.notes.append(f"recording kept {KEEP_OTHERS} of {len(others)} other goroutines")
    snap.goroutines = kept
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / (f"{name}.{profile}.json" if profile else f"{name}.json")
    doc = {
        "recorded_with": {"dlv": snap.dlv_version, "go": snap.build.go_version, "example": name},
        "snapshot": snapshot_to_json(snap),
    }
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return path


def main(argv: list[str]) -> int:
    specs = argv or sorted(p.parent.name for p in EXAMPLES.glob("*/expect.toml")) + EXTRA
    for spec in specs:
        print(record(spec).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
