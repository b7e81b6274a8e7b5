"""`dlvauto suite merge`: the JUnit XML and Markdown summaries of a CI matrix's shards as one.

Each shard (`--shard K/N`) writes its own files; the last job of the workflow joins them so the
test view and the step summary show the whole suite: test cases and table rows sorted by name, the
counts summed, the "What differed" sections kept.
"""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET

from dlvauto.errors import UserError

_PASS = "✅ pass"


def merge_junit(texts: list[tuple[str, str]], suite_name: str = "dlvauto") -> tuple[str, int]:
    """(name, XML) of each shard -> the merged XML and how many cases failed or erred."""
    cases: list[ET.Element] = []
    for name, text in texts:
        try:
            root = ET.fromstring(text)
        except ET.ParseError as exc:
            raise UserError(f"{name}: not JUnit XML ({exc}): give the files `suite --junit` wrote") from None
        cases += root.iter("testcase")
    cases.sort(key=lambda c: (c.get("classname", ""), c.get("name", "")))
    failures = sum(1 for c in cases if c.find("failure") is not None)
    errors = sum(1 for c in cases if c.find("error") is not None)
    total = sum(float(c.get("time", "0") or 0) for c in cases)
    counts = {
        "tests": str(len(cases)),
        "failures": str(failures),
        "errors": str(errors),
        "time": f"{total:.3f}",
    }
    root = ET.Element("testsuites", {"name": suite_name, **counts})
    stamp = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"), "hostname": socket.gethostname()}
    suite = ET.SubElement(root, "testsuite", {"name": suite_name, **counts, "skipped": "0", **stamp})
    suite.extend(cases)
    ET.indent(root)
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    return xml, failures + errors


def merge_markdown(texts: list[tuple[str, str]]) -> str:
    """(name, Markdown) of each shard's summary -> one summary of the whole suite."""
    rows: list[str] = []
    differed: list[str] = []
    for name, text in texts:
        lines = text.splitlines()
        if not lines or not lines[0].startswith("## dlvauto suite: "):
            raise UserError(
                f"{name}: not a summary `suite --md` wrote (its first line is not '## dlvauto suite: ')"
            )
        in_diff = False
        for line in lines[1:]:
            if line == "### What differed":
                in_diff = True
            elif in_diff:
                differed.append(line)
            elif line.startswith("| ") and not line.startswith("| scenario |"):
                rows.append(line)
    rows.sort()
    passed = sum(1 for r in rows if f"| {_PASS} |" in r)
    out = [
        f"## dlvauto suite: {passed}/{len(rows)} scenarios hold",
        "",
        "| scenario | result | kind | first user frame | seconds |",
        "|---|---|---|---|---:|",
        *rows,
    ]
    body = "\n".join(differed).strip()
    if body:
        out += ["", "### What differed", "", body]
    return "\n".join(out).rstrip() + "\n"
