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

from tests.helpers import DLVAUTO, EXAMPLES, ROOT, error_line_problem, needs_dlv, one_error_line, run_cli

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
    not_go_pid: int  # `sleep`: a live process that is not a Go program
    zombie_pid: int  # a child of ours that exited and is not reaped


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
    not_go = subprocess.Popen(["sleep", "1000"])
    zombie = subprocess.Popen(["true"])  # never waited for until the end: a zombie meanwhile
    assert _wait_zombie(zombie.pid)
    try:
        yield Fixtures(tmp, stripped, core_dir, Path(other), truncated, traced, closed_port,
                       listener.getsockname()[1], old_go, not_go.pid, zombie.pid)  # fmt: skip
    finally:
        not_go.kill()
        not_go.wait()
        zombie.wait()
        os.killpg(traced, 9)  # dlv's target leads a process group of its own
        os.killpg(dlv.pid, 9)
        dlv.wait()
        listener.close()


def _wait_zombie(pid: int) -> bool:
    for _ in range(200):
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return True
        time.sleep(0.02)
    return False


def _pid_1_case() -> tuple[str, list[str], str, dict[str, str]] | None:
    """`attach 1`: the words depend on who we are; None where pid 1 can be looked at."""
    try:
        Path("/proc/1/exe").resolve(strict=True)
        return None
    except PermissionError:
        pass
    if os.geteuid() == 0:
        said = "cannot attach to 1: Permission denied even as root: the kernel forbids tracing it here"
    else:
        said = "cannot attach to 1: it belongs to uid 0: run dlvauto as that user or as root"
    return ("attach 1 (once: 'run as its owner or root', to root)", ["attach", "1"], said, {})


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
    nm = str(EXAMPLES / "nil_map_write")
    unreadable = _module(f.tmp / "c3", "unreadable", 'package main\n\nfunc main() { panic("x") }\n')
    (unreadable / "data.bin").symlink_to("/proc/self/mem")  # a read fails even for root (EIO)
    bad_gzip = f.tmp / "trace.gz"
    bad_gzip.write_bytes(b"\x1f\x8b\x08\x00garbage")
    long_log = f.tmp / "long.log"
    with long_log.open("w") as log:  # 67.5 MiB in 1.125 MiB pieces: a child inherits our peak RSS
        log.writelines("an ordinary log line, no crash here\n" * (1 << 15) for _ in range(60))
    cache_file = f.tmp / "cache-is-a-file"
    cache_file.write_text("")
    junk_dlv = f.tmp / "junk-dlv"
    junk_dlv.write_bytes(b"not a program")
    junk_dlv.chmod(0o755)
    newline = f.tmp / "two\nlines.txt"
    sleep_exe = Path(f"/proc/{f.not_go_pid}/exe").resolve()
    cases = [
        (
            "an unreadable file in the module (once an internal OSError)",
            ["run", str(unreadable)],
            f"cannot read {unreadable}/data.bin in {unreadable} (Input/output error): dlvauto keys its "
            "build cache by every file of the module; make it readable or move it out of the module",
            noenv,
        ),
        (
            "DLVAUTO_CACHE_DIR is a file",
            ["run", nm],
            f"{cache_file} is not a folder: set DLVAUTO_CACHE_DIR to a folder for the cache",
            {"DLVAUTO_CACHE_DIR": str(cache_file)},
        ),
        (
            "a corrupt gzip",
            ["parse", str(bad_gzip)],
            f"cannot read {bad_gzip}: Compressed file ended before the end-of-stream marker was reached",
            noenv,
        ),
        (
            "attach to a program that is not Go (once dlv's 'could not find goroutine array', exit 1)",
            ["attach", str(f.not_go_pid)],
            f"process {f.not_go_pid} ({sleep_exe}) "
            "is not a Go program: dlvauto reads Go goroutines; give the pid of a Go program",
            noenv,
        ),
        (
            "attach to a zombie (once 'No such file or directory; run as its owner or root')",
            ["attach", str(f.zombie_pid)],
            f"process {f.zombie_pid} has exited (a zombie its parent has not reaped): there is nothing left "
            "to attach to; give the pid of a running Go program",
            noenv,
        ),
        (
            "--dlv /bin/true (once 'dlv exited at start', exit 1)",
            ["run", nm, "--dlv", "/bin/true"],
            "/bin/true is not Delve (`/bin/true version` names no Delve version): give the path of a "
            "dlv binary",
            noenv,
        ),
        (
            "--dlv a file that is no program (once an internal OSError)",
            ["run", nm, "--dlv", str(junk_dlv)],
            f"{junk_dlv} is not Delve",
            noenv,
        ),
        (
            "a newline in a path (once the line was cut at it)",
            ["parse", str(newline)],
            f"{f.tmp}/two\\nlines.txt does not exist: pass the file that holds the Go traceback",
            noenv,
        ),
        (
            "parse /dev/zero (once it ran forever)",
            ["parse", "/dev/zero"],
            "/dev/zero has no newline in its first 1 MiB: it is not a text log; pass the stderr of a "
            "crashed Go program",
            noenv,
        ),
        (
            "65 MiB with no traceback (once read to its end)",
            ["parse", str(long_log)],
            f"{long_log} holds no Go traceback in its first 64 MiB: pass the stderr of a crashed Go "
            "program (or the part of the log around the crash)",
            noenv,
        ),
        (
            "--timeout 1e300",
            ["run", nm, "--timeout", "1e300"],
            "--timeout must be at most 2678400 seconds (31 days), not '1e300'",
            noenv,
        ),
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
    pid_1 = _pid_1_case()
    if pid_1 is not None:
        cases.append(pid_1)
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


def test_a_read_only_cache_folder_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "ro-cache"
    cache.mkdir(mode=0o755)
    argv = [*DLVAUTO, "run", str(EXAMPLES / "nil_map_write")]
    if os.geteuid() == 0:  # root writes any folder: only a read-only mount stops it
        if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"]).returncode != 0:
            pytest.skip("root without a mount namespace of its own cannot make a read-only folder")
        mount = 'mount -t tmpfs -o ro,mode=755,size=1m tmpfs "$0" && exec "$@"'
        argv = ["unshare", "-m", "sh", "-c", mount, str(cache), *argv]
    else:
        cache.chmod(0o555)
    env = {**os.environ, "DLVAUTO_CACHE_DIR": str(cache)}
    r = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert one_error_line(r) == (
        f"dlvauto: error: the cache folder {cache} is read-only: dlvauto keeps its builds there; "
        "set DLVAUTO_CACHE_DIR to a folder you can write"
    )


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            b"\xff\xfe\x00kind\x00=\x80\n",  # once an internal UnicodeDecodeError that ended the suite
            "not valid TOML: it is not UTF-8 text (byte 0 is 0xff); write the expectations as TOML text",
        ),
        (b'kind = "panic"\ntimeout = 1e10\n', "key 'timeout': Input should be less than or equal to 2678400"),
        (
            b'kind = "panic"\nframe_n = {n = -5, function = "x"}\n',
            "key 'frame_n.n': Input should be greater than or equal to 0",
        ),
    ],
    ids=["binary", "timeout 1e10", "frame_n -5"],
)
def test_a_bad_expect_toml_fails_its_own_scenario_in_one_line(
    tmp_path: Path, content: bytes, said: str
) -> None:
    """A malformed expect.toml fails its own scenario with one line (the suite's contract: the
    others still run, and the suite exits 1 as for any failed scenario)."""
    for name in ("s1", "s2"):
        _module(tmp_path, name, "package main\n\nfunc main() {}\n")
    (tmp_path / "s1" / "expect.toml").write_bytes(content)
    (tmp_path / "s2" / "expect.toml").write_text('kind = "none"\nexit_code = 0\n')
    r = run_cli("suite", str(tmp_path / "s1"), str(tmp_path / "s2"), timeout=300)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert f"\ns1: error\n  - {tmp_path / 's1' / 'expect.toml'}: {said}\n" in r.stdout
    assert "\n1 passed, 1 failed\n" in r.stdout
