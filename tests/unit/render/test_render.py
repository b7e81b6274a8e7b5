"""The Markdown and HTML views, on reports from recorded real runs and on hostile strings.

The browser test (test_html_browser.py) checks the HTML as a person sees it; these check what the
text says and that nothing from the program can become markup.
"""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from dlvauto.render.html import to_html
from dlvauto.render.markdown import code, escape, fenced, to_markdown
from dlvauto.report import Crash, Frame, FrameN, Goroutine, Report, Source, Value

from tests.helpers import EXAMPLES, recorded, run_cli

TWO = "example.com/inlined_two_deep"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse_html(text: str) -> Tags:
    p = Tags()
    p.feed(text)
    p.close()
    return p


def test_markdown_of_the_two_deep_crash(tmp_path: Path) -> None:
    md = to_markdown(recorded("inlined_two_deep", tmp_path))
    lines = md.splitlines()
    assert lines[0] == "### dlvauto: PANIC — runtime error: index out of range \\[2\\] with length 2"
    assert f"**first user frame:** #4 `{TWO}/b.leaf` at `b/b.go:11`  " in lines
    assert "| # | mark | function | location | category | inlining |" in lines
    assert "| 1 | **throw** | `runtime.gopanic` | `runtime/panic.go:879` | runtime |  |" in lines
    assert (
        f"| 4 | **first user** | `{TWO}/b.leaf` *inlined* | `b/b.go:11` | user "
        "| `inlining call to leaf (b/b.go:6:13)` |"
    ) in lines
    assert (
        f"| 6 |  | `{TWO}/a.Outer` | `a/a.go:16` | user "
        "| `cannot inline Outer: function too complex: cost 197 exceeds budget 80 (a/a.go:12:6)` |"
    ) in lines
    snippet = "```go\n   9  // leaf reads the cell at col, which is out of range for a short row.\n"
    snippet += "  10  func leaf(row []int, col int) int {\n> 11      return row[col]\n  12  }\n```"
    assert snippet in md
    assert "<summary>5 other goroutines in 5 groups of identical stacks</summary>" in lines
    assert "5 runtime-internal goroutines (GC, finalizers, ...) are not shown." in lines


def test_markdown_groups_and_frame_n(tmp_path: Path) -> None:
    md = to_markdown(recorded("many_goroutines", tmp_path))
    assert "**15 × \\[chan receive\\] goroutines 21, 22, 23, 24, 25, 26, 27, 28 and 7 more**" in md
    assert "example.com/many_goroutines/pool.worker  pool/pool.go:" in md
    assert md.index("<details>") < md.index("**15 ×") < md.index("</details>")
    deep = to_markdown(recorded("deep_stack", tmp_path))
    assert "**frame 17:** #18 `example.com/deep_stack/a.Level2` at `a/a.go:13` (user)" in deep
    assert "| 18 | **frame 17** | `example.com/deep_stack/a.Level2` | `a/a.go:13` | user |" in deep
    assert "**frame 17: #18** `example.com/deep_stack/a.Level2` at `a/a.go:13`" in deep
    assert "> 13      return Level3(d) + 2" in deep


def test_markdown_escaping() -> None:
    assert escape("a|b *c* <x> [l](u) `t`") == "a\\|b \\*c\\* \\<x\\> \\[l\\]\\(u\\) \\`t\\`"
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b", in_table=True) == "`a\\|b`"
    assert fenced("x\n```\ny") == "````\nx\n```\ny\n````"


def hostile() -> Report:
    evil = "main.(*T).`x`|<script>alert(1)</script>"
    frame = Frame(
        index=0, function=evil, package="main", file="/m/<b>.go", line=3, pc=1, category="user", inlined=False
    )
    other = Frame(
        index=0,
        function="main.worker",
        package="main",
        file="/m/w.go",
        line=9,
        pc=2,
        category="user",
        inlined=False,
    )
    return Report(
        source=Source(mode="text", module_dir="/m"),
        crash=Crash(
            kind="panic",
            message="<img src=x onerror=alert(1)> | **bold** ```",
            goroutine_id=1,
            first_user_frame=frame,
            frame_n=FrameN(n=17, index=16, frame=None),
            signature="0123456789abcdef",
        ),
        goroutines=[
            Goroutine(id=1, status="running", frames=[frame]),
            Goroutine(id=2, status="waiting", wait_reason="<chan receive>", frames=[other]),
        ],
    )


