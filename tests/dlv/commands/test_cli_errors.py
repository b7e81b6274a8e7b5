"""Bad input gets one line on stderr and exit status 2, never a Python traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES, needs_dlv, one_error_line, run_cli


def _module(tmp: Path, files: dict[str, str]) -> Path:
    (tmp / "go.mod").write_text("module example.com/t\n\ngo 1.25\n")
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp


def test_folder_that_is_not_a_main_package(tmp_path: Path) -> None:
    src = _module(tmp_path, {"lib.go": "package lib\n\nfunc F() {}\n"})
    r = run_cli("run", str(src))
    assert r.returncode == 2
    line = one_error_line(r.stderr)
    assert "package lib, not a main package" in line


def test_folder_without_go_files(tmp_path: Path) -> None:
    r = run_cli("run", str(tmp_path))
    assert r.returncode == 2
    assert "has no Go source files" in one_error_line(r.stderr)


def test_missing_folder(tmp_path: Path) -> None:
    r = run_cli("run", str(tmp_path / "nope"))
    assert r.returncode == 2
    assert "does not exist" in one_error_line(r.stderr)


def test_compile_error_reaches_the_user_verbatim(tmp_path: Path) -> None:
    src = _module(tmp_path, {"main.go": "package main\n\nfunc main() {\n\tx := 1\n}\n"})
    r = run_cli("run", str(src))
    assert r.returncode == 2
    assert "go build failed" in one_error_line(r.stderr, detail_follows=True)
    # The compiler's own words, file:line:col included.
    assert "./main.go:4:2: declared and not used: x" in r.stderr


@pytest.mark.parametrize("value", ["0", "-3", "abc", "nan", "inf"])
def test_timeout_must_be_a_positive_number(value: str) -> None:
    r = run_cli("run", str(EXAMPLES / "nil_map_write"), f"--timeout={value}")
    assert r.returncode == 2
    assert "--timeout must be a positive number of seconds" in one_error_line(r.stderr)


def test_unknown_profile() -> None:
    r = run_cli("run", str(EXAMPLES / "nil_map_write"), "--profile", "fast")
    assert r.returncode == 2
    assert "unknown profile 'fast': use one of debug, optimized" in one_error_line(r.stderr)


def test_unknown_option_is_one_line() -> None:
    r = run_cli("run", str(EXAMPLES / "nil_map_write"), "--bogus")
    assert r.returncode == 2
    assert "--bogus" in one_error_line(r.stderr)


def test_go_missing() -> None:
    env = os.environ.copy()
    env["PATH"] = "/nonexistent"
    r = run_cli("run", str(EXAMPLES / "nil_map_write"), env=env)
    assert r.returncode == 2
    assert "go is not installed" in one_error_line(r.stderr)


@needs_dlv
def test_dlv_missing() -> None:
    r = run_cli("run", str(EXAMPLES / "nil_map_write"), "--dlv", "/nonexistent/dlv")
    assert r.returncode == 2
    assert "dlv not found at /nonexistent/dlv" in one_error_line(r.stderr)


@needs_dlv
def test_json_to_stdout_is_only_json() -> None:
    r = run_cli("run", str(EXAMPLES / "index_out_of_range"), "--json", "-")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["crash"]["kind"] == "panic"
    assert report["crash"]["message"] == "runtime error: index out of range [5] with length 3"
    assert report["crash"]["first_user_frame"]["function"] == "main.pick"
    assert r.stderr == "", "nothing but the report when writing JSON to stdout"


@needs_dlv
def test_json_file_and_human_view(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    r = run_cli("run", str(EXAMPLES / "nil_map_write"), "--json", str(out))
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    assert report["crash"]["first_user_frame"]["function"] == "example.com/nil_map_write/store.(*Cache).Put"
    assert "PANIC: assignment to entry in nil map" in r.stdout
    assert (
        "first user frame: #3 example.com/nil_map_write/store.(*Cache).Put at store/cache.go:14" in r.stdout
    )


def test_schema_is_json_schema_of_the_report() -> None:
    r = run_cli("schema")
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    props = schema["properties"]
    for key in ("schema_version", "source", "exit_code", "output", "crash", "goroutines", "inlining"):
        assert key in props
    crash = schema["$defs"]["Crash"]["properties"]
    assert set(crash) >= {
        "kind",
        "message",
        "goroutine_id",
        "throw_frame_index",
        "first_user_frame",
        "frame_n",
        "signature",
    }
    frame = schema["$defs"]["Frame"]
    contract = {"index", "function", "package", "file", "line", "pc", "category", "inlined"}
    assert set(frame["required"]) == contract, "design.md's Frame fields are always present"
    assert {"inlining", "source"} <= set(frame["properties"]) - contract, "explanations, when known"
