"""A program that sends itself SIGABRT gets it as it would without dlv: 50 runs out of 50.

dlv stops the target at every signal; dlvauto must hand a fatal one back so the program dies of it
(and never lets it run on past the signal, or reports it as an exit). Fresh builds, random names.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from tests.helpers import cache_env, needs_dlv, run_cli

pytestmark = needs_dlv

BUILDS, RUNS = 10, 5


def test_a_self_sent_sigabrt_is_reported_every_time(tmp_path: Path) -> None:
    results = []
    for b in range(BUILDS):
        tag = secrets.token_hex(3)
        src = tmp_path / f"sig{tag}"
        src.mkdir()
        (src / "go.mod").write_text(f"module example.com/sig{tag}\n\ngo 1.22\n")
        (src / "main.go").write_text(
            'package main\n\nimport (\n\t"fmt"\n\t"os"\n\t"syscall"\n\t"time"\n)\n\n'
            f"func guard{tag}() {{\n\tsyscall.Kill(os.Getpid(), syscall.SIGABRT) // KILL\n"
            '\ttime.Sleep(2 * time.Second)\n\tfmt.Println("ran past the signal")\n}\n\n'
            f"func main() {{\n\tguard{tag}()\n}}\n"
        )
        line = next(i for i, t in enumerate((src / "main.go").read_text().splitlines(), 1) if "// KILL" in t)
        env = cache_env(tmp_path / f"cache{b}")  # a fresh build for each program
        for _ in range(RUNS):
            r = run_cli("run", str(src), "--json", "-", env=env)
            report = json.loads(r.stdout)
            f = report["crash"]["first_user_frame"]
            results.append(
                (
                    report["crash"]["kind"],
                    report["crash"]["message"],
                    (f["function"], f["line"]) if f else None,
                    "ran past the signal" in report["output"]["stdout"],
                    report["exit_code"],
                )
            )
            # kill(2) returns before the runtime's handler has stopped the goroutine that sent the
            # signal (it may be handled on another thread): it is caught at the call or, seen once
            # in a few hundred runs, already at the next statement. Either is where it really was.
            kind, message, where, ran_past, status = results[-1]
            assert (kind, message, ran_past, status) == ("signal", "SIGABRT: abort", False, 2), results[-1]
            assert where in ((f"main.guard{tag}", line), (f"main.guard{tag}", line + 1)), results[-1]
    assert len(results) == BUILDS * RUNS
