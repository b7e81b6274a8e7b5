"""C code that calls abort(): live names the C frame (pc-1), text the Go caller and says why.

Fresh program with random names; expected lines come from marker comments in the source.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

from tests.helpers import needs_dlv, run_cli

pytestmark = needs_dlv


def test_a_c_function_that_aborts_is_named_in_live_and_its_go_caller_in_text(tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    src = tmp_path / f"cg{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/cg{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        "package main\n\n/*\n#include <stdlib.h>\n\n"
        f"__attribute__((noinline)) static void verify_{tag}(int ok) {{\n\tif (!ok) {{\n"
        '\t\tabort(); // ABORT\n\t}\n}\n*/\nimport "C"\n\n'
        f"func load{tag}() {{\n\tC.verify_{tag}(0) // CALL\n}}\n\nfunc main() {{\n\tload{tag}()\n}}\n"
    )
    lines = (src / "main.go").read_text().splitlines()
    abort_line = next(i for i, t in enumerate(lines, 1) if "// ABORT" in t)
    call_line = next(i for i, t in enumerate(lines, 1) if "// CALL" in t)
    live = json.loads(run_cli("run", str(src), "--json", "-").stdout)
    f = live["crash"]["first_user_frame"]
    assert (live["crash"]["kind"], live["crash"]["message"]) == ("signal", "SIGABRT: abort")
    assert (f["function"], Path(f["file"]).name, f["line"]) == (f"C.verify_{tag}", "main.go", abort_line)
    assert not any(x["function"] is None for x in live["goroutines"][0]["frames"][: f["index"]])
    binary = tmp_path / "prog"
    subprocess.run(["go", "build", "-o", str(binary), "."], cwd=src, check=True, timeout=300)
    run = subprocess.run([str(binary)], capture_output=True, text=True)
    trace = tmp_path / "t.txt"
    trace.write_text(run.stderr)
    text = json.loads(run_cli("parse", str(trace), "--json", "-").stdout)
    g = text["crash"]["first_user_frame"]
    assert (g["function"], g["line"]) == (f"main.load{tag}", call_line)
    assert any("no C frames" in n for n in text["notes"])
