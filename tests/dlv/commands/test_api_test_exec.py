"""`dlvauto.test` and `dlvauto.exec`: the Python API's one call each, on a fresh module."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest

import dlvauto

from tests.helpers import needs_dlv

pytestmark = needs_dlv


def _module(tmp_path: Path) -> tuple[Path, str]:
    tag = secrets.token_hex(3)
    root = tmp_path / f"api{tag}"
    (root / "p").mkdir(parents=True)
    (root / "go.mod").write_text(f"module example.com/api{tag}\n\ngo 1.22\n")
    (root / "p" / "p.go").write_text(f'package p\n\nfunc Boom{tag}() {{\n\tpanic("api {tag}") // BOOM\n}}\n')
    (root / "p" / "p_test.go").write_text(
        f'package p\n\nimport "testing"\n\nfunc TestBoom(t *testing.T) {{ Boom{tag}() }}\n\n'
        "func TestFine(t *testing.T) {}\n"
    )
    (root / "main.go").write_text(
        f'package main\n\nimport "example.com/api{tag}/p"\n\nfunc main() {{ p.Boom{tag}() }}\n'
    )
    return root, tag


def test_test_and_exec_return_reports(tmp_path: Path) -> None:
    root, tag = _module(tmp_path)
    (report,) = dlvauto.test(root / "p", run="TestBoom")
    assert report.crash.message == f"api {tag}"
    assert report.crash.first_user_frame is not None
    assert (report.crash.first_user_frame.function, report.crash.first_user_frame.line) == (
        f"example.com/api{tag}/p.Boom{tag}",
        4,
    )
    assert report.crash.first_user_frame.source is not None  # the module a build names is trusted
    (fine,) = dlvauto.test(root / "p", run="TestFine")
    assert (fine.crash.kind, fine.exit_code) == ("none", 0)
    binary = tmp_path / "prog"
    subprocess.run(["go", "build", "-gcflags=all=-N -l", "-o", str(binary), "."], cwd=root, check=True)
    report = dlvauto.exec(binary)
    assert report.crash.first_user_frame is not None
    assert report.crash.first_user_frame.function == f"example.com/api{tag}/p.Boom{tag}"
    with pytest.raises(dlvauto.UserError, match="--frame must be a whole number >= 0"):
        dlvauto.exec(binary, frame=-1)
