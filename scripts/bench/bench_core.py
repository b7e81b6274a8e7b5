"""Wall time of `dlvauto core` against dlv's own CLI printing every stack of the same core, side by side.

Why this exists: reading a core through dlvauto should cost about what a person pays asking dlv by
hand, so a crash is explained at no extra wait. The target is that
`dlvauto core BINARY CORE --json FILE` takes at most 1.15x the time of
`dlv core BINARY CORE --init INIT --allow-non-terminal-interactive=true` (stdin /dev/null), where
INIT prints every goroutine's stack (`goroutines -t 100`, the depth dlvauto reads) and exits.

The cores are real: each example is built with dlvauto's debug profile and run once on its own with
GOTRACEBACK=crash and RLIMIT_CORE raised, in a scratch folder where core_pattern puts the core.
Each measurement is the wall time of a whole subprocess, output to a file. Per example there is one
warm-up round (not counted, it fills the page cache), then --repeat rounds in which the two sides
alternate which goes first; the median (and min) is reported. Every run is checked: the exit
status, that both saw the same number of goroutines (dlvauto's JSON report; the CLI's
`[N goroutines]` line), and that no dlv is left once the run is over. dlvauto's fixed costs
(interpreter start, imports) are measured apart, so a miss can be told from where it comes.

Usage: .venv/bin/python scripts/bench/bench_core.py [--examples a,b] [--repeat N] [--json PATH]
Exit status: 0 when the target is met everywhere, 3 when it is missed somewhere, 1 when a run failed,
2 for bad arguments or when this machine cannot write core files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import (  # shared with bench_live.py: process checks, timing, tool and machine facts
    EXAMPLES_DIR,
    FRAME_LINE,
    GOROUTINE_HEADER,
    GOROUTINE_TRAILER,
    TARGET_RATIO,
    BenchError,
    Run,
    Series,
    check_leftovers,
    find_tools,
    machine_facts,
    tail,
    timed,
)

DEFAULT_EXAMPLES = ["many_goroutines", "nil_map_write", "deep_stack"]
DEPTH = 100
INIT_SCRIPT = f"goroutines -t {DEPTH}\nexit\n"
MODULES = [
    "dlvauto.cli",
    "dlvauto.sources.core",
    "dlvauto.analysis",
    "dlvauto.render.terminal",
    "dlvauto.render.json",
]
IMPORTS = "import " + ", ".join(MODULES)


@dataclass
class Row:
    example: str
    dlvauto: Series
    cli: Series
    core_bytes: int = 0

    @property
    def ratio(self) -> float:
        return self.dlvauto.median / self.cli.median

    @property
    def min_ratio(self) -> float:
        return self.dlvauto.minimum / self.cli.minimum

    @property
    def met(self) -> bool:
        return self.ratio <= TARGET_RATIO


@dataclass
class Fixed:
    """dlvauto's costs that do not depend on the core: Python's start, and importing what `core` needs."""

    start: list[float] = field(default_factory=list)
    imports: list[float] = field(default_factory=list)


def make_core(name: str, folder: Path) -> tuple[Path, Path]:
    """Build `name` (debug profile) and crash it once into a core; both copied into `folder`."""
    from dlvauto.gobuild.program import build
    from dlvauto.sources.viacore import check_cores_possible, find_core
    from dlvauto.system import proc

    pattern = check_cores_possible()
    built = build(EXAMPLES_DIR / name, "debug")
    folder.mkdir(parents=True)
    binary = folder / built.binary.name
    shutil.copy2(built.binary, binary)
    since = time.time()
    env = {**os.environ, "GOTRACEBACK": "crash"}
    sp = proc.spawn([str(binary)], cwd=folder, env=env, core_size=-1)
    with proc.owned(sp):
        status = sp.wait(120)
    core = find_core(pattern, folder, sp.pid, binary.name, since)
    if core is None:
        raise BenchError(f"{name} exited {status} and wrote no core in {folder}")
    return binary, core


class Bench:
    def __init__(self, dlvauto: list[str], dlv: str, scratch: Path) -> None:
        self.dlvauto = dlvauto
        self.dlv = dlv
        self.scratch = scratch
        self.init = scratch / "init.txt"
        self.init.write_text(INIT_SCRIPT)
        self.env = {k: v for k, v in os.environ.items() if k != "DLVAUTO_DEBUG"}

    def dlvauto_run(self, binary: Path, core: Path) -> Run:
        report = self.scratch / "report.json"
        report.unlink(missing_ok=True)
        argv = [*self.dlvauto, "core", str(binary), str(core), "--json", str(report)]
        out = self.scratch / "dlvauto.out"
        seconds, rc = timed(argv, out=out, env=self.env)
        left = check_leftovers(binary.parent)
        if rc != 0:
            raise BenchError(f"dlvauto exited {rc}: {' '.join(argv)}; its output: {tail(out)}")
        data = json.loads(report.read_text())
        if data["crash"]["kind"] not in ("panic", "fatal", "signal"):
            raise BenchError(f"dlvauto saw no crash in {core}: {data['crash']}")
        gs = data["goroutines"]
        return Run(seconds, rc, len(gs), sum(len(g["frames"]) for g in gs), left)

    def cli_run(self, binary: Path, core: Path) -> Run:
        argv = [self.dlv, "core", str(binary), str(core), "--init", str(self.init),
                "--allow-non-terminal-interactive=true"]  # fmt: skip
        out = self.scratch / "dlv-cli.out"
        seconds, rc = timed(argv, out=out)
        left = check_leftovers(binary.parent)
        text = out.read_text(errors="replace")
        if rc != 0:
            raise BenchError(f"dlv CLI exited {rc}: {' '.join(argv)}; its output: {tail(out)}")
        headers = len(GOROUTINE_HEADER.findall(text))
        trailer = GOROUTINE_TRAILER.search(text)
        if trailer is None or int(trailer.group(1)) != headers:
            raise BenchError(f"dlv CLI printed {headers} goroutine headers but no matching count: {out}")
        return Run(seconds, rc, headers, len(FRAME_LINE.findall(text)), left)


def bench_example(bench: Bench, name: str, repeat: int) -> Row:
    binary, core = make_core(name, bench.scratch / name)
    bench.dlvauto_run(binary, core)
    bench.cli_run(binary, core)  # warm-up round: page cache, dlv's first start
    row = Row(name, Series(), Series(), core.stat().st_size)
    sides = [
        (lambda: bench.dlvauto_run(binary, core), row.dlvauto),
        (lambda: bench.cli_run(binary, core), row.cli),
    ]
    for i in range(repeat):
        for fn, series in sides if i % 2 == 0 else sides[::-1]:
            series.runs.append(fn())
    a = {r.goroutines for r in row.dlvauto.runs}
    b = {r.goroutines for r in row.cli.runs}
    if a != b:
        raise BenchError(f"{name}: dlvauto saw {sorted(a)} goroutines, dlv CLI {sorted(b)}")
    print(f"  {name:<16} dlvauto {row.dlvauto.median:6.3f}s  dlv CLI {row.cli.median:6.3f}s  "
          f"ratio {row.ratio:5.2f}", file=sys.stderr, flush=True)  # fmt: skip
    return row


def fixed_costs(python: str, repeat: int, scratch: Path) -> Fixed:
    fixed = Fixed()
    for _ in range(repeat + 1):
        start, _ = timed([python, "-c", "pass"], out=scratch / "py.out")
        imports, _ = timed([python, "-c", IMPORTS], out=scratch / "py.out")
        fixed.start.append(start)
        fixed.imports.append(imports - start)
    fixed.start.pop(0)
    fixed.imports.pop(0)
    return fixed


def print_table(rows: list[Row], facts: dict[str, object], fixed: Fixed, repeat: int) -> None:
    print(f"dlv {facts['dlv_version']} ({facts['dlv']}); {facts['go_version']}")
    print(f"Python {facts['python_version']}; dlvauto {facts['dlvauto_version']}")
    load = os.getloadavg()[0]
    print(f"machine: nproc={facts['nproc']}, {facts['cpu']}, load average {load:.2f} at the end")
    print(f"each figure: wall time of the whole command, median of {repeat} runs after 1 warm-up (min)")
    print(f"dlvauto: dlvauto core BIN CORE --json FILE; dlv CLI: dlv core BIN CORE --init INIT "
          f"--allow-non-terminal-interactive=true, INIT = {INIT_SCRIPT!r}")  # fmt: skip
    print()
    head = " | ".join([
        f"{'example':<16}", f"{'goroutines':>10}", f"{'core MB':>7}", f"{'dlvauto median s':>16}",
        f"{'dlv CLI median s':>16}", f"{'ratio':>5}", f"{'min ratio':>9}",
        f"target <= {TARGET_RATIO:.2f} met?",
    ])  # fmt: skip
    print(head)
    print("-" * len(head))
    for r in rows:
        gs = ",".join(str(g) for g in sorted({x.goroutines for x in r.dlvauto.runs}))
        a = f"{r.dlvauto.median:.3f} ({r.dlvauto.minimum:.3f})"
        b = f"{r.cli.median:.3f} ({r.cli.minimum:.3f})"
        cells = [f"{r.example:<16}", f"{gs:>10}", f"{r.core_bytes / 1e6:7.1f}", f"{a:>16}", f"{b:>16}",
                 f"{r.ratio:5.2f}", f"{r.min_ratio:9.2f}", "yes" if r.met else "NO"]  # fmt: skip
        print(" | ".join(cells))
    print()
    start, imports = statistics.median(fixed.start), statistics.median(fixed.imports)
    print(f"dlvauto's fixed cost, whatever the core: Python start {start:.3f}s + imports {imports:.3f}s "
          f"= {start + imports:.3f}s (median of {len(fixed.start)})")  # fmt: skip
    for r in rows:
        extra = r.dlvauto.median - r.cli.median
        print(f"  {r.example}: dlvauto - dlv CLI = {extra:+.3f}s, of which fixed {start + imports:.3f}s, "
              f"the rest {extra - start - imports:+.3f}s")  # fmt: skip
    met = sum(r.met for r in rows)
    print(f"target met on {met} of {len(rows)} examples" + ("" if met == len(rows) else " (NOT on all)"))
    left = [what for r in rows for s in (r.dlvauto, r.cli) for run in s.runs for what in run.leftovers]
    print("LEFT BEHIND: " + ", ".join(left) if left else "no dlv was left behind after any run")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", default=",".join(DEFAULT_EXAMPLES), help="names under examples/go")
    parser.add_argument("--repeat", type=int, default=7, help="counted runs per example (median reported)")
    parser.add_argument("--json", dest="json_path", help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    names = [n.strip() for n in args.examples.split(",") if n.strip()]
    for n in names:
        if not (EXAMPLES_DIR / n).is_dir():
            parser.error(f"no example {n!r} in {EXAMPLES_DIR}")
    tools = find_tools("bench_core")
    try:
        from dlvauto.errors import UserError
        from dlvauto.sources.viacore import check_cores_possible

        check_cores_possible()
    except UserError as exc:
        print(f"bench_core: this machine writes no core files: {exc}", file=sys.stderr)
        return 2
    facts = machine_facts(tools)
    scratch = Path(tempfile.mkdtemp(prefix="bench_core-"))
    try:
        bench = Bench(tools.dlvauto, tools.dlv, scratch)
        print(
            f"bench_core: {len(names)} example(s), {args.repeat} runs each, scratch {scratch}",
            file=sys.stderr,
        )
        rows = [bench_example(bench, n, args.repeat) for n in names]
        fixed = fixed_costs(tools.python, args.repeat, scratch)
    except BenchError as exc:
        print(f"bench_core: error: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print_table(rows, facts, fixed, args.repeat)
    if args.json_path:
        doc = {
            "target_ratio": TARGET_RATIO,
            "repeat": args.repeat,
            "init_script": INIT_SCRIPT,
            "machine": facts,
            "fixed": {"python_start_s": fixed.start, "imports_s": fixed.imports},
            "rows": [
                {"example": r.example, "core_bytes": r.core_bytes, "dlvauto": r.dlvauto.summary(),
                 "dlv_cli": r.cli.summary(), "ratio": round(r.ratio, 4), "min_ratio": round(r.min_ratio, 4),
                 "target_met": r.met}
                for r in rows
            ],
        }  # fmt: skip
        Path(args.json_path).write_text(json.dumps(doc, indent=2) + "\n")
    return 0 if all(r.met for r in rows) else 3


if __name__ == "__main__":
    sys.exit(main())
