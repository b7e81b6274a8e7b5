"""Live, core and text name the same crash: kind, message, first user frame and frame N function.

For every crashing example: the live run under dlv; the core the program writes at GOTRACEBACK=crash
(the `cores` fixture of tests/dlv/conftest.py); and the runtime's own text traceback, which the live
run keeps in its stderr after letting the program finish: three sources, one analysis.
"""

from __future__ import annotations

import pytest

from dlvauto.analysis import analyze
from dlvauto.report import Frame, Report
from dlvauto.sources.core import open_core
from dlvauto.sources.text import parse_text

from tests.helpers import CRASHING, CoreMaker, live_report, needs_cores, needs_dlv

pytestmark = [needs_dlv, needs_cores]


def _facts(r: Report) -> tuple[object, ...]:
    def where(f: Frame | None) -> tuple[object, ...] | None:
        return None if f is None else (f.function, f.file, f.line)

    n = r.crash.frame_n.frame
    return (r.crash.kind, r.crash.message, where(r.crash.first_user_frame), n.function if n else None)


GO_CALLERS = {"cgo_sigsegv": "example.com/cgo_sigsegv/cfault.Store", "cgo_abort": "main.loadConfig"}


@pytest.mark.parametrize("name", CRASHING)
def test_live_core_and_text_agree(name: str, cores: CoreMaker, live_reports: dict[str, Report]) -> None:
    live = live_report(name, live_reports)
    binary, core = cores(name)
    from_core = analyze(open_core(binary, core))
    texts = parse_text(live.output.stderr, every=False)
    assert len(texts) == 1, "the runtime wrote its traceback into the live run's stderr"
    from_text = analyze(texts[0])
    assert from_text.source.mode == "text" and from_core.source.mode == "core"
    if name != "cgo_abort":  # dlv cannot unwind that core through abort()'s C frames (design.md)
        assert _facts(from_core) == _facts(live)
    if name in GO_CALLERS:
        # The runtime cannot print C frames: its text names the Go function that called into C
        # (cgo's glue is never a first user frame). Everything else agrees.
        fu = from_text.crash.first_user_frame
        assert fu is not None and fu.function == GO_CALLERS[name]
        assert _facts(from_text)[:2] == _facts(live)[:2] and _facts(from_text)[3] == _facts(live)[3]
        g = live.crash_goroutine()
        assert g is not None and fu.function in [f.function for f in g.frames]
        return
    assert _facts(from_text) == _facts(live)
