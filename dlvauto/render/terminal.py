"""The report for a person at a terminal: the crash line, the crash goroutine marked, the rest grouped."""

from __future__ import annotations

import re

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dlvauto.render.common import headline, inlining_text, marks, other_groups, values, where
from dlvauto.report import Frame, Goroutine, Report, SourceContext

CATEGORY_STYLE = {
    "user": "bold green",
    "thirdparty": "magenta",
    "stdlib": "cyan",
    "runtime": "dim",
    "unknown": "red",
}
KIND_STYLE = {
    "panic": "bold red",
    "fatal": "bold red",
    "signal": "bold red",
    "hang": "bold yellow",
    "none": "bold green",
}
OTHER_GROUP_FRAMES = 6
TAIL_LINES = 15
_DUMP_START = re.compile(r"^(panic: |fatal error: |SIG[A-Z]+: )", re.MULTILINE)


def _before_traceback(report: Report) -> str:
    """The program's stderr up to and including the runtime's crash header (the dump is above)."""
    text = report.output.stderr
    if report.crash.kind in ("none", "hang"):
        return text
    starts = list(_DUMP_START.finditer(text))
    if not starts:
        return text
    first = starts[0].start()
    end = text.find("\n\n", first)
    return text[: end if end >= 0 else len(text)] + "\n(the runtime's goroutine dump is in the JSON report)"


def _where(f: Frame, report: Report) -> str:
    return where(f, report)


def _headline(report: Report) -> Text:
    c = report.crash
    kind, what = headline(report)
    text = Text()
    text.append(kind, style=KIND_STYLE.get(c.kind, "bold"))
    if what:
        text.append(f": {what}")
    if c.goroutine_id is not None:
        text.append(f"  (goroutine {c.goroutine_id})", style="dim")
    return text


def _source(src: SourceContext, indent: str = "    ") -> Text:
    """The lines around a frame's line, numbered, the line itself marked with `>`."""
    width = len(str(src.first_line + len(src.lines) - 1))
    text = Text()
    for i, line in enumerate(src.lines):
        n = src.first_line + i
        here = n == src.line
        text.append(
            f"{indent}{'>' if here else ' '} {n:>{width}} │ {line.expandtabs(4)}\n",
            style="bold" if here else "dim",
        )
    text.rstrip()
    return text


def _crash_table(report: Report, g: Goroutine) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("function", overflow="fold")
    table.add_column("location", overflow="fold")
    table.add_column("category")
    why = any(f.inlining is not None for f in g.frames)
    if why:
        table.add_column("inlining (the compiler's -m=2 word)", overflow="fold", style="dim")
    for f in g.frames:
        here = marks(report, f)
        style = CATEGORY_STYLE.get(f.category, "")
        name = Text(f.function or "???", style=style)
        if f.inlined:
            name.append(" (inlined)", style="italic dim")
        row: list[str | Text] = [
            str(f.index),
            Text(" ".join(here), style="bold yellow") if here else "",
            name,
            Text(_where(f, report), style=style),
            Text(f.category, style=style),
        ]
        if why:
            row.append(inlining_text(f, report) or "")
        table.add_row(*row)
    return table


def _others(report: Report) -> list[Text | Table]:
    groups = other_groups(report)
    runtime_only = sum(len(grp.goroutines) for grp in groups if grp.runtime_only)
    out: list[Text | Table] = []
    if runtime_only:
        out.append(
            Text(f"{runtime_only} runtime-internal goroutines (GC, finalizers, ...): hidden", style="dim")
        )
    for grp in groups:
        if grp.runtime_only:
            continue
        g = grp.first
        out.append(Text(grp.title(), style="bold"))
        shown = [f for f in g.frames if f.category != "runtime"][:OTHER_GROUP_FRAMES] or g.frames[:2]
        for f in shown:
            style = CATEGORY_STYLE.get(f.category, "")
            out.append(Text(f"    {f.function or '???'}  {_where(f, report)}", style=style))
        if g.created_by:
            out.append(
                Text(f"    created by {g.created_by.function} at {_where(g.created_by, report)}", style="dim")
            )
    return out


