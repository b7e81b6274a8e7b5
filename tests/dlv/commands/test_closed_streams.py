"""Closed streams lose nothing and fail nothing (issue 16, item 8): a reader that hangs up ends the
command quietly with 141, as pipelines expect; a closed stderr or stdout still leaves the report."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

from tests.helpers import DLVAUTO, EXAMPLES, needs_dlv

pytestmark = needs_dlv

CMD = " ".join(shlex.quote(a) for a in DLVAUTO)


def _bash(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)


def test_a_reader_that_hangs_up_gives_141_and_no_traceback() -> None:
    # `true` has hung up long before the report is written: the write meets the closed pipe.
    r = _bash(f"{CMD} run {EXAMPLES / 'deep_stack'} | true; echo ${{PIPESTATUS[0]}}")
    assert r.stdout.strip() == "141"
    assert "Traceback" not in r.stderr and "error" not in r.stderr
    # `head -1` hangs up after the first line: a view written whole into the pipe's buffer before
    # that ends 0, as `seq 3 | head -1` does; one written line by line meets the hangup (141).
    r = _bash(f"{CMD} run {EXAMPLES / 'deep_stack'} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}")
    assert r.stdout.strip() in ("0", "141")
    assert "Traceback" not in r.stderr and "error" not in r.stderr


def test_a_closed_stderr_still_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    r = _bash(f"{CMD} run {EXAMPLES / 'nil_map_write'} --json {out} 2>&-; echo $?")
    assert r.stdout.strip().splitlines()[-1] == "0"
    assert json.loads(out.read_text())["crash"]["message"] == "assignment to entry in nil map"


def test_a_closed_stdout_is_no_traceback(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    r = _bash(f"{CMD} run {EXAMPLES / 'nil_map_write'} --json {out} >&-; echo $? >&2")
    assert r.stderr.strip().splitlines()[-1] == "0", r.stderr
    assert "Traceback" not in r.stderr
    assert json.loads(out.read_text())["crash"]["kind"] == "panic"
