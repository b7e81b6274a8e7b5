"""The terminal view off a terminal (a pipe, a file, a CI log), written without rich when it can be.

Why: importing rich and laying out its panel and table cost ~30 ms of a small run's ~0.12 s of
Python work, and a small `dlvauto run` piped into a log is the common case. Off a terminal the
view has no colour, no wrapping outside the box and no measuring of wide characters to do when
every character is plain ASCII (or one of the few single-cell glyphs the view itself draws), so
the same bytes rich writes are laid out here: the box (rich's rounded Panel, title centred), the
crash table (rich's Table without a box: columns as wide as their widest cell, two spaces apart,
`#` right-aligned), and the lines. Anything else — a character rich might measure otherwise, a
control character, a box line or table row wider than the width rich would wrap at — and
this module gives up (`render` returns None) and the rich view (terminal.py) writes the report.
tests/unit/render/test_plain_view.py holds the two to the same bytes on every recorded report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO, cast

from dlvauto.render import sections as sec
from dlvauto.render.common import piped_width
from dlvauto.render.sections import sections, show

if TYPE_CHECKING:
    from dlvauto.report import Report, SourceContext

# Characters rich lays out as one cell each, as they are: printable ASCII and the view's own glyphs.
_PLAIN = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("│—×╭╮╰╯─")
_TITLE = " dlvauto "
_IN_THE_BOX = (sec.Headline, sec.Landmarks)


class _Unsure(Exception):
    """Something rich may lay out otherwise than this module would: rich writes the report."""


class _Table:
    """The crash table's cells, laid out once the width is known."""

    def __init__(self, header: list[str], rows: list[list[str]], right: set[int]) -> None:
        self.header, self.rows, self.right = header, rows, right


def write(report: Report, out: TextIO) -> None:
    """The terminal view of `report` on `out` (the renderer registry's `terminal`)."""
    if not out.isatty():
        text = render(report, piped_width())
        if text is not None:
            out.write(text)
            return
    from dlvauto.render import terminal  # rich, for a person at a terminal or what plain gives up

    terminal.write(report, out)


def render(report: Report, width: int) -> str | None:
    """The view's text at `width` (the console's), or None when rich must lay it out."""
    from dlvauto.render import plain  # this module is the view

    try:
        out: list[str] = []
        box: list[str] = []
        for section in sections(report):
            parts = cast("list[str | _Table]", show(plain, section))
            if isinstance(section, _IN_THE_BOX):
                box += [p for p in parts if isinstance(p, str)]
                continue
            out += _box(box, width)
            box = []
            for part in parts:
                # rich expands a tab to the next multiple of 8 columns in a line it does not wrap
                out += _table(part, width) if isinstance(part, _Table) else part.expandtabs(8).split("\n")
        out += _box(box, width)
    except _Unsure:
        return None
    for line in out:
        if not _PLAIN.issuperset(line):
            return None
    return "".join(line + "\n" for line in out)


def _box(texts: list[str], width: int) -> list[str]:
    """rich's Panel(Group(...), title="dlvauto", expand=False), rounded, as wide as its widest line."""
    if not texts:
        return []
    lines = [line for text in texts for line in text.split("\n")]
    inner = max(len(line) for line in lines)
    outer = max(inner + 4, len(_TITLE) + 4)
    if outer > width:
        raise _Unsure  # rich wraps what is wider than the console
    inner = outer - 4
    excess = outer - 4 - len(_TITLE)
    left = excess // 2
    top = "╭─" + "─" * left + _TITLE + "─" * (excess - left) + "─╮"
    return [top, *(f"│ {line.ljust(inner)} │" for line in lines), "╰" + "─" * (outer - 2) + "╯"]


