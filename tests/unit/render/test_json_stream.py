"""The streamed JSON writer against the reference text of the whole report, byte for byte.

`write_json` writes the goroutines and the races item by item, the races composed from the text of
their shared parts (render/json.py, _Composer): the JSON is the contract, so its bytes must be
exactly `tests.helpers.reference_json(report)` (the first wave's pydantic dump, laid out by the
standard library's json) whatever the report holds. Each report here is
written both ways it can be: streamed from the first item (stream_over=0) and as the command
writes it.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.render.json import STREAM_OVER, write_json, write_json_array
from dlvauto.report import Report, SourceContext
from dlvauto.sources.text import parse_text

from tests.helpers import DATA, reference_json

RACES = DATA / "races"
TRACEBACKS = DATA / "tracebacks"


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode()


def _report(text: str) -> Report:
    return analyze(parse_text(text, every=False)[-1])


def _whole(report: Report) -> str:
    return reference_json(report)


def _streamed(report: Report, stream_over: int = STREAM_OVER) -> str:
    out = io.StringIO()
    write_json(report, out, stream_over=stream_over)
    return out.getvalue()


@pytest.mark.parametrize("sample", sorted(p.name for p in RACES.glob("*.txt")))
def test_races_of_every_recorded_toolchain(sample: str) -> None:
    """Every race sample (Go 1.21 to 1.27, one cut short): streamed equals the whole dump."""
    report = _report(_text(RACES / sample))
    assert report.races and not report.goroutines
    assert _streamed(report, stream_over=0) == _whole(report)
    assert _streamed(report) == _whole(report)


def test_the_cut_report_is_written_as_it_is() -> None:
    """The report the text ends in (truncated, its last stack cut) is composed like any other."""
    report = _report(_text(RACES / "go1.22-interleaved-truncated.txt"))
    assert [r.truncated for r in report.races] == [False, True]
    assert '"truncated": true' in _streamed(report, stream_over=0)
    assert _streamed(report, stream_over=0) == _whole(report)


def test_a_big_log_of_repeated_reports() -> None:
    """Every sample's reports repeated past STREAM_OVER (a CI log of many runs): the shared
    accesses, stacks and creations are written at each report's place, the bytes pydantic's."""
    one_run = "\n".join(_text(p) for p in sorted(RACES.glob("*.txt")) if "truncated" not in p.name)
    report = _report("\n".join([one_run] * 130))
    assert len(report.races) == 8 * 130 >= STREAM_OVER
    assert len({r.signature for r in report.races}) == 6  # go1.21's and go1.27's are the same two
    assert _streamed(report) == _whole(report)


def test_goroutines_and_races_both_streamed() -> None:
    """A -race program that raced and then crashed: both long lists streamed, in the model's order."""
    races = _text(RACES / "go1.27-interleaved.txt")
    crash = _text(TRACEBACKS / "go1.26" / "many_goroutines.system.txt.gz")
    report = _report("\n".join([races] * 600) + "\n" + crash)
    assert len(report.races) == 1200 and len(report.goroutines) >= STREAM_OVER
    assert report.crash.kind != "none"
    assert _streamed(report) == _whole(report)
    assert _streamed(report, stream_over=0) == _whole(report)


@pytest.mark.parametrize("level", ["single", "all"])
def test_a_recorded_crash_with_races(level: str) -> None:
    """A real -race program's crash (concurrent map writes) with its race report: both lists."""
    report = _report(_text(TRACEBACKS / "go1.26" / f"race_map_writes.{level}.txt"))
    assert report.crash.kind == "fatal" and report.races and report.goroutines
    assert _streamed(report, stream_over=0) == _whole(report)
    assert _streamed(report) == _whole(report)


def test_neither_goroutines_nor_races() -> None:
    """A report with no goroutines and no races: the real crash of a deep stack, its goroutines
    left out (the report of a source that could not read them)."""
    report = _report(_text(TRACEBACKS / "go1.26" / "deep_stack.single.txt"))
    assert not report.races and len(report.goroutines) == 1
    report.goroutines = []
    assert _streamed(report, stream_over=0) == _whole(report)


def test_frames_with_their_explanations_and_odd_strings() -> None:
    """A frame with source lines (a model the composer leaves to pydantic: its fields may be left
    out), and strings that must be escaped (quotes, controls, non-ASCII) in an address."""
    report = _report(_text(RACES / "go1.21-interleaved.txt"))
    first = report.races[0].accesses[0]
    first.frames[0].source = SourceContext(
        path="/src/main.go", first_line=9, line=10, lines=['x := "é"\t\x01']
    )
    first.address = 'mutex "\\\x7f\u2028é'
    text = _streamed(report, stream_over=0)
    assert '"path": "/src/main.go"' in text and "\\u0001" in text
    assert text == _whole(report)


def test_several_reports_in_one_array() -> None:
    """`parse --all`: each report streamed inside the array, indented as a whole dump would be."""
    small = _report(_text(RACES / "go1.24-map.txt"))
    big = _report("\n".join([_text(RACES / "go1.21-interleaved.txt")] * 600))
    out = io.StringIO()
    write_json_array([small, big], out)
    expected = ",\n".join(
        "\n".join("  " + ln for ln in _whole(r).rstrip("\n").split("\n")) for r in (small, big)
    )
    assert out.getvalue() == "[\n" + expected + "\n]\n"
