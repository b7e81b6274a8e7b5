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


def test_a_runtime_frame_may_move_within_its_function_a_user_frame_may_not() -> None:
    def report(runtime_line: int, user_line: int) -> dict:
        frames = [
            {"function": "internal/runtime/maps.(*Map).assign", "line": runtime_line, "pc": runtime_line},
            {"function": "main.writer", "line": user_line, "pc": user_line},
        ]
        goroutine = {"id": 1, "status": "running", "frames": frames}
        return {"goroutines": [goroutine], "crash": {"goroutine_id": 1}}

    assert compare(report(206, 17), report(324, 17), set()) == []
    assert compare(report(206, 17), report(206, 18), set()) == [
        "/goroutines/crash/frames/1/line", "/goroutines/crash/frames/1/pc",
    ]  # fmt: skip
