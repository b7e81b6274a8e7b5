"""`--race`: a fresh program's data race, under dlv and in `parse` of its saved stderr.

Both accesses' first user frames (function and line, from marker comments) and kinds are exact;
live and text agree; the signature is the same in 5 runs whichever goroutine the detector saw first.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import needs_dlv, run_cli

pytestmark = needs_dlv


def _accesses(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return sorted(
        (a["op"], a["first_user_frame"]["function"], a["first_user_frame"]["line"])
        for r in report["races"]
        for a in r["accesses"]
    )


def test_a_race_on_a_struct_field_live_and_in_text(tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    src = tmp_path / f"race{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/race{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"sync"\n)\n\n'
        f"type stats{tag} struct{{ hits int }}\n\n"
        f"func (s *stats{tag}) record() {{\n\ts.hits++ // RACE\n}}\n\n"
        f"func main() {{\n\tvar s stats{tag}\n\tvar wg sync.WaitGroup\n\tfor i := 0; i < 2; i++ {{\n"
        "\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\ts.record()\n\t\t}()\n\t}\n"
        "\twg.Wait()\n\tfmt.Println(s.hits)\n}\n"
    )
    line = next(i for i, t in enumerate((src / "main.go").read_text().splitlines(), 1) if "// RACE" in t)
    fn = f"main.(*stats{tag}).record"
    signatures = set()
    for _ in range(5):
        live = json.loads(run_cli("run", str(src), "--race", "--json", "-").stdout)
        assert live["exit_code"] == 66 and live["crash"]["kind"] == "none"
        assert _accesses(live) == [("read", fn, line), ("write", fn, line)]
        signatures |= {r["signature"] for r in live["races"]}
    assert len(signatures) == 1
    log = tmp_path / "stderr.txt"
    log.write_text(live["output"]["stderr"])
    text = json.loads(run_cli("parse", str(log), "--json", "-").stdout)
    assert _accesses(text) == _accesses(live)
    assert {r["signature"] for r in text["races"]} == signatures
    view = run_cli("run", str(src), "--race").stdout
    assert "data races (1)" in view and f"{fn} at main.go:{line}" in view


def _two_races(tmp_path: Path, tag: str) -> tuple[Path, dict[str, int]]:
    """A fresh module with two racy sites, one after the other; the lines of each."""
    src = tmp_path / f"races{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/races{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"sync"\n\t"time"\n)\n\n'
        f"var first{tag}, second{tag} int\n\n"
        f"func bumpFirst{tag}() {{\n\tfirst{tag}++ // FIRST\n}}\n\n"
        f"func bumpSecond{tag}() {{\n\tsecond{tag}++ // SECOND\n}}\n\n"
        "func twice(f func()) {\n\tvar wg sync.WaitGroup\n\tfor i := 0; i < 2; i++ {\n"
        "\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tf()\n\t\t}()\n\t}\n\twg.Wait()\n}\n\n"
        f"func main() {{\n\ttwice(bumpFirst{tag})\n\ttime.Sleep(20 * time.Millisecond)\n"
        f'\ttwice(bumpSecond{tag})\n\tfmt.Println("both done")\n}}\n'
    )
    lines = (src / "main.go").read_text().splitlines()
    marks = ("FIRST", "SECOND")
    return src, {mark: next(i for i, t in enumerate(lines, 1) if f"// {mark}" in t) for mark in marks}


def test_exec_a_race_build_and_halt_at_the_first_race(tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    src, lines = _two_races(tmp_path, tag)
    binary = tmp_path / f"races{tag}.bin"
    built = subprocess.run(
        ["go", "build", "-race", "-gcflags=all=-N -l", "-o", str(binary), "."],
        cwd=src, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    whole = json.loads(run_cli("exec", str(binary), "--race", "--json", "-").stdout)
    assert whole["exit_code"] == 66 and whole["crash"]["kind"] == "none"
    assert "both done" in whole["output"]["stdout"]
    assert _accesses(whole) == sorted(
        [(op, f"main.bump{name}{tag}", lines[mark]) for op in ("read", "write") for name, mark in
         (("First", "FIRST"), ("Second", "SECOND"))]
    )  # fmt: skip
    halted = json.loads(run_cli("exec", str(binary), "--race=halt", "--json", "-").stdout)
    assert halted["exit_code"] == 66 and "both done" not in halted["output"]["stdout"]
    assert _accesses(halted) == [
        ("read", f"main.bumpFirst{tag}", lines["FIRST"]),
        ("write", f"main.bumpFirst{tag}", lines["FIRST"]),
    ]
    assert any("race detector" in n for n in halted["notes"])


def test_exec_race_refuses_a_binary_built_without_it(tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    src, _ = _two_races(tmp_path, tag)
    binary = tmp_path / f"plain{tag}.bin"
    built = subprocess.run(
        ["go", "build", "-gcflags=all=-N -l", "-o", str(binary), "."],
        cwd=src, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    done = run_cli("exec", str(binary), "--race")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"dlvauto: error: {binary} was not built with -race: "
        "rebuild it with `go build -race`, or drop --race\n"
    )


def test_the_library_takes_race_as_the_command_line_does(tmp_path: Path) -> None:
    import dlvauto
    from dlvauto.errors import UserError

    tag = secrets.token_hex(3)
    src, lines = _two_races(tmp_path, tag)
    report = dlvauto.run(src, race="halt")
    assert report.exit_code == 66 and "both done" not in report.output.stdout
    (race,) = report.races
    fn = f"main.bumpFirst{tag}"
    assert sorted(
        (a.op, a.first_user_frame.function, a.first_user_frame.line)
        for a in race.accesses
        if a.first_user_frame is not None
    ) == [("read", fn, lines["FIRST"]), ("write", fn, lines["FIRST"])]
    plain = tmp_path / "plain.bin"
    subprocess.run(["go", "build", "-o", str(plain), "."], cwd=src, check=True, timeout=600)
    with pytest.raises(UserError) as refused:
        dlvauto.exec(plain, race="on")
    assert str(refused.value) == (
        f"{plain} was not built with -race: rebuild it with `go build -race`, or drop --race"
    )
