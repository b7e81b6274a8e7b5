#!/usr/bin/env python3
"""Throughput and peak memory of `dlvauto parse` on a huge real traceback, beside panicparse and
DataDog's gostackparse.

Why this exists: `dlvauto parse` promises to read the crash text of big servers (100,000+
goroutines, 100+ MB of stderr) at least as fast as panicparse reads it, in at most three times
the file's size of memory. This measures both in one run, on a real dump:

1. A real Go program (written to a temporary module) parks GOROUTINES goroutines in a pipeline of
   user calls (chan receive, select, sync.Mutex, sync.WaitGroup, sleep), then panics in main at
   GOTRACEBACK=all; its stderr is the traceback (>= 100 MB, >= 100,000 goroutines). A panic, not a
   SIGQUIT: the runtime prints a SIGQUIT dump at system-level detail whatever GOTRACEBACK says
   (it counts as a runtime throw), twice the bytes per goroutine of the crash log wanted here.
2. panicparse's `pp` is installed into a temporary GOBIN (`go install
   github.com/maruel/panicparse/v2/cmd/pp@latest`) and a small Go main around
   github.com/DataDog/gostackparse is built in a temporary module; neither is kept.
3. Each tool reads the same file, its output going to /dev/null (dlvauto: `--json /dev/null`, the
   human view to a file), one run at a time after one warm-up read of the file: wall time
   (time.perf_counter around the whole process), throughput (file MB / s) and peak RSS of that
   process (os.wait4's rusage, which covers exactly one child). panicparse is run twice: as a user
   runs it (it then reads the sources the trace names to guess argument types) and with
   -parse=false. Its time grows faster than the file (about 4x for twice the bytes), so a tool
   still running after --tool-timeout seconds is stopped and shown as slower than that.

Usage: .venv/bin/python scripts/bench/bench_parse.py [--goroutines N] [--keep PATH] [--repeat N]
                                               [--tool-timeout S]
Exit status: 0 when every target holds (also issue 18's >= 50 MB/s), 3 when one is missed, 1 when a
step failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import measured  # one measured run, shared with bench_races.py

DLVAUTO = [sys.executable, "-m", "dlvauto"]
GOROUTINES = 110_000
TOOL_TIMEOUT = 3600.0
TARGET_MBPS = 50.0  # issue 18: the whole `dlvauto parse` process, interpreter start included
PANICPARSE = "github.com/maruel/panicparse/v2/cmd/pp@latest"
GOSTACKPARSE = "github.com/DataDog/gostackparse"

PROGRAM = """\
// Command benchsvc parks many goroutines in a pipeline of user calls, waiting in the usual ways
// (channel, select, mutex, wait group, sleep), then panics in main: the crash of a busy server.
package main

import (
	"fmt"
	"os"
	"strconv"

	"example.com/benchsvc/internal/pipeline"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	p := pipeline.New()
	for i := 0; i < n; i++ {
		go p.Serve(i)
	}
	p.WaitParked(n)
	fmt.Println("all requests parked")
	panic(fmt.Sprintf("shutting down with %d requests in flight", n))
}
"""

PIPELINE = """\
// Package pipeline is a stand-in for a server's request path: each request goes through a few
// stages before it blocks on what it waits for.
package pipeline

import (
	"sync"
	"sync/atomic"
	"time"
)

type Pipeline struct {
	requests chan int
	replies  chan int
	mu       sync.Mutex
	wg       sync.WaitGroup
	parked   atomic.Int64
}

func New() *Pipeline {
	p := &Pipeline{requests: make(chan int), replies: make(chan int)}
	p.mu.Lock() // held forever: every stage that locks it blocks
	p.wg.Add(1) // never done
	return p
}

func (p *Pipeline) WaitParked(n int) {
	for p.parked.Load() < int64(n) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
}

//go:noinline
func (p *Pipeline) Serve(id int) {
	p.decode(id, id%3)
}

//go:noinline
func (p *Pipeline) decode(id, depth int) int {
	if depth > 0 {
		return p.decode(id, depth-1) + 1
	}
	return p.validate(id)
}

//go:noinline
func (p *Pipeline) validate(id int) int {
	return p.store(id, id%5)
}

