"""The go tool on this machine: where it is, and the facts of its environment that change code.

Asked once per go binary and environment (`go env -json`), since every build and every check of
this machine needs the same few facts.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache

from dlvauto.errors import ToolMissing
from dlvauto.records import record
from dlvauto.system import launch, proc


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
    keys = ["GOVERSION", "GOROOT", "GOMODCACHE", "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "CC"]
    res = proc.run([go, "env", "-json", *keys], timeout=60)
    if res.returncode != 0:
        raise ToolMissing(
            f"`go env` failed: {res.stderr.strip().splitlines()[-1:] or res.returncode}; fix the Go install"
        )
    env = json.loads(res.stdout)
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
