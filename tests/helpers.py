"""Shared fixtures: the real toolchain (skipped with the reason when missing) and the example corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.gobuild.program import build
from dlvauto.report import Report
from dlvauto.rpc.server import find_dlv
from dlvauto.sources.live import run_live
from dlvauto.suite.expect import Expectation

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "go"
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/expect.toml"))
DLVAUTO = [sys.executable, "-m", "dlvauto"]


def _missing_tool() -> str | None:
    if shutil.which("go") is None:
        return "go is not installed"
    try:
        find_dlv()
    except Exception as exc:
        return f"dlv is missing: {exc}"
    return None


MISSING = _missing_tool()
needs_dlv = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


@pytest.fixture(scope="session")
def live_reports() -> Iterator[dict[str, Report]]:
    """Reports of examples run for real under dlv, computed once per session on demand."""
    cache: dict[str, Report] = {}
    yield cache


def live_report(name: str, cache: dict[str, Report]) -> Report:
    if name not in cache:
        exp = Expectation.load(EXAMPLES / name / "expect.toml")
        built = build(EXAMPLES / name, exp.profile)
        snap = run_live(built.binary, exp.args, facts=built.facts, timeout=exp.timeout)
        cache[name] = analyze(snap)
    return cache[name]


def run_cli(
    *args: str, timeout: float = 180, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the dlvauto command line as a user would."""
    return subprocess.run(
        [*DLVAUTO, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else os.environ.copy(),
        cwd=ROOT,
    )


def processes_mentioning(text: str) -> list[int]:
    """Live (non-zombie) processes whose command line contains `text`."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmd and state != "Z" and int(d.name) != os.getpid():
            found.append(int(d.name))
    return found


def comm(pid: int) -> str:
    """A process's command name, or "" once it is gone (processes come and go while we look)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""
