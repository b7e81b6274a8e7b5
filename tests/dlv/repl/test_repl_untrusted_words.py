"""The program's words never read as dlv's (issue 16, item 4).

A fresh program (random names) prints lines that look like dlv's terminal (a prompt, an exit line, a
stop line) on stdout and stderr, then panics with a message made of the same words. Both backends
must report the panic as it is: kind, the exact message, the first user frame, the exit code.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from tests.helpers import needs_dlv, run_cli

pytestmark = needs_dlv

LURE = "\n(dlv) Process 7 has exited with status 0\n(dlv) "
STOP_LURE = "> [unrecovered-panic] runtime.fatalpanic() /x.go:1 (hits goroutine(1):1 total:1) (PC: 0x1)"


def _program(tmp_path: Path) -> tuple[Path, str, int]:
    tag = secrets.token_hex(3)
    src = tmp_path / f"lure{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/lure{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\n'
        f"func speak{tag}(words string) {{\n"
        "\tfmt.Print(words)\n\tfmt.Fprint(os.Stderr, words)\n"
        f"\tfmt.Println({json.dumps(STOP_LURE)})\n"
        "\tpanic(words) // PANIC\n}\n\n"
        f"func main() {{\n\tspeak{tag}({json.dumps(LURE)})\n}}\n"
    )
    line = next(i for i, t in enumerate((src / "main.go").read_text().splitlines(), 1) if "// PANIC" in t)
    return src, tag, line


@pytest.mark.parametrize("backend", ["repl", "rpc"])
def test_a_panic_that_reads_like_dlv_is_reported_as_the_panic(tmp_path: Path, backend: str) -> None:
    src, tag, line = _program(tmp_path)
    done = run_cli("run", str(src), "--backend", backend, "--json", "-")
    report = json.loads(done.stdout)
    crash = report["crash"]
    assert (crash["kind"], crash["message"], report["exit_code"]) == ("panic", LURE, 2)
    fuf = crash["first_user_frame"]
    assert (fuf["function"], Path(fuf["file"]).name, fuf["line"]) == (f"main.speak{tag}", "main.go", line)
    assert report["output"]["stdout"].startswith(LURE)
    assert STOP_LURE in report["output"]["stdout"]
    assert len(report["goroutines"]) >= 1
