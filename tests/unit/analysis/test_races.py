"""Race reports of a log made once per distinct part (analysis/races.py, StackMemo), on real reports.

A log of many runs repeats the same reports; the analysis shares their accesses, creations and
signatures instead of making 44,000 of each. What is shared must be what each report would have
been on its own, and only reports that are equal may share.
"""

from __future__ import annotations

from dlvauto.analysis import analyze, to_frame
from dlvauto.analysis.races import StackMemo, race, race_signature
from dlvauto.landmarks import Classifier
from dlvauto.sources.text import parse_text

from tests.helpers import DATA

RACES = DATA / "races"
INTERLEAVED = (RACES / "go1.27-interleaved.txt").read_text()
MAIN = (RACES / "go1.25-main-goroutine.txt").read_text()


def test_repeated_reports_share_their_parts() -> None:
    """Three runs of the same program: report i of each run shares its accesses and creations."""
    snap = parse_text("\n".join([INTERLEAVED] * 3), every=False)[-1]
    report = analyze(snap)
    assert [r.signature for r in report.races] == ["ff23ef9bd84d5375", "85d85c32b72762b1"] * 3
    first, second = report.races[0], report.races[1]
    for again in report.races[2::2]:
        assert again is not first  # each report its own
        assert again.accesses is first.accesses
        assert again.goroutines_created_at is first.goroutines_created_at
    assert report.races[3].accesses is second.accesses
    assert first.accesses is not second.accesses


def test_shared_parts_are_what_each_report_makes_alone() -> None:
    """Every report made with the log's memo equals the one made on its own (a memo of its own),
    and its signature is the one its accesses give."""
    snap = parse_text("\n".join([INTERLEAVED, MAIN, INTERLEAVED]), every=False)[-1]
    report = analyze(snap)
    classify = Classifier(snap.build)
    assert len(report.races) == len(snap.races) == 5
    for made, raw in zip(report.races, snap.races, strict=True):
        alone = race(raw, StackMemo(lambda i, f: to_frame(i, f, classify)))
        assert made == alone
        assert made.signature == race_signature(made.accesses)
    assert report.races[2].signature == "b61766d18b6ccb77"
    assert report.races[2].accesses is not report.races[0].accesses


def test_a_different_address_is_a_different_access() -> None:
    """Reports equal but for the address share the stacks' Frames, not the accesses."""
    other = INTERLEAVED.replace("0x00c", "0x00d")
    assert other != INTERLEAVED
    report = analyze(parse_text(INTERLEAVED + "\n" + other, every=False)[-1])
    a, b = report.races[0], report.races[2]
    assert a.signature == b.signature
    assert a.accesses is not b.accesses
    assert [x.address for x in a.accesses] != [x.address for x in b.accesses]
    assert all(x.frames is y.frames for x, y in zip(a.accesses, b.accesses, strict=True))
