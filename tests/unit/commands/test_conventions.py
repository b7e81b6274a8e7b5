"""Command-line conventions a script and a person expect: --version, metavars and choices instead
of `<str>`, exit codes in --help, $COLUMNS honoured when piped, shell completion, -o, -q and
--fail-on-crash (shown on `parse`, which needs no dlv)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dlvauto.version import __version__

from tests.helpers import DLVAUTO

COMMANDS = [
    "run", "test", "exec", "core", "parse", "attach", "connect", "doctor", "schema", "sandbox", "suite",
    "history",
]  # fmt: skip
TRACE = "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/app/main.go:7 +0x25\nexit status 2\n"


def _cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DLVAUTO, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def test_version() -> None:
    r = _cli("--version")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"dlvauto {__version__}\n", "")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_what_each_value_is(command: str) -> None:
    r = _cli(command, "--help", env={"COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "<" not in r.stdout and "TEXT" not in r.stdout, r.stdout


def test_every_choice_is_listed() -> None:
    text = _cli("run", "--help", env={"COLUMNS": "200"}).stdout
    for shown in (
        "--profile debug|optimized", "--format terminal|md|html", "--via live|core", "--backend rpc|repl",
        "--unwind-check crash|all|none", "--timeout SECONDS", "--frame N", "-o, --out PATH", "--json PATH|-",
    ):  # fmt: skip
        assert re.search(rf"^\s+{re.escape(shown)}\s", text, re.M), shown


def test_exit_codes_are_in_help() -> None:
    text = " ".join(_cli("--help", env={"COLUMNS": "200"}).stdout.split())
    assert "Exit status: 0 a report was written" in text
    assert "2 bad input or a missing tool, 130 interrupted." in text


def test_columns_is_honoured_when_piped() -> None:
    wide = _cli("run", "--help", env={"COLUMNS": "160"}).stdout
    narrow = _cli("run", "--help", env={"COLUMNS": "60"}).stdout
    assert max(len(line) for line in wide.splitlines()) > 100
    assert max(len(line) for line in narrow.splitlines()) <= 60


def _complete(words: str, cword: int) -> list[str]:
    script = Path(sys.executable).parent / "dlvauto"  # completion is keyed by the console script's name
    env = {**os.environ, "_DLVAUTO_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    return subprocess.run([str(script)], capture_output=True, text=True, timeout=60, env=env).stdout.split()


def test_shell_completion() -> None:
    assert _complete("dlvauto ru", 1) == ["run"]
    assert _complete("dlvauto run . --fail-on", 3) == ["--fail-on-crash"]
    assert _complete("dlvauto cache p", 2) == ["prune"]


def test_short_out_quiet_and_fail_on_crash(tmp_path: Path) -> None:
    trace = tmp_path / "crash.txt"
    trace.write_text(TRACE)
    md = tmp_path / "r.md"
    r = _cli("parse", str(trace), "--format", "md", "-o", str(md), "-q")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert md.read_text().startswith("### dlvauto: PANIC — boom\n")
    r = _cli("parse", str(trace), "-q", "--fail-on-crash")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == "dlvauto: crash found (panic): exit status 1 (--fail-on-crash)\n"
    r = _cli("parse", str(trace), "--fail-on-crash", "--json", str(tmp_path / "r.json"), "-q")
    assert r.returncode == 1 and (tmp_path / "r.json").is_file()  # the report is written first
