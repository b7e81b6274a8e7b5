"""Error lines stay one line whatever the path or value in them (issue 16 item 9)."""

from __future__ import annotations

import io
import sys

import pytest

from dlvauto import cli
from dlvauto.errors import escaped, shown


def test_control_characters_are_escaped_and_plain_text_is_left_alone() -> None:
    assert escaped("a\nb\tc\rd\x1b]0;t\x07\u202e") == "a\\nb\\tc\\rd\\x1b]0;t\\x07\\u202e"
    assert escaped("/tmp/plain path/ü.go") == "/tmp/plain path/ü.go"
    assert shown(b"/tmp/\xffbad\n") == "/tmp/\\xffbad\\n"


def test_the_error_line_is_the_whole_message_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    status = cli._fail("/tmp/two\nlines.txt does not exist:  pass the file\n", 2)
    assert (status, err.getvalue()) == (
        2,
        "dlvauto: error: /tmp/two\\nlines.txt does not exist: pass the file\n",
    )


def test_a_huge_message_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    cli._fail("x" * 10_000, 1)
    line = err.getvalue()
    assert line.count("\n") == 1 and len(line) == len("dlvauto: error: ") + cli.MAX_LINE + 1
