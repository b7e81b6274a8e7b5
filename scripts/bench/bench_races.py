#!/usr/bin/env python3
"""Throughput and peak memory of `dlvauto parse` on a big log full of race detector reports.

Why this exists: issue 19 promises that a 50 MB log with thousands of race reports parses at
>= 30 MB/s in at most three times the file's size of memory. This measures both on real reports:

1. A real Go program (written to a temporary module) has SITES racy code sites, each its own pair
   of functions (a writer and a reader of its own variable, a few calls deep) run from two
   goroutines, and logs a line or two around each; built with `-race`, every site gives one
   report of its own (the detector prints each pair of stacks once). Its stderr is one run's log.
2. The log is that stderr repeated until it reaches --mb megabytes, as a CI log of many runs is.
3. The parser (sources/text.read_trace in a child Python: the text read into a snapshot, every
   report with its frames) reads it, alone, after one warm-up read of the file: wall time
   (time.perf_counter around the whole process, interpreter start included), throughput (file
   MB / s) and its peak RSS (os.wait4's rusage, which covers exactly that child); it counts the
   races it read, which must be every report of the log. The targets are its. Then `dlvauto parse
   LOG --json /dev/null` (what a user runs: also every frame classified and every race written as
   JSON) is measured the same way and shown beside it.

Usage: .venv/bin/python scripts/bench/bench_races.py [--mb N] [--sites N] [--repeat N] [--keep PATH]
Exit status: 0 when both targets hold, 3 when one is missed, 1 when a step failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import measured  # one measured run, shared with bench_parse.py

DLVAUTO = [sys.executable, "-m", "dlvauto"]
SITES = 1000
MEGABYTES = 50.0
TARGET_MBPS = 30.0
TARGET_RSS = 3.0

MAIN = """\
// Command racelog runs many racy code sites, one after another, logging around each: a service's
// log under `go test -race` in CI.
package main

import (
	"fmt"
	"os"
	"sync"
)

func run(i int, write, read func()) {
	fmt.Fprintf(os.Stderr, "2026/12/03 16:00:00 INFO request id=%d path=/api/v1/items/%d status=200\\n", i, i)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		write()
	}()
	go func() {
		defer wg.Done()
		read()
	}()
	wg.Wait()
	if i%3 == 0 {
		fmt.Fprintf(os.Stderr, "2026/12/03 16:00:01 WARN slow request id=%d took=%dms\\n", i, i%250)
	}
}

func main() {
	for i, s := range sites {
		run(i, s.write, s.read)
	}
	fmt.Println(len(sites), "sites run")
}
"""


def sites_source(n: int) -> str:
    """n racy sites: site i's writer and reader reach its own variable through two calls each."""
    out = ["package main\n", "type site struct{ write, read func() }\n"]
    for i in range(n):
        out.append(
            f"var value{i} int\n\n"
            f"//go:noinline\nfunc store{i}(v int) {{ value{i} = v }}\n\n"
            f"//go:noinline\nfunc load{i}() int {{ return value{i} }}\n\n"
            f"//go:noinline\nfunc writer{i}() {{ store{i}({i}) }}\n\n"
            f"//go:noinline\nfunc reader{i}() {{ _ = load{i}() }}\n"
        )
    out.append("var sites = []site{")
    out += [f"\t{{writer{i}, reader{i}}}," for i in range(n)]
    out.append("}\n")
    return "\n".join(out)


