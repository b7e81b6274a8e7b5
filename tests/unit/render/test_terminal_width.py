"""The terminal view piped: as wide as $COLUMNS says, and a long name in the crash table is shortened
with an ellipsis on its own line, never wrapped mid-identifier onto the next."""

from __future__ import annotations

import io

import pytest

from dlvauto.render.terminal import PIPED_WIDTH, piped_width, write

from tests.helpers import recorded


def _crash_table(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "crash goroutine" in line and "[" in line) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return lines[start:end]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_long_names_get_an_ellipsis_not_a_second_line(columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    report = recorded("nil_map_write")
    out = io.StringIO()
    write(report, out)
    table = _crash_table(out.getvalue())
    frames = report.crash_goroutine().frames  # type: ignore[union-attr]
    assert table[0].split() == ["#", "function", "location", "category"]
    assert len(table) == 1 + len(frames)  # one line per frame: nothing wrapped
    for line, frame in zip(table[1:], frames, strict=True):
        assert len(line.rstrip()) <= columns
        assert line.split()[0] == str(frame.index)
        assert line.rstrip().endswith(frame.category)
        shown = next(word for word in line.split() if word.startswith(frame.function[:8]))
        assert shown == frame.function or (shown.endswith("…") and frame.function.startswith(shown[:-1]))
    if columns == 60:
        assert any("…" in line for line in table)


def test_width_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert piped_width() == PIPED_WIDTH
    monkeypatch.setenv("COLUMNS", "132")
    assert piped_width() == 132
    monkeypatch.setenv("COLUMNS", "wide")
    assert piped_width() == PIPED_WIDTH
