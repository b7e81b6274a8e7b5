"""The crash-regression suite: the corpus holds, JUnit validates, changes are caught, --update mends."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xmlschema
from junitparser import JUnitXml

from tests.helpers import DATA, EXAMPLES, ROOT, SCENARIO_NAMES, needs_dlv, run_cli

pytestmark = needs_dlv


def test_corpus_passes_and_junit_validates(tmp_path: Path) -> None:
    junit, md, reports = tmp_path / "out.xml", tmp_path / "summary.md", tmp_path / "reports"
    r = run_cli(
        "suite", str(EXAMPLES), "-j", "2", "--junit", str(junit), "--md", str(md), "--reports", str(reports)
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{len(SCENARIO_NAMES)} passed, 0 failed" in r.stdout
    xmlschema.XMLSchema(DATA / "junit" / "junit.xsd").validate(junit)
    suites = list(JUnitXml.fromfile(str(junit)))
    assert len(suites) == 1 and suites[0].tests == len(SCENARIO_NAMES) and suites[0].failures == 0
    cases = {c.name: c for c in suites[0]}
    assert set(cases) == set(SCENARIO_NAMES)
    assert len(cases["deep_stack"].system_out) < 1000  # a summary; the report is a file of its own
    assert f"report: {reports / 'deep_stack.json'}" in cases["deep_stack"].system_out
    report = json.loads((reports / "deep_stack.json").read_text())
    assert report["crash"]["frame_n"]["frame"]["function"] == "example.com/deep_stack/a.Level2"
    assert f"## dlvauto suite: {len(SCENARIO_NAMES)}/{len(SCENARIO_NAMES)} scenarios hold" in md.read_text()


def _scenario(tmp_path: Path, name: str) -> Path:
    dst = tmp_path / "scenarios" / name
    shutil.copytree(EXAMPLES / name, dst)
    return dst


def _suite(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("suite", *args)


def test_moved_crash_line_fails_then_update_passes(tmp_path: Path) -> None:
    src = _scenario(tmp_path, "nil_map_write")
    cache = src / "store" / "cache.go"
    text = cache.read_text()
    cache.write_text(text.replace("\tc.items[k] = v", "\t_ = k\n\tc.items[k] = v", 1))
    junit = tmp_path / "j.xml"
    r = _suite(str(src.parent), "--junit", str(junit))
    assert r.returncode == 1
    assert "first_user_frame.line: expected 14, got 15" in r.stdout
    case = next(iter(next(iter(JUnitXml.fromfile(str(junit))))))
    assert case.result[0].message == "first_user_frame.line: expected 14, got 15"
    r = _suite(str(src.parent), "--update")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "-first_user_frame" in r.stdout or "line = 15" in r.stdout, "the diff is shown before writing"
    assert _suite(str(src.parent)).returncode == 0


def test_other_message_fails_with_the_message_difference(tmp_path: Path) -> None:
    src = _scenario(tmp_path, "deep_stack")
    c = src / "c" / "c.go"
    c.write_text(c.read_text().replace("checksum mismatch", "digest mismatch"))
    r = _suite(str(src.parent))
    assert r.returncode == 1
    want, got = "'checksum mismatch: got 6, want 7'", "'digest mismatch: got 6, want 7'"
    assert f"message: expected to contain {want}, got {got}" in r.stdout
    assert _suite(str(src.parent), "--update").returncode == 0
    assert 'message = "digest mismatch: got 6, want 7"' in (src / "expect.toml").read_text()
    assert _suite(str(src.parent)).returncode == 0


def test_no_crash_fails_with_the_kind_then_update_passes(tmp_path: Path) -> None:
    src = _scenario(tmp_path, "index_out_of_range")
    main = src / "main.go"
    main.write_text(
        main.read_text().replace(
            "return items[i]", 'if i >= len(items) {\n\t\treturn ""\n\t}\n\treturn items[i]'
        )
    )
    r = _suite(str(src.parent))
    assert r.returncode == 1
    assert "kind: expected 'panic', got 'none'" in r.stdout
    assert _suite(str(src.parent), "--update").returncode == 0
    text = (src / "expect.toml").read_text()
    assert 'kind = "none"' in text and "exit_code = 0" in text
    assert _suite(str(src.parent)).returncode == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('kind = "boom"\n', "key 'kind': Input should be 'panic', 'fatal', 'signal', 'hang' or 'none'"),
        ('kind = "panic"\nknd = 1\n', "unknown key 'knd'; allowed keys: description, kind, message"),
        (
            'kind = "panic"\nfirst_user_frame = { fn = "x" }\n',
            "unknown key 'first_user_frame.fn'; allowed keys: function, file, line",
        ),
        (
            'kind = "panic"\nmessage_regex = "("\n',
            "key 'message_regex': Value error, not a valid regular expression",
        ),
        ("kind = \n", "not valid TOML: Invalid value (at line 1, column 8)"),
    ],
)
def test_bad_expect_toml_fails_its_scenario_with_one_line(
    tmp_path: Path, content: str, expected: str
) -> None:
    src = _scenario(tmp_path, "clean_exit")
    (src / "expect.toml").write_text(content)
    r = _suite(str(src.parent))
    assert r.returncode == 1, r.stdout + r.stderr
    reason = r.stdout.split("clean_exit: error\n  - ", 1)[1].splitlines()[0]
    assert reason.startswith(f"{src / 'expect.toml'}: ")
    assert expected in reason


def test_history_marks_new_signatures(tmp_path: Path) -> None:
    src = _scenario(tmp_path, "goroutine_panic")
    db = tmp_path / "history.sqlite"
    first = _suite(str(src.parent), "--history", str(db))
    assert first.returncode == 0 and "new crash signature" in first.stdout
    second = _suite(str(src.parent), "--history", str(db))
    assert second.returncode == 0 and "new crash signature" not in second.stdout
    listing = run_cli("history", str(db))
    assert listing.returncode == 0
    row = next(line for line in listing.stdout.splitlines() if "goroutine_panic" in line)
    assert " panic " in row and " 2 " in row and "jobs.Run" in row


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]])
def test_pytest_plugin_runs_the_scenarios(xdist: list[str]) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "pytest", str(EXAMPLES), "-q", "-p", "no:cacheprovider", *xdist],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-3000:]
    assert f"{len(SCENARIO_NAMES)} passed" in r.stdout


def test_pytest_plugin_shows_the_difference(tmp_path: Path) -> None:
    src = _scenario(tmp_path, "deep_stack")
    c = src / "c" / "c.go"
    c.write_text(c.read_text().replace("checksum mismatch", "digest mismatch"))
    r = subprocess.run(
        [sys.executable, "-m", "pytest", str(src), "-q", "-p", "no:cacheprovider"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert r.returncode == 1
    assert "deep_stack: the crash report differs from expect.toml:" in r.stdout
    assert "message: expected to contain 'checksum mismatch" in r.stdout
