"""One list of sections, shown by every view: the ancestors and the unwind check in Markdown and HTML too.

Reports are built here field by field (a run under dlv makes the same, see test_finish.py for one);
each view's words and cells for the sections are checked exactly, hostile strings included.
"""

from __future__ import annotations

import io
import re

import pytest

from dlvauto.errors import UserError
from dlvauto.render.html import to_html
from dlvauto.render.markdown import to_markdown
from dlvauto.render.registry import JSON, TERMINAL, VIEWS, view
from dlvauto.render.sections import Ancestors, Unwind, sections
from dlvauto.render.terminal import write
from dlvauto.report import (
    AncestorStack,
    Crash,
    Frame,
    FrameN,
    Goroutine,
    Inlining,
    Output,
    Report,
    Source,
    UnwindCheck,
    UnwindDifference,
    UnwindFrame,
)

EVIL = "main.(*T).`x`|<script>alert(1)</script>"


def _frame(i: int, fn: str | None, file: str, line: int, category: str = "user") -> Frame:
    return Frame(
        index=i,
        function=fn,
        package=None,
        file=file,
        line=line,
        pc=0x1000 + i,
        category=category,  # type: ignore[arg-type]
        inlined=False,
    )


def _check(gid: int, agree: bool, **kw: object) -> UnwindCheck:
    return UnwindCheck(goroutine_id=gid, agree=agree, dwarf_frames=3, fp_frames=3, checked_frames=3, **kw)  # type: ignore[arg-type]


def report(*, agree: bool = False, ancestor_fn: str = "main.main") -> Report:
    """A crash in goroutine 7, created by goroutine 1; the unwind check disagrees unless `agree`."""
    frames = [
        _frame(0, "runtime.gopanic", "/go/src/runtime/panic.go", 879, "runtime"),
        _frame(1, "main.work", "/m/work.go", 12),
        _frame(2, "main.run", "/m/main.go", 30),
    ]
    crash_g = Goroutine(
        id=7,
        status="running",
        frames=frames,
        ancestors=[
            AncestorStack(
                id=1,
                frames=[
                    _frame(0, ancestor_fn, "/m/main.go", 16),
                    _frame(1, "runtime.main", "/go/src/runtime/proc.go", 290, "runtime"),
                ],
            )
        ],
    )
    other = Goroutine(
        id=8, status="waiting", wait_reason="chan receive", frames=[_frame(0, "main.wait", "/m/w.go", 5)]
    )
    if agree:
        mine = _check(
            7, True, explanation="both unwinds give the same frames", fp_end="frame pointer 0: the chain ends"
        )
    else:
        mine = UnwindCheck(
            goroutine_id=7,
            agree=False,
            dwarf_frames=3,
            fp_frames=2,
            checked_frames=1,
            first_difference=UnwindDifference(dwarf=frames[1], fp=UnwindFrame(index=1, pc=0x4A0)),
            believe="dwarf",
            explanation="the chain points nowhere known at <img src=x> (a frame pointer was overwritten?)",
            fp_end="saved frame pointer 0x10 does not lead up the stack",
        )
    return Report(
        source=Source(mode="live", module_dir="/m", goroot="/go", profile="debug", go_version="go1.26.8"),
        crash=Crash(
            kind="panic",
            message="boom",
            goroutine_id=7,
            throw_frame_index=0,
            first_user_frame=frames[1],
            frame_n=FrameN(n=17, index=17, frame=None),
            signature="0123456789abcdef",
        ),
        goroutines=[crash_g, other],
        unwind_check=mine,
        unwind_others=[_check(8, True), _check(9, False, believe="unclear")],
        output=Output(stdout="hello\n"),
        inlining=[Inlining(file="/m/work.go", line=11, column=6, caller="main.run", text="can inline work")],
        notes=["a note"],
    )


def _terminal(r: Report) -> str:
    out = io.StringIO()
    write(r, out)
    return out.getvalue()


def test_sections_come_in_reading_order() -> None:
    assert [type(s).__name__ for s in sections(report())] == [
        "Headline",
        "Landmarks",
        "CrashGoroutine",
        "Ancestors",
        "Unwind",
        "OtherGoroutines",
        "InliningDiagnostics",
        "ProgramOutput",
        "Notes",
    ]
    bare = report()
    bare.goroutines, bare.unwind_check, bare.inlining, bare.notes = [], None, [], []
    bare.output = Output()
    assert [type(s).__name__ for s in sections(bare)] == ["Headline", "Landmarks"]


def test_the_unwind_section_says_it_once_for_every_view() -> None:
    u = next(s for s in sections(report()) if isinstance(s, Unwind))
    assert u.verdict == (
        "dlv's stack and the frame-pointer chain disagree (believe: dwarf); 1 of 2 other goroutines agree"
    )
    assert u.first_difference is not None
    assert (
        u.first_difference.text()
        == "first difference: dlv has #1 main.work at work.go:12, the chain has 0x4a0"
    )
    agreed = next(s for s in sections(report(agree=True)) if isinstance(s, Unwind))
    assert agreed.verdict == (
        "dlv's stack and the frame-pointer chain agree (3 of 3 frames confirmed); "
        "1 of 2 other goroutines agree"
    )
    assert agreed.first_difference is None
    a = next(s for s in sections(report()) if isinstance(s, Ancestors))
    assert [(x.id, [(f.function, f.where) for f in x.frames]) for x in a.ancestors] == [
        (1, [("main.main", "main.go:16"), ("runtime.main", "runtime/proc.go:290")])
    ]


