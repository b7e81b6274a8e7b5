"""The golden comparison's masks: what varied between recordings, and what that lets vary later."""

from __future__ import annotations

import copy

from tests.golden import compare


def _report(counter: str, function: str = "main.writer") -> dict:
    frame = {
        "function": function,
        "line": 17,
        "args": [{"name": "id", "type": "int", "value": "4"}],
        "locals": [{"name": "i", "type": "int", "value": counter}],
    }
    return {"crash": {"kind": "fatal", "first_user_frame": frame}}


def test_a_value_that_never_varied_is_compared() -> None:
    assert compare(_report("0"), _report("111626"), set()) == ["/crash/first_user_frame/locals/0/value"]


def test_one_varying_value_lets_every_value_vary() -> None:
    varied = {"/crash/first_user_frame/args/0/value"}
    assert compare(_report("0"), _report("111626"), varied) == []


def test_varying_values_do_not_hide_a_changed_function() -> None:
    varied = {"/crash/first_user_frame/args/0/value"}
    now = copy.deepcopy(_report("5", function="main.other"))
    assert compare(_report("0"), now, varied) == ["/crash/first_user_frame/function"]
