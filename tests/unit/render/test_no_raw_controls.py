"""No control character the program controls reaches a human view raw (the JSON keeps it exact).

Hypothesis feeds arbitrary text (every control character, lone surrogates turned into what a
decoder with errors="replace" makes of invalid UTF-8, long lines) into every field a program or a
traceback controls: the panic message, stdout and stderr, a frame's function and file, a value, a
note, a wait reason, a source line. Each of the terminal, Markdown and HTML views must come out with
no character of the hidden set in it but newline and tab.
"""

from __future__ import annotations

import copy
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlvauto.render.registry import TERMINAL, VIEWS
from dlvauto.report import Report, SourceContext, Value

from tests.helpers import recorded

HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
CONTROLS = st.characters(min_codepoint=0, max_codepoint=0x9F) | st.sampled_from("\u202e\u2066\u200b\ufeff")
TEXT = st.text(CONTROLS | st.characters(), min_size=1, max_size=200) | st.just("\x1b]52;c;ZXZpbA==\x07" * 50)

BASE = recorded("nil_map_write")


def _hostile(text: str) -> Report:
    r = copy.deepcopy(BASE)
    r.crash.message = text
    r.output.stdout = text + "\n"
    r.output.stderr = f"{text}\npanic: {text}\n\ngoroutine 1 [running]:\n"
    r.notes = [text]
    g = r.goroutines[0]
    f = g.frames[r.crash.first_user_frame.index if r.crash.first_user_frame else 0]
    f.function = f"main.{text}"
    f.file = f"/src/{text}.go"
    f.args = [Value(name=text, type=text, value=text, note=text)]
    f.source = SourceContext(path="/src/x.go", first_line=1, line=1, lines=[text])
    if r.crash.first_user_frame is not None:
        r.crash.first_user_frame = f
    for other in r.goroutines[1:]:
        other.wait_reason = text
    return r


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_every_view_shows_controls_escaped(text: str) -> None:
    report = _hostile(text)
    for fmt in {TERMINAL, *VIEWS.values()}:
        out = io.StringIO()
        fmt.renderer()(report, out)
        leaked = {hex(ord(c)) for c in HIDDEN.findall(out.getvalue())}
        assert not leaked, (fmt.name, leaked)
    assert report.crash.message == text  # the report itself (the JSON) keeps the exact text
