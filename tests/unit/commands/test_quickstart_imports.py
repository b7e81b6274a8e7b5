"""The quick start's modules import nothing heavier than `os` (and zlib, _signal): they run before
the command line's modules load, and every module they pulled in would delay dlv's start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

HEAVY = ("typing", "pathlib", "dataclasses", "subprocess", "json", "hashlib", "re", "collections.abc",
         "shutil", "tempfile", "threading", "enum")  # fmt: skip

_PROBE = """
import json, sys
before = set(sys.modules)  # json is the probe's own
from dlvauto.commands import quickstart, memo
from dlvauto.gobuild import ahead, profiles
from dlvauto.system import launch
folder = sys.argv[1]
line = quickstart._line_of(["run", folder, "--json", folder + "/report.json"])
got = {
    "outputs": list(line.outputs) if line else None,
    "stamp": memo.stamp_of(folder, line.outputs if line else ()),
    "go": launch.go_path(),
    "debug": profiles.PROFILES["debug"],
}
loaded = sorted(set(sys.modules) - before)
print(json.dumps({"got": got, "loaded": loaded}))
"""


def test_the_quick_start_reads_a_command_line_and_stamps_a_module_with_os_alone(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/q\n\ngo 1.21\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["got"]["outputs"] == [str(tmp_path / "report.json")]
    assert out["got"]["stamp"].startswith("2:")  # go.mod and main.go: the report is left out
    assert out["got"]["debug"] == ["-gcflags=all=-N -l"]
    assert out["got"]["go"] is not None
    heavy = [m for m in out["loaded"] if m in HEAVY]
    assert heavy == [], f"the quick start imported {heavy}"
