"""The suite's race expectations, on the race examples and on a fresh racy program.

`race = "on"` builds with -race; `races = N` counts distinct race signatures, `allowed_races` lists
the ones that may appear; any other race fails the scenario with one line naming its two user
frames, which JUnit's system-out and the Markdown summary show too. Line numbers are found in the
sources, the signature in the suite's own report, so nothing here is tuned to one program.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

from junitparser import JUnitXml

from tests.helpers import EXAMPLES, needs_dlv, run_cli

pytestmark = needs_dlv


def _line(path: Path, text: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if text in t)


def _cases(junit: Path) -> dict[str, str]:
    """Each testcase's system-out, by scenario name."""
    return {c.name: c.system_out or "" for c in next(iter(JUnitXml.fromfile(str(junit))))}


def test_race_examples_hold_and_show_both_user_frames(tmp_path: Path) -> None:
    junit, md, reports = tmp_path / "j.xml", tmp_path / "s.md", tmp_path / "reports"
    field, maps = EXAMPLES / "race_struct_field", EXAMPLES / "race_map_writes"
    r = run_cli(
        "suite", str(field), str(maps), "--junit", str(junit), "--md", str(md), "--reports", str(reports)
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 passed, 0 failed" in r.stdout
    stats = field / "stats" / "stats.go"
    counter = "example.com/race_struct_field/stats.(*Counter)"
    get = f"read {counter}.Get at stats/stats.go:{_line(stats, 'return c.hits')}"
    set_ = f"write {counter}.Set at stats/stats.go:{_line(stats, 'c.hits = n')}"
    first_write = f"write main.record at main.go:{_line(maps / 'main.go', 'seen[0] = id')}"
    cases = _cases(junit)
    for name, where in [
        ("race_struct_field", f"{get} / {set_}"),
        ("scenarios/test_race", f"{get} / {set_}"),
        ("race_map_writes", f"{first_write} / {first_write}"),
    ]:
        report = json.loads((reports / f"{name.replace('/', '__')}.json").read_text())
        sigs = {x["signature"] for x in report["races"]}
        assert len(sigs) == 1, name
        (sig,) = sigs
        n = len(report["races"])
        assert f"race {sig} (x{n}): {where}" in cases[name].splitlines(), cases[name]
        assert f"| {name} | `{sig}` | {n} | {where} |" in md.read_text().splitlines()
    crash = json.loads((reports / "race_map_writes.json").read_text())
    assert crash["crash"]["kind"] == "fatal" and crash["crash"]["message"] == "concurrent map writes"


def _racy(tmp_path: Path) -> tuple[Path, str, str, int, int]:
    """A fresh program with random names: w<tag> writes a package variable, r<tag> reads it."""
    tag = secrets.token_hex(3)
    src = tmp_path / "scenarios" / f"racy{tag}"
    src.mkdir(parents=True)
    (src / "go.mod").write_text(f"module example.com/racy{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        f'package main\n\nimport (\n\t"fmt"\n\t"sync"\n)\n\nvar level{tag} int\n\n'
        f"func w{tag}(v int) {{\n\tlevel{tag} = v // WRITE\n}}\n\n"
        f"func r{tag}() int {{\n\treturn level{tag} // READ\n}}\n\n"
        "func main() {\n\tvar wg sync.WaitGroup\n\twg.Add(2)\n"
        f"\tgo func() {{\n\t\tdefer wg.Done()\n\t\tw{tag}(3)\n\t}}()\n"
        f"\tgo func() {{\n\t\tdefer wg.Done()\n\t\tfmt.Println(r{tag}())\n\t}}()\n"
        "\twg.Wait()\n}\n"
    )
    main = src / "main.go"
    return src, f"main.w{tag}", f"main.r{tag}", _line(main, "// WRITE"), _line(main, "// READ")


def _expect(src: Path, extra: str) -> None:
    (src / "expect.toml").write_text(f'kind = "none"\nexit_code = 66\nrace = "on"\n{extra}')


def test_a_new_race_fails_with_its_two_user_frames_until_expected(tmp_path: Path) -> None:
    src, writer, reader, wline, rline = _racy(tmp_path)
    where = f"read {reader} at main.go:{rline} / write {writer} at main.go:{wline}"
    reports, junit = tmp_path / "reports", tmp_path / "j.xml"

    _expect(src, "")  # no race expected: the race is a new one
    r = run_cli("suite", str(src), "--reports", str(reports), "--junit", str(junit))
    assert r.returncode == 1, r.stdout + r.stderr
    (sig,) = {x["signature"] for x in json.loads(next(reports.iterdir()).read_text())["races"]}
    assert f"  - races: new race {sig}: {where}" in r.stdout.splitlines()
    case = next(iter(next(iter(JUnitXml.fromfile(str(junit))))))
    assert case.result[0].message == f"races: new race {sig}: {where}"

    _expect(src, "races = 1\n")
    assert run_cli("suite", str(src)).returncode == 0

    _expect(src, "races = 2\n")
    r = run_cli("suite", str(src))
    assert r.returncode == 1
    assert f"  - races: expected 2 distinct, got 1 ({sig}: {where})" in r.stdout.splitlines()

    other = "0" * 16 if sig != "0" * 16 else "1" * 16
    _expect(src, f'allowed_races = ["{other}"]\n')
    r = run_cli("suite", str(src))
    assert r.returncode == 1 and f"  - races: new race {sig}: {where}" in r.stdout.splitlines()

    _expect(src, f'allowed_races = ["{other}", "{sig}"]\n')
    assert run_cli("suite", str(src)).returncode == 0


def test_update_accepts_the_observed_races(tmp_path: Path) -> None:
    src, *_ = _racy(tmp_path)
    _expect(src, "")
    assert run_cli("suite", str(src)).returncode == 1
    r = run_cli("suite", str(src), "--update")
    assert r.returncode == 0, r.stdout + r.stderr
    text = (src / "expect.toml").read_text()
    assert 'race = "on"' in text and "races = 1" in text.splitlines()
    assert run_cli("suite", str(src)).returncode == 0


def test_a_race_build_of_a_copied_example_still_holds_when_moved(tmp_path: Path) -> None:
    """The example's expect.toml names files relative to its module: a copy elsewhere holds too."""
    dst = tmp_path / "race_struct_field"
    shutil.copytree(EXAMPLES / "race_struct_field", dst)
    r = run_cli("suite", str(dst))
    assert r.returncode == 0 and "2 passed, 0 failed" in r.stdout, r.stdout + r.stderr
