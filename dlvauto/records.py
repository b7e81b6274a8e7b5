"""`record`: a dataclass made at a fraction of the cost, for the ~120 classes every run imports.

`dataclasses.dataclass` writes each method of each class as source text and compiles it when the
class is made: `__init__`, `__repr__`, `__eq__`, and for a frozen class `__setattr__`,
`__delattr__` and `__hash__`. On Python 3.11 that is ~0.45 ms a class (0.6 frozen), ~60 ms of
every `dlvauto run` before it has done anything (py-spy: the largest single cost of a small run).
`record` gives every class the same `__repr__`, `__eq__`, `__hash__` and frozen guard, which read
the field names the class keeps. They behave as the generated ones do: the same repr text,
equality only with the same class and field by field, a hash of the same tuple, and a frozen
class refuses to change a field once its `__init__` has set it.

Only `__init__` needs code of its own, for the speed of making millions of frames, and a small run
makes only 48 of the 118 classes it imports (the wire types are made by rpc/checked.py's own
code). So `__init__` is compiled when the class is first made, from the same source dataclasses
writes (parameters, defaults, factories, keyword-only fields); a class this cannot take (a
`__post_init__`, an `init=False` field, an InitVar) gets dataclass's own, at once. A class without
a docstring is given one naming its fields: dataclass would otherwise compute an
`inspect.signature` for it, ~0.06 ms a class. The class is a dataclass in every other way
(`fields`, `replace`, `asdict`, pydantic's schemas), and type checkers read it as one.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable, Iterable
from operator import attrgetter
from types import ModuleType
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T", bound=type)


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    cls = self.__class__
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in cls.__record_repr__)
    return f"{cls.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:  # a bool, or NotImplemented for another class
    if other.__class__ is not self.__class__:
        return NotImplemented
    values = self.__class__.__record_values__
    return values(self) == values(other)


def _hash(self: Any) -> int:
    return hash(self.__class__.__record_hashed__(self))


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    # Each field is set once, by __init__; after that (or for a name that is no field) it is refused.
    if name in self.__dict__ or name not in self.__class__.__dataclass_fields__:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _values_of(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """The field values of an instance as a tuple (as the generated `__eq__` compares them)."""
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


class _Factory:
    """The default of a parameter whose field has a default factory (dataclass's own sentinel)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _written_by_dataclass(cls: type) -> bool:
    """Whether dataclass must write `cls.__init__` (a `__post_init__`, an InitVar, an `init=False`
    field): `_init_of` writes only the plain case, which is every record dlvauto has."""
    if hasattr(cls, "__post_init__"):
        return True
    own = cls.__dict__
    if any("InitVar" in str(t) for t in own.get("__annotations__", {}).values()):
        return True
    return any(isinstance(v, dataclasses.Field) and not v.init for v in own.values()) or any(
        not f.init for base in cls.__mro__[1:] for f in getattr(base, "__dataclass_fields__", {}).values()
    )


def _check_order(cls: type) -> None:
    """dataclass's own check, which it makes while writing `__init__`."""
    defaulted = False
    for f in dataclasses.fields(cls):
        if f.kw_only:
            continue
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            defaulted = True
        elif defaulted:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")


def _init_of(cls: type) -> Callable[..., None]:
    """`cls.__init__` as dataclass writes it: one parameter per field, keyword-only ones after `*`,
    a default factory called when its parameter was not given."""
    names: dict[str, Any] = {"__record_factory__": _FACTORY}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            names[f"__record_make_{f.name}__"] = f.default_factory
            param = f"{f.name}=__record_factory__"
            value = f"__record_make_{f.name}__() if {f.name} is __record_factory__ else {f.name}"
        elif f.default is not dataclasses.MISSING:
            names[f"__record_default_{f.name}__"] = f.default
            param, value = f"{f.name}=__record_default_{f.name}__", f.name
        else:
            param, value = f.name, f.name
        (keyword if f.kw_only else positional).append(param)
        body.append(f"    __record_self__.{f.name} = {value}")
    params = ", ".join(["__record_self__", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({params}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, names)  # our own text, made of the class's field names, as dataclass's is
    init: Callable[..., None] = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {f.name: f.type for f in dataclasses.fields(cls)} | {"return": None}
    return init


def _write_init(cls: type) -> Callable[..., None]:
    """Write `cls.__init__` and put it in place of the lazy one (its first instance, or `ready`)."""
    init = _init_of(cls)
    type.__setattr__(cls, "__init__", init)
    return init


def _first_init(cls: type) -> Callable[..., None]:
    """An `__init__` that writes the class's own on its first call, puts it in place, and calls it."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        _write_init(cls)(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    __init__.__record_lazy__ = True  # type: ignore[attr-defined]  # (what `ready` looks for)
    return __init__


def ready(classes: Iterable[type]) -> None:
    """Write now the `__init__` of each of `classes` still waiting for its first instance.

    ~0.1 ms a class: a run's end makes ~30 kinds of record (the snapshot's, the report's, the
    view's) for the first time, ~3 ms on its critical path; the preload thread (system/preload.py)
    calls this for them while dlv and the program run. Another thread making a first instance at
    the same time writes the same `__init__`: whichever is put in place last, they are alike."""
    for cls in classes:
        if getattr(cls.__dict__.get("__init__"), "__record_lazy__", False):
            _write_init(cls)


def records_of(module: ModuleType) -> list[type]:
    """The record classes `module` defines itself (not those it imports), in its order."""
    return [
        v for v in vars(module).values()
        if isinstance(v, type) and v.__module__ == module.__name__ and hasattr(v, "__record_repr__")
    ]  # fmt: skip


@overload
def record(cls: T, /) -> T: ...
@overload
def record(*, frozen: bool = False, kw_only: bool = False, slots: bool = False) -> Callable[[T], T]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(
    cls: T | None = None, /, *, frozen: bool = False, kw_only: bool = False, slots: bool = False
) -> T | Callable[[T], T]:
    """`@dataclass` with the same options, made cheaper (see the module's docstring)."""

    def wrap(cls: T) -> T:
        own = dict(cls.__dict__)  # what the class body defines itself is kept, as dataclass keeps it
        explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
        if frozen and slots:
            raise TypeError("record: a frozen record keeps its fields in __dict__ (no slots)")
        if own.get("__doc__") is None:
            cls.__doc__ = f"{cls.__name__}({', '.join(own.get('__annotations__', {}))})"
        lazy = "__init__" not in own and not _written_by_dataclass(cls)
        made: Any = dataclasses.dataclass(
            cls, init=not lazy, repr=False, eq=False, kw_only=kw_only, slots=slots
        )
        if lazy:
            _check_order(made)
            made.__init__ = _first_init(made)
        fields = dataclasses.fields(made)
        made.__record_repr__ = tuple(f.name for f in fields if f.repr)
        made.__record_values__ = _values_of(tuple(f.name for f in fields if f.compare))
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        made.__record_hashed__ = _values_of(hashed)
        if "__repr__" not in own:
            made.__repr__ = _repr
        if "__eq__" not in own:
            made.__eq__ = _eq
        if frozen:  # dataclass's own frozen methods are two more compiled per class
            made.__setattr__ = _frozen_setattr
            made.__delattr__ = _frozen_delattr
            made.__dataclass_params__.frozen = True  # as `replace` etc. read it
        if not explicit_hash:
            # As dataclass does with eq=True: a frozen class hashes its fields, any other is unhashable.
            made.__hash__ = _hash if frozen else None
        return made  # type: ignore[no-any-return]

    return wrap if cls is None else wrap(cls)
