"""The report as one self-contained HTML file: inline CSS and JS, nothing fetched from anywhere.

The crash goroutine is expanded, its frames coloured by category, the throw frame, first user frame
and frame N marked, and under a frame whatever explains it (the compiler's inlining note, source
lines, values); then the goroutines that created it and the unwind check, when the run recorded
them. The other goroutines are grouped by identical stack in collapsible `<details>`.
A Content-Security-Policy forbids every load, so the file works offline and leaks nothing.
Every string from the program is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TextIO

from dlvauto.render import sections as sec
from dlvauto.render.common import numbered, plural
from dlvauto.render.sections import sections, show
from dlvauto.report import Report

GROUP_ID_LIMIT = 50

CSS = """
:root { --user: #1a7f37; --thirdparty: #a0309a; --stdlib: #0969da; --runtime: #6e7781;
  --unknown: #cf222e; --mark: #9a6700; --bg: #ffffff; --fg: #1f2328; --soft: #f6f8fa; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto;
  max-width: 1200px; padding: 16px 24px; }
code, pre, .fn, .loc { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
header { border-left: 6px solid var(--unknown); padding: 4px 16px; margin-bottom: 16px; }
header.kind-none { border-color: var(--user); } header.kind-hang { border-color: var(--mark); }
h1 { font-size: 20px; margin: 4px 0 8px; } h1 .kind { color: var(--unknown); }
header.kind-none h1 .kind { color: var(--user); } header.kind-hang h1 .kind { color: var(--mark); }
h2 { font-size: 16px; margin: 20px 0 8px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); }
td.idx { text-align: right; width: 3em; color: var(--runtime); }
.cat-user .fn, .cat-user .cat { color: var(--user); font-weight: 600; }
.cat-thirdparty .fn, .cat-thirdparty .cat { color: var(--thirdparty); }
.cat-stdlib .fn, .cat-stdlib .cat { color: var(--stdlib); }
.cat-runtime .fn, .cat-runtime .cat { color: var(--runtime); }
.cat-unknown .fn, .cat-unknown .cat { color: var(--unknown); }
.mark { display: inline-block; background: #fff8c5; color: var(--mark); border: 1px solid #d4a72c;
  border-radius: 10px; padding: 0 6px; margin-right: 4px; font-size: 12px; font-weight: 600; }
