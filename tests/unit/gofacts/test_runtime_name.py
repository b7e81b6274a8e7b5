"""Generic names as the runtime prints them (`[...]`), with dlv's type arguments kept beside."""

from __future__ import annotations

import pytest

from dlvauto.gofacts.runtime import runtime_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("main.(*Stack[go.shape.string]).Pop", ("main.(*Stack[...]).Pop", "go.shape.string")),
        ("p.Map[go.shape.int,go.shape.string]", ("p.Map[...]", "go.shape.int,go.shape.string")),
        ("p.F[go.shape.[]int].func1", ("p.F[...].func1", "go.shape.[]int")),
        ("p.(*L[...]).Push", ("p.(*L[...]).Push", None)),
        ("type:.eq.[2]int", ("type:.eq.[2]int", None)),
        ("main.main", ("main.main", None)),
    ],
)
def test_runtime_name(name: str, expected: tuple[str, str | None]) -> None:
    assert runtime_name(name) == expected
