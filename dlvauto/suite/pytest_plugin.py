"""pytest plugin: every `expect.toml` is a test item, so `pytest examples/go` runs the crash suite.

Selection (-k), reporting, JUnit output and pytest-xdist's spreading over cores and machines come
from pytest; a failure shows the field-by-field difference, as `dlvauto suite` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dlvauto.suite.scenarios import EXPECT_FILE, Scenario


class ScenarioMismatch(Exception):
    """The report departed from the expectation; the differences, one per line."""


_EXPECTED_GOT = re.compile(r"^([\w.]+): expected (.*?), got (.*)$")


def headline(difference: str) -> str:
    """The first difference as pytest's short summary shows it: `first_user_frame.line: 14 → 15`."""
    m = _EXPECTED_GOT.match(difference)
    return f"{m.group(1)}: {m.group(2)} → {m.group(3)}" if m else difference


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name == EXPECT_FILE:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield ScenarioItem.from_parent(self, name=self.path.parent.name)


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        from dlvauto.suite.runner import run_one

        outcome = run_one(Scenario(self.path.parent.resolve(), self.name))
        if outcome.report is not None:
            self.user_properties.append(("signature", outcome.report.crash.signature))
            self.user_properties.append(("kind", outcome.report.crash.kind))
        if outcome.error is not None:
            raise ScenarioMismatch(f"could not run the scenario: {outcome.error}")
        if outcome.differences:
            raise ScenarioMismatch("\n".join(outcome.differences))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        # The first line is what pytest's short summary shows (`FAILED ... - LINE`): the first field
        # that differs, not the start of a sentence cut off at the terminal's width.
        if isinstance(excinfo.value, ScenarioMismatch):
            text = str(excinfo.value)
            intro = f"{self.name}: the crash report differs from {EXPECT_FILE}:"
            return f"{headline(text.splitlines()[0])}\n{intro}\n{text}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"crash scenario {self.name}"
