"""The same crash reads the same in live and text, at every GOTRACEBACK level.

For every crashing example: the live report (dlv over RPC) and `dlvauto parse` of what the runtime
itself printed at single, all, system and crash (the program run alone, built as the live run
builds it) must agree on kind, message, first user frame (function and line), frame N and
signature (core against live: tests/dlv/sources/test_core.py). The honest exceptions are the ones
design.md lists ("Honest exceptions between
modes"): text cannot see C frames.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from typing import Any

import pytest

from dlvauto.analysis import analyze
from dlvauto.report import Report
from dlvauto.sources.text import parse_text
from dlvauto.suite.expect import Expectation

from tests.helpers import CRASHING, EXAMPLES, build_example, example_env, live_report, needs_dlv

pytestmark = needs_dlv

LEVELS = ("single", "all", "system", "crash")
# Text has no C frames (the runtime's traceback cannot show them): its first user frame is the Go
# caller, and the signature follows it.
C_FRAMES = {"cgo_sigsegv", "cgo_abort"}


def facts(report: Report, *, with_frame: bool = True) -> dict[str, Any]:
    c = report.crash
    f = c.first_user_frame
    out: dict[str, Any] = {"kind": c.kind, "message": c.message}
    if with_frame:
        out |= {
            "first_user_frame": (f.function, f.line) if f else None,
            "frame_n": c.frame_n.frame.function if c.frame_n.frame else None,
            "signature": c.signature,
        }
    return out


@pytest.mark.parametrize("name", CRASHING)
def test_text_at_every_level_agrees_with_live(name: str, live_reports: dict[str, Report]) -> None:
    live = live_report(name, live_reports)
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    binary = build_example(name).binary
    for level in LEVELS:
        env = example_env(exp, GOTRACEBACK=level)
        run = subprocess.run(
            [str(binary), *exp.args], capture_output=True, text=True, env=env, timeout=60, cwd=binary.parent
        )
        snaps = [s for s in parse_text(run.stderr) if s.goroutines]
        assert snaps, f"{name} at {level}: no traceback in {run.stderr[:300]!r}"
        snap = snaps[-1]
        snap.build = replace(snap.build, module_path=live.source.module_path)
        text = analyze(snap)
        same_frames = name not in C_FRAMES
        assert facts(text, with_frame=same_frames) == facts(live, with_frame=same_frames), level
