"""The suite in CI: JUnit placed by folder and file, a short system-out and the reports in a folder,
a malformed expect.toml failing only its scenario, GitHub annotations, --update editing in place
(comments and inline tables kept) and --check as its dry run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from junitparser import Error, JUnitXml

from tests.helpers import EXAMPLES, needs_dlv

pytestmark = needs_dlv


def _copy(tmp_path: Path, *names: str) -> Path:
    root = tmp_path / "ci" / "crashes"
    for name in names:
        shutil.copytree(EXAMPLES / name, root / name)
    return root


def _suite(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "dlvauto", "suite", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip
    return r.returncode, r.stdout, r.stderr


def test_junit_places_each_case_and_a_malformed_expect_fails_only_its_own(tmp_path: Path) -> None:
    root = _copy(tmp_path, "nil_map_write", "deadlock", "clean_exit")
    (root / "clean_exit" / "expect.toml").write_text('kind = "none"\nexit_code = \n')
    junit, reports = tmp_path / "j.xml", tmp_path / "reports"
    status, out, err = _suite(
        tmp_path, "ci", "--junit", str(junit), "--reports", str(reports), env={"GITHUB_ACTIONS": "true"}
    )
    assert status == 1, out + err
    assert "2 passed, 1 failed" in out
    (suite,) = list(JUnitXml.fromfile(str(junit)))
    assert (suite.tests, suite.failures, suite.errors) == (3, 0, 1)
    cases = {c.name.removeprefix("crashes/"): c for c in suite}  # names are relative to the folder given
    assert sorted(c.name for c in suite) == [
        "crashes/clean_exit",
        "crashes/deadlock",
        "crashes/nil_map_write",
    ]
    for name in ("nil_map_write", "deadlock", "clean_exit"):
        assert cases[name].classname == f"ci.crashes.{name}"
        assert cases[name]._elem.get("file") == f"ci/crashes/{name}/expect.toml"
    bad = cases["clean_exit"].result
    assert len(bad) == 1 and isinstance(bad[0], Error)
    reason = f"{root / 'clean_exit' / 'expect.toml'}: not valid TOML: Invalid value (at line 2, column 13)"
    assert bad[0].message == reason
    summary = cases["nil_map_write"].system_out
    assert summary.splitlines() == [
        "kind: panic",
        "message: assignment to entry in nil map",
        "first user frame: example.com/nil_map_write/store.(*Cache).Put at "
        f"{root}/nil_map_write/store/cache.go:14",
        summary.splitlines()[3],
        f"report: {reports / 'crashes__nil_map_write.json'}",
    ]
    assert summary.splitlines()[3].startswith("signature: ")
    full = json.loads((reports / "crashes__nil_map_write.json").read_text())
    assert full["crash"]["first_user_frame"]["line"] == 14
    assert sorted(p.name for p in reports.iterdir()) == [
        "crashes__deadlock.json",
        "crashes__nil_map_write.json",
    ]
    assert f"::error file=ci/crashes/clean_exit/expect.toml,line=2::crashes/clean_exit: {reason}\n" in out


def test_update_edits_only_what_differs_keeping_comments_and_inline_tables(tmp_path: Path) -> None:
    root = _copy(tmp_path, "nil_map_write")
    src = root / "nil_map_write"
    cache = src / "store" / "cache.go"
    cache.write_text(cache.read_text().replace("\tc.items[k] = v", "\t_ = k\n\tc.items[k] = v", 1))
    expect = src / "expect.toml"
    original = "# kept: a note for the next person\n" + expect.read_text().replace(
        'kind = "panic"', 'kind = "panic"  # kept too'
    )
    expect.write_text(original)
    status, out, _ = _suite(tmp_path, "ci", env={"GITHUB_ACTIONS": "true"})
    assert status == 1
    line = next(n for n, text in enumerate(original.splitlines(), 1) if text.startswith("first_user_frame"))
    assert (
        f"::error file=ci/crashes/nil_map_write/expect.toml,line={line}::crashes/nil_map_write: "
        "first_user_frame.line: expected 14, got 15\n"
    ) in out
    status, out, _ = _suite(tmp_path, "ci", "--check")
    assert status == 1 and f"would update {expect}\n" in out
    assert expect.read_text() == original  # a dry run
    status, out, err = _suite(tmp_path, "ci", "--update")
    assert status == 0, out + err
    assert expect.read_text() == original.replace(
        'file = "store/cache.go", line = 14 }', 'file = "store/cache.go", line = 15 }'
    )
    status, out, _ = _suite(tmp_path, "ci", "--check")
    assert status == 0 and "would update" not in out


def test_pytest_short_summary_names_the_first_differing_field(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = _copy(tmp_path, "nil_map_write")
    cache = root / "nil_map_write" / "store" / "cache.go"
    cache.write_text(cache.read_text().replace("\tc.items[k] = v", "\t_ = k\n\tc.items[k] = v", 1))
    r = subprocess.run(
        [sys.executable, "-m", "pytest", str(root), "-q", "-p", "no:cacheprovider", "-rf"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, env={**os.environ, "COLUMNS": "160"},
    )  # fmt: skip
    assert r.returncode == 1
    summary = r.stdout.split("short test summary info", 1)[1]
    assert "nil_map_write - first_user_frame.line: 14 → 15\n" in summary


def test_shards_run_every_scenario_once_and_merge_back(tmp_path: Path) -> None:
    names = ["nil_map_write", "clean_exit", "index_out_of_range"]
    _copy(tmp_path, *names)
    files = []
    ran = []
    for k in (1, 2):
        junit, md = tmp_path / f"j{k}.xml", tmp_path / f"s{k}.md"
        status, out, err = _suite(tmp_path, "ci", "--shard", f"{k}/2", "--junit", str(junit), "--md", str(md))
        assert status == 0, out + err
        ran += [c.name for s in JUnitXml.fromfile(str(junit)) for c in s]
        files += [str(junit), str(md)]
    assert sorted(ran) == sorted(f"crashes/{n}" for n in names)  # each exactly once
    merged, summary = tmp_path / "all.xml", tmp_path / "all.md"
    status, out, err = _suite(tmp_path, "merge", *files, "--junit", str(merged), "--md", str(summary))
    assert status == 0, out + err
    (suite,) = list(JUnitXml.fromfile(str(merged)))
    assert (suite.tests, suite.failures, suite.errors) == (3, 0, 0)
    assert [c.name for c in suite] == sorted(f"crashes/{n}" for n in names)
    assert {c.classname for c in suite} == {f"ci.crashes.{n}" for n in names}
    text = summary.read_text()
    assert text.startswith("## dlvauto suite: 3/3 scenarios hold\n")
    assert [line.split(" | ")[0] for line in text.splitlines() if line.startswith("| crashes/")] == [
        f"| crashes/{n}" for n in sorted(names)
    ]
