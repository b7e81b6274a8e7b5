"""A generic method's panic reads the same in live, core and text: names as the runtime prints them.

dlv names an instantiation by its shape (`Stack[go.shape.string]`), the runtime's traceback prints
`Stack[...]`; the report writes the runtime's form everywhere and keeps the shape in `type_args`.
The program is written fresh with random names.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers import CORE_PROBLEM, needs_dlv, run_cli

pytestmark = needs_dlv


def _program(tmp_path: Path) -> tuple[Path, str]:
    tag = secrets.token_hex(3)
    src = tmp_path / f"gen{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/gen{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        "package main\n\n"
        f"type Stack{tag}[T any] struct{{ items []T }}\n\n"
        f"func (s *Stack{tag}[T]) Pop() T {{\n\tv := s.items[len(s.items)-1]\n"
        "\ts.items = s.items[:len(s.items)-1]\n\treturn v\n}\n\n"
        f"func main() {{\n\tvar s Stack{tag}[string]\n\t_ = s.Pop()\n}}\n"
    )
    return src, tag


def _facts(report: dict[str, Any]) -> tuple[str, str, int, str, str]:
    c = report["crash"]
    f = c["first_user_frame"]
    return c["kind"], f["function"], f["line"], c["signature"], c["message"]


def test_live_text_and_core_name_a_generic_method_alike(tmp_path: Path) -> None:
    src, tag = _program(tmp_path)
    live = json.loads(run_cli("run", str(src), "--json", "-").stdout)
    assert _facts(live)[1] == f"main.(*Stack{tag}[...]).Pop"
    assert live["crash"]["first_user_frame"]["type_args"] == "go.shape.string"
    binary = tmp_path / "prog"
    subprocess.run(
        ["go", "build", "-gcflags=all=-N -l", "-o", str(binary), "."], cwd=src, check=True, timeout=300
    )
    for level in ("single", "all", "system", "crash"):
        run = subprocess.run(
            [str(binary)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "GOTRACEBACK": level},
        )
        trace = tmp_path / f"trace-{level}.txt"
        trace.write_text(run.stderr)
        text = json.loads(run_cli("parse", str(trace), "--json", "-").stdout)
        assert _facts(text) == _facts(live), level
    if CORE_PROBLEM is None:
        core = json.loads(run_cli("run", str(src), "--via", "core", "--json", "-").stdout)
        assert _facts(core) == _facts(live)
