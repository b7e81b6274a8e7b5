"""The report as Markdown for a pull-request comment (GitHub-flavoured).

A headline, the crash goroutine as a table with its landmarks (throw, first user, frame N) and
inlined frames marked, the source of the first user frame and frame N in fenced blocks, the
goroutines that created it and the unwind check when the run recorded them, then the other
goroutines grouped by identical stack inside a `<details>` block so the comment stays short.

Everything from the program (names, paths, messages, output) is escaped: in table cells as code
spans (with `|` escaped, which GFM's table parsing reads before the span), in prose with
backslashes, and in fenced blocks by a fence longer than any backtick run inside.
"""

from __future__ import annotations

import re
from typing import TextIO

from dlvauto.render import sections as sec
from dlvauto.render.common import plural, snippet_text
from dlvauto.render.sections import sections, show
from dlvauto.report import Report

OUTPUT_TAIL_LINES = 30
_PROSE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~&])")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Prose: every character Markdown or inline HTML could read as syntax, backslash-escaped."""
    return _PROSE_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def code(text: str, *, in_table: bool = False) -> str:
    """An inline code span holding `text` exactly (GFM: a fence longer than any run inside)."""
    text = text.replace("\r", " ").replace("\n", " ")
    runs = [len(m.group()) for m in _BACKTICKS.finditer(text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str, lang: str = "") -> str:
    """A fenced code block holding `text` exactly."""
    runs = [len(m.group()) for m in _BACKTICKS.finditer(text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{lang}\n{text.rstrip(chr(10))}\n{fence}"


def _cell(text: str) -> str:
    return code(text, in_table=True) if text else ""


def write(report: Report, out: TextIO) -> None:
    """The Markdown view of `report` on `out` (the renderer registry's `md`)."""
    out.write(to_markdown(report))


def to_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    from dlvauto.render import markdown  # this module is the view

    out: list[str] = []
    for section in sections(report):
        out += show(markdown, section)
    return "\n".join(out).rstrip("\n") + "\n"


def headline(section: sec.Headline) -> list[str]:
    return [
        f"### dlvauto: {section.kind}" + (f" — {escape(section.what)}" if section.what else ""),
        "",
    ]


def inlining_diagnostics(s: sec.InliningDiagnostics) -> list[str]:
    return []  # the crash table's column gives each frame's; the JSON and HTML list them all


def notes(s: sec.Notes) -> list[str]:
    return [line for note in s.notes for line in ("", f"> note: {escape(note)}")]


def landmarks(s: sec.Landmarks) -> list[str]:
    facts = []
    f = s.first_user
    if f is not None:
        facts.append(f"**first user frame:** #{f.index} {code(f.function)} at {code(f.where)}")
    nf = s.frame_n.frame
    if s.frame_n_shown:
        facts.append(
            f"**frame {s.frame_n.n}:** #{s.frame_n.index} "
            + (f"{code(nf.function)} at {code(nf.where)} ({nf.category})" if nf else "beyond the stack")
        )
    facts.append(f"**signature:** {code(s.signature)} · {' · '.join(escape(x) for x in s.build)}")
    return ["  \n".join(facts), ""]


def crash_goroutine(g: sec.CrashGoroutine) -> list[str]:
    """The frames as a table, then each landmark explained (source in a fence, values in tables)."""
    out = [f"#### goroutine {g.id} \\[{escape(g.state)}\\] — crash goroutine", ""]
    why = g.inlining_column
    out.append("| # | mark | function | location | category |" + (" inlining |" if why else ""))
    out.append("|--:|---|---|---|---|" + ("---|" if why else ""))
    for f in g.frames:
        mark = " · ".join(f"**{m}**" for m in f.marks)
        name = _cell(f.function) + (" *inlined*" if f.inlined else "")
        row = f"| {f.index} | {mark} | {name} | {_cell(f.where)} | {f.category} |"
        if why:
            row += f" {_cell(f.inlining or '')} |"
        out.append(row)
    for landmark in g.landmarks:
        out += ["", *_frame_detail(landmark)]
    out.append("")
    return out


def _frame_detail(landmark: sec.Landmark) -> list[str]:
    f = landmark.frame
    out = [f"**{escape(landmark.label)}: #{f.index}** {code(f.function)} at {code(f.where)}"]
    if f.inlining:
        out[0] += f" — {'inlined' if f.inlined else 'not inlined'}: {code(f.inlining)}"
    if f.source is not None:
        out += ["", fenced(snippet_text(f.source), "go")]
    for kind, items in f.values:
        out += ["", f"*{kind}*", "", "| name | type | value | note |", "|---|---|---|---|"]
        out += [f"| {_cell(v.name)} | {_cell(v.type)} | {_cell(v.value)} | {escape(v.note)} |" for v in items]
    return out


def ancestors(s: sec.Ancestors) -> list[str]:
    out = []
    for a in s.ancestors:
        out += [f"**{escape(a.title)}**", ""]
        if a.frames:
            out += [fenced("\n".join(f"{f.function}  {f.where}" for f in a.frames)), ""]
    return out


def unwind(u: sec.Unwind) -> list[str]:
    """The verdict, then what explains it as a list (names and places from the program as code)."""
    details = []
    if u.first_difference is not None:
        details.append(u.first_difference.text(code))
    if u.explanation:
        details.append(escape(u.explanation))
    if u.chain_end:
        details.append(escape(u.chain_end_text))
    out = [f"**unwind check:** {u.verdict}", ""]
    if details:
        out += [*(f"- {d}" for d in details), ""]
    return out


def other_goroutines(s: sec.OtherGoroutines) -> list[str]:
    out = [
        "<details>",
        f"<summary>{plural(s.total, 'other goroutine')} in {plural(len(s.groups), 'group')} "
        "of identical stacks</summary>",
        "",
    ]
    if s.runtime_only:
        out += [f"{s.runtime_only} runtime-internal goroutines (GC, finalizers, ...) are not shown.", ""]
    for grp in s.groups:
        if grp.runtime_only:
            continue
        lines = [f"{f.function}  {f.where}" for f in grp.frames]
        if grp.created_by is not None:
            lines.append(f"created by {grp.created_by.function} at {grp.created_by.where}")
        out += [f"**{escape(grp.title)}**", "", fenced("\n".join(lines)), ""]
    out += ["</details>", ""]
    return out


def program_output(s: sec.ProgramOutput) -> list[str]:
    out: list[str] = []
    for stream in s.streams:
        lines = stream.text.rstrip("\n").splitlines()
        tail = lines[-OUTPUT_TAIL_LINES:]
        cut = f", last {len(tail)}" if len(lines) > len(tail) else ""
        out += [
            "<details>",
            f"<summary>program {stream.name} ({len(lines)} lines{cut})</summary>",
            "",
            fenced("\n".join(tail)),
            "",
            "</details>",
            "",
        ]
    return out


def recovered(s: sec.Recovered) -> list[str]:
    """Panics the program survived, one bullet each with its first user frame."""
    out = [f"**Recovered panics ({len(s.items)})**", ""]
    for item in s.items:
        where = (
            f" — {code(item.first_user.function)} at {code(item.first_user.where)}" if item.first_user else ""
        )
        out.append(f"- {escape(item.title)}{where}")
    return [*out, ""]


def races(s: sec.Races) -> list[str]:
    """Data races as a table: one row per signature, the two accesses side by side."""
    out = [
        f"**Data races ({s.total})**",
        "",
        "| race | count | access | previous access |",
        "|---|---|---|---|",
    ]
    for g in s.groups:
        cells = [
            f"{escape(side.what)}: {code(side.frame.function)} at {code(side.frame.where)}"
            if side.frame is not None
            else escape(side.what)
            for side in g.sides
        ]
        cells += [""] * (2 - len(cells))
        out.append(f"| {code(g.signature)} | {g.count} | {cells[0]} | {cells[1]} |")
    return [*out, ""]
