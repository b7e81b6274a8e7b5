"""The report's modules are imported on a thread of their own while a run waits: the right ones
for the options given, and a failing import costs nothing (the main thread meets it itself)."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from dlvauto.commands.output import Output
from dlvauto.system.preload import in_background

from tests.helpers import run_python

READY = "dlvauto.commands.finish:ready_records"  # last: the records of everything imported before


def test_the_modules_finish_will_need_for_each_set_of_options() -> None:
    base = ["dlvauto.commands.finish", "dlvauto.analysis", "dlvauto.enrich.source", "dlvauto.render.json"]
    # Off a terminal the view is laid out without rich (render/plain.py): rich is not preloaded.
    assert Output.checked(None).modules() == [*base, "dlvauto.render.plain", READY]
    assert Output.checked("-").modules() == [*base, READY]  # stdout is the JSON: no terminal view
    assert Output.checked("r.json", quiet=True).modules() == [*base, READY]
    assert Output.checked("-", "md", out="r.md").modules() == [*base, "dlvauto.render.markdown", READY]
    assert Output.checked(None, "html").modules() == [*base, "dlvauto.render.html", READY]  # on stdout
    assert Output.checked(None, "html", out="r.html").modules() == [
        *base,
        "dlvauto.render.html",
        "dlvauto.render.plain",
        READY,
    ]


def test_on_a_terminal_rich_is_preloaded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from dlvauto.commands import output

    monkeypatch.setattr(output, "_stdout_is_a_terminal", lambda: True)
    base = ["dlvauto.commands.finish", "dlvauto.analysis", "dlvauto.enrich.source", "dlvauto.render.json"]
    assert Output.checked(None).modules() == [*base, "dlvauto.render.plain", "dlvauto.render.terminal", READY]
    assert Output.checked("-").modules() == [*base, READY]


def test_modules_are_imported_in_order_and_a_failure_stops_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, broken, never = (f"pre_{uuid.uuid4().hex[:8]}_{i}" for i in range(3))
    (tmp_path / f"{first}.py").write_text("VALUE = 41 + 1\n")
    (tmp_path / f"{broken}.py").write_text(textwrap.dedent("raise RuntimeError('broken on purpose')\n"))
    (tmp_path / f"{never}.py").write_text("VALUE = 0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    in_background([first, broken, never]).join(timeout=10)
    assert sys.modules[first].VALUE == 42
    assert broken not in sys.modules and never not in sys.modules
    with pytest.raises(RuntimeError, match="broken on purpose"):  # the main thread meets it itself
        __import__(broken)


def test_the_preload_writes_the_inits_of_the_records_a_run_makes_after_its_stop() -> None:
    """In a fresh process (no record made yet): after a run's preload, the snapshot's, the report's
    and the view's records have their own `__init__`, so none is written after the crash."""
    code = textwrap.dedent(
        """
        from dlvauto import report, snapshot
        from dlvauto.commands.output import Output
        from dlvauto.records import records_of
        from dlvauto.system.preload import in_background

        def lazy(module):
            inits = {c.__name__: c.__dict__["__init__"] for c in records_of(module)}
            return sorted(n for n, f in inits.items() if getattr(f, "__record_lazy__", False))

        before = (lazy(snapshot), lazy(report))
        in_background(["dlvauto.rpc.client:warm_checkers", *Output.checked(None).modules()]).join(60)
        from dlvauto.render import sections
        print(len(before[0]), len(before[1]), lazy(snapshot), lazy(report), lazy(sections))
        """
    )
    r = run_python(code)
    assert r.returncode == 0, r.stderr
    n_snapshot, n_report, *left = r.stdout.strip().split(maxsplit=2)
    assert int(n_snapshot) >= 10 and int(n_report) >= 15, r.stdout  # lazy before: nothing was made
    assert left == ["[] [] []"], r.stdout
