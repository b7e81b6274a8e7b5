"""The terminal view off a terminal, laid out without rich (render/plain.py), must be the very bytes
rich writes (render/terminal.py), or give up and let rich write them. Held here on every recorded
report at several widths, on reports with a program's hostile output, and on reports from every
recorded traceback; and it must not give up on the common case."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dlvauto.api import parse
from dlvauto.render import plain, terminal
from dlvauto.report import Report

from tests.helpers import DATA, recorded

SNAPSHOTS = sorted(p.stem for p in (DATA / "snapshots").glob("*.json"))
TRACEBACKS = sorted((DATA / "tracebacks").rglob("*.txt"))
WIDTHS = (200, 120, 100, 80, 60)


def _by_rich(report: Report, width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    out = io.StringIO()
    terminal.write(report, out)
    return out.getvalue()


def _compare(report: Report, width: int, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether plain.py laid the report out itself (then byte for byte as rich did)."""
    mine = plain.render(report, width)
    if mine is None:
        return False
    assert mine == _by_rich(report, width, monkeypatch)
    return True


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_every_recorded_report_reads_as_rich_writes_it(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = recorded(name, tmp_path)
    for w in WIDTHS:
        _compare(report, w, monkeypatch)


def test_the_common_case_is_laid_out_without_rich(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = sum(_compare(recorded(n, tmp_path), 200, monkeypatch) for n in SNAPSHOTS)
    assert done >= len(SNAPSHOTS) * 2 // 3, f"plain laid out only {done} of {len(SNAPSHOTS)}"


@pytest.mark.parametrize("path", TRACEBACKS, ids=lambda p: str(p.relative_to(DATA)))
def test_reports_of_recorded_tracebacks_read_as_rich_writes_them(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = parse(path)
    for report in got if isinstance(got, list) else [got]:
        for w in WIDTHS:
            _compare(report, w, monkeypatch)


@pytest.mark.parametrize(
    ("text", "laid_out"),
    [
        ("tab\there", True),  # expanded to the next 8 columns, as rich does
        ("trailing   ", True),
        ("  leading", True),
        ("x" * 300, True),  # outside the box nothing is wrapped off a terminal
        ("wide 世界 chars", False),  # two cells each: rich measures them
        ("bell \x07 and cr \r", True),  # sections.py shows control characters escaped, in ASCII
        ("é accent", False),
    ],
)
def test_a_program_s_hostile_output_is_laid_out_the_same_or_left_to_rich(
    text: str, laid_out: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = recorded("nil_map_write", tmp_path)
    report.output.stdout = f"before\n{text}\nafter\n"
    assert _compare(report, 200, monkeypatch) is laid_out
    for w in WIDTHS[1:]:
        _compare(report, w, monkeypatch)
