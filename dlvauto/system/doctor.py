"""`dlvauto doctor`: what works on this machine (go, dlv, ptrace, core dumps) and what to do if not."""

from __future__ import annotations

import re
import resource
from pathlib import Path
from typing import Literal

from dlvauto.errors import ToolMissing
from dlvauto.records import record
from dlvauto.system import proc
from dlvauto.system.dlv import find_dlv
from dlvauto.system.go import find_go, go_env

# Go versions each Delve minor release supports (pkg/goversion/compat.go of that release).
DLV_GO_SUPPORT = {(1, 27): (25, 27), (1, 26): (24, 26), (1, 25): (23, 25)}
PINNED_DLV = "v1.27.1"

Status = Literal["ok", "warn", "fail"]


@record
class Check:
    name: str
    status: Status
    found: str
    fix: str = ""


def _version_tuple(text: str, prefix: str) -> tuple[int, int] | None:
    m = re.search(prefix + r"(\d+)\.(\d+)", text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_go() -> tuple[Check, str | None]:
    try:
        env = go_env(find_go())
    except ToolMissing as exc:
        return Check("go", "fail", "not found", str(exc)), None
    return Check("go", "ok", f"{env.version} at {env.go} (GOROOT {env.goroot})"), env.version


def check_dlv(go_version: str | None) -> list[Check]:
    try:
        dlv = find_dlv()
    except ToolMissing as exc:
        return [Check("dlv", "fail", "not found", str(exc))]
    res = proc.run([dlv, "version"], timeout=30)
    m = re.search(r"Version: (\S+)", res.stdout)
    version = m.group(1) if m else "unknown"
    checks = [Check("dlv", "ok", f"{version} at {dlv}")]
    dv = _version_tuple(version, "")
    gv = _version_tuple(go_version or "", "go")
    if dv and gv and dv in DLV_GO_SUPPORT:
        lo, hi = DLV_GO_SUPPORT[dv]
        ok = gv[0] == 1 and lo <= gv[1] <= hi
        checks.append(
            Check(
                "dlv supports go",
                "ok" if ok else "fail",
                f"dlv {version} supports Go 1.{lo}–1.{hi}; go is {go_version}",
                "" if ok else f"install a Go in 1.{lo}–1.{hi}, or a dlv that supports {go_version}",
            )
        )
    else:
        checks.append(
            Check(
                "dlv supports go",
                "warn",
                f"dlv {version} with {go_version}: support range unknown to dlvauto",
                f"dlvauto is tested with dlv {PINNED_DLV}: scripts/setup.sh installs it",
            )
        )
    return checks


def check_ptrace() -> Check:
    scope_file = Path("/proc/sys/kernel/yama/ptrace_scope")
    scope = scope_file.read_text().strip() if scope_file.exists() else "absent"
    if scope == "3":
        return Check(
            "ptrace",
            "fail",
            "yama ptrace_scope=3: no process may trace another",
            "reboot with ptrace_scope<=2",
        )
    try:
        status = Path("/proc/self/status").read_text()
        tracer = re.search(r"TracerPid:\s*(\d+)", status)
    except OSError:
        tracer = None
    found = f"yama ptrace_scope={scope}"
    if tracer and tracer.group(1) != "0":
        return Check("ptrace", "warn", found + f"; this process is already traced by {tracer.group(1)}")
    fix = ""
    status_ok: Status = "ok"
    if scope in ("1", "2"):
        found += " (launch works; attach to a running process needs the same parent or CAP_SYS_PTRACE)"
        if scope == "2":
            status_ok = "warn"
            fix = "attach needs root or CAP_SYS_PTRACE: `sysctl kernel.yama.ptrace_scope=1`"
    return Check("ptrace", status_ok, found, fix)


def check_cores() -> list[Check]:
    pattern_file = Path("/proc/sys/kernel/core_pattern")
    pattern = pattern_file.read_text().strip() if pattern_file.exists() else "unknown"
    if pattern.startswith("|"):
        pat = Check(
            "core_pattern",
            "warn",
            f"{pattern!r}: cores are piped to a program, not written as files",
            "`sysctl kernel.core_pattern=core` (or fetch cores with that program, e.g. coredumpctl)",
        )
    else:
        pat = Check("core_pattern", "ok", f"{pattern!r}: a core is written as a file")
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)

    def show(v: int) -> str:
        return "unlimited" if v == resource.RLIM_INFINITY else str(v)

    if soft == 0 and hard == 0:
        lim = Check(
            "core size limit",
            "warn",
            "0 (hard 0): no cores",
            "raise the hard limit: `ulimit -c unlimited` as root",
        )
    elif soft == 0:
        lim = Check(
            "core size limit",
            "ok",
            f"soft 0, hard {show(hard)}: dlvauto raises it for the programs it runs",
        )
    else:
        lim = Check("core size limit", "ok", f"soft {show(soft)}, hard {show(hard)}")
    return [pat, lim]


def run_checks() -> list[Check]:
    go, go_version = check_go()
    return [go, *check_dlv(go_version), check_ptrace(), *check_cores()]
