"""Panics a program survived are reported as recovered, never as the crash, in live and in text.

A fresh program (random names) has a handler that panics under net/http (which recovers it and logs
`http: panic serving ...` with the stack) and a guarded call that recovers its own panic and prints
runtime/debug.Stack(); it then exits 0. Expected lines come from marker comments.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers import needs_dlv, run_cli

pytestmark = needs_dlv


def _program(tmp_path: Path) -> tuple[Path, str, dict[str, int]]:
    tag = secrets.token_hex(3)
    src = tmp_path / f"rec{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/rec{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"net"\n\t"net/http"\n\t"os"\n\t"runtime/debug"\n)\n\n'
        f"type h{tag} struct{{}}\n\n"
        f"func (h{tag}) ServeHTTP(w http.ResponseWriter, r *http.Request) {{\n"
        f'\tpanic("handler {tag} failed") // HANDLER\n}}\n\n'
        f"func guard{tag}() {{\n\tdefer func() {{\n\t\tif r := recover(); r != nil {{\n"
        '\t\t\tfmt.Fprintf(os.Stderr, "recovered: %v\\n%s", r, debug.Stack())\n\t\t}\n\t}()\n'
        "\tvar p *int\n\t_ = *p // GUARDED\n}\n\n"
        f'func main() {{\n\tguard{tag}()\n\tln, _ := net.Listen("tcp", "127.0.0.1:0")\n'
        f"\tgo http.Serve(ln, h{tag}{{}})\n"
        '\tif resp, err := http.Get("http://" + ln.Addr().String()); err == nil {\n'
        "\t\tresp.Body.Close()\n\t}\n}\n"
    )
    lines = (src / "main.go").read_text().splitlines()
    marks = {m: next(i for i, t in enumerate(lines, 1) if f"// {m}" in t) for m in ("HANDLER", "GUARDED")}
    return src, tag, marks


def _recovered(report: dict[str, Any]) -> list[tuple[str, str | None, str, int]]:
    return [
        (r["source"], r["message"], r["first_user_frame"]["function"], r["first_user_frame"]["line"])
        for r in report["recovered"]
    ]


def test_recovered_panics_in_live_and_text(tmp_path: Path) -> None:
    src, tag, marks = _program(tmp_path)
    want = [
        ("runtime/debug.Stack", None, f"main.guard{tag}", marks["GUARDED"]),
        ("net/http", f"handler {tag} failed", f"main.h{tag}.ServeHTTP", marks["HANDLER"]),
    ]
    live = json.loads(run_cli("run", str(src), "--json", "-").stdout)
    assert (live["crash"]["kind"], live["exit_code"]) == ("none", 0)
    assert _recovered(live) == want
    binary = tmp_path / "prog"
    subprocess.run(["go", "build", "-o", str(binary), "."], cwd=src, check=True, timeout=300)
    run = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60)
    log = tmp_path / "app.log"
    log.write_text("starting\n" + run.stderr + "shutting down\n")
    text = json.loads(run_cli("parse", str(log), "--json", "-").stdout)
    assert text["crash"]["kind"] == "none", "a log of survived panics is no crash (and no hang)"
    assert _recovered(text) == want
    view = run_cli("parse", str(log)).stdout
    assert f"net/http: handler {tag} failed" in view and "HANG" not in view
