"""What must be imported before a run's head start (its continue written to dlv) stays small: the
report's model, the analysis and the wire types load after it, while the program runs to its
crash. Every module imported before the continue is CPU taken from dlv's own start."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import ROOT

_PROBE = """
import json, sys
from dlvauto.commands import runjob  # what the direct run imports before it checks its options
from dlvauto.commands.output import Output
from dlvauto.rpc import server, wire  # what the head start writes its requests with
Output.checked("report.json")
print(json.dumps(sorted(m for m in sys.modules if m.startswith("dlvauto."))))
"""

LATER = ("dlvauto.report", "dlvauto.snapshot", "dlvauto.enrich.source", "dlvauto.commands.finish",
         "dlvauto.analysis", "dlvauto.rpc.types", "dlvauto.rpc.checked", "dlvauto.render.json")  # fmt: skip


def test_the_head_start_needs_neither_the_report_nor_the_wire_types() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "dlvauto.commands.runjob" in loaded and "dlvauto.rpc.wire" in loaded
    assert sorted(loaded & set(LATER)) == []
