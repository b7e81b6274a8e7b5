"""The go tool on this machine: where it is, and the facts of its environment that change code.

Asked once per go binary and environment (`go env -json`), since every build and every check of
this machine needs the same few facts; a run's first question is asked at its quick start
(goenv_ahead.py), while dlv loads.
"""

from __future__ import annotations

import json
import os
import time
from functools import lru_cache

from dlvauto.errors import ToolMissing
from dlvauto.records import record
from dlvauto.system import goenv_ahead, launch, proc


@record(frozen=True)
class GoEnv:
    """The toolchain facts one `go env` call gives."""

    go: str
    version: str
    goroot: str
    gomodcache: str
    goos: str
    goarch: str
    cgo_enabled: str
    goflags: str
    cc: str


def find_go() -> str:
    """The go command: $DLVAUTO_GO, else `go` on PATH."""
    go = launch.go_path()  # the quick start's own answer (commands/quickstart.py)
    if go is None:
        raise ToolMissing(
            "go is not installed or not on PATH: install Go 1.25+ (https://go.dev/dl) and retry"
        )
    return go


_ENV_KEYS = (
    "GOPATH",
    "GOCACHE",
    "GOMODCACHE",
    "GOROOT",
    "GOFLAGS",
    "GOTOOLCHAIN",
    "GOOS",
    "GOARCH",
    "CGO_ENABLED",
    "CC",
)


def go_env(go: str | None = None) -> GoEnv:
    """The toolchain's facts, asked once per go binary and environment."""
    return _go_env(go or find_go(), tuple(os.environ.get(k, "") for k in _ENV_KEYS))


@lru_cache(maxsize=8)
def _go_env(go: str, _environment: tuple[str, ...]) -> GoEnv:
    answer = _asked_ahead(go)
    if answer is None:
        res = proc.run(goenv_ahead.command(go), timeout=60)
        if res.returncode != 0:
            why = res.stderr.strip().splitlines()[-1:] or res.returncode
            raise ToolMissing(f"`go env` failed: {why}; fix the Go install")
        answer = json.loads(res.stdout)
    env = answer
    return GoEnv(
        go=go,
        version=env.get("GOVERSION", ""),
        goroot=env.get("GOROOT", ""),
        gomodcache=env.get("GOMODCACHE", ""),
        goos=env.get("GOOS", ""),
        goarch=env.get("GOARCH", ""),
        cgo_enabled=env.get("CGO_ENABLED", ""),
        goflags=env.get("GOFLAGS", ""),
        cc=env.get("CC", ""),
    )


ASKED_TIMEOUT = 60.0  # as long as a `go env` of our own may take


def _asked_ahead(go: str) -> dict[str, str] | None:
    """The answer of the `go env` the quick start asked (goenv_ahead.py), if it was asked of this
    go in this very environment and answered cleanly; None to ask again (it is ended then)."""
    asked = goenv_ahead.take()
    if asked is None:
        return None
    if asked.go != go or asked.environ != dict(os.environ):
        goenv_ahead.end(asked)
        return None
    sp = proc.adopt_started(asked.pid, asked.argv)  # ended with the rest if anything goes wrong
    try:
        data = _read_to_end(asked.reader, time.monotonic() + ASKED_TIMEOUT)
        status = sp.wait(1.0) if data is not None else None
    finally:
        os.close(asked.reader)
        sp.stop(grace=0.1) if sp.popen.poll() is None else sp.release()
    if status != 0 or data is None:
        return None
    try:
        answer = json.loads(data)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not all(isinstance(answer.get(k), str) for k in goenv_ahead.QUERY):
        return None
    return answer


def _read_to_end(fd: int, deadline: float) -> bytes | None:
    """All a pipe gives until its writer closes it, or None past `deadline`."""
    import select

    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
