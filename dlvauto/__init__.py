"""dlvauto: explain Go crashes by driving the Go debugger Delve.

source -> snapshot -> analysis -> report -> renderers. The public names live here and are loaded
on first use, so `import dlvauto` (and the command line) stays quick; the modules behind them are
free to change.
"""

from __future__ import annotations

from dlvauto.version import __version__

# Not `typing.TYPE_CHECKING`: the command line's quick start (commands/quickstart.py) runs before
# typing (and re, collections, ...) is imported; type checkers read this name the same way.
TYPE_CHECKING = False

_PUBLIC = {
    "run": "dlvauto.api",
    "parse": "dlvauto.api",
    "core": "dlvauto.api",
    "attach": "dlvauto.api",
    "test": "dlvauto.api",
    "exec": "dlvauto.api",
    "DebuggerError": "dlvauto.errors",
    "ToolMissing": "dlvauto.errors",
    "analyze": "dlvauto.analysis",
    "build": "dlvauto.gobuild.program",
    "DlvautoError": "dlvauto.errors",
    "UserError": "dlvauto.errors",
    "Report": "dlvauto.report",
    "Snapshot": "dlvauto.snapshot",
    "run_live": "dlvauto.sources.live",
    "open_core": "dlvauto.sources.core",
}

if TYPE_CHECKING:
    from dlvauto.analysis import analyze
    from dlvauto.api import attach, core, exec, parse, run, test
    from dlvauto.errors import DebuggerError, DlvautoError, ToolMissing, UserError
    from dlvauto.gobuild.program import build
    from dlvauto.report import Report
    from dlvauto.snapshot import Snapshot
    from dlvauto.sources.core import open_core
    from dlvauto.sources.live import run_live


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        from importlib import import_module

        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'dlvauto' has no attribute {name!r}")


__all__ = [
    "DebuggerError",
    "DlvautoError",
    "Report",
    "Snapshot",
    "ToolMissing",
    "UserError",
    "__version__",
    "analyze",
    "attach",
    "build",
    "core",
    "exec",
    "open_core",
    "parse",
    "run",
    "run_live",
    "test",
]