//go:noinline
func (p *Pipeline) store(id, how int) int {
	p.parked.Add(1)
	switch how {
	case 0:
		return <-p.requests
	case 1:
		select {
		case v := <-p.requests:
			return v
		case v := <-p.replies:
			return v
		}
	case 2:
		p.mu.Lock()
		return id
	case 3:
		p.wg.Wait()
		return id
	default:
		time.Sleep(time.Hour)
		return id
	}
}
"""

GOSTACKPARSE_MAIN = """\
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/DataDog/gostackparse"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	goroutines, errs := gostackparse.Parse(bufio.NewReaderSize(f, 1<<20))
	fmt.Println(len(goroutines), "goroutines", len(errs), "errors")
}
"""


def go(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(["go", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"go {' '.join(args)} failed in {cwd}:\n{done.stderr}")


def record_traceback(work: Path, goroutines: int) -> Path:
    """Build benchsvc and let it crash at GOTRACEBACK=all: its stderr file."""
    module = work / "benchsvc"
    (module / "internal" / "pipeline").mkdir(parents=True)
    (module / "go.mod").write_text("module example.com/benchsvc\n\ngo 1.21\n")
    (module / "main.go").write_text(PROGRAM)
    (module / "internal" / "pipeline" / "pipeline.go").write_text(PIPELINE)
    go(["build", "-o", str(work / "benchsvc.bin"), "."], module)
    trace = work / "benchsvc.traceback.txt"
    env = dict(os.environ, GOTRACEBACK="all")
    with trace.open("wb") as err:
        done = subprocess.run(
            [str(work / "benchsvc.bin"), str(goroutines)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            cwd=work,
            timeout=600,
        )
    if done.returncode != 2:
        raise RuntimeError(f"benchsvc exited {done.returncode}, not with a panic (2)")
    return trace


def build_tools(work: Path) -> tuple[Path, Path]:
    gobin = work / "gobin"
    go(["install", PANICPARSE], work, env=dict(os.environ, GOBIN=str(gobin)))
    gsp = work / "gsp"
    gsp.mkdir()
    (gsp / "main.go").write_text(GOSTACKPARSE_MAIN)
    go(["mod", "init", "example.com/gsp"], gsp)
    go(["get", GOSTACKPARSE], gsp)
    go(["build", "-o", str(work / "gostackparse.bin"), "."], gsp)
    return gobin / "pp", work / "gostackparse.bin"


def count_goroutines(trace: Path) -> int:
    header = re.compile(rb"^goroutine [1-9]\d* ")
    with trace.open("rb") as f:
        return sum(1 for line in f if header.match(line))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--goroutines", type=int, default=GOROUTINES)
    parser.add_argument("--keep", help="also copy the recorded traceback here")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool (the median is shown)")
    parser.add_argument("--tool-timeout", type=float, default=TOOL_TIMEOUT, help="seconds per tool run")
    opts = parser.parse_args(argv)
    if shutil.which("go") is None:
        print("bench_parse: go is not installed", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="dlvauto-bench-parse-"))
    try:
        print(f"recording a traceback of {opts.goroutines:,} goroutines ...", flush=True)
        trace = record_traceback(work, opts.goroutines)
        size = trace.stat().st_size
        in_file = count_goroutines(trace)
        print(f"{trace.name}: {size / 1e6:.1f} MB, {in_file:,} goroutines", flush=True)
        if opts.keep:
            shutil.copy(trace, opts.keep)
        print("installing panicparse and building a gostackparse main ...", flush=True)
        pp, gsp = build_tools(work)
        trace.read_bytes()  # warm the page cache for every tool alike
        tools = {
            "dlvauto parse": [*DLVAUTO, "parse", str(trace), "--json", "/dev/null"],
            "panicparse pp": [str(pp), str(trace)],
            "panicparse pp -parse=false": [str(pp), "-parse=false", str(trace)],
            "gostackparse": [str(gsp), str(trace)],
        }
        rows = []
        for name, cmd in tools.items():
            print(f"running {name} ...", flush=True)
            runs = [measured(cmd, work / "out.txt", opts.tool_timeout) for _ in range(opts.repeat)]
            bad = [r for r in runs if r.status != 0 and not r.timed_out]
            if bad:
                print(f"{name} failed (exit {bad[0].status}):\n{bad[0].output[-2000:]}", file=sys.stderr)
                return 1
            wall = statistics.median(r.wall for r in runs)
            rss = max(r.max_rss for r in runs)
            late = any(r.timed_out for r in runs)
            rows.append(
                (name, wall, size / 1e6 / wall, rss, "-" if late else found(name, runs[0].output), late)
            )
        print()
        print(f"file: {size / 1e6:.1f} MB, {in_file:,} goroutines (GOTRACEBACK=all, a panic in main)")
        head = (
            f"{'tool':<28} {'wall s':>9} {'MB/s':>8} {'peak RSS MB':>12} {'RSS/file':>9} {'goroutines':>11}"
        )
        print(head)
        for name, wall, mbps, rss, n, late in rows:
            w = f">{wall:.0f}" if late else f"{wall:.2f}"
            t = f"<{mbps:.2f}" if late else f"{mbps:.1f}"
            print(f"{name:<28} {w:>9} {t:>8} {rss / 1e6:>12.1f} {rss / size:>9.2f} {n:>11}")
        ours = rows[0]
        pp_default = rows[1]
        ok_speed = ours[2] >= pp_default[2]
        ok_memory = ours[3] <= 3 * size
        ok_fast = ours[2] >= TARGET_MBPS
        gsp_ratio = ours[1] / rows[3][1]
        print()
        print(f"target: dlvauto throughput >= panicparse's: {'met' if ok_speed else 'MISSED'}")
        print(f"target: dlvauto peak RSS <= 3x file size: {'met' if ok_memory else 'MISSED'}")
        print(
            f"target: dlvauto >= {TARGET_MBPS:.0f} MB/s (issue 18): {'met' if ok_fast else 'MISSED'} "
            f"({ours[2]:.1f} MB/s; {gsp_ratio:.1f}x gostackparse's time in the same run)"
        )
        if ours[4] != str(in_file):
            print(f"dlvauto reported {ours[4]} goroutines, the file has {in_file}", file=sys.stderr)
            return 1
        return 0 if ok_speed and ok_memory and ok_fast else 3
    finally:
        shutil.rmtree(work, ignore_errors=True)


def found(tool: str, stdout: str) -> str:
    """How many goroutines a tool says it read, from its own output."""
    if tool.startswith("dlvauto"):
        m = re.search(r"other goroutines \((\d+)\)", stdout)
        return str(int(m.group(1)) + 1) if m else "?"
    if tool.startswith("gostackparse"):
        m = re.search(r"(\d+) goroutines", stdout)
        return m.group(1) if m else "?"
    # panicparse prints buckets: "N: <state> ..." lines; their sum is the goroutines it read.
    return str(sum(int(m.group(1)) for m in re.finditer(r"^(\d+): ", stdout, re.MULTILINE)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
