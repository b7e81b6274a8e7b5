"""The race detector's reports, from a real recording: whole, cut short, and mixed with output."""

from __future__ import annotations

import dlvauto
from dlvauto.gofacts.racetext import parse_races
from dlvauto.report import Race, RaceAccess

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


# ---- Go 1.21-1.25 (scripts/record/record_races.py: programs/racy under each toolchain) --------------

Access = tuple[str, int | None, bool, tuple[str, str, int] | None]


def _sample(name: str) -> str:
    return (DATA / "races" / name).read_text()


def _report_races(name: str) -> list[Race]:
    """The report's races for a sample, read as `dlvauto parse` reads it (frames classified)."""
    (report,) = dlvauto.parse(DATA / "races" / name)
    assert report.crash.kind == "none", "a race is not a crash"
    return report.races


def _access(a: RaceAccess) -> Access:
    f = a.first_user_frame
    where = None if f is None else (f.function or "", (f.file or "").rsplit("/", 2)[-2] + "/main.go", f.line)
    if f is not None:
        assert (f.file or "").endswith("/racy/main.go") and f.category == "user"
    return (a.op, a.goroutine_id, a.previous, where)


def _created(r: Race) -> dict[int, tuple[str, list[tuple[str | None, int]]]]:
    return {
        g: (c.state, [(f.function, f.line) for f in c.frames]) for g, c in r.goroutines_created_at.items()
    }


SPAWN = [("main.interleaved", 80), ("main.main", 106)]
M = "racy/main.go"


def test_go121_reports_between_the_programs_own_lines() -> None:
    text = _sample("go1.21-interleaved.txt")
    assert text.startswith("log: round 0\nlog: worker done with slot 0\n==================\n")
    assert "==================\nlog: worker done with slot 0\nlog: round 1\n" in text
    first, second = _report_races("go1.21-interleaved.txt")
    assert not first.truncated and not second.truncated
    assert [_access(a) for a in first.accesses] == [
        ("read", 7, False, ("main.interleaved.func1", M, 82)),
        ("write", 8, True, ("main.interleaved.func1", M, 82)),
    ]
    # Go 1.21 names the `go` statement's wrapper funcN; 1.22 on call it gowrapN.
    assert [f.function for f in first.accesses[0].frames] == [
        "main.interleaved.func1",
        "main.interleaved.func3",
    ]
    assert _created(first) == {7: ("running", SPAWN), 8: ("finished", SPAWN)}
    assert [_access(a) for a in second.accesses] == [
        ("read", 1, False, ("main.interleaved", M, 94)),
        ("write", 15, True, ("main.interleaved.func2", M, 91)),
    ]
    assert _created(second) == {15: ("finished", [("main.interleaved", 90), ("main.main", 106)])}


def test_go122_a_report_cut_short_keeps_what_is_there() -> None:
    text = _sample("go1.22-interleaved-truncated.txt")
    assert text.endswith("Previous write at 0x000000614a08 by goroutine 15:\n  main.interleaved.func2()\n")
    whole, cut = _report_races("go1.22-interleaved-truncated.txt")
    assert not whole.truncated and cut.truncated
    assert [_access(a) for a in whole.accesses] == [
        ("read", 8, False, ("main.interleaved.func1", M, 82)),
        ("write", 7, True, ("main.interleaved.func1", M, 82)),
    ]
    assert [f.function for f in whole.accesses[0].frames] == [
        "main.interleaved.func1",
        "main.interleaved.gowrap1",
    ]
    assert _created(whole) == {8: ("running", SPAWN), 7: ("finished", SPAWN)}
    assert _access(cut.accesses[0]) == ("read", 1, False, ("main.interleaved", M, 94))
    # The text ends after the previous access's function line: the function is kept, no file.
    (last,) = cut.accesses[1].frames
    assert (cut.accesses[1].op, cut.accesses[1].goroutine_id, last.function, last.file, last.line) == (
        "write", 15, "main.interleaved.func2", None, 0,
    )  # fmt: skip
    assert cut.goroutines_created_at == {}
    raw = parse_races(text)
    assert [r.truncated for r in raw] == [False, True]


def test_go123_a_struct_field_from_two_goroutines() -> None:
    (race,) = _report_races("go1.23-struct-field.txt")
    assert not race.truncated
    assert [_access(a) for a in race.accesses] == [
        ("read", 7, False, ("main.(*account).deposit", M, 20)),
        ("write", 8, True, ("main.(*account).deposit", M, 20)),
    ]
    assert [(f.function, f.line) for f in race.accesses[1].frames] == [
        ("main.(*account).deposit", 20), ("main.field.func1", 31), ("main.field.gowrap1", 32),
    ]  # fmt: skip
    spawn = [("main.field", 29), ("main.main", 106)]
    assert _created(race) == {7: ("running", spawn), 8: ("finished", spawn)}


