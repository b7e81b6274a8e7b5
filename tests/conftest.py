"""The tests, laid out like the package they test.

    tests/unit/<area>/  recorded-data tests: they read tests/data (snapshots, tracebacks, dlv's
                        replies, -m=2 output), build Report and Snapshot objects, parse text, talk
                        to a fake server. Python only, no go build, no dlv (but see below).
    tests/dlv/<area>/   tests that build real Go programs and run real dlv (or a real browser,
                        engine, pty): skipped with the reason where the tool is missing.
    tests/data/         the recordings (scripts/record/ writes them).

<area> is the folder of dlvauto/ the test is about: analysis, commands, enrich, gobuild, gofacts,
render, repl, rpc, sandbox, sources, suite, system. A file that mixes the two kinds sits where
most of its tests belong: unit/analysis/test_inlining.py has three live tests (marked needs_dlv)
and unit/render/test_render.py one real `dlvauto run`.

What test modules import (paths, needs_dlv, run_cli, one_error_line, process and core helpers) is
in tests/helpers.py, as `from tests.helpers import ...`; no test module imports from another.
Fixtures are in the conftest.py of the folder that uses them (tests/dlv/conftest.py).
"""

import pytest


@pytest.fixture(autouse=True)
def _no_inherited_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-xdist starts its workers with COLUMNS=80; dlvauto honours COLUMNS when piped (issue 17),
    so every test sees the environment a plain run has, and sets COLUMNS itself when it means to."""
    monkeypatch.delenv("COLUMNS", raising=False)
