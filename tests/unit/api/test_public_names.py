"""The package's public names: every one is the function or class it names (never a module), and
`import dlvauto` stays cheap (the heavy modules load on first use)."""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import pytest

import dlvauto


@pytest.mark.parametrize("name", dlvauto.__all__)
def test_no_public_name_is_a_module(name: str) -> None:
    assert not isinstance(getattr(dlvauto, name), ModuleType), name


def test_the_api_calls_are_functions_of_the_api_module() -> None:
    for name in ("run", "parse", "core", "attach"):
        fn = getattr(dlvauto, name)
        assert callable(fn) and fn.__module__ == "dlvauto.api", name


def test_import_is_cheap() -> None:
    heavy = "('pydantic', 'typer', 'rich', 'dlvauto')"
    code = f"import sys, dlvauto; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['dlvauto', 'dlvauto.version']"


def test_bad_option_raises_the_command_lines_line() -> None:
    with pytest.raises(dlvauto.UserError) as err:
        dlvauto.parse("panic: x\n\ngoroutine 1 [running]:\nmain.main()\n\t/m/main.go:3 +0x1\n", frame=-2)
    assert str(err.value) == "--frame must be a whole number >= 0, not '-2'"
    with pytest.raises(dlvauto.UserError) as err:
        dlvauto.run(".", profile="fast")  # type: ignore[arg-type]
    assert str(err.value) == "unknown profile 'fast': use one of debug, optimized"
