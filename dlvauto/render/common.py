"""What every human view of a report shares: frame marks, short paths, goroutine groups, values.

The terminal, Markdown and HTML views must say the same thing; they differ only in how it looks.
"""

from __future__ import annotations

import signal
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from dlvauto.report import Frame, Goroutine, Report, SourceContext

ID_LIST_LIMIT = 8


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
    return f"{short_path(f.file, report)}:{f.line}"


def marks(report: Report, f: Frame) -> list[str]:
    """The crash goroutine's landmarks on frame `f`: throw, first user, frame N."""
    c = report.crash
    out = []
    if f.index == c.throw_frame_index:
        out.append("throw")
    if c.first_user_frame is not None and f.index == c.first_user_frame.index:
        out.append("first user")
    if f.index == c.frame_n.index:
        out.append(f"frame {c.frame_n.n}")
    return out


def headline(report: Report) -> tuple[str, str]:
    """(KIND, what happened) as one line says it."""
    c = report.crash
    if c.message:
        text = c.message
    elif c.kind == "none":
        text = exit_text(report.exit_code)
    elif c.kind == "hang" and report.source.mode == "attach":
        text = "a running program, halted, captured and let go"
    elif c.kind == "hang":
        text = "did not end before the timeout; halted and captured"
    else:
        text = ""
    return c.kind.upper(), text


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
    return g.wait_reason or g.status


def _key(g: Goroutine) -> tuple[str, ...]:
    return (g.status, g.wait_reason or "", *[f"{f.function}:{f.line}" for f in g.frames])


@dataclass
class Group:
    """Goroutines with identical stacks (and state), shown once."""

    goroutines: list[Goroutine]
    runtime_only: bool  # every frame is the runtime's own (GC workers, finalizers, ...)

    @property
    def first(self) -> Goroutine:
        return self.goroutines[0]

    def ids(self, limit: int = ID_LIST_LIMIT) -> str:
        shown = ", ".join(str(g.id) for g in self.goroutines[:limit])
        more = len(self.goroutines) - limit
        return shown + (f" and {more} more" if more > 0 else "")

    def title(self) -> str:
        n = len(self.goroutines)
        noun = "goroutine" if n == 1 else "goroutines"
        return f"{n} × [{state(self.first)}] {noun} {self.ids()}"


def other_groups(report: Report) -> list[Group]:
    """Every goroutine but the crash goroutine, grouped by identical stack, biggest group first."""
    groups: dict[tuple[str, ...], list[Goroutine]] = defaultdict(list)
    for g in report.goroutines:
        if g.id != report.crash.goroutine_id:
            groups[_key(g)].append(g)
    out = [
        Group(gs, runtime_only=bool(gs[0].frames) and all(f.category == "runtime" for f in gs[0].frames))
        for gs in groups.values()
    ]
    out.sort(key=lambda grp: (grp.runtime_only, -len(grp.goroutines), grp.first.id))
    return out


@dataclass
class Value:
    """One argument or local variable as a frame may carry it (`args`, `locals`)."""

    name: str
    type: str
    value: str
    note: str


def _field(item: Any, name: str) -> str:
    v = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
    return "" if v is None else str(v)


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


def detail_frames(report: Report, g: Goroutine) -> list[Frame]:
    """The crash goroutine's frames that get a detail block: source, values or an inlining note."""
    return [f for f in g.frames if f.source is not None or values(f) or f.inlining is not None]


def numbered(src: SourceContext) -> list[tuple[int, bool, str]]:
    """(line number, is the frame's line, text) for each line of a source snippet."""
    return [(src.first_line + i, src.first_line + i == src.line, line) for i, line in enumerate(src.lines)]


def snippet_text(src: SourceContext) -> str:
    """A snippet as plain text: numbered, the frame's line marked with `>`, tabs as 4 spaces."""
    width = len(str(src.first_line + len(src.lines) - 1))
    return "\n".join(
        f"{'>' if here else ' '} {n:>{width}}  {line.expandtabs(4)}" for n, here, line in numbered(src)
    )
