"""The quick start asks `go env` for the build check (system/goenv_ahead.py), and the check takes
that answer only when it was asked of the same go in the same environment and came back clean.

A wrapper named by DLVAUTO_GO writes down what each `go env` it runs had for its stderr: the quick
start's goes to /dev/null, a `go env` system/go.py asks itself has a pipe. The programs are written
here with random names, each test with a cache of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

from tests.helpers import cache_env, needs_dlv, run_cli, run_python, write_go_program

pytestmark = needs_dlv


def _real_go() -> str:
    real = shutil.which("go")
    assert real is not None
    return real


def _wrapped_go(tmp_path: Path, fail_when_quiet: bool = False) -> tuple[Path, Path]:
    """A `go` that appends "env quiet" or "env asked" for each `go env` (quiet: its stderr is
    /dev/null), then runs the real go; with `fail_when_quiet` such a `go env` exits 3 instead."""
    log = tmp_path / "go-env.log"
    wrapper = tmp_path / "go-wrapper"
    fail = 'if [ "$how" = quiet ]; then exit 3; fi\n' if fail_when_quiet else ""
    wrapper.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = env ]; then\n'
        '  if [ "$(readlink /proc/$$/fd/2)" = /dev/null ]; then how=quiet; else how=asked; fi\n'
        f'  echo "env $how" >> "{log}"\n'
        f"  {fail}"
        "fi\n"
        f'exec "{_real_go()}" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper, log


def _go_version() -> str:
    return subprocess.run(
        [_real_go(), "env", "GOVERSION"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _run(src: Path, env: dict[str, str]) -> dict[str, object]:
    res = run_cli("run", str(src), "--json", "-", env=env)
    assert res.returncode == 0, res.stderr
    report: dict[str, object] = json.loads(res.stdout)
    return report


def test_a_second_run_takes_the_go_env_its_quick_start_asked(tmp_path: Path) -> None:
    wrapper, log = _wrapped_go(tmp_path)
    src, fail = write_go_program(tmp_path, "goenv", '\tpanic("asked ahead")\n')
    env = {**cache_env(tmp_path / "cache"), "DLVAUTO_GO": str(wrapper)}
    first = _run(src, env)
    assert log.read_text().splitlines() == ["env asked"]  # no memo yet: the check asks itself
    log.unlink()
    second = _run(src, env)
    assert log.read_text().splitlines() == ["env quiet"]  # the quick start's, and no other
    for report in (first, second):
        assert report["source"]["go_version"] == _go_version()  # type: ignore[index]
        assert report["crash"]["first_user_frame"]["function"] == f"main.{fail}"  # type: ignore[index]
        assert report["crash"]["message"] == "asked ahead"  # type: ignore[index]


def test_a_go_env_that_failed_at_the_quick_start_is_asked_again(tmp_path: Path) -> None:
    wrapper, log = _wrapped_go(tmp_path, fail_when_quiet=True)
    src, fail = write_go_program(tmp_path, "goenv", '\tpanic("asked again")\n')
    env = {**cache_env(tmp_path / "cache"), "DLVAUTO_GO": str(wrapper)}
    _run(src, env)
    log.unlink()
    report = _run(src, env)
    assert log.read_text().splitlines() == ["env quiet", "env asked"]  # it failed: asked again
    assert report["source"]["go_version"] == _go_version()  # type: ignore[index]
    assert report["crash"]["first_user_frame"]["function"] == f"main.{fail}"  # type: ignore[index]


_PROBE = """
import json, os, sys
from dlvauto.commands import quickstart
from dlvauto.system import go, goenv_ahead
quickstart._ask_go_env()
asked_pid = goenv_ahead._asked.pid
os.environ["GOFLAGS"] = "-mod=mod"  # the environment changed since it was asked
facts = go.go_env()
try:
    reaped = os.waitpid(asked_pid, os.WNOHANG) is None
except ChildProcessError:
    reaped = True
print(json.dumps({"goflags": facts.goflags, "reaped": reaped, "held": goenv_ahead._asked is not None}))
"""


def test_an_answer_asked_in_another_environment_is_not_taken(tmp_path: Path) -> None:
    wrapper, log = _wrapped_go(tmp_path)
    env = {**os.environ, "DLVAUTO_GO": str(wrapper), "GOFLAGS": "-mod=readonly"}
    res = run_python(_PROBE, env=env)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got == {"goflags": "-mod=mod", "reaped": True, "held": False}
    # The quiet one was ended at once (whether it got as far as its log line is a race).
    assert [line for line in log.read_text().splitlines() if line != "env quiet"] == ["env asked"]
