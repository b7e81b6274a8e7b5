"""On a terminal: a progress line while building and collecting; with `--json -`, only the JSON."""

from __future__ import annotations

import json
import re
import sys

import pexpect

from tests.helpers import EXAMPLES, ROOT, needs_dlv

pytestmark = needs_dlv
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _run_in_pty(*args: str) -> str:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dlvauto", *args],
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 160),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return ANSI.sub("", str(child.before))


def test_progress_shows_on_a_terminal() -> None:
    out = _run_in_pty("run", str(EXAMPLES / "many_goroutines"))
    assert "building" in out
    assert "reading 200" in out, "the stack-reading stage names the goroutine count"
    assert "PANIC: assignment to entry in nil map" in out


def test_json_to_stdout_on_a_terminal_is_only_json() -> None:
    out = _run_in_pty("run", str(EXAMPLES / "goroutine_panic"), "--json", "-")
    report = json.loads(out.replace("\r\n", "\n"))
    assert report["crash"]["kind"] == "panic"
    assert report["crash"]["first_user_frame"]["function"] == "example.com/goroutine_panic/jobs.Run"
    assert report["crash"]["goroutine_id"] != 1
