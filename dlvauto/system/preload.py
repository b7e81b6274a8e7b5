"""Importing, on a thread of its own, modules the main thread will need later, while it waits.

A run's main thread spends most of its wall time waiting: for a build, for dlv to load the binary,
for the program to reach its crash, for dlv's replies. The modules that only the end of the run
uses (the analysis, the report's writers, rich for the terminal view) cost 50-100 ms of imports
there, after dlv is done, on the run's critical path. Imported here in those waits instead, they
are ready when the report is made. Python's import locks make the main thread wait for (or take
over) a module this thread is importing; nothing else is shared. A failure here is ignored: the
main thread imports the module again when it needs it and meets the error itself, in its place.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence


def in_background(modules: Sequence[str]) -> threading.Thread:
    """Start importing `modules`, in order, on a daemon thread; the thread (tests join it).

    An entry `module:function` also calls that function (no arguments) once it is imported: work
    that would otherwise be done on first use, on the critical path."""
    thread = threading.Thread(target=_import, args=(tuple(modules),), name="dlvauto-preload", daemon=True)
    thread.start()
    return thread


def _import(modules: tuple[str, ...]) -> None:
    for entry in modules:
        name, _, function = entry.partition(":")
        try:
            module = importlib.import_module(name)
            if function:
                getattr(module, function)()
        except BaseException:  # the main thread meets it again, where it matters
            return
