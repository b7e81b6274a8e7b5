"""Race expectations of a scenario: how many distinct races, which ones are allowed, and the line
that names a race by its two user frames (what a reviewer needs to find it, in one line).

A race build's report lists every race the detector printed; the same race may be printed more
than once (another pair of program counters on the same lines), so races are counted by
signature (analysis/races.py), which does not depend on which access came first.
"""

from __future__ import annotations

from dlvauto.render.common import visible
from dlvauto.report import Race, RaceAccess, Report


def _where(a: RaceAccess, module_dir: str | None) -> str:
    """`write main.writer at main.go:17`: the access's kind and first user frame (else innermost)."""
    f = a.first_user_frame or (a.frames[0] if a.frames else None)
    if f is None:
        return f"{a.op} ?"
    path = f.file or "?"
    root = (module_dir or "").rstrip("/")
    if root and path.startswith(root + "/"):
        path = path[len(root) + 1 :]
    # The frames are the detector's text on the program's stderr: untrusted, shown escaped.
    return f"{a.op} {visible(f.function or '?')} at {visible(path)}:{f.line}"


def describe(race: Race, module_dir: str | None = None) -> str:
    """The race's two accesses, `read G at file:line / write F at file:line`, sorted: the same
    race reads the same whichever goroutine the detector saw first (as its signature does)."""
    return " / ".join(sorted(_where(a, module_dir) for a in race.accesses[:2])) or "no accesses"


def distinct(report: Report) -> dict[str, Race]:
    """One race per signature, the first printed, in the order printed."""
    out: dict[str, Race] = {}
    for r in report.races:
        out.setdefault(r.signature, r)
    return out


def counted(report: Report) -> list[tuple[str, int, str]]:
    """(signature, how many reports, its two accesses described) of each distinct race, for the
    suite's JUnit and Markdown: what a reviewer reads to find the race."""
    counts: dict[str, int] = {}
    for r in report.races:
        counts[r.signature] = counts.get(r.signature, 0) + 1
    root = report.source.module_dir
    return [(sig, counts[sig], describe(r, root)) for sig, r in distinct(report).items()]


def race_differences(count: int | None, allowed: list[str], report: Report) -> list[str]:
    """Every way the report's races depart from the expectation, one line each.

    With neither `count` nor `allowed` no race is expected: any race is a new one. With `allowed`,
    a race whose signature is not in it is new. With `count`, the number of distinct signatures
    must be exactly that; when there is no allowed list, `count` alone says which races may appear.
    """
    seen = distinct(report)
    root = report.source.module_dir
    diffs: list[str] = []
    if count is not None and len(seen) != count:
        names = "; ".join(f"{sig}: {describe(r, root)}" for sig, r in seen.items()) or "none"
        diffs.append(f"races: expected {count} distinct, got {len(seen)} ({names})")
    if allowed or count is None:
        for sig, r in seen.items():
            if sig not in allowed:
                diffs.append(f"races: new race {sig}: {describe(r, root)}")
    return diffs
