"""What the benchmarks of scripts/bench/ share: timing a whole command, process checks, tool and
machine facts, and reading the dlv CLI's goroutine listing.

Each figure is the wall time of a whole subprocess (time.perf_counter around it), its output going
to a file, never to a terminal; after each run the dlv and target processes it left are found (by
path, so another user's are not counted) and ended. Only the standard library and dlvauto itself
are used. Imported by its siblings as `import benchlib` (a script's folder is first on sys.path).
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "examples" / "go"
TARGET_RATIO = 1.15  # dlvauto may take at most this times what the same job takes by hand
RUN_TIMEOUT = 120.0  # seconds a timed command may take before it is killed
# The dlv CLI's `goroutines -t N` listing: a header per goroutine, a trailer with the count, frames.
GOROUTINE_HEADER = re.compile(r"^[ *] Goroutine \d+ ", re.MULTILINE)
GOROUTINE_TRAILER = re.compile(r"^\[(\d+) goroutines\]$", re.MULTILINE)
FRAME_LINE = re.compile(r"^\t\s*\d+\s+0x[0-9a-f]+ in ", re.MULTILINE)


class BenchError(Exception):
    """A run that did not do the job (bad status, missing stacks, timeout): the figures would lie."""


@dataclass
class Tools:
    python: str
    dlvauto: list[str]
    dlv: str
    go: str


@dataclass
class Run:
    seconds: float
    returncode: int
    goroutines: int
    frames: int
    leftovers: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # dlvauto's report `timings` (s), if read


# dlv's native backend sleeps 200 ms when a process it waits for has not changed state at its first
# look (pkg/proc/native/proc_linux.go, `wait`): a small run this much slower than the fastest of its
# side met that sleep. Only meaningful where runs are short and steady (a small crash, ~0.1-0.3 s).
STALL_GAP_S = 0.15


@dataclass
class Series:
    """The counted runs of one side (dlvauto or dlv CLI) of one measurement of one example."""

    runs: list[Run] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def minimum(self) -> float:
        return min(self.times)

    @property
    def steady(self) -> list[float]:
        """The runs that did not meet dlv's 200 ms sleep (see STALL_GAP_S): within the gap of the
        fastest run of the same side."""
        return [t for t in self.times if t <= self.minimum + STALL_GAP_S]

    @property
    def stalls(self) -> int:
        return len(self.runs) - len(self.steady)

    def stage_medians(self) -> dict[str, float]:
        """Each stage's median seconds over the runs that report stages (in the reports' order)."""
        names = list(dict.fromkeys(name for r in self.runs for name in r.stages))
        return {n: statistics.median(r.stages.get(n, 0.0) for r in self.runs if r.stages) for n in names}

    def summary(self) -> dict[str, object]:
        return {
            "median_s": round(self.median, 4),
            "min_s": round(self.minimum, 4),
            "max_s": round(max(self.times), 4),
            "times_s": [round(t, 4) for t in self.times],
            "goroutines": sorted({r.goroutines for r in self.runs}),
            "frames": sorted({r.frames for r in self.runs}),
            "leftovers": [x for r in self.runs for x in r.leftovers],
            **({"stage_medians_s": self.stage_medians()} if any(r.stages for r in self.runs) else {}),
        }


# ---- tools and versions ---------------------------------------------------------------------------


def find_tools(script: str) -> Tools:
    """dlvauto, the dlv dlvauto itself would pick, and go; a missing one ends `script` with a clear line."""
    try:
        from dlvauto.errors import DlvautoError
        from dlvauto.system.dlv import find_dlv
        from dlvauto.system.go import find_go
    except ImportError as exc:
        raise SystemExit(
            f"{script}: cannot import dlvauto ({exc}): run with the project's Python, "
            f"`.venv/bin/python scripts/bench/{script}.py` (scripts/setup.sh makes it)"
        ) from None
    try:
        dlv = find_dlv()
    except DlvautoError as exc:
        raise SystemExit(f"{script}: dlv is missing: {exc}") from None
    try:
        go = find_go()
    except DlvautoError as exc:
        raise SystemExit(f"{script}: go is missing: {exc}") from None
    beside = Path(sys.executable).parent / "dlvauto"
    exe = str(beside) if beside.is_file() else shutil.which("dlvauto")
    if exe is None:
        raise SystemExit(f"{script}: the dlvauto command is missing: run scripts/setup.sh (pip install -e .)")
    return Tools(python=sys.executable, dlvauto=[exe], dlv=dlv, go=go)


def _first_line(argv: list[str], pick: str = "") -> str:
    try:
        out = subprocess.run(
            argv, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        ).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    for ln in lines:
        if pick in ln:
            return ln
    return lines[0] if lines else "unknown"


def dlvauto_fingerprint() -> str:
    """Version and a hash of dlvauto's own source files: which code the figures are of."""
    import hashlib

    import dlvauto

    pkg = Path(dlvauto.__file__).parent
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*.py")):
        h.update(str(f.relative_to(pkg)).encode() + b"\0" + f.read_bytes() + b"\0")
    return f"{dlvauto.__version__} (source sha256 {h.hexdigest()[:12]})"


