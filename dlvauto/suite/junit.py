"""JUnit XML, the format CI systems read: one testcase per scenario, a short summary as system-out.

Each testcase is placed where CI shows it: `classname` is the scenario's folder path (dotted, as
JUnit's classes are), `file` its expect.toml, so a failure links to the file to change. The full
JSON reports go to a folder of their own (`--reports DIR`, a CI artifact), not into the XML.
"""

from __future__ import annotations

import os
import socket
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from dlvauto.suite.races import counted
from dlvauto.suite.runner import Outcome
from dlvauto.suite.scenarios import Scenario

_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text: str) -> str:
    """XML 1.0 has no place for most control characters (a program's output may hold them)."""
    return text.translate(_CONTROL)


def expect_path(scenario: Scenario) -> str:
    """The scenario's expect.toml as CI names files: relative to the current folder when under it."""
    path = scenario.expect_file
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def classname(scenario: Scenario) -> str:
    """The scenario's folder path, dotted: `examples/go/nil_map_write` -> `examples.go.nil_map_write`."""
    folder = Path(expect_path(scenario)).parent
    parts = [p for p in folder.parts if p not in ("/", ".", "..")]
    return ".".join(p.replace(".", "_") for p in parts) or scenario.name


def report_file_name(scenario: Scenario) -> str:
    """The file name of a scenario's full JSON report under --reports DIR."""
    return scenario.name.replace(os.sep, "__").replace("/", "__") + ".json"


def summary(o: Outcome, reports_dir: str | None = None) -> str:
    """A few lines a person reads in CI's test view (the whole report is a file of its own)."""
    assert o.report is not None
    c = o.report.crash
    lines = [f"kind: {c.kind}"]
    if c.message is not None:
        lines.append(f"message: {c.message[:300]}")
    fu = c.first_user_frame
    if fu is not None:
        lines.append(f"first user frame: {fu.function} at {fu.file}:{fu.line}")
    lines.append(f"signature: {c.signature}")
    for sig, n, where in counted(o.report):
        lines.append(f"race {sig} (x{n}): {where}")
    if reports_dir is not None:
        lines.append(f"report: {Path(reports_dir) / report_file_name(o.scenario)}")
    return "\n".join(lines)


def to_junit(outcomes: list[Outcome], suite_name: str = "dlvauto", reports_dir: str | None = None) -> str:
    failures = sum(1 for o in outcomes if o.status == "fail")
    errors = sum(1 for o in outcomes if o.status == "error")
    total = sum(o.seconds for o in outcomes)
    root = ET.Element("testsuites", name=suite_name, tests=str(len(outcomes)), failures=str(failures),
                      errors=str(errors), time=f"{total:.3f}")  # fmt: skip
    suite = ET.SubElement(
        root,
        "testsuite",
        name=suite_name,
        tests=str(len(outcomes)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{total:.3f}",
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"),
        hostname=socket.gethostname(),
    )
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", name=o.scenario.name, classname=classname(o.scenario),
                             file=expect_path(o.scenario), time=f"{o.seconds:.3f}")  # fmt: skip
        if o.error is not None:
            el = ET.SubElement(case, "error", message=_clean(o.error.splitlines()[0]), type="ScenarioError")
            el.text = _clean(o.error)
        elif o.differences:
            el = ET.SubElement(case, "failure", message=_clean(o.differences[0]), type="CrashMismatch")
            el.text = _clean("\n".join(o.differences))
        if o.report is not None:
            out = ET.SubElement(case, "system-out")
            out.text = _clean(summary(o, reports_dir))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
