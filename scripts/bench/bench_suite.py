#!/usr/bin/env python3
"""How much `dlvauto suite -j N` gains from running scenarios side by side, on this machine.

The suite's promise on a 2-core CI runner is that `-j 2` takes at most 1/1.6 of the time of `-j 1`
on the example corpus. Builds are cached first (a warm-up run), so the figures measure running
scenarios, not compiling them. Each setting runs --repeat times; the median is compared.

Usage: .venv/bin/python scripts/bench/bench_suite.py [--repeat N] [--jobs 1,2] [DIR]
Exit status: 0 when the -j 2 speed-up is at least 1.6x, 3 when not, 1 when a run fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.6


def run_suite(folder: Path, jobs: int) -> float:
    start = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "dlvauto", "suite", str(folder), "-j", str(jobs)],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.stderr.write(r.stdout[-2000:] + r.stderr[-2000:])
        raise SystemExit(f"bench_suite: the suite failed with -j {jobs}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(ROOT / "examples" / "go"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", default="1,2")
    args = ap.parse_args()
    folder = Path(args.folder)
    settings = [int(j) for j in args.jobs.split(",")]
    run_suite(folder, max(settings))  # warm the build cache
    times: dict[int, list[float]] = {j: [] for j in settings}
    for _ in range(args.repeat):
        for j in settings:
            times[j].append(run_suite(folder, j))
    scenarios = len(list(folder.glob("*/expect.toml")))
    cores = os.cpu_count()
    print(f"dlvauto suite on {folder} ({scenarios} scenarios), {cores} cores, median of {args.repeat}")
    print(f"{'jobs':>4} | {'median s':>9} | {'min s':>7} | speed-up vs -j {settings[0]}")
    base = statistics.median(times[settings[0]])
    for j in settings:
        med = statistics.median(times[j])
        print(f"{j:>4} | {med:9.2f} | {min(times[j]):7.2f} | {base / med:.2f}x")
    speedup = base / statistics.median(times[settings[-1]])
    met = speedup >= TARGET
    verdict = "met" if met else "NOT met"
    print(f"target: -j {settings[-1]} >= {TARGET}x faster than -j {settings[0]}: {verdict}")
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
