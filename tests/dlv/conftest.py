"""Fixtures of the real-dlv tests: live reports computed once, cores of the crashing examples, a
running program to attach to."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest

from dlvauto.gobuild.program import build
from dlvauto.report import Report

from tests.helpers import EXAMPLES, CoreMaker, processes_mentioning


@pytest.fixture(scope="session")
def live_reports() -> Iterator[dict[str, Report]]:
    """Reports of examples run for real under dlv, computed once per session on demand (live_report)."""
    cache: dict[str, Report] = {}
    yield cache


@pytest.fixture(scope="session")
def cores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CoreMaker]:
    maker = CoreMaker(tmp_path_factory.mktemp("cores"))
    yield maker
    assert processes_mentioning(str(maker.root)) == [], "a dlv reading a core outlived its test"


@pytest.fixture
def running_hang() -> Iterator[subprocess.Popen[bytes]]:
    """The `hang` example running on its own (not under a debugger)."""
    binary = build(EXAMPLES / "hang").binary
    p = subprocess.Popen([str(binary)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    try:
        yield p
    finally:
        p.kill()
        p.wait()
