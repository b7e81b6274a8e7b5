"""The report as one self-contained HTML file: inline CSS and JS, nothing fetched from anywhere.

The crash goroutine is expanded, its frames coloured by category, the throw frame, first user frame
and frame N marked, and under a frame whatever explains it (the compiler's inlining note, source
lines, values). The other goroutines are grouped by identical stack in collapsible `<details>`.
A Content-Security-Policy forbids every load, so the file works offline and leaks nothing.
Every string from the program is escaped.
"""

from __future__ import annotations

from html import escape

from dlvauto.render.common import (
    Group,
    headline,
    inlining_text,
    marks,
    numbered,
    other_groups,
    plural,
    state,
    values,
    where,
)
from dlvauto.report import Frame, Goroutine, Report

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


def _frame_row(report: Report, f: Frame, *, landmarks: bool) -> str:
    here = marks(report, f) if landmarks else []
    classes = [f"cat-{f.category}"] + (["landmark"] if here else [])
    row_id = ""
    if (
        landmarks
        and report.crash.first_user_frame is not None
        and f.index == report.crash.first_user_frame.index
    ):
        row_id = ' id="first-user-frame"'
    elif landmarks and f.index == report.crash.frame_n.index:
        row_id = ' id="frame-n"'
    mark_html = "".join(f'<span class="mark">{_e(m)}</span>' for m in here)
    inl = '<span class="inlined">inlined</span>' if f.inlined else ""
    return (
        f'<tr class="{" ".join(classes)}" data-index="{f.index}"{row_id}>'
        f'<td class="idx">{f.index}</td><td class="marks">{mark_html}</td>'
        f'<td><span class="fn">{_e(f.function or "???")}</span>{inl}</td>'
        f'<td class="loc">{_e(where(f, report))}</td><td class="cat">{_e(f.category)}</td></tr>'
    )


def _source(f: Frame) -> str:
    if f.source is None:
        return ""
    width = len(str(f.source.first_line + len(f.source.lines) - 1))
    lines = "".join(
        f'<span class="{"here" if here else ""}"><span class="n">{n:>{width}}</span>  '
        f"{_e(text.expandtabs(4))}</span>"
        for n, here, text in numbered(f.source)
    )
    return f'<pre class="source" title="{_e(f.source.path)}">{lines}</pre>'


def _values(f: Frame) -> str:
    out = []
    for kind, items in values(f):
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


def _detail_row(report: Report, f: Frame) -> str:
    parts = []
    why = inlining_text(f, report)
    if why:
        parts.append(
            f'<div class="why">{"inlined" if f.inlined else "not inlined"}: <code>{_e(why)}</code></div>'
        )
    parts.append(_source(f))
    parts.append(_values(f))
    body = "".join(p for p in parts if p)
    if not body:
        return ""
    return f'<tr class="detail cat-{f.category}" data-detail-of="{f.index}"><td colspan="5">{body}</td></tr>'


def _frames_table(report: Report, g: Goroutine, *, landmarks: bool) -> str:
    rows = []
    for f in g.frames:
        rows.append(_frame_row(report, f, landmarks=landmarks))
        if landmarks:
            rows.append(_detail_row(report, f))
    if g.created_by is not None:
        cb = g.created_by
        rows.append(
            f'<tr class="cat-{cb.category} created-by"><td class="idx"></td><td class="marks">created by</td>'
            f'<td><span class="fn">{_e(cb.function or "???")}</span></td>'
            f'<td class="loc">{_e(where(cb, report))}</td><td class="cat">{_e(cb.category)}</td></tr>'
        )
    head = "<tr><th>#</th><th></th><th>function</th><th>location</th><th>category</th></tr>"
    return f'<table class="frames">{head}{"".join(rows)}</table>'