def _explained(f: Frame, report: Report) -> list[Text]:
    """The frame's inlining note and source lines, under its line in the summary."""
    out = []
    why = inlining_text(f, report)
    if why:
        out.append(Text(f"    {'inlined: ' if f.inlined else 'not inlined: '}{why}", style="dim"))
    if f.source is not None:
        out.append(_source(f.source))
    for kind, items in values(f):
        for v in items:
            note = f"  ({v.note})" if v.note else ""
            out.append(
                Text(f"    {kind[:-1] if kind == 'args' else 'local'} {v.name} {v.type} = {v.value}{note}")
            )
    return out


def _unwind_text(report: Report) -> Text:
    """--unwind-check: whether dlv's stack and the frame-pointer chain agree, and where they part.

    (Rewritten after an edit of this module dropped the first version; see the report of issue 5.)
    """
    u = report.unwind_check
    text = Text()
    if u is None:
        return text
    others = report.unwind_others
    disagree = sum(1 for o in others if not o.agree)
    tail = f"; {len(others) - disagree} of {len(others)} other goroutines agree" if others else ""
    if u.agree:
        text.append(
            f"unwind check: dlv's stack and the frame-pointer chain agree "
            f"({u.checked_frames} of {u.dwarf_frames} frames confirmed){tail}",
            style="green",
        )
    else:
        text.append(
            f"unwind check: dlv's stack and the frame-pointer chain disagree (believe: {u.believe}){tail}",
            style="bold red",
        )
        d = u.first_difference
        if d is not None:
            dwarf = (
                f"#{d.dwarf.index} {d.dwarf.function} at {_where(d.dwarf, report)}" if d.dwarf else "its end"
            )
            fp = (d.fp.function or hex(d.fp.pc)) if d.fp else "its end"
            text.append(f"\n    first difference: dlv has {dwarf}, the chain has {fp}")
    if u.explanation:
        text.append(f"\n    {u.explanation}", style="dim")
    if u.fp_end:
        text.append(f"\n    the chain ended: {u.fp_end}", style="dim")
    return text


def make_console() -> Console:
    """A console for stdout; when piped, wide and unwrapped so lines stay greppable."""
    import sys

    if sys.stdout.isatty():
        return Console()
    return Console(width=200, soft_wrap=True)


def render(report: Report, console: Console | None = None) -> None:
    console = console or make_console()
    c = report.crash
    parts: list[Text | Table] = [_headline(report)]
    if c.first_user_frame:
        f = c.first_user_frame
        parts.append(Text(f"first user frame: #{f.index} {f.function} at {_where(f, report)}", style="green"))
        parts += _explained(f, report)
    nf = c.frame_n.frame
    parts.append(
        Text(
            f"frame {c.frame_n.n}: #{c.frame_n.index} "
            + (f"{nf.function} at {_where(nf, report)} [{nf.category}]" if nf else "(beyond the stack)"),
            style="yellow",
        )
    )
    if nf is not None and (c.first_user_frame is None or nf.index != c.first_user_frame.index):
        parts += _explained(nf, report)
    parts.append(Text(f"signature {c.signature}", style="dim"))
    console.print(Panel(Group(*parts), title="dlvauto", expand=False))
    crash_g = report.crash_goroutine()
    if crash_g is not None:
        status = crash_g.wait_reason or crash_g.status
        console.print(Text(f"goroutine {crash_g.id} [{status}] — crash goroutine", style="bold"))
        console.print(_crash_table(report, crash_g))
    for a in crash_g.ancestors if crash_g is not None else []:
        console.print(Text(f"created from goroutine {a.id}, whose stack was then:", style="bold"))
        for f in a.frames:
            style = CATEGORY_STYLE.get(f.category, "")
            console.print(Text(f"    {f.function or '???'}  {_where(f, report)}", style=style))
    if report.unwind_check is not None:
        console.print(_unwind_text(report))
    others = _others(report)
    if others:
        console.print()
        console.print(
            Text(f"other goroutines ({len(report.goroutines) - (1 if crash_g else 0)})", style="bold")
        )
        for item in others:
            console.print(item)
    if report.output.stdout or report.output.stderr:
        console.print()
        for name, text in (("stdout", report.output.stdout), ("stderr", _before_traceback(report))):
            if text:
                lines = text.rstrip("\n").splitlines()
                tail = lines[-TAIL_LINES:]
                cut = f", last {TAIL_LINES}" if len(lines) > TAIL_LINES else ""
                console.print(Text(f"program {name} ({len(lines)} lines{cut})", style="bold"))
                console.print(Text("\n".join(tail)), markup=False, highlight=False)
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"))
