"""Bad input, one table: every case is one line on stderr naming the cause and the fix, exit status 2.

Never a Python traceback. Fixtures are real: a stripped binary, a core of another program, a
truncated core, a process already under a debugger, a TCP server that is not dlv.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlvauto.gobuild.program import build
from dlvauto.system.go import find_go

from tests.helpers import EXAMPLES, error_line_problem, needs_dlv, run_cli

pytestmark = needs_dlv


@dataclass
class Fixtures:
    tmp: Path
    stripped: Path
    core_dir: Path  # `run --save-core` output for nil_map_write: core + binary
    other_binary: Path
    truncated_core: Path
    traced_pid: int
    closed_port: int
    not_dlv_port: int
    old_go_module: Path | None


def _module(root: Path, name: str, main: str, go_line: str = "1.25") -> Path:
    d = root / name
    d.mkdir()
    (d / "go.mod").write_text(f"module example.com/{name}\n\ngo {go_line}\n")
    (d / "main.go").write_text(main)
    return d


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixtures]:
    tmp = tmp_path_factory.mktemp("bad")
    go = find_go()
    stripped = tmp / "stripped"
    subprocess.run([go, "build", "-ldflags=-s -w", "-o", str(stripped), "."], cwd=EXAMPLES / "nil_map_write",
                   check=True, capture_output=True)  # fmt: skip
    core_dir = tmp / "saved"
    r = run_cli(
        "run", str(EXAMPLES / "nil_map_write"), "--save-core", str(core_dir), "--json", str(tmp / "r.json")
    )
    assert r.returncode == 0, r.stderr
    # --save-core writes core.zst; the cases below want the ELF core itself beside it.
    import zstandard

    with (core_dir / "core.zst").open("rb") as packed, (core_dir / "core").open("wb") as plain:
        zstandard.ZstdDecompressor().copy_stream(packed, plain)
    truncated = tmp / "truncated.core"
    truncated.write_bytes((core_dir / "core").read_bytes()[:8192])
    other = build(EXAMPLES / "deep_stack").binary
    # a running program already under a debugger (our own headless dlv)
    hang = build(EXAMPLES / "hang").binary
    dlv_bin = shutil.which("dlv") or str(Path(sys.executable).parent / "dlv")
    argv = [
        dlv_bin,
        "exec",
        str(hang),
        "--headless",
        "--continue",
        "--accept-multiclient",
        "--listen=127.0.0.1:0",
    ]
    dlv = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    assert dlv.stdout is not None
    dlv.stdout.readline()
    traced = _traced_child(dlv.pid)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def http_like() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=http_like, daemon=True).start()
    # Go 1.21 comes from the module proxy (GOTOOLCHAIN); where it cannot be had the case is left out.
    env_121 = {**os.environ, "GOTOOLCHAIN": "go1.21.13"}
    fetched = subprocess.run([go, "version"], env=env_121, capture_output=True, text=True, timeout=300)
    old_go = None
    if fetched.returncode == 0 and "go1.21.13" in fetched.stdout:
        old_go = _module(tmp, "oldgo", 'package main\n\nfunc main() { panic("old") }\n', "1.21")
    try:
        yield Fixtures(tmp, stripped, core_dir, Path(other), truncated, traced, closed_port,
                       listener.getsockname()[1], old_go)  # fmt: skip
    finally:
        os.killpg(traced, 9)  # dlv's target leads a process group of its own
        os.killpg(dlv.pid, 9)
        dlv.wait()
        listener.close()


def _traced_child(parent: int) -> int:
    """The program dlv started (it may take a moment to show)."""
    for _ in range(200):
        for p in Path("/proc").iterdir():
            try:
                if p.name.isdigit() and _parent(p) == parent and (p / "comm").read_text().strip() == "hang":
                    return int(p.name)
            except OSError:
                continue
        time.sleep(0.05)
    raise AssertionError("dlv's target did not start")


def _parent(p: Path) -> int:
    try:
        return int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _cases(f: Fixtures) -> list[tuple[str, list[str], str, dict[str, str]]]:
    for sub in ("c1", "c2", "c3"):
        (f.tmp / sub).mkdir(exist_ok=True)
    lib = _module(f.tmp / "c1", "lib", "package lib\n\nfunc F() {}\n")
    missing_main = 'package main\n\nimport "example.org/nothere/pkg"\n\nfunc main() { pkg.F() }\n'
    missing = _module(f.tmp / "c2", "missingdep", missing_main)
    broken = _module(f.tmp / "c3", "broken", "package main\n\nfunc main() {\n\tx := 1\n}\n")
    text = f.tmp / "notes.txt"
    text.write_text("hello, this is not a program\n")
    empty = f.tmp / "empty.txt"
    empty.write_text("")
    garbage = f.tmp / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 64)
    noenv: dict[str, str] = {}
    cases = [
        ("nonexistent path", ["run", str(f.tmp / "nope")], "does not exist", noenv),
        (
            "a file where a folder is expected",
            ["run", str(EXAMPLES / "nil_map_write" / "main.go")],
            "is not a folder",
            noenv,
        ),
        ("a Go package that is not main", ["run", str(lib)], "not a main package", noenv),
        (
            "a module with a missing dependency",
            ["run", str(missing)],
            "example.org/nothere/pkg",
            {"GOPROXY": "off", "GOFLAGS": "-mod=mod"},
        ),
        ("a compile error", ["run", str(broken)], "go build failed", noenv),
        ("a binary without DWARF", ["core", str(f.stripped), str(f.core_dir / "core")], "no DWARF", noenv),
        ("a non-ELF binary", ["core", str(text), str(f.core_dir / "core")], "not an ELF", noenv),
        (
            "a core of another binary",
            ["core", str(f.other_binary), str(f.core_dir / "core")],
            "not written by",
            noenv,
        ),
        (
            "a truncated core",
            ["core", str(f.core_dir / "nil_map_write"), str(f.truncated_core)],
            "truncated",
            noenv,
        ),
        ("an empty traceback file", ["parse", str(empty)], "holds no Go traceback", noenv),
        ("binary garbage as a traceback", ["parse", str(garbage)], "holds no Go traceback", noenv),
        ("text with no traceback", ["parse", str(text)], "holds no Go traceback", noenv),
        ("an unreadable file", ["parse", "/proc/self/mem"], "cannot read /proc/self/mem", noenv),
        ("a folder as a traceback", ["parse", str(f.tmp)], "is a folder", noenv),
        ("a pid that does not exist", ["attach", "999999999"], "no process 999999999", noenv),
        ("a pid we may not trace", ["attach", str(f.traced_pid)], "already traced by", noenv),
        (
            "connect to a closed port",
            ["connect", f"127.0.0.1:{f.closed_port}"],
            "no dlv server answers",
            noenv,
        ),
        (
            "a port where something else answers",
            ["connect", f"127.0.0.1:{f.not_dlv_port}"],
            "not as a dlv server",
            noenv,
        ),
        ("connect to a remote address", ["connect", "192.0.2.7:4000"], "--allow-remote", noenv),
        (
            "--frame -1",
            ["run", str(EXAMPLES / "nil_map_write"), "--frame", "-1"],
            "--frame must be a whole number",
            noenv,
        ),
        (
            "--timeout 0",
            ["run", str(EXAMPLES / "nil_map_write"), "--timeout", "0"],
            "--timeout must be a positive",
            noenv,
        ),
        (
            "--timeout 1e10 (an overflow once)",
            ["run", str(EXAMPLES / "nil_map_write"), "--timeout", "1e10"],
            "--timeout must be at most 2678400 seconds (31 days), not '1e10'",
            noenv,
        ),
        (
            "--depth past an int32 (dlv fell over)",
            ["run", str(EXAMPLES / "nil_map_write"), "--depth", "2147483647"],
            "--depth must be at most 100000, not '2147483647'",
            noenv,
        ),
        (
            "--depth past an int64 (a crash goroutine with no frames)",
            ["connect", "127.0.0.1:1", "--depth", "9223372036854775807"],
            "--depth must be at most 100000",
            noenv,
        ),
        (
            "--values too many",
            ["run", str(EXAMPLES / "nil_map_write"), "--values", "5000"],
            "--values must be at most 1000, not '5000'",
            noenv,
        ),
        (
            "--unwind-check bogus",
            ["run", str(EXAMPLES / "nil_map_write"), "--unwind-check", "bogus"],
            "--unwind-check takes crash or all, not 'bogus'",
            noenv,
        ),
        (
            "an unknown profile",
            ["run", str(EXAMPLES / "nil_map_write"), "--profile", "fast"],
            "unknown profile",
            noenv,
        ),
        (
            "dlv missing",
            ["run", str(EXAMPLES / "nil_map_write"), "--dlv", "/nonexistent/dlv"],
            "dlv not found",
            noenv,
        ),
    ]
    if f.old_go_module is not None:
        cases.append(
            (
                "a dlv too new for the Go version",
                ["run", str(f.old_go_module)],
                "Go version",
                {"GOTOOLCHAIN": "go1.21.13"},
            )
        )
    return cases


def test_every_bad_input_is_one_line_and_exit_2(fx: Fixtures) -> None:
    cases = _cases(fx)
    assert len(cases) >= 20
    problems = []
    for name, argv, expected, extra_env in cases:
        env = {**os.environ, **extra_env}
        r = run_cli(*argv, env=env, timeout=300)
        # go's own words follow the line of these two
        detail = name == "a compile error" or name == "a module with a missing dependency"
        first, problem = error_line_problem(r.stderr, detail_follows=detail)
        ok = r.returncode == 2 and problem is None and expected in first
        if not ok:
            problems.append(f"{name}: exit {r.returncode}, stderr {r.stderr.strip()[:300]!r}")
    assert problems == [], "\n".join(problems)
