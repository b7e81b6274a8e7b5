#!/usr/bin/env python3
"""Edit and rerun: `dlvauto run` of a program just edited, against the same job by hand, side by side.

The loop people live in: change a line, run again. By hand that is `go build` with dlvauto's debug
flags (the edited package compiles again, the rest comes from Go's build cache), then `dlv exec
BINARY --init INIT` (continue, `goroutines -t 100`, exit), timed together. dlvauto runs with a
cache of its own that remembers the last build, as it would on a desk. Each side edits a copy of
its own (a line appended to main.go before every run), so both compile the same change; the sides
alternate, the first round of each is a warm-up, the median (and min) of --repeat rounds is
printed. Every run must stop at the crash, and leave no dlv or target behind. No target: the
figures are for the closing notes of issue 18 (the quick start begins such a build itself).

Usage: .venv/bin/python scripts/bench/bench_edit.py [--examples a,b] [--repeat N]
Exit status: 0 when every run did the job, 1 when one did not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import EXAMPLES_DIR, BenchError, check_leftovers, find_tools, tail, timed

INIT_SCRIPT = "continue\ngoroutines -t 100\nexit\n"
DEBUG_FLAGS = ["-gcflags=all=-N -l"]  # dlvauto's debug profile (gobuild/profiles.py)


def _edit(src: Path, round_no: int) -> None:
    with (src / "main.go").open("a") as f:
        f.write(f"\nvar benchEdit{round_no} = {round_no}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", default="nil_map_write,deep_stack,goroutine_panic")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    tools = find_tools("bench_edit")
    scratch = Path(tempfile.mkdtemp(prefix="bench_edit-"))
    init = scratch / "init.txt"
    init.write_text(INIT_SCRIPT)
    print(f"edit, then run: median (min) of {args.repeat}, seconds; {os.cpu_count()} cores")
    print(f"{'example':<16} | {'dlvauto run':>15} | {'go build + dlv CLI':>18} | ratio")
    try:
        for name in [n for n in args.examples.split(",") if n]:
            a, b = scratch / f"{name}-dlvauto", scratch / f"{name}-cli"
            for copy in (a, b):
                shutil.copytree(EXAMPLES_DIR / name, copy)
            cache = scratch / f"{name}-cache"
            env = {**os.environ, "DLVAUTO_CACHE_DIR": str(cache)}
            env.pop("DLVAUTO_DEBUG", None)
            report, out = scratch / "report.json", scratch / "out.txt"
            times: dict[str, list[float]] = {"dlvauto": [], "cli": []}
            for i in range(args.repeat + 1):
                _edit(a, i)
                seconds, rc = timed([*tools.dlvauto, "run", str(a), "--json", str(report)], out=out, env=env)
                kind = json.loads(report.read_text())["crash"]["kind"] if rc == 0 else None
                if kind not in ("panic", "fatal", "signal") or check_leftovers(cache):
                    raise BenchError(f"dlvauto run of the edited {name}: status {rc}, {kind}: {tail(out)}")
                if i:
                    times["dlvauto"].append(seconds)
                _edit(b, i)
                binary = b / "bin" / name
                build_s, rc = timed([tools.go, "build", *DEBUG_FLAGS, "-o", str(binary), "."], out=out, cwd=b)
                if rc != 0:
                    raise BenchError(f"go build of the edited {name}: {tail(out)}")
                cli = [
                    tools.dlv,
                    "exec",
                    str(binary),
                    "--init",
                    str(init),
                    "--allow-non-terminal-interactive=true",
                ]
                run_s, rc = timed(cli, out=out)
                said = out.read_text(errors="replace")
                stopped = "[unrecovered-panic]" in said or "[runtime-fatal-throw]" in said
                if rc != 0 or not stopped or check_leftovers(binary):
                    raise BenchError(f"dlv CLI on the edited {name}: status {rc}: {tail(out)}")
                if i:
                    times["cli"].append(build_s + run_s)
            d, c = times["dlvauto"], times["cli"]
            print(
                f"{name:<16} | {statistics.median(d):7.3f} ({min(d):.3f}) | {statistics.median(c):10.3f} "
                f"({min(c):.3f}) | {statistics.median(d) / statistics.median(c):5.2f}"
            )
    except BenchError as exc:
        print(f"bench_edit: error: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
