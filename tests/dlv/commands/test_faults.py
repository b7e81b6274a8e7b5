"""Faults: a broken debugger, a hostile or odd target, signals at every phase. Each ends cleanly.

Each case ends with a clear line, a report where evidence was captured, no process left behind and
the right exit status. Phases are hit exactly with the DLVAUTO_PAUSE_AT hook (dlvauto pauses at a
named stage and says so on stderr).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import (
    DLVAUTO,
    EXAMPLES,
    ROOT,
    comm,
    needs_dlv,
    one_error_line,
    processes_mentioning,
    processes_with_env,
)

pytestmark = needs_dlv


def _program(tmp: Path, body: str, imports: str = '"fmt"\n\t"os"') -> Path:
    src = tmp / "prog"
    src.mkdir()
    (src / "go.mod").write_text("module example.com/prog\n\ngo 1.25\n")
    (src / "main.go").write_text(f"package main\n\nimport (\n\t{imports}\n)\n\n{body}\n")
    return src


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env["DLVAUTO_CACHE_DIR"] = str(tmp / "cache")  # our processes are found by this path
    env.update(extra)
    return env


def _start(tmp: Path, src: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*DLVAUTO, "run", str(src), "--json", str(tmp / "r.json"), *args],
        env=_env(tmp, **env), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait_line(p: subprocess.Popen[str], needle: str, timeout: float = 60) -> None:
    assert p.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if needle in line:
            return
        if not line and p.poll() is not None:
            break
    raise AssertionError(f"never saw {needle!r}")


def _nothing_left(tmp: Path, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not processes_mentioning(str(tmp / "cache")):
            return True
        time.sleep(0.05)
    return False


PAUSED = ("dlvauto: paused at",)  # the DLVAUTO_PAUSE_AT hook's notes: not part of the error


def test_dlv_killed_mid_collection_leaves_a_partial_report(tmp_path: Path) -> None:
    p = _start(tmp_path, EXAMPLES / "many_goroutines", DLVAUTO_PAUSE_AT="reading")
    _wait_line(p, "paused at reading")
    dlv = [x for x in processes_mentioning(str(tmp_path / "cache")) if comm(x) == "dlv"]
    os.kill(dlv[0], signal.SIGKILL)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 1
    assert "the report above is partial: lost the connection to dlv" in one_error_line(err, ignoring=PAUSED)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["incomplete"] and report["crash"]["kind"] == "panic"
    assert len(report["goroutines"]) > 2000, "the goroutines listed before dlv died are kept"
    assert _nothing_left(tmp_path)


def test_target_killed_from_outside(tmp_path: Path) -> None:
    p = _start(tmp_path, EXAMPLES / "hang", "--timeout", "60")
    deadline = time.monotonic() + 60
    target = []
    while not target and time.monotonic() < deadline:
        target = [x for x in processes_mentioning(str(tmp_path / "cache")) if comm(x) == "hang"]
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(target[0], signal.SIGKILL)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["crash"]["kind"], report["exit_code"]) == ("none", -9)
    assert "killed by SIGKILL" in out
    assert _nothing_left(tmp_path)


def test_children_that_outlive_the_target_are_ended(tmp_path: Path) -> None:
    body = 'func main() {\n\texec.Command("sleep", "4242.5").Start()\n\tpanic("parent dies")\n}'
    src = _program(tmp_path, body,
                   imports='"os/exec"')  # fmt: skip
    p = _start(tmp_path, src)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert json.loads((tmp_path / "r.json").read_text())["crash"]["message"] == "parent dies"
    time.sleep(0.2)
    assert processes_mentioning("sleep 4242.5") == []


def test_flood_keeps_head_and_tail_with_bounded_memory(tmp_path: Path) -> None:
    src = _program(tmp_path, """func main() {
	line := make([]byte, 1023)
	for i := range line { line[i] = 'x' }
	fmt.Println("FIRST LINE")
	for i := 0; i < 120*1024; i++ { os.Stdout.Write(line); os.Stdout.Write([]byte("\\n")) }
	fmt.Println("LAST LINE")
	panic("after the flood")
}""")  # fmt: skip
    p = _start(tmp_path, src, "--timeout", "120")
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    assert p.returncode == 0
    report = json.loads((tmp_path / "r.json").read_text())
    out = report["output"]
    assert out["truncated"] and out["stdout_dropped"] > 100 * 1024 * 1024
    assert out["stdout"].startswith("FIRST LINE\n") and out["stdout"].endswith("LAST LINE\n")
    assert f"[dlvauto: {out['stdout_dropped']} bytes of output dropped here" in out["stdout"]
    assert report["crash"]["message"] == "after the flood"
    assert usage.ru_maxrss < 400 * 1024, f"peak RSS {usage.ru_maxrss} KiB"


def test_target_reading_stdin_sees_end_of_file(tmp_path: Path) -> None:
    body = "func main() {\n\tb, _ := io.ReadAll(os.Stdin)\n"
    body += '\tfmt.Println("read", len(b))\n\tpanic("done reading")\n}'
    src = _program(tmp_path, body, imports='"fmt"\n\t"io"\n\t"os"')
    p = _start(tmp_path, src, "--timeout", "30")
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["output"]["stdout"] == "read 0\n" and report["crash"]["kind"] == "panic"


def test_target_ignoring_sigterm_is_ended_after_a_timeout(tmp_path: Path) -> None:
    body = (
        "func main() {\n\tsignal.Ignore(syscall.SIGTERM)\n\tfor {\n\t\ttime.Sleep(time.Millisecond)\n\t}\n}"
    )
    src = _program(tmp_path, body, imports='"os/signal"\n\t"syscall"\n\t"time"')
    p = _start(tmp_path, src, "--timeout", "1")
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert json.loads((tmp_path / "r.json").read_text())["crash"]["kind"] == "hang"
    assert _nothing_left(tmp_path)


def test_os_exit_from_a_goroutine(tmp_path: Path) -> None:
    src = _program(tmp_path, """func main() {
	go func() { os.Exit(7) }()
	for i := 0; ; i++ { fmt.Sprint(i) }
}""")  # fmt: skip
    p = _start(tmp_path, src, "--timeout", "30")
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["crash"]["kind"], report["exit_code"]) == ("none", 7)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("phase", ["building", "starting dlv", "running", "reading", "rendering"])
def test_signal_at_each_phase(tmp_path: Path, phase: str, sig: signal.Signals) -> None:
    p = _start(tmp_path, EXAMPLES / "goroutine_panic", DLVAUTO_PAUSE_AT=phase)
    _wait_line(p, f"paused at {phase}")
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 128 + sig
    said = "interrupted" if sig == signal.SIGINT else "terminated by SIGTERM"
    assert said in one_error_line(err, ignoring=PAUSED)
    assert _nothing_left(tmp_path)


@pytest.mark.parametrize("sigint", ["default", "ignored"])
def test_signal_during_go_build(tmp_path: Path, sigint: str) -> None:
    src = _program(tmp_path, 'func main() {\n\tfmt.Println("hi")\n\tos.Exit(0)\n}')
    # "ignored": started as a shell starts a job in the background (and CI runners start us), with
    # SIGINT ignored: Python keeps it so unless told, and a first run's build begins ~15 ms in.
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint == "ignored" else None
    p = subprocess.Popen(
        [*DLVAUTO, "run", str(src), "--json", str(tmp_path / "r.json")],
        env=_env(tmp_path, GOCACHE=str(tmp_path / "gocache")),  # a cold cache: a long build
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ignore,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _go_build_running(tmp_path):
        time.sleep(0.05)
    assert _go_build_running(tmp_path), "go build started"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and "interrupted" in one_error_line(err, ignoring=PAUSED)
    time.sleep(0.5)
    assert not _go_build_running(tmp_path), "the compiler was ended with dlvauto"


def _go_build_running(tmp: Path) -> bool:
    """go (or a compile job of its) runs with the test's GOCACHE; dlvauto itself holds it too."""
    return any(comm(pid) != "python" for pid in processes_with_env(f"GOCACHE={tmp / 'gocache'}"))


def test_ctrl_c_is_heard_before_the_quick_start_begins_even_when_handed_to_us_ignored() -> None:
    # What SIGINT does when the quick start begins (its children are the first thing a run starts),
    # for a dlvauto started with SIGINT ignored, as a shell starts a background job.
    probe = (
        "import signal, sys\n"
        "from dlvauto import cli\n"
        "from dlvauto.commands import quickstart\n"
        "heard = lambda argv: print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
        "quickstart.begin = heard\n"
        "sys.argv = ['dlvauto', '--version']\n"
        "cli.entry()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "True"
    assert done.stdout.splitlines()[1].startswith("dlvauto ")
