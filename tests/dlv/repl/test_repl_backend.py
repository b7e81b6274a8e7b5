"""`--backend repl` against the RPC backend on every example, its transcript, attach, and bad options.

Real go, real dlv, real programs: the REPL backend types into dlv's terminal and must report what
the RPC backend reports for the same crash.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.report import Frame, Report
from dlvauto.sources.live import run_live
from dlvauto.suite.expect import Expectation
from dlvauto.system.dlv import find_dlv

from tests.helpers import (
    EXAMPLE_NAMES,
    EXAMPLES,
    assert_hang_report,
    build_example,
    live_report,
    needs_dlv,
    one_error_line,
    run_cli,
    tracer_of,
)

pytestmark = needs_dlv


@pytest.fixture(scope="session")
def repl_reports() -> Iterator[dict[str, Report]]:
    cache: dict[str, Report] = {}
    yield cache


def repl_report(name: str, cache: dict[str, Report]) -> Report:
    if name not in cache:
        exp = Expectation.load(EXAMPLES / name / "expect.toml")
        built = build_example(name)
        snap = run_live(built.binary, exp.args, backend="repl", facts=built.facts, timeout=exp.timeout)
        cache[name] = analyze(snap)
    return cache[name]


def _facts(f: Frame | None) -> tuple[object, ...] | None:
    """What a frame must agree on across backends (its pc too: the same binary, not relocated)."""
    if f is None:
        return None
    # A shared library's code (libc's abort) is mapped where ASLR put it in each run: no fixed pc.
    pc = f.pc if f.pc < 1 << 40 else None
    return (f.index, f.function, f.file, f.line, pc, f.inlined, f.category)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_repl_report_equals_rpc_report(
    name: str, live_reports: dict[str, Report], repl_reports: dict[str, Report]
) -> None:
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    rpc, repl = live_report(name, live_reports), repl_report(name, repl_reports)
    a, b = rpc.crash, repl.crash
    assert b.kind == a.kind == exp.kind
    assert b.message == a.message
    assert repl.exit_code == rpc.exit_code
    assert repl.source.mode == "live" and repl.source.dlv_version == rpc.source.dlv_version
    if exp.crash_goroutine == "other":
        # Which of several identical goroutines crashes first, and the ids the runtime hands out,
        # vary run to run: compare "main or not" and the goroutine's frames instead.
        assert a.goroutine_id is not None and b.goroutine_id is not None
        assert a.goroutine_id != 1 and b.goroutine_id != 1
    else:
        assert b.goroutine_id == a.goroutine_id
    assert b.throw_frame_index == a.throw_frame_index
    assert _facts(b.first_user_frame) == _facts(a.first_user_frame)
    assert b.frame_n.index == a.frame_n.index
    assert _facts(b.frame_n.frame) == _facts(a.frame_n.frame)
    assert b.signature == a.signature
    ga, gb = rpc.crash_goroutine(), repl.crash_goroutine()
    if exp.kind == "none":
        assert ga is None and gb is None
        return
    assert ga is not None and gb is not None
    if exp.crash_goroutine == "other":
        # Racing goroutines may also meet the runtime's check at another line of the same function
        # (mapassign checks for a concurrent writer on entry and on exit): same functions, same
        # user frames to the line.
        assert [(f.index, f.function, f.inlined) for f in gb.frames] == [
            (f.index, f.function, f.inlined) for f in ga.frames
        ]
        assert [_facts(f) for f in gb.frames if f.category != "runtime"] == [
            _facts(f) for f in ga.frames if f.category != "runtime"
        ]
    else:
        assert [_facts(f) for f in gb.frames] == [_facts(f) for f in ga.frames]
    assert gb.status == ga.status and gb.wait_reason == ga.wait_reason
    if exp.inlined:
        assert {f.function for f in gb.frames if f.inlined} == set(exp.inlined)


def test_transcript_is_the_session_and_replays_by_hand(tmp_path: Path) -> None:
    transcript, report = tmp_path / "session.txt", tmp_path / "r.json"
    src = EXAMPLES / "nil_map_write"
    r = run_cli("run", str(src), "--backend", "repl", "--transcript", str(transcript), "--json", str(report))
    assert r.returncode == 0, r.stderr
    text = transcript.read_text()
    assert "\x1b" not in text and "\r" not in text, "no colour escapes, plain line ends"
    commands = [ln.removeprefix("(dlv) ") for ln in text.splitlines() if ln.startswith("(dlv) ")]
    assert commands[:7] == [
        "continue",
        f"transcript -t -x {commands[1].split()[-1]}",
        "goroutines -g -exec stack 100 -offsets",
        "transcript -off",
        f"transcript -t -x {commands[4].split()[-1]}",
        "goroutines -exec print runtime.curg.atomicstatus.value",
        "transcript -off",
    ]
    assert "# dlv wrote its reply to `goroutines -g -exec stack 100 -offsets` to " in text
    assert re.search(r"^\[6 goroutines\]\n\(dlv\) transcript -t -x ", text, re.M), (
        "the listing, then the prompt"
    )
    assert "frame 0 print runtime.curg._panic.arg" in commands
    # The values of the frames that explain the crash, as a person reads them: the first user
    # frame (#3) first, then the user frames above it; then the runtime finishes and dlv exits.
    shown = [c for c in commands if c.startswith("goroutine 1 frame ")]
    assert shown[:3] == ["goroutine 1 frame 3", "goroutine 1 frame 3 args", "goroutine 1 frame 3 locals"]
    assert commands[-2:] == ["continue", "exit"]
    assert "> [unrecovered-panic] runtime.fatalpanic() " in text
    put = re.search(
        r"^3  0x[0-9a-f]+ in example.com/nil_map_write/store.\(\*Cache\).Put\n\s+at (.*):14$", text, re.M
    )
    assert put is not None and put.group(1) == str(src / "store" / "cache.go")
    assert f"Frame 3: {src / 'store' / 'cache.go'}:14 " in text
    assert 'k = "answer"' in text, "args of the first user frame"
    assert re.search(r"^Process \d+ has exited with status 2$", text, re.M)
    assert json.loads(report.read_text())["crash"]["first_user_frame"]["line"] == 14

    # Replay: a fresh dlv, started as the header says, given the same commands.
    header = [ln[2:] for ln in text.splitlines() if ln.startswith("# ")]
    assert header[0] == "dlvauto --backend repl session with dlv 1.27.1"
    argv = header[2].split()
    assert argv[0] == "TERM=dumb" and argv[1].startswith("XDG_CONFIG_HOME=") and argv[3] == "exec"
    binary = argv[4]
    script = tmp_path / "commands.txt"
    script.write_text("\n".join(commands) + "\n")
    replay = subprocess.run(
        [find_dlv(), "exec", binary, "--init", str(script), "--allow-non-terminal-interactive=true",
         "-r", "stdout:/dev/null", "-r", "stderr:/dev/null"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, stdin=subprocess.DEVNULL,
        env={**os.environ, "TERM": "dumb"},
    )  # fmt: skip
    assert "> [unrecovered-panic] runtime.fatalpanic() " in replay.stdout
    assert f"Frame 3: {src / 'store' / 'cache.go'}:14 " in replay.stdout
    # dlv's `source` of the init file prefixes its line to the exit it reports as an error.
    assert re.search(r"Process \d+ has exited with status 2$", replay.stdout, re.M)


def test_attach_repl_leaves_the_program_running_and_untraced(
    running_hang: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    out, transcript = tmp_path / "r.json", tmp_path / "t.txt"
    r = run_cli(
        "attach",
        str(running_hang.pid),
        "--backend",
        "repl",
        "--json",
        str(out),
        "--transcript",
        str(transcript),
    )
    assert r.returncode == 0, r.stderr
    assert_hang_report(json.loads(out.read_text()), "attach")
    assert running_hang.poll() is None, "the program is still running"
    assert tracer_of(running_hang.pid) == "0", "no debugger is left attached"
    text = transcript.read_text()
    assert "(dlv) exit\nWould you like to kill the process? [Y/n] n\n" in text


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--transcript", "t.txt"], "--transcript records dlv's terminal session: add --backend repl"),
        (["--backend", "gdb"], "unknown --backend 'gdb': use one of rpc, repl"),
        (["--backend", "repl", "--unwind-check", "crash"], "--unwind-check needs dlv's API"),
    ],
)
def test_backend_options_refused_in_one_line(args: list[str], said: str) -> None:
    r = run_cli("run", str(EXAMPLES / "clean_exit"), *args)
    assert said in one_error_line(r)
