"""A crash while the race detector prints: the runtime's writes land between the detector's.

The recording (`races/crash/go1.26-map-writes-crash.txt`, examples/go/race_map_writes under -race)
came out untangled. Here it is cut into the writes each side really makes (the detector's:
compiler-rt's tsan_report.cpp; the runtime's: `fatal error: `, the message, `\\n`, and each line of
a traceback in print's pieces) and the two sequences are merged in a different random order for
each seed, as two threads writing to one stderr can merge them. Whatever the order, the crash
header, the races and the crash goroutine read the same as from the untangled text (the order a
CI run met is one of these). The crash's frames are exact unless the traceback is split by a
report's newline it cannot tell apart from its own: in about 1 order in 20 a frame of the crash's
stack is lost (racetext._Tangle says why).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from dlvauto.gofacts.racetext import SEPARATOR, WARNING, parse_races, untangle
from dlvauto.gofacts.tracetext import crash_header
from dlvauto.sources.text import parse_text

from tests.helpers import DATA

CLEAN = (DATA / "races" / "crash" / "go1.26-map-writes-crash.txt").read_text()


# How the runtime prints a traceback's line: one write for each of print's arguments (a name, a
# file, a number, each punctuation string), as runtime/traceback.go calls print.
_PIECES = re.compile(r"\t|, | \+| in goroutine |[(){}\[\]:?]| |[^\s(){}\[\]:?,+]+|.")


def _writes(text: str) -> tuple[list[str], list[str]]:
    """The detector's writes and the runtime's, each in its own order."""
    detector: list[str] = []
    runtime: list[str] = []
    lines = text.split("\n")
    inside = False
    i = 0
    while i < len(lines):
        line = lines[i]
        end = "\n" if i < len(lines) - 1 else ""
        i += 1
        if not inside:
            if line == SEPARATOR:
                inside = True
                detector.append(line + end)
            elif line.startswith("fatal error: "):
                runtime += ["fatal error: ", line[len("fatal error: ") :], end]
            else:
                runtime += [*_PIECES.findall(line), end]
            continue
        if line == SEPARATOR:
            inside = False
            detector.append(line + end)
        elif line == WARNING:
            detector += [WARNING, end]  # its newline is the next write's
        elif " by " in line:
            head, tail = line.split(" by ")
            detector += [head + " by ", tail + end]
        elif line.startswith("  ") and line.endswith("()"):
            detector.append(line + "\n" + lines[i] + "\n")  # a frame: two lines, one write
            i += 1
        else:
            detector.append(line + end)
    return detector, runtime


def _merged(seed: int) -> str:
    rng = random.Random(seed)
    detector, runtime = _writes(CLEAN)
    out: list[str] = []
    d = r = 0
    while d < len(detector) or r < len(runtime):
        if r == len(runtime) or (d < len(detector) and rng.random() < 0.5):
            out.append(detector[d])
            d += 1
        else:
            out.append(runtime[r])
            r += 1
    return "".join(out)


def _races(text: str) -> list[list[tuple[str, int | None, bool, list[tuple[str, int]]]]]:
    return [
        [(a.op, a.goroutine_id, a.previous, [(f.function, f.line) for f in a.frames]) for a in race.accesses]
        for race in parse_races(text)
    ]


def _crash(text: str) -> tuple[str | None, int | None, list[str]]:
    snap = parse_text(text)[-1]
    crashed = [g for g in snap.goroutines if g.id == snap.stop.goroutine_id]
    return snap.stop.runtime_message, snap.stop.goroutine_id, [f.function for f in crashed[0].frames]


def test_the_recording_reads_as_recorded() -> None:
    assert list(untangle(CLEAN.split("\n"))) == CLEAN.split("\n")
    header = crash_header(CLEAN)
    assert header is not None and (header.kind, header.message) == ("fatal", "concurrent map writes")
    assert len(parse_races(CLEAN)) == 4
    assert _crash(CLEAN) == (
        "concurrent map writes",
        19,
        ["internal/runtime/maps.fatal", "main.record", "main.main.func1"],
    )


def test_the_header_cut_by_a_creation_line_as_ci_met_it() -> None:
    at = CLEAN.index("Goroutine 9 (running) created at:")
    header = "fatal error: concurrent map writes\n"
    text = CLEAN.replace(header, "\n", 1)
    text = text[:at] + "fatal error: " + text[at:]
    stack_end = text.index("\n\n", text.index("created at:", at)) + 1
    text = text[:stack_end] + "concurrent map writes\n" + text[stack_end:]
    assert "fatal error: Goroutine 9 (running) created at:\n" in text
    header_read = crash_header(text)
    assert header_read is not None and header_read.message == "concurrent map writes"
    assert _races(text) == _races(CLEAN)
    assert _crash(text) == _crash(CLEAN)


def test_the_crash_stack_survives_most_orders() -> None:
    same = sum(_crash(_merged(seed)) == _crash(CLEAN) for seed in range(200))
    assert same >= 180


@pytest.mark.parametrize("seed", range(200))
def test_any_order_of_the_two_writers_reads_the_same(seed: int) -> None:
    text = _merged(seed)
    header = crash_header(text)
    assert header is not None
    assert (header.kind, header.message) == ("fatal", "concurrent map writes")
    assert _races(text) == _races(CLEAN)
    message, goroutine, _frames = _crash(text)
    assert (message, goroutine) == _crash(CLEAN)[:2]


def test_a_generator_reads_the_same_as_a_list() -> None:
    """From a generator a clean report passes whole (racetext.untangle's fast path); a tangled
    one goes the slow way: both as from a list, which takes every line the slow way."""

    def lines(text: str) -> Iterator[str]:
        yield from text.split("\n")

    for text in (CLEAN, _merged(7), _merged(8)):
        assert list(untangle(lines(text))) == list(untangle(text.split("\n")))
    assert list(untangle(lines(CLEAN))) == CLEAN.split("\n")
