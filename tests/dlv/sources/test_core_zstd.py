"""`run --save-core` keeps the core zstd-compressed, and `dlvauto core` reads it back: the same
crash, a fraction of the size; a damaged compressed core is one line, exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import zstandard

from tests.helpers import EXAMPLES, needs_dlv, one_error_line, run_cli

pytestmark = needs_dlv


def test_saved_core_is_compressed_and_reopens(tmp_path: Path) -> None:
    saved, out = tmp_path / "saved", tmp_path / "run.json"
    r = run_cli("run", str(EXAMPLES / "nil_map_write"), "--save-core", str(saved), "--json", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in saved.iterdir()) == ["core.zst", "nil_map_write", "stop.json"]
    stop = json.loads((saved / "stop.json").read_text())
    assert stop["core"] == "core.zst"
    packed = (saved / "core.zst").read_bytes()
    plain = zstandard.ZstdDecompressor().decompressobj().decompress(packed)
    assert plain[:4] == b"\x7fELF"
    assert len(packed) * 4 < len(plain), (len(packed), len(plain))  # a Go core is mostly zero pages
    live = json.loads(out.read_text())
    assert live["source"]["core"] == str(saved / "core.zst")
    scratch = tmp_path / "tmp"  # where dlvauto unpacks the core: nothing of it may stay
    scratch.mkdir()
    r = run_cli("core", str(saved), "--json", "-", env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 0, r.stderr
    assert list(scratch.iterdir()) == []
    again = json.loads(r.stdout)
    assert again["source"]["core"] == str(saved / "core.zst")
    for key in ("kind", "message", "signature"):
        assert again["crash"][key] == live["crash"][key], key
    for key in ("function", "file", "line", "index"):  # a core has no values read (--values is live)
        assert again["crash"]["first_user_frame"][key] == live["crash"]["first_user_frame"][key], key
    assert again["crash"]["first_user_frame"]["line"] == 14


def test_a_damaged_compressed_core_is_one_line(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    assert run_cli("run", str(EXAMPLES / "nil_map_write"), "--save-core", str(saved), "-q").returncode == 0
    core = saved / "core.zst"
    core.write_bytes(core.read_bytes()[:4096])  # cut short
    r = run_cli("core", str(saved))
    line = one_error_line(r)
    assert r.returncode == 2
    assert line.startswith(f"dlvauto: error: {core}: not a readable zstd-compressed core (")
    assert line.endswith("): give the core dlvauto wrote")
