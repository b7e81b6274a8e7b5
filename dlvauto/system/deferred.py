"""Standard modules a command line's imports name but its run never calls, loaded on first use.

`dataclasses` imports `inspect` at its top, for one thing: the signature it writes into the
docstring of a class that has none. Every `record` has one (records.py), so a run never calls it,
yet `inspect` brings `ast`, `dis`, `tokenize` and `linecache` with it: ~6 ms of a small crash's
~130 ms (`python -X importtime`; bench_live's built rows, 0.134 -> 0.128 s). `defer("inspect")`
puts a stand-in in `sys.modules` that imports the real module the first time any attribute of it
is read (`inspect.signature`, `from inspect import x` alike) and hands every later read on; from
then on `sys.modules` holds the real module, so an `import inspect` gets it.

Only the command line defers, and only a module no one has imported yet: a library caller's
process (pytest, an IDE) is left as it is. Python's own `importlib.util.LazyLoader` does the
same, but on 3.11 it is not safe with threads, and a run imports on three.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types


class _Deferred(types.ModuleType):
    """Stands in for a module not imported yet; the first attribute read imports it."""

    def __getattr__(self, attr: str) -> object:
        return getattr(_load(self.__name__), attr)


_LOCK = threading.RLock()  # an import under it may read another stand-in


def _load(name: str) -> types.ModuleType:
    """The real module `name`, imported now if its stand-in is still in its place."""
    with _LOCK:
        current = sys.modules.get(name)
        if isinstance(current, _Deferred):
            del sys.modules[name]
        return importlib.import_module(name)


def defer(name: str) -> bool:
    """Put a stand-in for the top-level module `name` in `sys.modules`, unless it is imported
    already (then nothing changes); whether one was put there."""
    if name in sys.modules:
        return False
    sys.modules[name] = _Deferred(name)
    return True
