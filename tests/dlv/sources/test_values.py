"""Values at the crash, read through dlv: what the engineer asks next (which index, which map, which type)."""

from __future__ import annotations

from dlvauto.analysis import analyze
from dlvauto.gobuild.program import build
from dlvauto.report import Frame, Report, Value
from dlvauto.sources.live import run_live

from tests.helpers import EXAMPLES, needs_dlv

pytestmark = needs_dlv


def _report(name: str, values: int = 8) -> Report:
    built = build(EXAMPLES / name)
    return analyze(run_live(built.binary, facts=built.facts, timeout=30, values=values))


def _named(items: list[Value] | None, name: str) -> Value:
    assert items is not None
    return next(v for v in items if v.name == name)


def _first_user(report: Report) -> Frame:
    fu = report.crash.first_user_frame
    assert fu is not None
    return fu


def test_index_out_of_range_shows_the_index_and_the_length() -> None:
    fu = _first_user(_report("index_out_of_range"))
    assert fu.function == "main.pick"
    i, items = _named(fu.args, "i"), _named(fu.args, "items")
    assert (i.type, i.value) == ("int", "5")
    assert items.type == "[]string"
    assert items.value.startswith("len: 3, cap: 3, [")


def test_nil_map_write_shows_the_nil_map() -> None:
    fu = _first_user(_report("nil_map_write"))
    assert fu.function == "example.com/nil_map_write/store.(*Cache).Put"
    c = _named(fu.args, "c")
    assert c.type == "*example.com/nil_map_write/store.Cache"
    assert c.value == "&example.com/nil_map_write/store.Cache {items: nil}"
    assert (_named(fu.args, "k").value, _named(fu.args, "v").value) == ('"answer"', "42")


def test_failed_assertion_shows_the_dynamic_type() -> None:
    fu = _first_user(_report("type_assertion"))
    assert fu.function == "main.count"
    fields = _named(fu.args, "fields")
    assert fields.type == "map[string]interface {}"
    assert '"count": float64(3)' in fields.value, "the value asserted to int is a float64"


def test_values_are_bounded_and_optional() -> None:
    report = _report("deep_stack", values=2)
    g = report.crash_goroutine()
    assert g is not None
    with_values = [f.function for f in g.frames if f.args is not None]
    # the first two user frames, and frame N (a.Level2) which the report names
    assert with_values == ["example.com/deep_stack/c.Crash", "example.com/deep_stack/c.Validate",
                           "example.com/deep_stack/a.Level2"]  # fmt: skip
    none = _report("deep_stack", values=0)
    assert all(f.args is None and f.locals is None for g in none.goroutines for f in g.frames)
