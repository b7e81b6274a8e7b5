"""`dlvauto doctor --install-dlv` installs the pinned dlv where `go install` puts it
($(go env GOPATH)/bin), from the module cache, and says where."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dlvauto.system.dlv import INSTALL

from tests.helpers import needs_dlv, run_cli

pytestmark = [needs_dlv, pytest.mark.dlv]


def _go_env(name: str) -> str:
    go = shutil.which("go")
    assert go is not None
    return subprocess.run([go, "env", name], capture_output=True, text=True, check=True).stdout.strip()


def test_install_dlv_into_gopath_bin(tmp_path: Path) -> None:
    gopath = tmp_path / "gopath"
    cache = {"GOMODCACHE": _go_env("GOMODCACHE"), "GOCACHE": _go_env("GOCACHE")}  # the module cache: quick
    env = {**os.environ, **cache, "GOPATH": str(gopath), "GOFLAGS": "-mod=mod"}
    env.pop("GOBIN", None)
    r = run_cli("doctor", "--install-dlv", "--json", env=env, timeout=900)
    dlv = gopath / "bin" / "dlv"
    assert f"dlvauto: running {INSTALL}\n" in r.stderr, r.stderr
    assert f"dlvauto: installed {dlv}\n" in r.stderr, r.stderr
    version = subprocess.run([str(dlv), "version"], capture_output=True, text=True, timeout=60).stdout
    assert "Version: 1.27.1" in version
