"""`record` behaves as `dataclass` does, class for class: each test makes the same class both ways."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

from dlvauto.records import record


def _pair(**options: Any) -> tuple[type, type]:
    """The same class body made by `dataclass` and by `record` with `options`."""

    def body() -> type:
        class Point:
            """A point."""

            x: int
            y: str = "b"
            tags: list[str] = field(default_factory=list)
            note: str = field(default="", compare=False, repr=False)

        return Point

    return dataclass(**options)(body()), record(**options)(body())


@pytest.mark.parametrize("options", [{}, {"kw_only": True}, {"slots": True}, {"frozen": True}])
def test_repr_eq_and_hash_are_those_of_a_dataclass(options: dict[str, bool]) -> None:
    made_by_dataclass, made_by_record = _pair(**options)
    for cls in (made_by_dataclass, made_by_record):
        a, b = cls(x=1, tags=["t"]), cls(x=1, tags=["t"], note="other")
        assert repr(a) == f"{cls.__qualname__}(x=1, y='b', tags=['t'])"
        assert cls.__qualname__.endswith(".Point")
        assert a == b  # `note` is not compared
        assert (a != b) is False
        assert a != cls(x=2, tags=["t"])
        assert (a == (1, "b", ["t"])) is False  # another class: not equal, no error
        assert dataclasses.is_dataclass(cls)
        assert [f.name for f in dataclasses.fields(cls)] == ["x", "y", "tags", "note"]
        assert dataclasses.asdict(a) == {"x": 1, "y": "b", "tags": ["t"], "note": ""}
        assert dataclasses.replace(a, x=5).x == 5
        assert copy.deepcopy(a) == a
        if options.get("frozen"):
            c, d = cls(x=3, tags=()), cls(x=3, tags=())
            assert hash(c) == hash(d) == hash((3, "b", ()))
        else:
            assert cls.__hash__ is None  # eq without frozen: unhashable, as dataclass makes it
    assert made_by_record.__init__.__annotations__ == made_by_dataclass.__init__.__annotations__


def test_a_frozen_record_refuses_changes_after_init_as_a_frozen_dataclass_does() -> None:
    made_by_dataclass, made_by_record = _pair(frozen=True)
    for cls in (made_by_dataclass, made_by_record):
        p = cls(x=1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.x = 2
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.other = 2
        with pytest.raises(dataclasses.FrozenInstanceError):
            del p.y
        assert p.x == 1
        assert dataclasses.replace(p, y="c").y == "c"


def test_kw_only_and_slots_are_kept() -> None:
    made_by_dataclass, made_by_record = _pair(kw_only=True, slots=True)
    for cls in (made_by_dataclass, made_by_record):
        with pytest.raises(TypeError):
            cls(1)
        p = cls(x=1)
        assert not hasattr(p, "__dict__")
        with pytest.raises(AttributeError):
            p.other = 1


def test_what_the_class_body_defines_itself_is_kept() -> None:
    @record(frozen=True)
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name.lower() == self.name.lower()

        def __hash__(self) -> int:
            return hash(self.name.lower())

    assert repr(Named("A")) == "<A>"
    assert Named("A") == Named("a") and hash(Named("A")) == hash(Named("a"))


def test_a_record_that_holds_itself_repr_s_as_a_dataclass_does() -> None:
    @record
    class Node:
        children: list[Any] = field(default_factory=list)

    @dataclass
    class Twin:
        children: list[Any] = field(default_factory=list)

    n, t = Node(), Twin()
    n.children.append(n)
    t.children.append(t)
    assert repr(n) == f"{Node.__qualname__}(children=[...])"
    assert repr(t) == f"{Twin.__qualname__}(children=[...])"


def test_frozen_with_slots_is_refused() -> None:
    with pytest.raises(TypeError, match="frozen record"):

        @record(frozen=True, slots=True)
        class Both:
            a: int
