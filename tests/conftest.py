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

import sys

import pytest


def _load_dlvauto_as_python_does() -> None:
    """pytest rewrites the asserts of every module of a distribution with a pytest plugin (dlvauto's
    pytest11 entry point), so each worker parsed all of dlvauto again instead of loading its
    bytecode; and on Python 3.11 two threads parsing at once (a run's preload thread beside the
    test's own imports) can fail with `SystemError: AST constructor recursion depth mismatch`
    (seen once in ~2,900 tests). dlvauto's own asserts need no explanation from pytest: it loads
    them as Python does. (The plugin module itself was imported, and rewritten, before this.)"""
    from _pytest.assertion.rewrite import AssertionRewritingHook

    for hook in sys.meta_path:
        marked = getattr(hook, "_must_rewrite", None) if isinstance(hook, AssertionRewritingHook) else None
        if isinstance(marked, set):
            marked.discard("dlvauto")


_load_dlvauto_as_python_does()


@pytest.fixture(autouse=True)
def _no_inherited_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-xdist starts its workers with COLUMNS=80; dlvauto honours COLUMNS when piped (issue 17),
    so every test sees the environment a plain run has, and sets COLUMNS itself when it means to."""
    monkeypatch.delenv("COLUMNS", raising=False)
