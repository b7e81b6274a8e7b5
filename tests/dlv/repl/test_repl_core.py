"""`dlvauto core --backend repl`: the same report as the RPC backend from the same core dump.

A core does not change between readings, so here the two backends must agree on everything:
every goroutine (ids included), every frame, the crash and its message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.sources.core import open_core

from tests.helpers import CRASHING, CoreMaker, needs_cores, needs_dlv, plain, run_cli

pytestmark = [needs_dlv, needs_cores]


@pytest.mark.parametrize("name", CRASHING)
def test_repl_core_report_equals_rpc_core_report(name: str, cores: CoreMaker) -> None:
    binary, core = cores(name)
    rpc = plain(analyze(open_core(binary, core)))
    repl = plain(analyze(open_core(binary, core, backend="repl")))
    assert repl["crash"] == rpc["crash"]
    assert repl["goroutines"] == rpc["goroutines"]
    assert repl["source"] == rpc["source"]


def test_core_command_with_a_transcript(cores: CoreMaker, tmp_path: Path) -> None:
    binary, core = cores("deadlock")
    out, transcript = tmp_path / "r.json", tmp_path / "t.txt"
    r = run_cli(
        "core",
        str(binary),
        str(core),
        "--backend",
        "repl",
        "--json",
        str(out),
        "--transcript",
        str(transcript),
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    assert report["source"]["mode"] == "core"
    assert (report["crash"]["kind"], report["crash"]["message"]) == (
        "fatal",
        "all goroutines are asleep - deadlock!",
    )
    text = transcript.read_text()
    # No goroutine is dying in a deadlock: the current thread's stack (checkdead) tells it.
    assert "(dlv) stack 100 -offsets\n" in text and " in runtime.checkdead\n" in text
    assert "(dlv) frame " in text and " print s\n" in text
