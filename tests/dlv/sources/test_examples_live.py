"""Every example, built and run for real under dlv, shows the facts its expect.toml names."""

from __future__ import annotations

import pytest

from dlvauto.report import Report
from dlvauto.suite.expect import Expectation, differences

from tests.helpers import EXAMPLE_NAMES, EXAMPLES, live_report, needs_dlv

pytestmark = needs_dlv

THROW_FUNCTION = {
    "panic": {"runtime.gopanic"},
    "fatal": {"runtime.throw", "runtime.fatal"},
    "signal": {"runtime.fatalsignal"},
}


def test_corpus_is_big_enough() -> None:
    assert len(EXAMPLE_NAMES) >= 18
    kinds = {Expectation.load(EXAMPLES / n / "expect.toml").kind for n in EXAMPLE_NAMES}
    assert kinds == {"panic", "fatal", "signal", "hang", "none"}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_report_matches_expectations(name: str, live_reports: dict[str, Report]) -> None:
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    report = live_report(name, live_reports)
    assert differences(exp, report) == []
    crash = report.crash
    assert crash.kind == exp.kind
    if exp.kind == "none":
        assert crash.goroutine_id is None and crash.first_user_frame is None
        assert report.exit_code == exp.exit_code
        return
    g = report.crash_goroutine()
    assert g is not None and g.frames, "the crash goroutine and its frames are in the report"
    assert [f.index for f in g.frames] == list(range(len(g.frames)))
    if exp.kind in THROW_FUNCTION and crash.throw_frame_index is not None:
        assert g.frames[crash.throw_frame_index].function in THROW_FUNCTION[exp.kind]
    fu = crash.first_user_frame
    assert fu is not None and fu.category == "user"
    assert g.frames[fu.index] == fu
    start = -1 if crash.throw_frame_index is None else crash.throw_frame_index
    assert all(f.category != "user" for f in g.frames[start + 1 : fu.index]), "no user frame is skipped"
    assert crash.frame_n.index == start + 17
    if exp.kind in ("panic", "fatal", "signal"):
        assert report.exit_code == 2, "the program was let finish and died as the runtime makes it"
        assert crash.message and crash.message in report.output.stderr
