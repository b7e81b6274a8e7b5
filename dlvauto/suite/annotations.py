"""GitHub Actions workflow commands for the suite's failures: `::error file=...,line=...::text`.

Each regression becomes an annotation on the line of expect.toml whose key failed (the whole file's
first line when no key is named), so the pull request shows it where the fix goes. The text holds
what the program printed (its panic message): it is escaped as the runner expects (%, CR, LF) and
stripped of other control characters, so it can neither end the command early nor start another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dlvauto.suite.junit import expect_path
from dlvauto.suite.runner import Outcome

_CONTROL = {c: None for c in range(32) if c not in (10, 13)}
_AT_LINE = re.compile(r"\(at line (\d+)")


def _escape_data(text: str) -> str:
    return text.translate(_CONTROL).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def key_line(toml_text: str, difference: str) -> int:
    """The line (1-based) of the top-level key a difference names (`first_user_frame.line: ...`)."""
    key = re.split(r"[.:\s]", difference, maxsplit=1)[0]
    for number, line in enumerate(toml_text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*[=.]", line):
            return number
    return 1


def workflow_commands(failed: Iterable[Outcome]) -> Iterator[str]:
    for o in failed:
        file = _escape_property(expect_path(o.scenario))
        if o.error is not None:
            first = o.error.splitlines()[0] if o.error else "error"
            m = _AT_LINE.search(first)
            line = int(m.group(1)) if m else 1
            yield f"::error file={file},line={line}::{_escape_data(o.scenario.name + ': ' + first)}\n"
            continue
        try:
            text = o.scenario.expect_file.read_text()
        except OSError:
            text = ""
        for diff in o.differences:
            line = key_line(text, diff)
            yield f"::error file={file},line={line}::{_escape_data(o.scenario.name + ': ' + diff)}\n"
