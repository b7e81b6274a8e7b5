#!/usr/bin/env python3
"""Wall time of `dlvauto test` against `dlv test` doing the same job, side by side in one run.

The job: build a package's test binary with the debug flags, run one panicking test under dlv to
the crash, and read every goroutine's stack. `dlv test PKG --init INIT -- -test.run ^T$ -test.v`
(INIT = continue, `goroutines -t 100`, exit) compiles the test binary on every run, so it is set
beside `dlvauto test` from source (an empty dlvauto cache; Go's own build cache is warm for both);
`dlvauto test` with its cache warm (the binary already built, the everyday re-run) is shown too.
Rounds alternate the sides so a drift of the machine hits both; medians (and mins) are printed.

The package is examples/go/service/internal/handler, test TestServe (a nil map written in the
tested code, re-panicked by testing.tRunner).

Usage: .venv/bin/python scripts/bench/bench_test.py [--repeat N]
Exit status: 0 when it ran (the figures are a comparison, not a target), 1 when a run failed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from benchlib import EXAMPLES_DIR, BenchError, Run, Series, check_leftovers, find_tools, tail, timed

PACKAGE = EXAMPLES_DIR / "service" / "internal" / "handler"
TEST = "TestServe"
INIT = "continue\ngoroutines -t 100\nexit\n"


def dlvauto_test(tools: list[str], cache: Path, scratch: Path) -> Run:
    report = scratch / "report.json"
    out = scratch / "dlvauto.out"
    argv = [*tools, "test", ".", "-run", f"^{TEST}$", "--json", str(report)]
    env = {**__import__("os").environ, "DLVAUTO_CACHE_DIR": str(cache)}
    seconds, rc = timed(argv, out=out, cwd=PACKAGE, env=env)
    if rc != 0:
        raise BenchError(f"dlvauto test exited {rc}: {tail(out)}")
    data = json.loads(report.read_text())
    if data["crash"]["kind"] != "panic":
        raise BenchError(f"dlvauto test saw no panic: {data['crash']}")
    return Run(seconds, rc, len(data["goroutines"]), 0, check_leftovers(cache))


def dlv_test(dlv: str, scratch: Path) -> Run:
    init = scratch / "init"
    init.write_text(INIT)
    out = scratch / "dlv.out"
    argv = [dlv, "test", ".", "--init", str(init), "--allow-non-terminal-interactive=true", "--",
            f"-test.run=^{TEST}$", "-test.v"]  # fmt: skip
    seconds, rc = timed(argv, out=out, cwd=PACKAGE)
    text = out.read_text(errors="replace")
    if "Goroutine" not in text or "panic" not in text:
        raise BenchError(f"dlv test did not stop at the panic: {tail(out)}")
    return Run(seconds, rc, text.count(" Goroutine "), 0, check_leftovers(PACKAGE))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    tools = find_tools("bench_test")
    scratch = Path(tempfile.mkdtemp(prefix="bench-test-"))
    try:
        warm_cache = scratch / "warm"
        dlvauto_test(tools.dlvauto, warm_cache, scratch)  # warm-up: builds into the warm cache
        dlv_test(tools.dlv, scratch)
        warm, cold, cli = Series(), Series(), Series()
        for _ in range(args.repeat):
            cold_cache = Path(tempfile.mkdtemp(prefix="cold-", dir=scratch))
            cold.runs.append(dlvauto_test(tools.dlvauto, cold_cache, scratch))
            shutil.rmtree(cold_cache, ignore_errors=True)
            cli.runs.append(dlv_test(tools.dlv, scratch))
            warm.runs.append(dlvauto_test(tools.dlvauto, warm_cache, scratch))
    except BenchError as exc:
        print(f"bench_test: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    where = PACKAGE.relative_to(EXAMPLES_DIR.parent.parent)
    print(f"package {where}, test {TEST}; median of {args.repeat} (min)")
    print(f"{'what':<34} | {'median s':>9} | {'min s':>7} | vs dlv test")
    for name, s in (("dlv test (builds every time)", cli), ("dlvauto test, from source", cold),
                    ("dlvauto test, binary cached", warm)):  # fmt: skip
        print(f"{name:<34} | {s.median:9.3f} | {s.minimum:7.3f} | {s.median / cli.median:.2f}x")
    left = [x for s in (cli, cold, warm) for r in s.runs for x in r.leftovers]
    print("no dlv or test binary was left behind" if not left else f"LEFT BEHIND: {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