def test_terminal_shows_ancestors_and_the_unwind_check() -> None:
    lines = _terminal(report()).splitlines()
    start = lines.index("created from goroutine 1, whose stack was then:")
    assert lines[start : start + 7] == [
        "created from goroutine 1, whose stack was then:",
        "    main.main  main.go:16",
        "    runtime.main  runtime/proc.go:290",
        "unwind check: dlv's stack and the frame-pointer chain disagree (believe: dwarf); "
        "1 of 2 other goroutines agree",
        "    first difference: dlv has #1 main.work at work.go:12, the chain has 0x4a0",
        "    the chain points nowhere known at <img src=x> (a frame pointer was overwritten?)",
        "    the chain ended: saved frame pointer 0x10 does not lead up the stack",
    ]


def test_markdown_shows_ancestors_and_the_unwind_check() -> None:
    md = to_markdown(report())
    block = (
        "**created from goroutine 1, whose stack was then:**\n"
        "\n"
        "```\n"
        "main.main  main.go:16\n"
        "runtime.main  runtime/proc.go:290\n"
        "```\n"
        "\n"
        "**unwind check:** dlv's stack and the frame-pointer chain disagree (believe: dwarf); "
        "1 of 2 other goroutines agree\n"
        "\n"
        "- first difference: dlv has #1 `main.work` at `work.go:12`, the chain has `0x4a0`\n"
        "- the chain points nowhere known at \\<img src=x\\> \\(a frame pointer was overwritten?\\)\n"
        "- the chain ended: saved frame pointer 0x10 does not lead up the stack\n"
    )
    assert block in md
    # after the crash goroutine's table, before the other goroutines
    assert md.index("| 2 |  | `main.run` |") < md.index(block) < md.index("<details>")
    agreed = to_markdown(report(agree=True))
    assert (
        "**unwind check:** dlv's stack and the frame-pointer chain agree (3 of 3 frames confirmed); "
        "1 of 2 other goroutines agree\n\n- both unwinds give the same frames\n"
        "- the chain ended: frame pointer 0: the chain ends\n"
    ) in agreed
    assert "first difference" not in agreed


def test_html_shows_ancestors_and_the_unwind_check() -> None:
    page = to_html(report())
    assert (
        '<section id="ancestors"><h2>created from goroutine 1, whose stack was then:</h2>'
        '<table class="frames">'
        "<tr><th>#</th><th></th><th>function</th><th>location</th><th>category</th></tr>"
        '<tr class="cat-user" data-index="0"><td class="idx">0</td><td class="marks"></td>'
        '<td><span class="fn">main.main</span></td><td class="loc">main.go:16</td>'
        '<td class="cat">user</td></tr>'
        '<tr class="cat-runtime" data-index="1"><td class="idx">1</td><td class="marks"></td>'
        '<td><span class="fn">runtime.main</span></td><td class="loc">runtime/proc.go:290</td>'
        '<td class="cat">runtime</td></tr></table></section>'
    ) in page
    assert (
        '<section id="unwind-check" class="unwind disagree"><h2>unwind check</h2>'
        '<p class="verdict">dlv&#x27;s stack and the frame-pointer chain disagree (believe: dwarf); '
        "1 of 2 other goroutines agree</p><ul>"
        "<li>first difference: dlv has #1 <code>main.work</code> at <code>work.go:12</code>, "
        "the chain has <code>0x4a0</code></li>"
        "<li>the chain points nowhere known at &lt;img src=x&gt; (a frame pointer was overwritten?)</li>"
        "<li>the chain ended: saved frame pointer 0x10 does not lead up the stack</li></ul></section>"
    ) in page
    assert page.index('id="crash-goroutine"') < page.index('id="ancestors"') < page.index('id="unwind-check"')
    assert page.index('id="unwind-check"') < page.index('id="others"')
    assert '<section id="unwind-check" class="unwind agree">' in to_html(report(agree=True))


def test_hostile_names_in_the_new_sections_stay_text() -> None:
    r = report(ancestor_fn=EVIL)
    md = to_markdown(r)
    assert f"```\n{EVIL}  main.go:16\nruntime.main  runtime/proc.go:290\n```" in md, "a fence holds it as is"
    assert not re.search(r"(?<!\\)<img", md)
    page = to_html(r)
    assert "<script>alert" not in page and "<img" not in page
    assert '<span class="fn">main.(*T).`x`|&lt;script&gt;alert(1)&lt;/script&gt;</span>' in page
    assert "<img src=x>" in _terminal(r), "the terminal prints text, not markup"


def test_every_view_is_found_by_name() -> None:
    assert list(VIEWS) == ["terminal", "md", "html"]
    with pytest.raises(UserError, match=r"^unknown --format 'pdf': use one of terminal, md, html$"):
        view("pdf")
    r = report()
    for name, expected in (("md", to_markdown(r)), ("html", to_html(r))):
        out = io.StringIO()
        view(name).renderer()(r, out)
        assert out.getvalue() == expected
    assert (JSON.document, TERMINAL.document, view("md").document) == (True, False, True)
    assert view("md").write_several is None and TERMINAL.write_several is not None


def test_the_terminal_view_off_a_terminal_is_plain_and_unwrapped() -> None:
    r = report()
    r.crash.message = "m" * 150
    text = _terminal(r)
    assert "\x1b[" not in text, "no colours into a pipe or a file"
    assert f"PANIC: {'m' * 150}  (goroutine 7)" in text, "one line, not wrapped at 80 columns"
