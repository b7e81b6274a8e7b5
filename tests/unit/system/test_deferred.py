"""system/deferred.py: a deferred module is imported on its first use, whoever uses it and however
(tests/dlv/commands/test_run_imports.py: a command line's run never imports `inspect` at all).

Each case runs in a fresh interpreter: the test process has imported `inspect` long ago.
"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def _fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_dataclasses_gets_inspect_when_it_needs_it() -> None:
    """A dataclass without a docstring: dataclasses calls inspect.signature through the stand-in."""
    out = _fresh(
        "import sys\n"
        "from dlvauto.system.deferred import defer\n"
        "print(defer('inspect'), type(sys.modules['inspect']).__name__)\n"
        "import dataclasses\n"
        "print('ast' in sys.modules, type(sys.modules['inspect']).__name__)\n"
        "@dataclasses.dataclass\n"
        "class Qx7Point:\n"
        "    x: int\n"
        "    y: str = 'k'\n"
        "print(Qx7Point.__doc__)\n"
        "print(type(sys.modules['inspect']).__name__, 'ast' in sys.modules)\n"
        "import inspect\n"
        "print(inspect.signature(Qx7Point) == inspect.signature(Qx7Point), inspect.isclass(Qx7Point))\n"
    )
    assert out.splitlines() == [
        "True _Deferred",  # put in its place
        "False _Deferred",  # importing dataclasses did not import it (nor ast)
        "Qx7Point(x: int, y: str = 'k')",  # what dataclasses writes with the real inspect
        "module True",  # the real one, imported at that first use
        "True True",
    ]


def test_a_module_imported_already_is_left_alone() -> None:
    out = _fresh(
        "import sys, inspect\n"
        "from dlvauto.system.deferred import defer\n"
        "print(defer('inspect'), sys.modules['inspect'] is inspect)\n"
    )
    assert out == "False True"


def test_threads_reading_it_at_once_all_get_the_real_module() -> None:
    out = _fresh(
        "import sys, threading\n"
        "from dlvauto.system.deferred import defer\n"
        "defer('inspect')\n"
        "stand_in = sys.modules['inspect']\n"
        "seen = []\n"
        "start = threading.Barrier(8)\n"
        "def read():\n"
        "    start.wait()\n"
        "    seen.append(stand_in.getmodule)\n"
        "threads = [threading.Thread(target=read) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "import inspect\n"
        "print(len(seen), all(f is inspect.getmodule for f in seen), type(inspect).__name__)\n"
    )
    assert out == "8 True module"
