"""The checkout's launcher (scripts/launcher.py) at work: Python without `site` until the quick start
has begun, then `site.main()`: `--help` finds typer in site-packages, and a real run explains a crash
written here."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, load_launcher, needs_dlv

pytestmark = needs_dlv


def test_written_launcher_runs_site_after_the_quick_start(tmp_path: Path) -> None:
    launcher = load_launcher()
    venv = Path(sys.executable).parent.parent
    if not (venv / "pyvenv.cfg").is_file():
        pytest.skip("needs the tests to run in a venv (scripts/setup.sh makes one)")
    source = launcher.text(sys.executable, str(ROOT))
    script = tmp_path / "dlvauto"
    script.write_text(source)
    script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    helped = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert helped.returncode == 0, helped.stderr
    assert "Explain Go crashes" in helped.stdout  # typer, from site-packages: site ran
    name = "p" + secrets.token_hex(4)
    src = tmp_path / name
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.25\n")
    (src / "main.go").write_text(
        "package main\n\nfunc explode(n int) int {\n\tvar m map[int]int\n\tm[n] = n\n\treturn n\n}\n\n"
        "func main() {\n\texplode(7)\n}\n"
    )
    report = tmp_path / "r.json"
    env["DLVAUTO_CACHE_DIR"] = str(tmp_path / "cache")
    ran = subprocess.run(
        [str(script), "run", str(src), "--json", str(report), "-q"], capture_output=True, text=True, env=env,
        timeout=180,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    data = json.loads(report.read_text())
    assert data["crash"]["kind"] == "panic"
    assert data["crash"]["message"] == "assignment to entry in nil map"
    first = data["crash"]["first_user_frame"]
    assert (first["function"], Path(first["file"]).name, first["line"]) == ("main.explode", "main.go", 5)
