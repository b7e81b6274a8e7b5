"""The report as Markdown for a pull-request comment (GitHub-flavoured).

A headline, the crash goroutine as a table with its landmarks (throw, first user, frame N) and
inlined frames marked, the source of the first user frame and frame N in fenced blocks, then the
other goroutines grouped by identical stack inside a `<details>` block so the comment stays short.

Everything from the program (names, paths, messages, output) is escaped: in table cells as code
spans (with `|` escaped, which GFM's table parsing reads before the span), in prose with
backslashes, and in fenced blocks by a fence longer than any backtick run inside.
"""

from __future__ import annotations

import re

from dlvauto.render.common import (
    headline,
    inlining_text,
    marks,
    other_groups,
    plural,
    snippet_text,
    state,
    values,
    where,
)
from dlvauto.report import Frame, Goroutine, Report

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


def _frame_rows(report: Report, g: Goroutine) -> list[str]:
    why = any(f.inlining is not None for f in g.frames)
    head = "| # | mark | function | location | category |" + (" inlining |" if why else "")
    rule = "|--:|---|---|---|---|" + ("---|" if why else "")
    rows = [head, rule]
    for f in g.frames:
        mark = " · ".join(f"**{m}**" for m in marks(report, f))
        name = _cell(f.function or "???") + (" *inlined*" if f.inlined else "")
        row = f"| {f.index} | {mark} | {name} | {_cell(where(f, report))} | {f.category} |"
        if why:
            row += f" {_cell(inlining_text(f, report) or '')} |"
        rows.append(row)
    return rows


def _frame_detail(report: Report, label: str, f: Frame) -> list[str]:
    out = [f"**{escape(label)}: #{f.index}** {code(f.function or '???')} at {code(where(f, report))}"]
    why = inlining_text(f, report)
    if why:
        out[0] += f" — {'inlined' if f.inlined else 'not inlined'}: {code(why)}"
    if f.source is not None:
        out += ["", fenced(snippet_text(f.source), "go")]
    for kind, items in values(f):
        out += ["", f"*{kind}*", "", "| name | type | value | note |", "|---|---|---|---|"]
        out += [f"| {_cell(v.name)} | {_cell(v.type)} | {_cell(v.value)} | {escape(v.note)} |" for v in items]
    return out


def _others(report: Report) -> list[str]:
    groups = other_groups(report)
    if not groups:
        return []
    total = sum(len(grp.goroutines) for grp in groups)
    hidden = sum(len(grp.goroutines) for grp in groups if grp.runtime_only)
    out = [
        "<details>",
        f"<summary>{plural(total, 'other goroutine')} in {plural(len(groups), 'group')} "
        "of identical stacks</summary>",
        "",
    ]
    if hidden:
        out += [f"{hidden} runtime-internal goroutines (GC, finalizers, ...) are not shown.", ""]
    for grp in groups:
        if grp.runtime_only:
            continue
        g = grp.first
        lines = [f"{f.function or '???'}  {where(f, report)}" for f in g.frames]
        if g.created_by is not None:
            lines.append(f"created by {g.created_by.function} at {where(g.created_by, report)}")
        out += [f"**{escape(grp.title())}**", "", fenced("\n".join(lines)), ""]
    out += ["</details>", ""]
    return out


def _output(report: Report) -> list[str]:
    out: list[str] = []
    for name, text in (("stdout", report.output.stdout), ("stderr", report.output.stderr)):
        if not text:
            continue
        lines = text.rstrip("\n").splitlines()
        tail = lines[-OUTPUT_TAIL_LINES:]
        cut = f", last {len(tail)}" if len(lines) > len(tail) else ""
        out += [
            "<details>",
            f"<summary>program {name} ({len(lines)} lines{cut})</summary>",
            "",
            fenced("\n".join(tail)),
            "",
            "</details>",
            "",
        ]
    return out


def to_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    c = report.crash
    kind, what = headline(report)
    out = [f"### dlvauto: {kind}" + (f" — {escape(what)}" if what else ""), ""]
    facts = []
    if c.first_user_frame is not None:
        f = c.first_user_frame
        facts.append(
            f"**first user frame:** #{f.index} {code(f.function or '???')} at {code(where(f, report))}"
        )
    nf = c.frame_n.frame
    facts.append(
        f"**frame {c.frame_n.n}:** #{c.frame_n.index} "
        + (
            f"{code(nf.function or '???')} at {code(where(nf, report))} ({nf.category})"
            if nf
            else "beyond the stack"
        )
    )
    src = report.source
    dlv = f"dlv {src.dlv_version}" if src.dlv_version else ""
    build = " · ".join(escape(x) for x in (src.mode, src.profile or "", src.go_version or "", dlv) if x)
    facts.append(f"**signature:** {code(c.signature)} · {build}")
    out += ["  \n".join(facts), ""]

    g = report.crash_goroutine()
    if g is not None:
        out += [f"#### goroutine {g.id} \\[{escape(state(g))}\\] — crash goroutine", ""]
        out += _frame_rows(report, g)
        shown: set[int] = set()
        for label, fr in (("first user frame", c.first_user_frame), (f"frame {c.frame_n.n}", nf)):
            if fr is not None and fr.index not in shown:
                shown.add(fr.index)
                out += ["", *_frame_detail(report, label, fr)]
        out.append("")
    out += _others(report)
    out += _output(report)
    for note in report.notes:
        out += ["", f"> note: {escape(note)}"]
    return "\n".join(out).rstrip("\n") + "\n"