def _header(report: Report) -> str:
    c = report.crash
    kind, what = headline(report)
    facts = []
    if c.first_user_frame is not None:
        f = c.first_user_frame
        facts.append(
            (
                "first user frame",
                f"#{f.index} <code>{_e(f.function or '???')}</code> at <code>{_e(where(f, report))}</code>",
            )
        )
    nf = c.frame_n.frame
    facts.append(
        (
            f"frame {c.frame_n.n}",
            f"#{c.frame_n.index} "
            + (
                f"<code>{_e(nf.function or '???')}</code> at <code>{_e(where(nf, report))}</code>"
                f" ({_e(nf.category)})"
                if nf
                else "beyond the stack"
            ),
        )
    )
    if c.goroutine_id is not None:
        facts.append(("crash goroutine", _e(c.goroutine_id)))
    facts.append(("signature", f"<code>{_e(c.signature)}</code>"))
    s = report.source
    build = " · ".join(
        _e(x) for x in (s.mode, s.profile, s.go_version, s.dlv_version and f"dlv {s.dlv_version}") if x
    )
    facts.append(("source", build))
    if s.binary:
        facts.append(("binary", f"<code>{_e(s.binary)}</code>"))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    title = f'<span class="kind">{_e(kind)}</span>' + (f": {_e(what)}" if what else "")
    return f'<header class="kind-{_e(c.kind)}"><h1>{title}</h1><dl class="facts">{dl}</dl></header>'


def _group(report: Report, grp: Group) -> str:
    g = grp.first
    n = len(grp.goroutines)
    ids = ", ".join(str(x.id) for x in grp.goroutines[:GROUP_ID_LIMIT])
    if n > GROUP_ID_LIMIT:
        ids += f" and {n - GROUP_ID_LIMIT} more"
    noun = "goroutine" if n == 1 else "goroutines"
    top = next((f for f in g.frames if f.category != "runtime"), g.frames[0] if g.frames else None)
    at = f" — {_e(top.function or '???')}" if top is not None else ""
    kind = " runtime-only" if grp.runtime_only else ""
    runtime_note = " (runtime-internal)" if grp.runtime_only else ""
    return (
        f'<details class="group{kind}" data-count="{n}"><summary>{n} × [{_e(state(g))}]{runtime_note}{at}'
        f'</summary><div class="body"><p>{noun} {_e(ids)}</p>'
        f"{_frames_table(report, g, landmarks=False)}</div></details>"
    )


def _inlining(report: Report) -> str:
    if not report.inlining:
        return ""
    rows = "".join(
        f'<tr><td class="loc">{_e(d.file.rsplit("/", 1)[-1])}:{d.line}:{d.column}</td>'
        f"<td><code>{_e(d.caller or '')}</code></td><td><code>{_e(d.callee or '')}</code></td>"
        f"<td><code>{_e(d.text)}</code></td></tr>"
        for d in report.inlining
    )
    return (
        '<details class="inlining"><summary>the compiler\'s inlining diagnostics '
        f'({len(report.inlining)})</summary><div class="body"><table>'
        f"<tr><th>at</th><th>caller</th><th>callee</th><th>diagnostic</th></tr>{rows}</table></div></details>"
    )


def _output(report: Report) -> str:
    out = []
    for name, text in (("stdout", report.output.stdout), ("stderr", report.output.stderr)):
        if text:
            out.append(
                f'<details class="output"><summary>program {name} ({len(text.splitlines())} lines)</summary>'
                f'<div class="body"><pre class="output">{_e(text)}</pre></div></details>'
            )
    return "".join(out)


def to_html(report: Report) -> str:
    """The whole report as one HTML document."""
    kind, what = headline(report)
    parts = [_header(report)]
    legend = "".join(
        f'<span class="cat-{c}"><span class="fn">■</span> {c}</span>'
        for c in ("user", "thirdparty", "stdlib", "runtime", "unknown")
    )
    parts.append(f'<p class="legend">{legend}</p>')
    g = report.crash_goroutine()
    if g is not None:
        parts.append(
            f'<details class="crash" id="crash-goroutine" open><summary>goroutine {g.id} '
            f"[{_e(state(g))}] — crash goroutine ({len(g.frames)} frames)</summary>"
            f'<div class="body">{_frames_table(report, g, landmarks=True)}</div></details>'
        )
    groups = other_groups(report)
    if groups:
        total = sum(len(grp.goroutines) for grp in groups)
        parts.append(
            f'<section id="others"><h2>other goroutines ({total}, '
            f"{plural(len(groups), 'group')} of identical stacks)</h2>"
            '<p><button id="expand-all" type="button">expand all</button>'
            '<button id="collapse-all" type="button">collapse all</button></p>'
            + "".join(_group(report, grp) for grp in groups)
            + "</section>"
        )
    parts.append(_inlining(report))
    parts.append(_output(report))
    if report.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>")
    title = f"dlvauto: {kind}" + (f": {what}" if what else "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>\n"
        f"<body>\n{''.join(p for p in parts if p)}\n<script>{JS}</script>\n</body></html>\n"
    )