def machine_facts(tools: Tools) -> dict[str, object]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    return {
        "dlv": tools.dlv,
        "dlv_version": _first_line([tools.dlv, "version"], "Version:").removeprefix("Version:").strip(),
        "go": tools.go,
        "go_version": _first_line([tools.go, "version"]),
        "python": sys.executable,
        "python_version": platform.python_version(),
        "dlvauto": tools.dlvauto[0],
        "dlvauto_version": dlvauto_fingerprint(),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
    }


# ---- processes --------------------------------------------------------------------------------------


def _proc_table() -> list[tuple[int, str, list[str]]]:
    """(pid, exe, argv) of every process we may read."""
    rows = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            try:
                exe = str((entry / "exe").readlink())
            except OSError:
                exe = ""
        except OSError:
            continue
        if argv == [b""]:
            continue  # a zombie or a kernel thread
        rows.append(
            (int(entry.name), exe.removesuffix(" (deleted)"), [a.decode(errors="replace") for a in argv])
        )
    return rows


def leftovers(under: Path) -> list[tuple[int, str]]:
    """Live dlv processes debugging a binary at or under `under`, and live processes running one.

    Matched by path, not by name alone, so another user's dlv on the same machine is not counted.
    """
    prefix = str(under)
    found = []
    for pid, exe, argv in _proc_table():
        name = Path(argv[0]).name
        if exe.startswith(prefix) or argv[0].startswith(prefix):
            found.append((pid, f"target {Path(exe or argv[0]).name} (pid {pid})"))
        elif name == "dlv" and any(a.startswith(prefix) for a in argv[1:]):
            found.append((pid, f"dlv (pid {pid})"))
    return found


def check_leftovers(under: Path) -> list[str]:
    """What the run left alive (after a short grace for the kernel to reap); ends what it finds."""
    deadline = time.monotonic() + 1.0
    found = leftovers(under)
    while found and time.monotonic() < deadline:
        time.sleep(0.05)
        found = leftovers(under)
    for pid, _ in found:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return [what for _, what in found]


def timed(
    argv: list[str], *, out: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Wall time and exit status of `argv`, stdin /dev/null, stdout and stderr to `out`.

    The wait is a blocking waitpid, with the timeout kept by a timer thread: Popen.wait(timeout)
    polls with sleeps of up to 50 ms, which would round every figure up to the next poll.
    """
    with out.open("wb") as f:
        start = time.perf_counter()
        p = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(p.pid, signal.SIGKILL)

        timer = threading.Timer(RUN_TIMEOUT, kill)
        timer.start()
        try:
            rc = p.wait()
        except BaseException:  # Ctrl-C: the child is in a session of its own, so end it here
            kill()
            p.wait()
            raise
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    if expired.is_set():
        raise BenchError(f"timed out after {RUN_TIMEOUT:g}s: {' '.join(argv)} (output in {out})")
    return seconds, rc


@dataclass
class Measured:
    """One run of a command alone: its wall time, its own peak RSS, its exit status and output."""

    wall: float
    max_rss: int  # bytes
    status: int
    output: str
    timed_out: bool = False


def measured(argv: list[str], out_path: Path, timeout: float = RUN_TIMEOUT, cwd: Path = ROOT) -> Measured:
    """Run `argv` alone, output to `out_path`: wall time and its peak RSS from os.wait4, whose rusage
    covers exactly that child (a tool's memory, not the benchmark's). Killed after `timeout`."""
    with out_path.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    text = out_path.read_text(errors="replace")
    return Measured(wall, usage.ru_maxrss * 1024, code, text, wall >= timeout and code < 0)


def tail(path: Path, n: int = 600) -> str:
    """The last `n` characters of a run's output file on one line, for an error message."""
    try:
        return " ".join(path.read_text(errors="replace")[-n:].split())
    except OSError:
        return "(no output)"
