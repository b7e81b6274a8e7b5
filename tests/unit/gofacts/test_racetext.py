"""The race detector's reports, from a real recording: whole, cut short, and mixed with output."""

from __future__ import annotations

from dlvauto.gofacts.racetext import parse_races

from tests.helpers import DATA

SAMPLE = (DATA / "races" / "go1.26-struct-field.txt").read_text()


def test_a_recorded_report_is_read_whole() -> None:
    (race,) = parse_races(SAMPLE)
    assert not race.truncated
    now, before = race.accesses
    assert (now.op, now.goroutine_id, now.previous) == ("read", 8, False)
    assert (before.op, before.goroutine_id, before.previous) == ("write", 7, True)
    assert [(f.function, f.line) for f in now.frames] == [
        ("main.(*counter).bump", 10),
        ("main.main.func1", 19),
    ]
    assert [(c.goroutine_id, c.state, c.frames[0].function) for c in race.created] == [
        (8, "running", "main.main"),
        (7, "finished", "main.main"),
    ]


def test_reports_among_other_output_and_one_cut_short() -> None:
    cut = SAMPLE[: SAMPLE.index("Goroutine 8 (running)")]
    text = (
        "starting\nlog: hello\n"
        + SAMPLE.replace("Previous write", "a line the program wrote\nPrevious write")
        + cut
    )
    first, second = parse_races(text)
    assert not first.truncated and [a.op for a in first.accesses] == ["read", "write"]
    assert second.truncated and [a.op for a in second.accesses] == ["read", "write"]
    assert second.created == []


def test_the_main_goroutine_is_goroutine_1() -> None:
    text = SAMPLE.replace("by goroutine 7:", "by main goroutine:")
    (race,) = parse_races(text)
    assert race.accesses[1].goroutine_id == 1
