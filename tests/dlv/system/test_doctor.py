"""`dlvauto doctor` reports what this machine has, read the same way the tests find it."""

from __future__ import annotations

import json
import resource
import subprocess
from pathlib import Path

from tests.helpers import needs_dlv, run_cli


@needs_dlv
def test_doctor_reports_go_dlv_ptrace_and_cores() -> None:
    r = run_cli("doctor", "--json")
    assert r.returncode == 0, r.stderr
    checks = {c["name"]: c for c in json.loads(r.stdout)}
    go_version = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True).stdout.strip()
    assert checks["go"]["status"] == "ok" and go_version in checks["go"]["found"]
    assert checks["dlv"]["status"] == "ok" and "1.27.1" in checks["dlv"]["found"]
    assert checks["dlv supports go"]["status"] == "ok"
    assert "1.25–1.27" in checks["dlv supports go"]["found"]
    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    assert repr(pattern) in checks["core_pattern"]["found"]
    assert checks["core_pattern"]["status"] == ("warn" if pattern.startswith("|") else "ok")
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    found = checks["core size limit"]["found"]
    if soft == 0 and hard == 0:
        assert found.startswith("0 (hard 0)") and checks["core size limit"]["status"] == "warn"
    else:
        shown = "unlimited" if soft == resource.RLIM_INFINITY else str(soft)
        assert found.startswith(f"soft {shown}")
    assert checks["ptrace"]["status"] in ("ok", "warn")


def test_doctor_says_what_to_do_without_go() -> None:
    import os

    env = os.environ.copy()
    env["PATH"] = "/nonexistent"
    env.pop("DLVAUTO_GO", None)
    r = run_cli("doctor", "--json", env=env)
    assert r.returncode == 2
    checks = {c["name"]: c for c in json.loads(r.stdout)}
    assert checks["go"]["status"] == "fail"
    assert "install Go" in checks["go"]["fix"]
