"""The terminal view prints runs of lines as one Text (render/terminal.py, _joined): the bytes must
be those of printing each line on its own, in colour at a narrow terminal and plain off one."""

from __future__ import annotations

import gzip
import io

import pytest
from rich.console import Console

from dlvauto.analysis import analyze
from dlvauto.render import terminal
from dlvauto.render.sections import sections, show
from dlvauto.report import Report
from dlvauto.sources.text import parse_text

from tests.helpers import DATA

SAMPLES = [
    DATA / "races" / "go1.22-interleaved-truncated.txt",
    DATA / "races" / "go1.25-main-goroutine.txt",
    DATA / "tracebacks" / "go1.26" / "race_map_writes.all.txt",
    DATA / "tracebacks" / "go1.26" / "many_goroutines.system.txt.gz",
]


def _report(name: str) -> Report:
    path = next(p for p in SAMPLES if p.name == name)
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode()
    return analyze(parse_text(text, every=False)[-1])


def _consoles() -> list[tuple[Console, io.StringIO]]:
    out = []
    for tty, width in ((False, 200), (True, 60)):
        buf = io.StringIO()
        if tty:
            console = terminal.QuietConsole(
                file=buf, width=width, force_terminal=True, color_system="truecolor"
            )
        else:
            console = terminal.QuietConsole(file=buf, width=width, soft_wrap=True, force_terminal=False)
        out.append((console, buf))
    return out


def _one_part_at_a_time(report: Report, console: Console) -> None:
    """print_report as it was: every part of every section printed on its own."""
    box: list[object] = []
    for section in sections(report):
        parts = show(terminal, section)
        if isinstance(section, terminal._IN_THE_BOX):
            box += parts
            continue
        terminal._print_box(box, console)  # type: ignore[arg-type]
        for part in parts:
            console.print(part)
    terminal._print_box(box, console)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [p.name for p in SAMPLES])
def test_joined_lines_print_the_same_bytes(name: str) -> None:
    report = _report(name)
    for (joined, a), (alone, b) in zip(_consoles(), _consoles(), strict=True):
        terminal.print_report(report, joined)
        _one_part_at_a_time(report, alone)
        assert a.getvalue() == b.getvalue()
    assert a.getvalue().count("\n") >= 10  # the box, the races or goroutines: real lines


def test_a_race_section_is_one_text() -> None:
    """The races of a log are printed in one go: the heading and every group's lines."""
    report = _report("go1.22-interleaved-truncated.txt")
    section = next(s for s in sections(report) if type(s).__name__ == "Races")
    parts = show(terminal, section)
    joined = terminal._joined(parts)
    assert len(joined) == 1 and len(parts) == 2 + 2 * 3
    assert str(joined[0]).splitlines()[1] == "data races (2)"
