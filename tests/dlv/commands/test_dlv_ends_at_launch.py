"""dlv prints the address it listens at before it launches the program; when the launch fails it
exits, its socket gone, and the run must say dlv's reason at once, not after trying to connect
until a timeout (Connection.open's `ended`).

The failure is real: the real dlv runs under `strace -f`, so its target cannot be traced again
("operation not permitted"), as on a machine or container where ptrace is refused. It is run
twice on one program: a first run (the early start builds, then starts dlv), and a second, whose
quick start starts dlv on the remembered binary before anything else (the path that waited 20 s).
"""

from __future__ import annotations

import shutil
import stat
import time
from pathlib import Path

import pytest

from dlvauto.rpc.wire import Connection

from tests.helpers import (
    cache_env,
    needs_dlv,
    one_error_line,
    processes_mentioning,
    run_cli,
    write_go_program,
)

pytestmark = needs_dlv

STRACE = shutil.which("strace")

# Connection.open's own timeout: a run that waited it out would take at least this long.
CONNECT_TIMEOUT = Connection.open.__defaults__[0]  # type: ignore[index]


def _traced_dlv(tmp_path: Path) -> Path:
    """A dlv command that is the real dlv run under strace: dlv's ptrace of its target is refused."""
    from dlvauto.system.dlv import find_dlv

    assert STRACE is not None
    wrapper = tmp_path / "dlv-under-strace"
    wrapper.write_text(f'#!/bin/sh\nexec "{STRACE}" -f -o /dev/null -- "{find_dlv(None)}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


@pytest.mark.skipif(STRACE is None, reason="needs strace to make dlv's ptrace of its target fail")
def test_a_launch_dlv_refuses_is_reported_at_once_by_every_start(tmp_path: Path) -> None:
    src, _ = write_go_program(tmp_path, "refused", '\tpanic("never reached")\n')
    cache = tmp_path / "cache"
    env = cache_env(cache)
    env["DLVAUTO_DLV"] = str(_traced_dlv(tmp_path))
    for attempt in ("first run (built, then dlv started)", "second run (dlv started by the quick start)"):
        began = time.monotonic()
        res = run_cli("run", str(src), "--json", str(tmp_path / "report.json"), env=env, timeout=120)
        took = time.monotonic() - began
        line = one_error_line(res)
        assert "could not launch process" in line, (attempt, line)
        assert "ptrace is not allowed here" in line, (attempt, line)
        assert took < CONNECT_TIMEOUT, (
            f"{attempt}: {took:.1f}s, as if it waited to connect to a dlv that had ended"
        )
        assert processes_mentioning(str(cache / "builds")) == [], attempt
    assert list((cache / "early").iterdir()), (
        "the first run remembered its binary: the second had a quick start"
    )
