"""The report for a person at a terminal: the crash line, the crash goroutine marked, the rest grouped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from dlvauto.render import sections as sec
from dlvauto.render.common import PIPED_WIDTH as PIPED_WIDTH
from dlvauto.render.common import piped_width
from dlvauto.render.sections import sections, show
from dlvauto.report import Report, SourceContext

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
_IN_THE_BOX = (sec.Headline, sec.Landmarks)


class QuietConsole(Console):
    """A rich Console that leaves a closed pipe to the command line (exit 141, `| head -1`).

    rich's own answer to a reader that hung up is SystemExit(1), which would read as a failure.
    """

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def console_for(out: TextIO) -> Console:
    """A console writing to `out`: in colour on a terminal; else plain, as wide as $COLUMNS says
    (PIPED_WIDTH without it) and unwrapped."""
    if out.isatty():
        return QuietConsole(file=out)
    return QuietConsole(file=out, width=piped_width(), soft_wrap=True, force_terminal=False)


def write(report: Report, out: TextIO) -> None:
    """The terminal view of `report` on `out` (the renderer registry's `terminal`)."""
    print_report(report, console_for(out))


def write_several(reports: Sequence[Report], out: TextIO) -> None:
    """Several reports (`parse --all`), each under a rule that numbers it."""
    console = console_for(out)
    for i, report in enumerate(reports, 1):
        console.print(Rule(f"crash {i} of {len(reports)}"))
        print_report(report, console)


def print_report(report: Report, console: Console) -> None:
    """Every section in turn; the headline and the landmarks in a box at the top."""
    from dlvauto.render import terminal  # this module is the view

    box: list[RenderableType] = []
    for section in sections(report):
        parts = show(terminal, section)
        if isinstance(section, _IN_THE_BOX):
            box += parts
            continue
        _print_box(box, console)
        for part in _joined(parts):
            console.print(part)
    _print_box(box, console)


def _joined(parts: list[RenderableType]) -> list[RenderableType]:
    """The parts with each run of plain Texts joined into one Text, a line each.

    A section of thousands of lines (a log's races, the groups of 100,000 goroutines) printed a
    Text at a time costs rich's whole print each time (0.1 ms a line, 0.3 s for 3,000); printed as
    one Text it is the same lines, each wrapped (or not) on its own as before, and the same bytes.
    A Text with settings of its own (justify, overflow, no_wrap, end) is printed on its own.
    """
    out: list[RenderableType] = []
    run: list[Text] = []
    for part in [*parts, None]:
        if isinstance(part, Text) and _plain_text(part):
            run.append(part)
            continue
        if run:
            out.append(Text("\n").join(run) if len(run) > 1 else run[0])
            run = []
        if part is not None:
            out.append(part)
    return out


def _plain_text(text: Text) -> bool:
    return (
        text.justify is None
        and text.overflow is None
        and text.no_wrap is None
        and text.end == "\n"
        and text.tab_size is None
    )


def _print_box(box: list[RenderableType], console: Console) -> None:
    if box:
        # The box wraps what is wider than the terminal: the headline must never be cut.
        console.print(Panel(Group(*box), title="dlvauto", expand=False), soft_wrap=False)
        box.clear()


def headline(h: sec.Headline) -> list[RenderableType]:
    text = Text()
    text.append(h.kind, style=KIND_STYLE.get(h.crash_kind, "bold"))
    if h.what:
        text.append(f": {h.what}")
    if h.goroutine_id is not None:
        text.append(f"  (goroutine {h.goroutine_id})", style="dim")
    return [text]


def landmarks(s: sec.Landmarks) -> list[RenderableType]:
    parts: list[RenderableType] = []
    f = s.first_user
    if f is not None:
        parts.append(Text(f"first user frame: #{f.index} {f.function} at {f.where}", style="green"))
        parts += _explained(f)
    nf = s.frame_n.frame
    if s.frame_n_shown:
        parts.append(
            Text(
                f"frame {s.frame_n.n}: #{s.frame_n.index} "
                + (f"{nf.function} at {nf.where} [{nf.category}]" if nf else "(beyond the stack)"),
                style="yellow",
            )
        )
    if s.frame_n_apart is not None:
        parts += _explained(s.frame_n_apart)
    parts.append(Text(f"signature {s.signature}", style="dim"))
    return parts


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


def _explained(f: sec.FrameLine) -> list[RenderableType]:
    """The frame's inlining note, source lines and values, under its line in the box."""
    out: list[RenderableType] = []
    if f.inlining:
        out.append(Text(f"    {'inlined: ' if f.inlined else 'not inlined: '}{f.inlining}", style="dim"))
    if f.source is not None:
        out.append(_source(f.source))
    for kind, items in f.values:
        for v in items:
            note = f"  ({v.note})" if v.note else ""
            out.append(
                Text(f"    {kind[:-1] if kind == 'args' else 'local'} {v.name} {v.type} = {v.value}{note}")
            )
    return out


def crash_goroutine(g: sec.CrashGoroutine) -> list[RenderableType]:
    return [Text(f"goroutine {g.id} [{g.state}] — crash goroutine", style="bold"), _crash_table(g)]


def inlining_diagnostics(s: sec.InliningDiagnostics) -> list[RenderableType]:
    return []  # the crash table's column gives each frame's; the JSON and HTML list them all


def notes(s: sec.Notes) -> list[RenderableType]:
    return [Text(f"note: {note}", style="yellow") for note in s.notes]


def _crash_table(g: sec.CrashGoroutine) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    # A name cut mid-identifier and wrapped reads as two names: a long one is shortened with an
    # ellipsis on its line (the JSON report and --format md keep it whole).
    table.add_column("function", overflow="ellipsis")
    table.add_column("location", overflow="ellipsis")
    table.add_column("category", no_wrap=True)
    if g.inlining_column:
        table.add_column("inlining (the compiler's -m=2 word)", overflow="fold", style="dim")
    for f in g.frames:
        style = CATEGORY_STYLE.get(f.category, "")
        name = Text(f.function, style=style)
        if f.inlined:
            name.append(" (inlined)", style="italic dim")
        row: list[str | Text] = [
            str(f.index),
            Text(" ".join(f.marks), style="bold yellow") if f.marks else "",
            name,
            Text(f.where, style=style),
            Text(f.category, style=style),
        ]
        if g.inlining_column:
            row.append(f.inlining or "")
        table.add_row(*row)
    return table


def _frame_text(f: sec.FrameLine) -> Text:
    return Text(f"    {f.function}  {f.where}", style=CATEGORY_STYLE.get(f.category, ""))


def ancestors(s: sec.Ancestors) -> list[RenderableType]:
    out: list[RenderableType] = []
    for a in s.ancestors:
        out.append(Text(a.title, style="bold"))
        out += [_frame_text(f) for f in a.frames]
    return out


def unwind(u: sec.Unwind) -> list[RenderableType]:
    text = Text()
    text.append(f"unwind check: {u.verdict}", style="green" if u.agree else "bold red")
    if u.first_difference is not None:
        text.append(f"\n    {u.first_difference.text()}")
    if u.explanation:
        text.append(f"\n    {u.explanation}", style="dim")
    if u.chain_end:
        text.append(f"\n    {u.chain_end_text}", style="dim")
    return [text]


def other_goroutines(s: sec.OtherGoroutines) -> list[RenderableType]:
    out: list[RenderableType] = [Text(""), Text(f"other goroutines ({s.total})", style="bold")]
    if s.runtime_only:
        out.append(
            Text(f"{s.runtime_only} runtime-internal goroutines (GC, finalizers, ...): hidden", style="dim")
        )
    for grp in s.groups:
        if grp.runtime_only:
            continue
        out.append(Text(grp.title, style="bold"))
        shown = grp.terminal_frames()
        out += [_frame_text(f) for f in shown]
        if grp.created_by is not None:
            cb = grp.created_by
            out.append(Text(f"    created by {cb.function} at {cb.where}", style="dim"))
    return out


def program_output(s: sec.ProgramOutput) -> list[RenderableType]:
    """The tail of each stream (sections.Stream.tail)."""
    out: list[RenderableType] = [Text("")]
    for stream in s.streams:
        title, text = stream.tail()
        out.append(Text(title, style="bold"))
        out.append(Text(text))
    return out


def recovered(s: sec.Recovered) -> list[RenderableType]:
    """Panics the program survived: who printed each, and where in the user's code it was raised."""
    out: list[RenderableType] = [Text(""), Text(f"recovered panics ({len(s.items)})", style="bold")]
    for item in s.items:
        out.append(Text(item.title, style="yellow"))
        if item.first_user is not None:
            out.append(Text(f"    first user frame: {item.first_user.function} at {item.first_user.where}"))
    return out


def races(s: sec.Races) -> list[RenderableType]:
    """Data races, one group per signature: the accesses side by side, with source lines."""
    out: list[RenderableType] = [Text(""), Text(f"data races ({s.total})", style="bold red")]
    for g in s.groups:
        cut = ", the report was cut short" if g.truncated else ""
        out.append(Text(f"race {g.signature} × {g.count}{cut}", style="bold"))
        for side in g.sides:
            f = side.frame
            out.append(
                Text(f"    {side.what}: " + (f"{f.function} at {f.where}" if f else "(no user frame)"))
            )
            if f is not None and f.source is not None:
                out.append(_source(f.source, indent="        "))
    return out
