"""Report files: the user's umask, at most 0644; a full disk sends the report to stdout."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.helpers import EXAMPLES, ROOT, needs_dlv

pytestmark = needs_dlv


def _run(*args: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)

    argv = [sys.executable, "-m", "dlvauto", "run", str(EXAMPLES / "nil_map_write"), *args]
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=set_umask)


def test_report_file_is_never_world_writable(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert _run("--json", str(out), umask=0o000).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) & 0o002 == 0
    out.chmod(0o666)  # an existing world-writable file loses it too
    assert _run("--json", str(out), umask=0o000).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # nor group-writable, whatever the umask (issue 16)


def test_report_file_follows_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert _run("--json", str(out), umask=0o077).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_full_disk_sends_the_report_to_stdout() -> None:
    assert Path("/dev/full").exists(), "the test writes to /dev/full, which always reports ENOSPC"
    r = _run("--json", "/dev/full")
    assert r.returncode == 0
    assert r.stderr.startswith("dlvauto: warning: cannot write the JSON report to /dev/full: No space left")
    report = json.loads(r.stdout)
    assert report["crash"]["first_user_frame"]["function"] == "example.com/nil_map_write/store.(*Cache).Put"
    assert Path("/dev/full").exists() and Path("/dev/full").is_char_device(), "the device is left alone"
