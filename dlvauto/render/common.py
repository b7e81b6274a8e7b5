"""The words every human view of a report uses: short paths, states, inlining notes, values, snippets.

What the views say is computed once, with these helpers, in `render/sections.py`; the views use
the snippet and count helpers to show it.
"""

from __future__ import annotations

import re
import signal
from typing import Any

from dlvauto.records import record
from dlvauto.report import Frame, Goroutine, Report, SourceContext

# C0 controls but newline and tab, DEL, C1 controls, and the Unicode marks that reorder or hide
# text (bidirectional overrides and isolates, zero-width joiners): what a program could use to
# rewrite a terminal's title, clear it, set its clipboard (OSC 52) or make one name read as another.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """`text` with every control character shown as its escape (`\\x1b`, `\\u202e`).

    Everything the program controls (its output, panic values, function and file names, values)
    passes through here before any human view shows it; the JSON report keeps the exact text.
    """
    if not _HIDDEN.search(text):
        return text
    return _HIDDEN.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def short_path(path: str | None, report: Report) -> str:
    """A file relative to the module's folder or GOROOT/src when it lies inside, else as recorded."""
    if not path:
        return "?"
    goroot_src = f"{report.source.goroot.rstrip('/')}/src" if report.source.goroot else None
    for root in (report.source.module_dir, goroot_src):
        if root and path.startswith(root.rstrip("/") + "/"):
            return path[len(root.rstrip("/")) + 1 :]
    return path


def where(f: Frame, report: Report) -> str:
    return visible(f"{short_path(f.file, report)}:{f.line}")


def exit_text(code: int | None) -> str:
    """How a program that did not crash ended: its status, or the signal that killed it (status -N)."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name} (exit status {code})"
    return f"exited with status {code}"


def inlining_text(f: Frame, report: Report) -> str | None:
    """The compiler's word on the frame's inlining, with the position it names."""
    d = f.inlining
    if d is None:
        return None
    col = f":{d.column}" if d.column else ""
    return f"{d.text} ({short_path(d.file, report)}:{d.line}{col})"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def state(g: Goroutine) -> str:
    return visible(g.wait_reason or g.status)


@record
class Value:
    """One argument or local variable as a frame may carry it (`args`, `locals`)."""

    name: str
    type: str
    value: str
    note: str


def _field(item: Any, name: str) -> str:
    v = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
    return "" if v is None else visible(str(v))


def values(f: Frame) -> list[tuple[str, list[Value]]]:
    """The frame's values by kind ("args", "locals"), for the frames that carry them."""
    out = []
    for kind in ("args", "locals"):
        items = getattr(f, kind, None)
        if items:
            out.append(
                (
                    kind,
                    [
                        Value(_field(i, "name"), _field(i, "type"), _field(i, "value"), _field(i, "note"))
                        for i in items
                    ],
                )
            )
    return out


def numbered(src: SourceContext) -> list[tuple[int, bool, str]]:
    """(line number, is the frame's line, text) for each line of a source snippet."""
    return [
        (src.first_line + i, src.first_line + i == src.line, visible(line))
        for i, line in enumerate(src.lines)
    ]


def snippet_text(src: SourceContext) -> str:
    """A snippet as plain text: numbered, the frame's line marked with `>`, tabs as 4 spaces."""
    width = len(str(src.first_line + len(src.lines) - 1))
    return "\n".join(
        f"{'>' if here else ' '} {n:>{width}}  {line.expandtabs(4)}" for n, here, line in numbered(src)
    )


PIPED_WIDTH = 200  # off a terminal, lines are not wrapped up to this width, so they stay greppable


def piped_width() -> int:
    """The terminal views' width off a terminal: $COLUMNS when it is set (a CI log, `| less`),
    else PIPED_WIDTH."""
    import os

    try:
        return max(40, int(os.environ.get("COLUMNS", "")))
    except ValueError:
        return PIPED_WIDTH
