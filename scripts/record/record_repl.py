"""Record what dlv's terminal prints, for the REPL parser's tests (tests/data/repl/NAME.json).

Each file holds one real session on one example of examples/go: the commands typed, in order, and
dlv's reply to each (the echoed command and the prompt removed, line ends as `\\n`), with the dlv and
Go versions that printed them. The sessions are driven by dlvauto's own terminal code (the same
private config, TERM=dumb and redirects as `--backend repl`), so the replies are what the parser
meets. Paths in them are this machine's; the tests check paths by their ends.

Usage: .venv/bin/python scripts/record/record_repl.py [NAME ...]   (default: every session below)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "repl"
DEPTH = 100
STACK = f"stack {DEPTH} -offsets"

Step = Callable[[list[dict[str, str]]], str | None]  # the next command, from what was said so far


def _pc_of_frame(index: int) -> Step:
    """`disassemble -l *PC` for frame `index` of the last stack listing."""

    def step(said: list[dict[str, str]]) -> str | None:
        last = next(e["reply"] for e in reversed(said) if e["command"].startswith("stack"))
        m = re.search(rf"^\s*{index}  (0x[0-9a-f]+) in ", last, re.MULTILINE)
        return f"disassemble -l *{int(m.group(1), 16):#x}" if m else None

    return step


def _crash_goroutine_stack(ancestors: int) -> Step:
    def step(said: list[dict[str, str]]) -> str | None:
        m = re.search(r"hits goroutine\((\d+)\)", said[0]["reply"])
        return f"goroutine {m.group(1)} {STACK} -a {ancestors} -adepth {DEPTH}" if m else None

    return step


SESSIONS: dict[str, tuple[dict[str, str], list[str | Step]]] = {
    "nil_map_write": (
        {},
        [
            "continue",
            f"goroutines -g -exec {STACK}",
            "goroutines -exec print runtime.curg.atomicstatus.value",
            "frame 0 print runtime.curg._panic.arg",
            "goroutine 1 frame 3",
            "goroutine 1 frame 3 args",
            "goroutine 99999 stack",
            "continue",
        ],
    ),
    "inlined_two_deep": ({}, ["continue", STACK, _pc_of_frame(4), "continue"]),
    "deadlock": ({}, ["continue", "goroutines -g", STACK, "frame 0 print s", "continue"]),
    "cgo_sigsegv": ({}, ["continue", "frame 0 print sig", "continue"]),
    "panic_error_value": ({}, ["continue", "frame 0 print runtime.curg._panic.arg", "continue"]),
    "stack_overflow": ({}, ["continue", "stack 20 -offsets", "frame 0 print s"]),
    "goroutine_panic": (
        {"GODEBUG": "tracebackancestors=2"},
        ["continue", _crash_goroutine_stack(2), "goroutines -g"],
    ),
    "hang": ({}, ["continue^C", "goroutines -g", STACK]),
    "os_exit_3": ({}, ["continue"]),
}


def record(name: str, env_extra: dict[str, str], steps: list[str | Step]) -> dict[str, object]:
    from dlvauto.debugger import Options
    from dlvauto.gobuild.program import build
    from dlvauto.repl.debugger import open_session
    from dlvauto.suite.expect import Expectation
    from dlvauto.system.dlv import find_dlv, version_of

    exp = Expectation.load(ROOT / "examples" / "go" / name / "expect.toml")
    binary = build(ROOT / "examples" / "go" / name, exp.profile).binary
    dlv = find_dlv()
    env = {**os.environ, **env_extra}
    said: list[dict[str, str]] = []
    with open_session(Options(dlv), ["exec", str(binary), "--"], redirect_output=True, env=env) as s:
        term = s.term
        for step in steps:
            command = step(said) if callable(step) else step
            if command is None:
                raise SystemExit(f"record_repl: {name}: no command could be made from the replies so far")
            if command.endswith("^C"):
                reply, _ = term.run_for(command[:-2], float(exp.timeout))
                said.append({"command": command[:-2], "reply": reply, "note": "Ctrl-C after the timeout"})
            else:
                said.append({"command": command, "reply": term.command(command)})
    go = subprocess.run(["go", "version"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        # "by" keeps the name the recordings in tests/data/repl carry (test_repl_parse.py checks it)
        "recorded_with": {"dlv": version_of(dlv), "go": go, "by": "scripts/record_repl.py"},
        "example": name,
        "profile": exp.profile,
        "env": env_extra,
        "exchanges": said,
    }


def main(argv: list[str]) -> int:
    names = argv or list(SESSIONS)
    unknown = [n for n in names if n not in SESSIONS]
    if unknown:
        print(f"record_repl: no session named {', '.join(unknown)}; known: {', '.join(SESSIONS)}")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        env_extra, steps = SESSIONS[name]
        doc = record(name, env_extra, steps)
        (OUT / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")
        print(f"recorded {name}: {len(doc['exchanges'])} exchanges")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
