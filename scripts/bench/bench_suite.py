#!/usr/bin/env python3
"""How much `dlvauto suite -j N` gains from running scenarios side by side, and what the same
work costs done by hand with dlv's CLI two at a time, on this machine, in the same run.

The suite's promise on a 2-core CI runner is that `-j 2` takes at most 0.6x the time of `-j 1`
on the example corpus, and that the whole corpus at `-j 2` is faster than the same jobs done with
dlv's own CLI two at a time (`dlv exec BIN --init INIT`, INIT = continue, `goroutines -t 100`,
exit; each job given its scenario's binary, arguments, environment, folder and timeout, a hang
killed at it as the suite halts it). Every scenario the suite runs has its CLI job: nested ones,
test scenarios (their test binary, `-test.run`) and race scenarios (their `-race` binary).
Builds are cached first (a warm-up run); both sides run the same cached binaries, so the figures
measure running scenarios, not compiling them. Each setting runs --repeat times; the median is
compared.

Usage: .venv/bin/python scripts/bench/bench_suite.py [--repeat N] [--jobs 1,2] [DIR]
Exit status: 0 when both targets hold, 3 when one does not, 1 when a run fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import ROOT, check_leftovers

TARGET = 0.6  # -j 2 over -j 1, at most
TARGET_CLI = 1.0  # dlvauto -j 2 over dlv's CLI two at a time, below
INIT_SCRIPT = "continue\ngoroutines -t 100\nexit\n"


Job = tuple[list[str], dict[str, str], float, str | None]


def cli_jobs(folder: Path) -> list[Job]:
    """The dlv CLI job of every scenario the suite runs (nested ones, `test = ...` ones
    included): argv, environment, timeout and working folder, on the binary the suite runs.

    Each job is the scenario's own work: a race scenario runs its `-race` binary with the race
    environment, a test scenario its test binary with `-test.v=true -test.run=^NAME$` in the
    package's folder, as suite/runner.py runs them."""
    from dlvauto.gobuild.program import build, build_test
    from dlvauto.suite.scenarios import find
    from dlvauto.system.dlv import find_dlv

    dlv = find_dlv()
    init = Path(tempfile.mkdtemp(prefix="bench-suite-")) / "init"
    init.write_text(INIT_SCRIPT)
    jobs: list[Job] = []
    for scenario in find([folder]):
        exp = scenario.expectation()
        env = {**os.environ, **exp.env} if exp.env else None
        flags, env = exp.race_flags(env)
        cwd: str | None = None
        if exp.test is not None:
            package = (scenario.path / exp.package).resolve()
            binary = build_test(package, exp.profile, extra_flags=flags).binary
            args = ["-test.v=true", f"-test.run=^{exp.test}$", *exp.args]
            cwd = str(package)
        else:
            binary = build(scenario.path, exp.profile, extra_flags=flags).binary
            args = list(exp.args)
        argv = [dlv, "exec", str(binary), "--init", str(init), "--allow-non-terminal-interactive=true"]
        if args:
            argv += ["--", *args]
        jobs.append((argv, dict(env if env is not None else os.environ), exp.timeout, cwd))
    return jobs


def run_cli(jobs: list[Job], workers: int) -> float:
    """Wall time of every CLI job, `workers` at a time; a job past its timeout is killed (group)."""

    def one(job: Job) -> None:
        argv, env, timeout, cwd = job
        p = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            # dlv's target lives in a process group of its own: end it by its path, as the suite
            # ends a hang (benchlib finds dlv and targets by the binary's path).
            check_leftovers(Path(argv[2]))

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, jobs))
    return time.perf_counter() - start


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
    jobs = cli_jobs(folder)
    times: dict[int, list[float]] = {j: [] for j in settings}
    cli_times: list[float] = []
    for _ in range(args.repeat):
        for j in settings:
            times[j].append(run_suite(folder, j))
        cli_times.append(run_cli(jobs, 2))
    scenarios = len(jobs)
    cores = os.cpu_count()
    print(f"dlvauto suite on {folder} ({scenarios} scenarios), {cores} cores, median of {args.repeat}")
    print(f"{'what':<28} | {'median s':>9} | {'min s':>7} | vs -j {settings[0]}")
    base = statistics.median(times[settings[0]])
    for j in settings:
        med = statistics.median(times[j])
        print(f"{'dlvauto suite -j ' + str(j):<28} | {med:9.2f} | {min(times[j]):7.2f} | {med / base:.2f}x")
    cli = statistics.median(cli_times)
    print(f"{'dlv CLI, two at a time':<28} | {cli:9.2f} | {min(cli_times):7.2f} | {cli / base:.2f}x")
    ratio = statistics.median(times[settings[-1]]) / base
    vs_cli = statistics.median(times[settings[-1]]) / cli
    met = ratio <= TARGET
    met_cli = vs_cli < TARGET_CLI
    verdict = "met" if met else "NOT met"
    print(f"target: -j {settings[-1]} <= {TARGET}x of -j {settings[0]}: {ratio:.2f}x, {verdict}")
    print(
        f"target: -j {settings[-1]} faster than dlv's CLI two at a time: {vs_cli:.2f}x, "
        f"{'met' if met_cli else 'NOT met'}"
    )
    return 0 if met and met_cli else 3


if __name__ == "__main__":
    sys.exit(main())