tr.landmark { background: #fffbdd; }
.inlined { font-style: italic; color: var(--runtime); font-weight: normal; margin-left: 6px; }
tr.detail td { background: var(--soft); padding: 6px 8px 10px 3.8em; }
.why { color: var(--runtime); margin: 2px 0 6px; }
pre.source { margin: 4px 0; padding: 6px 0; background: var(--bg); border: 1px solid var(--line);
  overflow-x: auto; tab-size: 4; }
pre.source span { display: block; padding: 0 8px; white-space: pre; }
pre.source span.here { background: #ffebe9; font-weight: 600; }
pre.source .n { display: inline-block; min-width: 3em; color: var(--runtime); user-select: none; }
table.values { width: auto; margin: 4px 0; } table.values caption { text-align: left; font-weight: 600; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; background: var(--bg); }
details > summary { cursor: pointer; padding: 6px 10px; font-weight: 600; }
details[open] > summary { border-bottom: 1px solid var(--line); }
details > .body { padding: 6px 10px; }
details.runtime-only > summary { color: var(--runtime); font-weight: normal; }
.legend span { margin-right: 12px; } .legend .fn { font-weight: 600; }
pre.output { white-space: pre-wrap; background: var(--soft); padding: 8px; margin: 0; }
button { font: inherit; padding: 2px 10px; margin-right: 6px; }
.notes { color: var(--mark); }
.unwind.agree .verdict { color: var(--user); }
.unwind.disagree .verdict { color: var(--unknown); font-weight: 600; }
"""

JS = """
document.getElementById('expand-all')?.addEventListener('click', () => {
  document.querySelectorAll('details.group').forEach(d => { d.open = true; });
});
document.getElementById('collapse-all')?.addEventListener('click', () => {
  document.querySelectorAll('details.group').forEach(d => { d.open = false; });
});
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _frame_row(f: sec.FrameLine) -> str:
    classes = [f"cat-{f.category}"] + (["landmark"] if f.marks else [])
    row_id = ' id="first-user-frame"' if f.first_user else ' id="frame-n"' if f.frame_n is not None else ""
    mark_html = "".join(f'<span class="mark">{_e(m)}</span>' for m in f.marks)
    inl = '<span class="inlined">inlined</span>' if f.inlined else ""
    return (
        f'<tr class="{" ".join(classes)}" data-index="{f.index}"{row_id}>'
        f'<td class="idx">{f.index}</td><td class="marks">{mark_html}</td>'
        f'<td><span class="fn">{_e(f.function)}</span>{inl}</td>'
        f'<td class="loc">{_e(f.where)}</td><td class="cat">{_e(f.category)}</td></tr>'
    )


def _source(f: sec.FrameLine) -> str:
    if f.source is None:
        return ""
    width = len(str(f.source.first_line + len(f.source.lines) - 1))
    lines = "".join(
        f'<span class="{"here" if here else ""}"><span class="n">{n:>{width}}</span>  '
        f"{_e(text.expandtabs(4))}</span>"
        for n, here, text in numbered(f.source)
    )
    return f'<pre class="source" title="{_e(f.source.path)}">{lines}</pre>'


def _values(f: sec.FrameLine) -> str:
    out = []
    for kind, items in f.values:
        rows = "".join(
            f"<tr><td><code>{_e(v.name)}</code></td><td><code>{_e(v.type)}</code></td>"
            f"<td><code>{_e(v.value)}</code></td><td>{_e(v.note)}</td></tr>"
            for v in items
        )
        out.append(
            f'<table class="values {kind}"><caption>{_e(kind)}</caption>'
            f"<tr><th>name</th><th>type</th><th>value</th><th>note</th></tr>{rows}</table>"
        )
    return "".join(out)


def _detail_row(f: sec.FrameLine) -> str:
    parts = []
    if f.inlining:
        how = "inlined" if f.inlined else "not inlined"
        parts.append(f'<div class="why">{how}: <code>{_e(f.inlining)}</code></div>')
    parts.append(_source(f))
    parts.append(_values(f))
    body = "".join(p for p in parts if p)
    if not body:
        return ""
    return f'<tr class="detail cat-{f.category}" data-detail-of="{f.index}"><td colspan="5">{body}</td></tr>'


def _frames_table(frames: list[sec.FrameLine], created_by: sec.FrameLine | None, *, details: bool) -> str:
    """Frames as table rows; with `details`, each followed by what explains it (crash goroutine)."""
    rows = []
    for f in frames:
        rows.append(_frame_row(f))
        if details:
            rows.append(_detail_row(f))
    if created_by is not None:
        cb = created_by
        rows.append(
            f'<tr class="cat-{cb.category} created-by"><td class="idx"></td><td class="marks">created by</td>'
            f'<td><span class="fn">{_e(cb.function)}</span></td>'
            f'<td class="loc">{_e(cb.where)}</td><td class="cat">{_e(cb.category)}</td></tr>'
        )
    head = "<tr><th>#</th><th></th><th>function</th><th>location</th><th>category</th></tr>"
    return f'<table class="frames">{head}{"".join(rows)}</table>'


def headline(h: sec.Headline) -> str:
    return f'<h1><span class="kind">{_e(h.kind)}</span>' + (f": {_e(h.what)}" if h.what else "") + "</h1>"


def landmarks(s: sec.Landmarks) -> str:
    facts = []
    f = s.first_user
    if f is not None:
        facts.append(
            ("first user frame", f"#{f.index} <code>{_e(f.function)}</code> at <code>{_e(f.where)}</code>")
        )
    nf = s.frame_n.frame
    if s.frame_n_shown:
        facts.append(
            (
                f"frame {s.frame_n.n}",
                f"#{s.frame_n.index} "
                + (
                    f"<code>{_e(nf.function)}</code> at <code>{_e(nf.where)}</code> ({_e(nf.category)})"
                    if nf
                    else "beyond the stack"
                ),
            )
        )
    if s.goroutine_id is not None:
        facts.append(("crash goroutine", _e(s.goroutine_id)))
    facts.append(("signature", f"<code>{_e(s.signature)}</code>"))
    facts.append(("source", " · ".join(_e(x) for x in s.build)))
    if s.binary:
        facts.append(("binary", f"<code>{_e(s.binary)}</code>"))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    return f'<dl class="facts">{dl}</dl>'


def crash_goroutine(g: sec.CrashGoroutine) -> str:
    return (
        f'<details class="crash" id="crash-goroutine" open><summary>goroutine {g.id} '
        f"[{_e(g.state)}] — crash goroutine ({len(g.frames)} frames)</summary>"
        f'<div class="body">{_frames_table(g.frames, g.created_by, details=True)}</div></details>'
    )


def ancestors(s: sec.Ancestors) -> str:
    parts = [
        f"<h2>{_e(a.title)}</h2>" + (_frames_table(a.frames, None, details=False) if a.frames else "")
        for a in s.ancestors
    ]
    return f'<section id="ancestors">{"".join(parts)}</section>'


def _code(text: str) -> str:
    return f"<code>{_e(text)}</code>"


def unwind(u: sec.Unwind) -> str:
    items = []
    if u.first_difference is not None:
        items.append(u.first_difference.text(_code))  # our words (nothing to escape) around code
    if u.explanation:
        items.append(_e(u.explanation))
    if u.chain_end:
        items.append(_e(u.chain_end_text))
    listed = f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>" if items else ""
    return (
        f'<section id="unwind-check" class="unwind {"agree" if u.agree else "disagree"}">'
        f'<h2>unwind check</h2><p class="verdict">{_e(u.verdict)}</p>{listed}</section>'
    )


def _group(grp: sec.GoroutineGroup) -> str:
    n = len(grp.ids)
    top = next((f for f in grp.frames if f.category != "runtime"), grp.frames[0] if grp.frames else None)
    at = f" — {_e(top.function)}" if top is not None else ""
    kind = " runtime-only" if grp.runtime_only else ""
    runtime_note = " (runtime-internal)" if grp.runtime_only else ""
    return (
        f'<details class="group{kind}" data-count="{n}"><summary>{n} × [{_e(grp.state)}]{runtime_note}{at}'
        f'</summary><div class="body"><p>{grp.noun} {_e(grp.id_list(GROUP_ID_LIMIT))}</p>'
        f"{_frames_table(grp.frames, grp.created_by, details=False)}</div></details>"
    )


def other_goroutines(s: sec.OtherGoroutines) -> str:
    return (
        f'<section id="others"><h2>other goroutines ({s.total}, '
        f"{plural(len(s.groups), 'group')} of identical stacks)</h2>"
        '<p><button id="expand-all" type="button">expand all</button>'
        '<button id="collapse-all" type="button">collapse all</button></p>'
        + "".join(_group(grp) for grp in s.groups)
        + "</section>"
    )


def inlining_diagnostics(s: sec.InliningDiagnostics) -> str:
    rows = "".join(
        f'<tr><td class="loc">{_e(d.at)}</td><td><code>{_e(d.caller)}</code></td>'
        f"<td><code>{_e(d.callee)}</code></td><td><code>{_e(d.text)}</code></td></tr>"
        for d in s.diagnostics
    )
    return (
        '<details class="inlining"><summary>the compiler\'s inlining diagnostics '
        f'({len(s.diagnostics)})</summary><div class="body"><table>'
        f"<tr><th>at</th><th>caller</th><th>callee</th><th>diagnostic</th></tr>{rows}</table></div></details>"
    )


def program_output(s: sec.ProgramOutput) -> str:
    return "".join(
        f'<details class="output"><summary>program {stream.name} ({len(stream.text.splitlines())} lines)'
        f'</summary><div class="body"><pre class="output">{_e(stream.text)}</pre></div></details>'
        for stream in s.streams
    )


def notes(s: sec.Notes) -> str:
    return '<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in s.notes) + "</ul>"


_IN_THE_HEADER = (sec.Headline, sec.Landmarks)
_LEGEND = (
    '<p class="legend">'
    + "".join(
        f'<span class="cat-{c}"><span class="fn">■</span> {c}</span>'
        for c in ("user", "thirdparty", "stdlib", "runtime", "unknown")
    )
    + "</p>"
)


def write(report: Report, out: TextIO) -> None:
    """The HTML view of `report` on `out` (the renderer registry's `html`)."""
    out.write(to_html(report))


def to_html(report: Report) -> str:
    """The whole report as one HTML document."""
    from dlvauto.render import html  # this module is the view

    found = sections(report)
    headline = next(s for s in found if isinstance(s, sec.Headline))
    header = "".join(show(html, s) for s in found if isinstance(s, _IN_THE_HEADER))
    body = "".join(show(html, s) for s in found if not isinstance(s, _IN_THE_HEADER))
    title = f"dlvauto: {headline.kind}" + (f": {headline.what}" if headline.what else "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>\n"
        f'<body>\n<header class="kind-{_e(headline.crash_kind)}">{header}</header>{_LEGEND}{body}'
        f"\n<script>{JS}</script>\n</body></html>\n"
    )


def recovered(s: sec.Recovered) -> str:
    """Panics the program survived, with the frame of the user's code each was raised in."""
    items = "".join(
        f"<li>{_e(item.title)}"
        + (
            f" — <code>{_e(item.first_user.function)}</code> at <code>{_e(item.first_user.where)}</code>"
            if item.first_user
            else ""
        )
        + "</li>"
        for item in s.items
    )
    return f"<section><h2>Recovered panics ({len(s.items)})</h2><ul>{items}</ul></section>"


def races(s: sec.Races) -> str:
    """Data races: one row per signature, the two accesses side by side with their source lines."""
    rows = []
    for g in s.groups:
        cells = "".join(
            f"<td>{_e(side.what)}"
            + (
                f": <code>{_e(side.frame.function)}</code> at <code>{_e(side.frame.where)}</code>"
                f"{_source(side.frame)}"
                if side.frame is not None
                else ""
            )
            + "</td>"
            for side in g.sides
        )
        rows.append(f"<tr><td><code>{_e(g.signature)}</code> × {g.count}</td>{cells}</tr>")
    return f"<section><h2>Data races ({s.total})</h2><table>{''.join(rows)}</table></section>"
