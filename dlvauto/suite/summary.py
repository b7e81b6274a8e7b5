"""A Markdown summary of a suite run, fit for a CI step summary."""

from __future__ import annotations

from dlvauto.suite.races import counted
from dlvauto.suite.runner import Outcome

_ICON = {"pass": "✅ pass", "fail": "❌ fail", "error": "⚠️ error"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(outcomes: list[Outcome]) -> str:
    passed = sum(o.passed for o in outcomes)
    lines = [
        f"## dlvauto suite: {passed}/{len(outcomes)} scenarios hold",
        "",
        "| scenario | result | kind | first user frame | seconds |",
        "|---|---|---|---|---:|",
    ]
    for o in outcomes:
        kind = o.report.crash.kind if o.report else "-"
        fu = o.report.crash.first_user_frame if o.report else None
        where = f"`{fu.function}` line {fu.line}" if fu else "-"
        lines.append(
            f"| {_cell(o.scenario.name)} | {_ICON[o.status]} | {kind} | {_cell(where)} | {o.seconds:.1f} |"
        )
    raced = [(o, counted(o.report)) for o in outcomes if o.report is not None and o.report.races]
    if raced:
        lines += ["", "### Data races", "", "| scenario | race | reports | accesses |", "|---|---|---:|---|"]
        for o, races in raced:
            for sig, n, where in races:
                lines.append(f"| {_cell(o.scenario.name)} | `{sig}` | {n} | {_cell(where)} |")
    bad = [o for o in outcomes if not o.passed]
    if bad:
        lines += ["", "### What differed", ""]
        for o in bad:
            lines.append(f"**{o.scenario.name}**")
            lines.append("")
            for d in o.differences or (o.error or "").splitlines()[:20]:
                lines.append(f"- {d}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
