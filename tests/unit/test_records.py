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


def test_init_takes_what_a_dataclass_init_takes_and_is_written_on_the_first_construction() -> None:
    import inspect

    made_by_dataclass, made_by_record = _pair()
    assert "__record_self__" not in made_by_record.__init__.__code__.co_varnames  # not written yet
    for cls in (made_by_dataclass, made_by_record):
        p = cls(1, "c", ["t"], "n")  # every field positionally, in order
        assert (p.x, p.y, p.tags, p.note) == (1, "c", ["t"], "n")
        a, b = cls(x=1), cls(x=1)
        assert a.tags == [] and a.tags is not b.tags  # a new list from the factory each time
        with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
            cls()
        with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
            cls(x=1, z=2)
    assert "__record_self__" in made_by_record.__init__.__code__.co_varnames  # in place now
    assert str(inspect.signature(made_by_record)) == str(inspect.signature(made_by_dataclass))
    assert made_by_record.__init__.__qualname__.endswith("Point.__init__")


def test_a_subclass_takes_its_bases_fields_first_and_keyword_only_fields_last() -> None:
    @record(slots=True)
    class Base:
        a: int
        b: int = 2

    @record(slots=True, kw_only=True)
    class Child(Base):
        c: list[int] = field(default_factory=lambda: [3])
        d: str

    child = Child(1, d="x")
    assert (child.a, child.b, child.c, child.d) == (1, 2, [3], "x")
    with pytest.raises(TypeError):
        Child(1, 2, [3], "x")  # c and d are keyword-only
    assert Base(5).b == 2


def test_a_field_without_default_after_one_with_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @record
        class Wrong:
            a: int = 1
            b: int


def test_a_post_init_runs_as_in_a_dataclass() -> None:
    @record
    class Doubled:
        n: int
        twice: int = 0

        def __post_init__(self) -> None:
            self.twice = 2 * self.n

    assert Doubled(4).twice == 8


def test_a_record_without_docstring_is_named_by_its_fields() -> None:
    @record
    class Bare:
        first: int
        second: str = ""

    assert Bare.__doc__ == "Bare(first, second)"


def test_ready_writes_the_init_now_and_it_behaves_as_the_lazy_one() -> None:
    from dataclasses import field

    from dlvauto.records import ready, record

    @record
    class Sample:
        a: int
        b: list[int] = field(default_factory=list)
        c: str = "c"

    @record
    class Own:
        x: int

        def __init__(self, x: int) -> None:
            self.x = x * 2

    lazy_init = Sample.__dict__["__init__"]
    assert getattr(lazy_init, "__record_lazy__", False)
    ready([Sample, Own, int])  # a class with its own __init__, or no record: left alone
    written = Sample.__dict__["__init__"]
    assert written is not lazy_init and not getattr(written, "__record_lazy__", False)
    assert Own(3).x == 6
    one, two = Sample(1), Sample(2, [5], c="d")
    assert (one.a, one.b, one.c, two.a, two.b, two.c) == (1, [], "c", 2, [5], "d")
    assert one.b is not Sample(1).b, "each instance gets its own default list"
    ready([Sample])
    assert Sample.__dict__["__init__"] is written, "written once"


def test_records_of_lists_a_modules_own_records() -> None:
    from dlvauto import report, snapshot
    from dlvauto.records import records_of

    names = {c.__name__ for c in records_of(report)}
    assert {"Report", "Crash", "Frame", "Value"} <= names
    assert "RawFrame" not in names  # snapshot's, even where report imports it
    assert all(c.__module__ == "dlvauto.snapshot" for c in records_of(snapshot))
