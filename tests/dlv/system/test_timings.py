"""--timings and the report's `timings`: every stage of a command, in order, adding up to its wall time."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.helpers import EXAMPLES, ROOT, needs_dlv

pytestmark = needs_dlv

LIVE_STAGES = [
    "python start",
    "build",
    "dlv start",
    "run to the stop",
    "collection",
    "values",
    "finishing",
    "analysis",
    "rendering",
]


def _run(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "dlvauto", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    return done, time.monotonic() - start


def test_a_live_run_times_each_stage_and_the_total_is_the_wall_time() -> None:
    _run("run", str(EXAMPLES / "nil_map_write"), "--json", "-")  # built and cached before it is timed
    done, wall = _run("run", str(EXAMPLES / "nil_map_write"), "--json", "-", "--timings")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert list(report["timings"]) == LIVE_STAGES  # the JSON is written while it renders
    lines = [ln.removeprefix("dlvauto: timing ") for ln in done.stderr.splitlines() if "timing" in ln]
    names = [ln.rsplit(None, 2)[0] for ln in lines]
    seconds = [float(ln.rsplit(None, 2)[1]) for ln in lines]
    assert names == [*LIVE_STAGES, "total"]
    assert all(s >= 0 for s in seconds)
    assert abs(sum(seconds[:-1]) - seconds[-1]) < 0.01
    # The stages cover the process from its start: they add up to what the clock outside saw.
    assert 0.5 * wall < seconds[-1] <= wall + 0.05


def test_parse_times_its_own_stages_and_says_nothing_without_the_flag() -> None:
    trace = ROOT / "tests" / "data" / "tracebacks" / "go1.26" / "nil_map_write.all.txt"
    quiet, _ = _run("parse", str(trace), "--json", "-")
    assert quiet.returncode == 0 and "timing" not in quiet.stderr
    assert list(json.loads(quiet.stdout)["timings"]) == ["python start", "parse", "analysis", "rendering"]


def test_an_early_dlv_that_the_run_does_not_take_is_ended() -> None:
    """The early start reads `--format bogus` as a run it understands; the command then refuses the
    format (exit 2) after dlv was started for it: that dlv and its target are ended."""
    from tests.helpers import processes_mentioning, wait_for

    src = EXAMPLES / "nil_map_write"
    _run("run", str(src), "--json", "-")  # cached: the early start reaches dlv quickly
    built = json.loads(_run("run", str(src), "--json", "-")[0].stdout)["source"]["binary"]
    done, _ = _run("run", str(src), "--format", "bogus")
    assert done.returncode == 2 and "unknown --format 'bogus'" in done.stderr
    # A dlv whose start was under way as the command line ended is ended by the kernel (its
    # parent-death signal) a moment after dlvauto exits, not before.
    assert wait_for(lambda: processes_mentioning(built) == [], 5), processes_mentioning(built)
