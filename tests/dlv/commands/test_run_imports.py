"""What a `dlvauto run` from the command line imports: nothing it defers (system/deferred.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT, cache_env, needs_dlv, write_go_program

pytestmark = needs_dlv


def test_a_run_from_the_command_line_never_imports_what_it_does_not_use(tmp_path: Path) -> None:
    """The command line defers it; a whole `dlvauto run` of a crash (built, run under dlv, reported)
    then never reads it: its imports (-X importtime) hold no inspect, ast or dis."""
    src, fail = write_go_program(tmp_path, "deferral", '\tpanic("deferred")\n')
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "dlvauto",
            "run",
            str(src),
            "--json",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        env=cache_env(tmp_path / "cache"),
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {
        line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
    }
    assert "dlvauto.sources.live" in imported  # the importtime lines are there: the run was read
    assert {"inspect", "ast", "dis"} & imported == set()
    # Nor what system/trees.py replaces, nor what only pydantic needs (cli.main says why).
    assert {"tempfile", "shutil", "bz2", "lzma", "random", "datetime"} & imported == set()
    assert f'"function": "main.{fail}"' in (tmp_path / "r.json").read_text()