def test_nothing_from_the_program_becomes_markup() -> None:
    md = to_markdown(hostile())
    assert not re.search(r"(?<!\\)<img", md), "in prose every < is escaped"
    # <script> and <b> appear only inside code spans, which Markdown shows as they are
    assert md.count("<script>") == md.count("`main.(*T).`x`|<script>") + md.count("`main.(*T).`x`\\|<script>")
    assert md.count("<b>") == md.count("`<b>.go:3`")
    assert "\\<img src=x onerror=alert\\(1\\)\\> \\| \\*\\*bold\\*\\* \\`\\`\\`" in md
    assert "| 0 | **first user** | ``main.(*T).`x`\\|<script>alert(1)</script>`` |" in md
    page = to_html(hostile())
    tags = parse_html(page)
    names = [t for t, _ in tags.tags]
    assert "img" not in names and "b" not in names
    assert names.count("script") == 1 and "alert" not in "".join(tags.scripts)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_is_self_contained(tmp_path: Path) -> None:
    page = to_html(recorded("many_goroutines", tmp_path))
    tags = parse_html(page)
    csp = next(
        a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and csp.startswith("default-src 'none'")
    assert not [a for _, a in tags.tags if "src" in a or "href" in a], "nothing is loaded from anywhere"
    assert not re.search(r"https?://", page)
    assert [t for t, _ in tags.tags].count("style") == 1


def test_html_marks_groups_and_source(tmp_path: Path) -> None:
    page = to_html(recorded("inlined_two_deep", tmp_path))
    tags = parse_html(page)
    ids = {a.get("id") for _, a in tags.tags}
    assert {"first-user-frame", "crash-goroutine"} <= ids
    assert "frame-n" not in ids, "frame 17 lies beyond this stack"
    crash = next(a for t, a in tags.tags if t == "details" and a.get("id") == "crash-goroutine")
    assert "open" in crash, "the crash goroutine is expanded"
    groups = [a for t, a in tags.tags if t == "details" and "group" in (a.get("class") or "")]
    assert len(groups) == 5 and all("open" not in a for a in groups)
    assert '<span class="here"><span class="n">11</span>      return row[col]</span>' in page
    assert "inlined: <code>inlining call to leaf (b/b.go:6:13)</code>" in page
    assert 'class="cat-user landmark"' in page and "cat-runtime" in page


def test_values_are_shown_when_frames_carry_them() -> None:
    report = hostile()
    assert report.crash.first_user_frame is not None
    f = dataclasses.replace(
        report.crash.first_user_frame,
        args=[Value(name="i", type="int", value="5", note=None)],
        locals=[Value(name="s", type="[]string", value="<len 3>", note="optimized away")],
    )
    report.crash.first_user_frame = f
    report.goroutines[0].frames[0] = f
    md = to_markdown(report)
    assert "| `i` | `int` | `5` |  |" in md
    assert "| `s` | `[]string` | `<len 3>` | optimized away |" in md
    page = to_html(report)
    assert '<table class="values args"><caption>args</caption>' in page
    assert "<td><code>&lt;len 3&gt;</code></td><td>optimized away</td>" in page


def test_cli_markdown_to_stdout_and_html_to_a_file(tmp_path: Path) -> None:
    r = run_cli("run", str(EXAMPLES / "index_out_of_range"), "--format", "md")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(
        "### dlvauto: PANIC — runtime error: index out of range \\[5\\] with length 3\n"
    )
    assert "╭" not in r.stdout, "stdout holds the Markdown only"
    out = tmp_path / "report.html"
    j = tmp_path / "report.json"
    r = run_cli(
        "run", str(EXAMPLES / "index_out_of_range"), "--format", "html", "--out", str(out), "--json", str(j)
    )
    assert r.returncode == 0, r.stderr
    assert "PANIC: runtime error: index out of range [5] with length 3" in r.stdout, "the terminal view too"
    assert out.read_text().startswith("<!DOCTYPE html>")
    fu = json.loads(j.read_text())["crash"]["first_user_frame"]
    assert fu["source"]["lines"][fu["source"]["line"] - fu["source"]["first_line"]] == "\treturn items[i]"


def test_cli_refuses_two_documents_on_stdout() -> None:
    r = run_cli("run", str(EXAMPLES / "index_out_of_range"), "--json", "-", "--format", "md")
    assert r.returncode == 2 and r.stdout == ""
    assert "--json - and --format md both want stdout" in r.stderr
    r = run_cli("run", str(EXAMPLES / "index_out_of_range"), "--format", "pdf")
    assert r.returncode == 2 and "unknown --format 'pdf': use one of terminal, md, html" in r.stderr