def record_log(work: Path, sites: int, megabytes: float) -> tuple[Path, int]:
    """Build and run racelog once with -race; its stderr repeated to `megabytes`. (path, reports)"""
    module = work / "racelog"
    module.mkdir()
    (module / "go.mod").write_text("module example.com/racelog\n\ngo 1.21\n")
    (module / "main.go").write_text(MAIN)
    (module / "sites.go").write_text(sites_source(sites))
    binary = work / "racelog.bin"
    done = subprocess.run(
        ["go", "build", "-race", "-o", str(binary), "."],
        cwd=module,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"go build -race failed:\n{done.stderr}")
    env = {k: v for k, v in os.environ.items() if k != "GORACE"}
    ran = subprocess.run([str(binary)], cwd=work, env=env, capture_output=True, timeout=900)
    if ran.returncode != 66:
        raise RuntimeError(f"racelog exited {ran.returncode}, not with the detector's 66")
    one = ran.stderr
    per_run = one.count(b"WARNING: DATA RACE")
    # The detector may miss a race now and then (its shadow memory keeps a few accesses per word):
    # nearly every site must have its report, and the log's own count is what the parser must read.
    if per_run < sites * 0.95:
        raise RuntimeError(f"one run printed {per_run} race reports for {sites} racy sites")
    copies = max(1, round(megabytes * 1e6 / len(one)))
    log = work / "racelog.log"
    with log.open("wb") as f:
        for _ in range(copies):
            f.write(one)
    return log, per_run * copies


PARSER_ONLY = """\
import sys
from dlvauto.sources.text import read_trace
(snap,) = read_trace(sys.argv[1])
print(len(snap.races), "races", sum(r.truncated for r in snap.races), "truncated")
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=MEGABYTES, help="size of the log, MB")
    parser.add_argument("--sites", type=int, default=SITES, help="distinct racy sites (reports per run)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the median is shown)")
    parser.add_argument("--keep", help="also copy the log here")
    opts = parser.parse_args(argv)
    if shutil.which("go") is None:
        print("bench_races: go is not installed", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="dlvauto-bench-races-"))
    try:
        print(f"building and running a -race program with {opts.sites:,} racy sites ...", flush=True)
        log, reports = record_log(work, opts.sites, opts.mb)
        size = log.stat().st_size
        if opts.keep:
            shutil.copy(log, opts.keep)
        log.read_bytes()  # warm the page cache
        runs = {
            "dlvauto parse --json /dev/null": [*DLVAUTO, "parse", str(log), "--json", "/dev/null"],
            "parser only (read_trace)": [sys.executable, "-c", PARSER_ONLY, str(log)],
        }
        rows = []
        for name, cmd in runs.items():
            print(f"running {name} ...", flush=True)
            done = [measured(cmd, work / "out.txt", timeout=3600) for _ in range(opts.repeat)]
            bad = [r for r in done if r.status != 0]
            if bad:
                print(f"{name} failed (exit {bad[0].status}):\n{bad[0].output[-2000:]}", file=sys.stderr)
                return 1
            wall = statistics.median(r.wall for r in done)
            rows.append((name, wall, size / 1e6 / wall, max(r.max_rss for r in done), done[0].output.strip()))
        print()
        print(
            f"file: {size / 1e6:.1f} MB, {reports:,} race reports among log lines ({opts.sites:,} racy sites)"
        )
        cols = f"{'wall s':>8} {'MB/s':>7} {'file MB':>8} {'peak RSS MB':>12} {'RSS/file':>9}"
        print(f"{'measurement':<32} {cols}")
        for name, wall, mbps, rss, _ in rows:
            mb, ratio = size / 1e6, rss / size
            print(f"{name:<32} {wall:>8.2f} {mbps:>7.1f} {mb:>8.1f} {rss / 1e6:>12.1f} {ratio:>9.2f}")
        said = rows[1][4]
        if said != f"{reports} races 0 truncated":
            print(f"the parser read {said!r}; the log has {reports} complete reports", file=sys.stderr)
            return 1
        # The targets are the parser's (issue 19: parsing the log); the command, which also
        # classifies every frame and writes every race as JSON, is shown beside it.
        print()
        for label, (_, _, mbps, rss, _) in (("parser", rows[1]), ("dlvauto parse command", rows[0])):
            speed = "met" if mbps >= TARGET_MBPS else "MISSED"
            memory = "met" if rss <= TARGET_RSS * size else "MISSED"
            print(f"{label}: >= {TARGET_MBPS:.0f} MB/s {speed}; peak RSS <= {TARGET_RSS:.0f}x file {memory}")
        ok_speed = rows[1][2] >= TARGET_MBPS
        ok_memory = rows[1][3] <= TARGET_RSS * size
        return 0 if ok_speed and ok_memory else 3
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