def test_go124_a_map_write_below_the_runtimes_frame() -> None:
    (race,) = _report_races("go1.24-map.txt")
    assert [_access(a) for a in race.accesses] == [
        ("write", 7, False, ("main.stock", M, 42)),
        ("write", 8, True, ("main.stock", M, 42)),
    ]
    top = race.accesses[0].frames[0]
    assert (top.function, top.category, top.line) == ("runtime.mapassign_faststr", "runtime", 263)
    assert (top.file or "").endswith("/internal/runtime/maps/runtime_faststr_swiss.go")
    assert race.accesses[0].first_user_frame == race.accesses[0].frames[1]
    spawn = [("main.maps", 50), ("main.main", 106)]
    assert _created(race) == {7: ("running", spawn), 8: ("finished", spawn)}


def test_go125_the_main_goroutine_and_one_creation_stack() -> None:
    (race,) = _report_races("go1.25-main-goroutine.txt")
    assert [_access(a) for a in race.accesses] == [
        ("read", 1, False, ("main.mainRead", M, 66)),
        ("write", 7, True, ("main.mainRead.func1", M, 63)),
    ]
    # The main goroutine's creation is never printed: only goroutine 7's is.
    assert _created(race) == {7: ("finished", [("main.mainRead", 62), ("main.main", 106)])}


def test_go127_reports_between_the_programs_own_lines() -> None:
    text = _sample("go1.27-interleaved.txt")
    assert text.startswith("log: round 0\nlog: worker done with slot 0\n==================\n")
    first, second = _report_races("go1.27-interleaved.txt")
    assert not first.truncated and not second.truncated
    assert [_access(a) for a in first.accesses] == [
        ("read", 8, False, ("main.interleaved.func1", M, 82)),
        ("write", 7, True, ("main.interleaved.func1", M, 82)),
    ]
    assert [f.function for f in first.accesses[0].frames] == [
        "main.interleaved.func1",
        "main.interleaved.gowrap1",
    ]
    assert _created(first) == {8: ("running", SPAWN), 7: ("finished", SPAWN)}
    assert [_access(a) for a in second.accesses] == [
        ("read", 1, False, ("main.interleaved", M, 94)),
        ("write", 15, True, ("main.interleaved.func2", M, 91)),
    ]
    assert _created(second) == {15: ("finished", [("main.interleaved", 90), ("main.main", 106)])}
    # The same two races as Go 1.21 printed them, whichever goroutine came first.
    assert [r.signature for r in (first, second)] == [
        r.signature for r in _report_races("go1.21-interleaved.txt")
    ]


def test_the_same_race_has_one_signature_whichever_goroutine_came_first() -> None:
    a = _report_races("go1.21-interleaved.txt")[0]
    b = _report_races("go1.22-interleaved-truncated.txt")[0]
    assert [x.goroutine_id for x in a.accesses] == [7, 8] and [x.goroutine_id for x in b.accesses] == [8, 7]
    assert a.signature == b.signature
    assert a.signature != _report_races("go1.23-struct-field.txt")[0].signature


def test_the_samples_cover_go_1_21_to_1_27() -> None:
    names = [p.name for p in (DATA / "races").glob("go1.*.txt")]
    assert sorted({int(n.split(".")[1].split("-")[0]) for n in names}) == list(range(21, 28))
    for name in names:  # each one read, with its accesses' first user frames in the racy program
        races = _report_races(name)
        assert races and all(a.first_user_frame is not None for r in races for a in r.accesses), name


def test_a_report_printed_again_is_read_once_and_stays_its_own() -> None:
    """A log of three runs prints the same reports three times: each is a RawRace of its own,
    sharing the first one's accesses and creations, equal to the report read alone."""
    one = _sample("go1.27-interleaved.txt")
    alone = parse_races(one)
    again = parse_races("\n".join([one] * 3))
    assert len(again) == 3 * len(alone) == 6
    assert len({id(r) for r in again}) == 6  # six reports, six objects
    for i, race in enumerate(again):
        assert race == alone[i % 2]
        assert race.accesses is again[i % 2].accesses and race.created is again[i % 2].created
    assert again[0].accesses is not again[1].accesses
