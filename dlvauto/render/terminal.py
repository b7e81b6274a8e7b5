"""The report for a person at a terminal: the crash line, the crash goroutine marked, the rest grouped."""

from __future__ import annotations

import re
from collections import defaultdict

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dlvauto.report import Frame, Goroutine, Report

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


def _short(path: str | None, report: Report) -> str:
    if not path:
        return "?"
    goroot_src = f"{report.source.goroot.rstrip('/')}/src" if report.source.goroot else None
    for root, label in ((report.source.module_dir, ""), (goroot_src, "")):
        if root and path.startswith(root.rstrip("/") + "/"):
            return label + path[len(root.rstrip("/")) + 1 :]
    return path


def _where(f: Frame, report: Report) -> str:
    return f"{_short(f.file, report)}:{f.line}"


def _headline(report: Report) -> Text:
    c = report.crash
    text = Text()
    text.append(f"{c.kind.upper()}", style=KIND_STYLE.get(c.kind, "bold"))
    if c.message:
        text.append(f": {c.message}")
    elif c.kind == "none":
        text.append(f": exited with status {report.exit_code}")
    elif c.kind == "hang" and report.source.mode == "attach":
        text.append(": a running program, halted, captured and let go")
    elif c.kind == "hang":
        text.append(": did not end before the timeout; halted and captured")
    if c.goroutine_id is not None:
        text.append(f"  (goroutine {c.goroutine_id})", style="dim")
    return text


def _crash_table(report: Report, g: Goroutine) -> Table:
    c = report.crash
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("function", overflow="fold")
    table.add_column("location", overflow="fold")
    table.add_column("category")
    n_index = c.frame_n.index
    first_user = c.first_user_frame.index if c.first_user_frame else None
    for f in g.frames:
        marks = []
        if f.index == c.throw_frame_index:
            marks.append("throw")
        if f.index == first_user:
            marks.append("first user")
        if f.index == n_index:
            marks.append(f"frame {c.frame_n.n}")
        style = CATEGORY_STYLE.get(f.category, "")
        name = Text(f.function or "???", style=style)
        if f.inlined:
            name.append(" (inlined)", style="italic dim")
        table.add_row(
            str(f.index),
            Text(" ".join(marks), style="bold yellow") if marks else "",
            name,
            Text(_where(f, report), style=style),
            Text(f.category, style=style),
        )
    return table


def _key(g: Goroutine) -> tuple[str, ...]:
    return (g.status, g.wait_reason or "", *[f"{f.function}:{f.line}" for f in g.frames])


def _others(report: Report, crash_id: int | None) -> list[Text | Table]:
    groups: dict[tuple[str, ...], list[Goroutine]] = defaultdict(list)
    runtime_only: list[int] = []
    for g in report.goroutines:
        if g.id == crash_id:
            continue
        if g.frames and all(f.category == "runtime" for f in g.frames):
            runtime_only.append(g.id)
        else:
            groups[_key(g)].append(g)
    out: list[Text | Table] = []
    if runtime_only:
        out.append(
            Text(
                f"{len(runtime_only)} runtime-internal goroutines (GC, finalizers, ...): hidden", style="dim"
            )
        )
    ordered = sorted(groups.values(), key=lambda gs: (-len(gs), gs[0].id))
    for gs in ordered:
        g = gs[0]
        ids = ", ".join(str(x.id) for x in gs[:8]) + (" ..." if len(gs) > 8 else "")
        state = g.wait_reason or g.status
        out.append(Text(f"{len(gs)} × [{state}] goroutine {ids}", style="bold"))
        shown = [f for f in g.frames if f.category != "runtime"][:OTHER_GROUP_FRAMES] or g.frames[:2]
        for f in shown:
            style = CATEGORY_STYLE.get(f.category, "")
            out.append(Text(f"    {f.function or '???'}  {_where(f, report)}", style=style))
        if g.created_by:
            out.append(
                Text(f"    created by {g.created_by.function} at {_where(g.created_by, report)}", style="dim")
            )
    return out


def _unwind_text(report: Report) -> Text:
    """One paragraph: whether dlv's stack and the frame-pointer chain agree, and where they part."""
    u = report.unwind_check
    assert u is not None
    text = Text()
    if u.agree:
        text.append("unwind check: agree", style="bold green")
    else:
        text.append("unwind check: DISAGREE", style="bold red")
    text.append(f" ({u.checked_frames} of {u.dwarf_frames} dlv frames confirmed; {u.fp_frames} in the chain)")
    d = u.first_difference
    if d is not None:
        dw = f"#{d.dwarf.index} {d.dwarf.function}" if d.dwarf else "(dlv's stack had ended)"
        fp = f"{d.fp.function or '???'} {d.fp.pc:#x}" if d.fp else "(the chain had ended)"
        text.append(f"\n  they part at dlv {dw} / frame pointers {fp}; believe: {u.believe}")
    text.append(f"\n  {u.explanation}", style="dim")
    bad = [o.goroutine_id for o in report.unwind_others if not o.agree]
    if report.unwind_others:
        text.append(f"\n  other goroutines: {len(report.unwind_others) - len(bad)} agree", style="dim")
        if bad:
            text.append(f", {len(bad)} disagree: {', '.join(map(str, bad[:10]))}", style="red")
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
    nf = c.frame_n.frame
    parts.append(
        Text(
            f"frame {c.frame_n.n}: #{c.frame_n.index} "
            + (f"{nf.function} at {_where(nf, report)} [{nf.category}]" if nf else "(beyond the stack)"),
            style="yellow",
        )
    )
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
    others = _others(report, c.goroutine_id)
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
