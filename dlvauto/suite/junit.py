"""JUnit XML, the format CI systems read: one testcase per scenario, the report as system-out."""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET

from dlvauto.suite.runner import Outcome

_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text: str) -> str:
    """XML 1.0 has no place for most control characters (a program's output may hold them)."""
    return text.translate(_CONTROL)


def to_junit(outcomes: list[Outcome], suite_name: str = "dlvauto") -> str:
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
        case = ET.SubElement(suite, "testcase", name=o.scenario.name, classname="dlvauto.suite",
                             time=f"{o.seconds:.3f}")  # fmt: skip
        if o.error is not None:
            el = ET.SubElement(case, "error", message=_clean(o.error.splitlines()[0]), type="ScenarioError")
            el.text = _clean(o.error)
        elif o.differences:
            el = ET.SubElement(case, "failure", message=_clean(o.differences[0]), type="CrashMismatch")
            el.text = _clean("\n".join(o.differences))
        if o.report is not None:
            out = ET.SubElement(case, "system-out")
            out.text = _clean(o.report.model_dump_json(indent=2))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
