"""The checkout's launcher (scripts/launcher.py): its text, and that setup wrote it (a real run with it:
tests/dlv/commands/test_launcher.py)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, load_launcher


def test_text_and_where_it_cannot_be_used() -> None:
    launcher = load_launcher()
    source = launcher.text("/opt/v/bin/python", "/src/dlvauto")
    assert source.splitlines()[0] == "#!/opt/v/bin/python -S"
    assert "sys.path.append('/src/dlvauto')" in source and source.endswith("entry(site_later=True)\n")
    assert launcher.text("/opt/my venv/bin/python", "/src") is None, "a space ends the #! line's path"
    assert launcher.text("/" + "v" * 260 + "/bin/python", "/src") is None, "longer than the kernel reads"


def test_the_checkouts_console_script_is_the_launcher() -> None:
    script = Path(sys.executable).parent / "dlvauto"
    if Path(sys.executable).parent.parent != ROOT / ".venv" or not script.is_file():
        pytest.skip("runs in the checkout's own .venv (scripts/setup.sh)")
    assert script.read_text().splitlines()[0] == f"#!{ROOT / '.venv' / 'bin' / 'python'} -S"


def test_write_puts_the_launcher_in_place_as_pip_left_its_script(tmp_path: Path) -> None:
    launcher = load_launcher()
    (tmp_path / "bin").mkdir()
    script = tmp_path / "bin" / "dlvauto"
    script.write_text("#!/usr/bin/python\n# pip's\n")
    assert launcher.write(tmp_path, Path("/src/dlvauto")) is True
    assert script.read_text() == launcher.text(str(tmp_path / "bin" / "python"), "/src/dlvauto")
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert [p.name for p in (tmp_path / "bin").iterdir()] == ["dlvauto"], "no temporary file left"
    spaced = tmp_path / "my venv"
    (spaced / "bin").mkdir(parents=True)
    (spaced / "bin" / "dlvauto").write_text("pip's wrapper\n")
    assert launcher.write(spaced, Path("/src")) is False
    assert (spaced / "bin" / "dlvauto").read_text() == "pip's wrapper\n"
