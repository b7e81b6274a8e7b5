"""The build cache is private and checked (issue 16, item 2): under umask 000 nothing dlvauto makes
there is open to others, a cache others can write is refused, and a binary that is not the one
built (replaced, truncated, its digest gone) is built again before it is run."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from tests.helpers import DLVAUTO, EXAMPLES, needs_dlv, one_error_line

pytestmark = needs_dlv


def _run(cache: Path, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DLVAUTO_CACHE_DIR": str(cache)}

    def pre() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [*DLVAUTO, "run", str(EXAMPLES / "nil_map_write"), "--json", "-"], env=env, capture_output=True,
        text=True, timeout=300, preexec_fn=pre,
    )  # fmt: skip


def _binary(cache: Path) -> Path:
    return next(p for p in cache.rglob("nil_map_write") if p.is_file())


def test_under_umask_000_the_cache_is_private(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    r = _run(cache, umask=0)
    assert r.returncode == 0, r.stderr
    for p in [cache, *cache.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert not mode & 0o077, f"{p} is {mode:o}"


def test_a_replaced_or_truncated_binary_is_rebuilt_not_run(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _run(cache).returncode == 0
    binary = _binary(cache)
    planted = tmp_path / "planted"
    binary.write_bytes(b"#!/bin/sh\necho pwned > " + str(planted).encode() + b"\n")
    r = _run(cache)
    assert r.returncode == 0, r.stderr
    assert not planted.exists(), "the planted binary ran"
    assert "does not match the digest recorded when it was built: building it again" in r.stderr
    assert json.loads(r.stdout)["crash"]["message"] == "assignment to entry in nil map"
    data = binary.read_bytes()
    binary.write_bytes(data[: len(data) // 2])  # truncated: rebuilt too, not broken for good
    r = _run(cache)
    assert r.returncode == 0 and json.loads(r.stdout)["crash"]["kind"] == "panic", r.stderr
    Path(str(binary) + ".sha256").unlink()
    r = _run(cache)
    assert "has no recorded digest: building it again" in r.stderr
    assert json.loads(r.stdout)["crash"]["kind"] == "panic"


def test_a_cache_others_can_write_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    r = _run(cache)
    assert one_error_line(r) == (
        f"dlvauto: error: the cache folder {cache} is writable by others (mode 777): its binaries could "
        f"be replaced; run `chmod 700 {cache}` or set DLVAUTO_CACHE_DIR to a private folder"
    )
    f = tmp_path / "afile"
    f.write_text("x")
    assert one_error_line(_run(f)).startswith(f"dlvauto: error: {f} is not a folder")
