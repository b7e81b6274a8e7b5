#!/usr/bin/env python3
"""Collection time and memory at scale: 1k, 10k and 100k parked goroutines, dlvauto beside dlv's CLI.

The target is examples/scale/parked (N goroutines, each 28 calls deep, parked on a channel, then a
panic in main). For each N, in one run:

- dlvauto: a fresh Python process runs the library as `dlvauto run` does (build cached, run under
  dlv, analyse, write the JSON report to /dev/null) and reports its own phases: the collection
  (list + every stack, pipelined) and the whole job, and its peak RSS (the Python process only;
  dlv and the target are reported apart).
- dlv's CLI: `dlv exec BIN --init` with `continue` + `goroutines -t 30` + `exit`, and the same
  without `goroutines -t`: the difference is the CLI's collection time. dlv's peak RSS is sampled
  from /proc while it runs.

Targets (issue 9): dlvauto's collection <= 1.0x the CLI's at 10k and 100k, peak RSS <= 1 GiB at
100k, and a flat time per goroutine from 1k to 100k.

Usage: .venv/bin/python scripts/bench/bench_scale.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "examples" / "scale" / "parked"
DEPTH = 30


def worker(n: int) -> None:
    """Run inside a fresh interpreter: dlvauto's job on N goroutines, timed by phase."""
    from dlvauto.analysis import analyze
    from dlvauto.gobuild.program import build
    from dlvauto.render.json import write_json
    from dlvauto.rpc.debugger import RpcSession
    from dlvauto.sources import live

    timings: dict[str, float] = {}
    real = RpcSession.goroutines

    def timed_collect(self: RpcSession, *a: object, **k: object) -> object:
        t0 = time.perf_counter()
        out = real(self, *a, **k)  # type: ignore[arg-type]
        timings["collect"] = time.perf_counter() - t0
        return out

    RpcSession.goroutines = timed_collect  # type: ignore[assignment,method-assign]
    t0 = time.perf_counter()
    built = build(SRC)
    snap = live.run_live(built.binary, [str(n)], facts=built.facts, timeout=600, depth=DEPTH)
    t1 = time.perf_counter()
    report = analyze(snap)
    with Path(os.devnull).open("w") as out:
        write_json(report, out)
    t2 = time.perf_counter()
    timings.update(run=t1 - t0, analyse_and_json=t2 - t1, total=t2 - t0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": len(report.goroutines), "timings": timings, "rss_kib": rss}))


def _peak_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            return
        time.sleep(0.02)


def dlv_cli(binary: Path, n: int, with_stacks: bool, scratch: Path) -> tuple[float, int, int]:
    """(seconds, goroutine headers printed, dlv's peak RSS KiB)."""
    from dlvauto.system.dlv import find_dlv

    init = scratch / "init.txt"
    init.write_text("continue\n" + (f"goroutines -t {DEPTH}\n" if with_stacks else "") + "exit\n")
    out = scratch / "cli.out"
    t0 = time.perf_counter()
    with out.open("wb") as f:
        p = subprocess.Popen(
            [find_dlv(), "exec", str(binary), "--init", str(init), "--allow-non-terminal-interactive=true",
             "--", str(n)],
            stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
        )  # fmt: skip
        stop, peak = threading.Event(), [0]
        th = threading.Thread(target=_peak_rss, args=(p.pid, stop, peak), daemon=True)
        th.start()
        p.wait(timeout=1200)
        stop.set()
    seconds = time.perf_counter() - t0
    headers = sum(1 for line in out.open("rb") if line.lstrip().startswith(b"Goroutine "))
    return seconds, headers, peak[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    from dlvauto.gobuild.program import build

    binary = Path(build(SRC).binary)
    scratch = Path(tempfile.mkdtemp(prefix="bench_scale-"))
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        r = subprocess.run([sys.executable, __file__, "--worker", str(n)], capture_output=True, text=True,
                           timeout=3600)  # fmt: skip
        if r.returncode != 0:
            sys.stderr.write(r.stderr[-3000:])
            return 1
        mine = json.loads(r.stdout.strip().splitlines()[-1])
        with_s, headers, dlv_rss = dlv_cli(binary, n, True, scratch)
        without_s, _, _ = dlv_cli(binary, n, False, scratch)
        cli_collect = with_s - without_s
        rows.append((n, mine, with_s, cli_collect, headers, dlv_rss))
    print(f"examples/scale/parked, {DEPTH} frames read per goroutine, {os.cpu_count()} cores")
    print(f"{'goroutines':>10} | {'dlvauto collect s':>17} | {'dlv CLI collect s':>17} | {'ratio':>5} | "
          f"{'us/goroutine':>12} | {'dlvauto total s':>15} | {'CLI total s':>11} | {'dlvauto RSS MiB':>15} | "
          f"{'dlv RSS MiB':>11}")  # fmt: skip
    ok = True
    for n, mine, with_s, cli_collect, headers, dlv_rss in rows:
        t = mine["timings"]
        ratio = t["collect"] / cli_collect if cli_collect > 0 else float("inf")
        per = t["collect"] / mine["n"] * 1e6
        rss = mine["rss_kib"] / 1024
        print(f"{mine['n']:>10} | {t['collect']:>17.2f} | {cli_collect:>17.2f} | {ratio:>5.2f} | "
              f"{per:>12.1f} | "
              f"{t['total']:>15.2f} | {with_s:>11.2f} | {rss:>15.0f} | {dlv_rss / 1024:>11.0f}")  # fmt: skip
        if headers < n:
            print(f"  note: dlv's CLI printed {headers} goroutine headers for {n} goroutines")
        if n >= 10000 and ratio > 1.0:
            ok = False
        if n >= 100000 and rss > 1024:
            ok = False
    print(f"targets (collect <= 1.0x CLI at 10k+, RSS <= 1 GiB at 100k): {'met' if ok else 'NOT met'}")
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