def _table(t: _Table, width: int) -> list[str]:
    """rich's Table(box=None, show_header=True, pad_edge=False): no column cut when it fits."""
    rows = [t.header, *t.rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(t.header))]
    if sum(widths) + 2 * (len(widths) - 1) > width:
        raise _Unsure  # rich shrinks columns to fit: its layout, not ours
    out = []
    for r in rows:
        cells = [
            c.rjust(w) if i in t.right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.append("  ".join(cells))
    return out


# ---- the view: each section as text, in the words terminal.py gives it ---------------------------


def headline(h: sec.Headline) -> list[str]:
    text = h.kind + (f": {h.what}" if h.what else "")
    if h.goroutine_id is not None:
        text += f"  (goroutine {h.goroutine_id})"
    return [text]


def landmarks(s: sec.Landmarks) -> list[str]:
    parts: list[str] = []
    f = s.first_user
    if f is not None:
        parts.append(f"first user frame: #{f.index} {f.function} at {f.where}")
        parts += _explained(f)
    nf = s.frame_n.frame
    if s.frame_n_shown:
        parts.append(
            f"frame {s.frame_n.n}: #{s.frame_n.index} "
            + (f"{nf.function} at {nf.where} [{nf.category}]" if nf else "(beyond the stack)")
        )
    if s.frame_n_apart is not None:
        parts += _explained(s.frame_n_apart)
    parts.append(f"signature {s.signature}")
    return parts


def _source(src: SourceContext, indent: str = "    ") -> str:
    width = len(str(src.first_line + len(src.lines) - 1))
    text = ""
    for i, line in enumerate(src.lines):
        n = src.first_line + i
        text += f"{indent}{'>' if n == src.line else ' '} {n:>{width}} │ {line.expandtabs(4)}\n"
    return text.rstrip()


def _explained(f: sec.FrameLine) -> list[str]:
    out: list[str] = []
    if f.inlining:
        out.append(f"    {'inlined: ' if f.inlined else 'not inlined: '}{f.inlining}")
    if f.source is not None:
        out.append(_source(f.source))
    for kind, items in f.values:
        for v in items:
            note = f"  ({v.note})" if v.note else ""
            out.append(f"    {kind[:-1] if kind == 'args' else 'local'} {v.name} {v.type} = {v.value}{note}")
    return out


def crash_goroutine(g: sec.CrashGoroutine) -> list[str | _Table]:
    header = ["#", "", "function", "location", "category"]
    if g.inlining_column:
        raise _Unsure  # a folding column: rich's layout
    rows = [
        [
            str(f.index),
            " ".join(f.marks),
            f.function + (" (inlined)" if f.inlined else ""),
            f.where,
            f.category,
        ]
        for f in g.frames
    ]
    return [f"goroutine {g.id} [{g.state}] — crash goroutine", _Table(header, rows, right={0})]


def inlining_diagnostics(s: sec.InliningDiagnostics) -> list[str]:
    return []


def notes(s: sec.Notes) -> list[str]:
    return [f"note: {note}" for note in s.notes]


def _frame_text(f: sec.FrameLine) -> str:
    return f"    {f.function}  {f.where}"


def ancestors(s: sec.Ancestors) -> list[str]:
    out: list[str] = []
    for a in s.ancestors:
        out.append(a.title)
        out += [_frame_text(f) for f in a.frames]
    return out


def unwind(u: sec.Unwind) -> list[str]:
    text = f"unwind check: {u.verdict}"
    if u.first_difference is not None:
        text += f"\n    {u.first_difference.text()}"
    if u.explanation:
        text += f"\n    {u.explanation}"
    if u.chain_end:
        text += f"\n    {u.chain_end_text}"
    return [text]


def other_goroutines(s: sec.OtherGoroutines) -> list[str]:
    out = ["", f"other goroutines ({s.total})"]
    if s.runtime_only:
        out.append(f"{s.runtime_only} runtime-internal goroutines (GC, finalizers, ...): hidden")
    for grp in s.groups:
        if grp.runtime_only:
            continue
        out.append(grp.title)
        shown = grp.terminal_frames()
        out += [_frame_text(f) for f in shown]
        if grp.created_by is not None:
            out.append(f"    created by {grp.created_by.function} at {grp.created_by.where}")
    return out


def program_output(s: sec.ProgramOutput) -> list[str]:
    out = [""]
    for stream in s.streams:
        out += stream.tail()
    return out


def recovered(s: sec.Recovered) -> list[str]:
    out = ["", f"recovered panics ({len(s.items)})"]
    for item in s.items:
        out.append(item.title)
        if item.first_user is not None:
            out.append(f"    first user frame: {item.first_user.function} at {item.first_user.where}")
    return out


def races(s: sec.Races) -> list[str]:
    out = ["", f"data races ({s.total})"]
    for g in s.groups:
        cut = ", the report was cut short" if g.truncated else ""
        out.append(f"race {g.signature} × {g.count}{cut}")
        for side in g.sides:
            f = side.frame
            out.append(f"    {side.what}: " + (f"{f.function} at {f.where}" if f else "(no user frame)"))
            if f is not None and f.source is not None:
                out.append(_source(f.source, indent="        "))
    return out
