"""The `testing` package's own words in a test binary's output: which tests failed, and why.

`go test` (and a test binary run with `-test.v`) prints `=== RUN   TestX` when a test starts,
`=== CONT  TestX` when a parallel one resumes, each `t.Error`/`t.Fatal` as an indented
`    file_test.go:12: message` (continuation lines indented further), and `--- FAIL: TestX (0.00s)`
when it ends failed; without -v the messages follow the `--- FAIL` line instead. Subtests are named
`TestX/sub` and indented by their depth. This reads both forms. It is untrusted text: nothing here
opens a file it names.
"""

from __future__ import annotations

import re
from dataclasses import field

from dlvauto.records import record

_HEADER = re.compile(r"^=== (?:RUN|CONT|PAUSE|NAME)\s+(\S+)")
_FAIL = re.compile(r"^\s*--- FAIL: (\S+) \(")
_END = re.compile(r"^\s*--- (?:PASS|SKIP): (\S+) \(")
_MESSAGE = re.compile(r"^( {4,})([^\s:]+\.go):(\d+): ?(.*)$")
MAX_MESSAGES = 50  # per test: a test that logs in a loop does not fill the report
MAX_TEXT = 2000


@record
class Message:
    file: str
    line: int
    text: str


@record
class Failure:
    name: str
    messages: list[Message] = field(default_factory=list)


def failed_tests(text: str) -> list[Failure]:
    """The tests `text` says failed, in the order they failed, each with its messages."""
    messages: dict[str, list[Message]] = {}
    failed: dict[str, Failure] = {}
    current: str | None = None
    last: Message | None = None
    last_indent = 0
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            current, last = m.group(1), None
            continue
        m = _FAIL.match(line)
        if m:
            name = m.group(1)
            failed.setdefault(name, Failure(name, messages.setdefault(name, [])))
            current, last = name, None  # without -v its messages come next
            continue
        if _END.match(line):
            current, last = None, None
            continue
        m = _MESSAGE.match(line)
        if m and current is not None:
            got = messages.setdefault(current, [])
            if len(got) < MAX_MESSAGES:
                last = Message(m.group(2), int(m.group(3)), m.group(4)[:MAX_TEXT])
                last_indent = len(m.group(1))
                got.append(last)
            continue
        if last is not None and line.startswith(" " * (last_indent + 4)) and len(last.text) < MAX_TEXT:
            last.text = (last.text + "\n" + line.strip())[:MAX_TEXT]  # a message's further lines
            continue
        last = None
    return list(failed.values())
