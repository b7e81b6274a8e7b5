"""The run's head start: once every option is checked, the early dlv's program is set running before
the rest of dlvauto loads, and the run's own session reads those replies. The program runs once,
as the run would run it, and its timeout counts from when it was set running.

The programs are written here with random names; each test has a cache of its own.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.helpers import (
    cache_env,
    needs_dlv,
    processes_mentioning,
    run_probe,
    run_python,
    write_go_program,
)

pytestmark = needs_dlv

# The whole command line, in-process, with rpc.server.head_start watched.
_RUN = """
import json, sys
from dlvauto.rpc import server
seen = []
real = server.head_start
def watched(*args, **kwargs):
    seen.append(real(*args, **kwargs))
    return seen[-1]
server.head_start = watched
from dlvauto import cli
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "head_start": seen}))
"""


_MARK = (
    "\tf, _ := os.OpenFile(os.Args[1], os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)\n"
    '\tf.WriteString("started\\n")\n\tf.Close()\n'
)


def _program(root: Path, body: str, *, imports: str = "") -> tuple[Path, str]:
    """A program that appends a line to a file of its own when it starts, then runs `body`."""
    return write_go_program(root, "h", body, imports='\t"os"\n' + imports, main=_MARK)


def _run(src: Path, env: dict[str, str], *options: str) -> dict[str, object]:
    return run_probe(_RUN, "run", str(src), *options, env=env)


def test_a_head_started_program_runs_once_and_is_reported(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, fail = _program(tmp_path, '\tpanic("head start " + os.Args[1][len(os.Args[1])-4:])\n')
    marks = tmp_path / "marks.txt"
    for attempt in (1, 2):  # built then, and then on the remembered binary (the guess)
        report_path = tmp_path / f"report{attempt}.json"
        got = _run(src, env, "--json", str(report_path), "--", str(marks))
        assert got == {"code": 0, "head_start": [True]}
        assert marks.read_text() == "started\n" * attempt  # one start per run, not two
        report = json.loads(report_path.read_text())
        crash = report["crash"]
        assert crash["kind"] == "panic"
        assert crash["message"] == "head start " + str(marks)[-4:]
        assert crash["first_user_frame"]["function"] == f"main.{fail}"
        assert crash["first_user_frame"]["line"] == 8
    assert processes_mentioning(str(tmp_path / "cache")) == []


def test_a_head_started_program_that_hangs_is_halted_at_its_timeout(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, fail = _program(tmp_path, "\tfor {\n\t\ttime.Sleep(time.Millisecond)\n\t}\n", imports='\t"time"\n')
    marks = tmp_path / "marks.txt"
    report_path = tmp_path / "report.json"
    began = time.monotonic()
    got = _run(src, env, "--timeout", "1.5", "--json", str(report_path), "--", str(marks))
    took = time.monotonic() - began
    assert got == {"code": 0, "head_start": [True]}
    assert marks.read_text() == "started\n"
    report = json.loads(report_path.read_text())
    assert report["crash"]["kind"] == "hang"
    assert report["crash"]["first_user_frame"]["function"] == f"main.{fail}"
    assert 1.5 <= took < 60, took  # the go build is in it; the halt came at 1.5 s of running
    assert processes_mentioning(str(tmp_path / "cache")) == []


def test_an_option_refused_late_means_the_program_never_ran(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src, _ = _program(tmp_path, '\tpanic("never")\n')
    marks = tmp_path / "marks.txt"
    done = run_python(_RUN, "run", str(src), "--values", "many", "--", str(marks), env=env)
    assert done.stdout.splitlines()[-1] == json.dumps({"code": 2, "head_start": []})
    assert "--values" in done.stderr
    assert not marks.exists()
    assert processes_mentioning(str(tmp_path / "cache")) == []
