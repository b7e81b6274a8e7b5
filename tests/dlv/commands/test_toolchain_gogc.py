"""The go toolchain runs with its own GOGC (launch.TOOLCHAIN_GOGC) unless the user set one, and
only the toolchain: dlv and the program under debug see the environment the user gave.

A wrapper named by DLVAUTO_GO writes down the GOGC each go command it runs was given, then runs
the real go; the programs are written here with random names, each test with a cache of its own.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from dlvauto.system.launch import TOOLCHAIN_GOGC

from tests.helpers import cache_env, needs_dlv, run_cli, run_python, write_go_program

pytestmark = needs_dlv


def _wrapped_go(tmp_path: Path) -> tuple[Path, Path]:
    """A `go` that appends "VERB GOGC" (GOGC or `unset`) to a log, then execs the real go."""
    real = shutil.which("go")
    assert real is not None
    log = tmp_path / "go-calls.log"
    wrapper = tmp_path / "go-wrapper"
    wrapper.write_text(
        f'#!/bin/sh\nprintf "%s %s\\n" "$1" "${{GOGC-unset}}" >> "{log}"\nexec "{real}" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper, log


def _program(tmp_path: Path) -> tuple[Path, str]:
    """A program that panics with the GOGC it was given, between brackets."""
    return write_go_program(
        tmp_path, "gogc", '\tpanic("gogc=[" + os.Getenv("GOGC") + "]")\n', imports='\t"os"\n'
    )


def _env(tmp_path: Path, wrapper: Path, gogc: str | None) -> dict[str, str]:
    env = cache_env(tmp_path / "cache")
    env["DLVAUTO_GO"] = str(wrapper)
    env.pop("GOGC", None)
    if gogc is not None:
        env["GOGC"] = gogc
    return env


def _builds(log: Path) -> list[str]:
    """The GOGC of each `go build` the wrapper ran."""
    return [line.split()[1] for line in log.read_text().splitlines() if line.split()[0] == "build"]


@pytest.mark.parametrize(("users", "toolchain"), [(None, TOOLCHAIN_GOGC), ("150", "150")])
def test_a_run_builds_with_the_toolchain_gogc_and_the_program_sees_the_users(
    tmp_path: Path, users: str | None, toolchain: str
) -> None:
    wrapper, log = _wrapped_go(tmp_path)
    src, fail = _program(tmp_path)
    res = run_cli("run", str(src), "--json", "-", env=_env(tmp_path, wrapper, users))
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["crash"]["kind"] == "panic"
    assert report["crash"]["message"] == f"gogc=[{users or ''}]"  # the program's own environment
    assert report["crash"]["first_user_frame"]["function"] == f"main.{fail}"
    assert _builds(log) == [toolchain]  # one build (the quick start's), with the toolchain's GOGC


def test_the_build_cache_builds_with_the_toolchain_gogc(tmp_path: Path) -> None:
    """A library caller's build (no quick start): program.build runs go itself."""
    wrapper, log = _wrapped_go(tmp_path)
    src, _ = _program(tmp_path)
    code = "import sys; from dlvauto.gobuild import program; print(program.build(sys.argv[1]).binary)"
    res = run_python(code, str(src), env=_env(tmp_path, wrapper, None))
    assert res.returncode == 0, res.stderr
    binary = Path(res.stdout.strip())
    assert binary.is_file() and binary.name == src.name
    assert _builds(log) == [TOOLCHAIN_GOGC]
