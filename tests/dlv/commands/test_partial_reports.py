"""Work that is cut short is not thrown away (issue 16 item 10).

Ctrl-C or SIGTERM during a long hang of `run` writes the report of what was captured (the
program's output; `incomplete` says why the rest is missing, `interrupted` names the signal) before
exiting 130/143; a target that kills its own dlv keeps its output and gets a partial report (exit
1). Programs are written here with random words, so the output asserted can only be theirs; no
dlv or target is left behind.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import DLVAUTO, ROOT, comm, needs_dlv, one_error_line, processes_mentioning, wait_for

pytestmark = needs_dlv


def _program(tmp: Path, body: str, imports: list[str]) -> tuple[Path, str]:
    """A module of one main.go; `{word}` in `body` becomes a random word the program prints."""
    name = f"p{secrets.token_hex(3)}"
    word = secrets.token_hex(5)
    src = tmp / name
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n")
    imported = "\n".join(f'\t"{i}"' for i in imports)
    code = body.replace("{word}", word)
    (src / "main.go").write_text(f"package main\n\nimport (\n{imported}\n)\n\n{code}\n")
    return src, word


HANGS = """func main() {
	fmt.Println("out {word}")
	fmt.Fprintln(os.Stderr, "err {word}")
	for {
		time.Sleep(time.Second) // sleeping, not deadlocked: the runtime never gives up on it
	}
}"""


def _start(tmp: Path, src: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DLVAUTO_CACHE_DIR": str(tmp / "cache")}  # our processes are found by it
    return subprocess.Popen(
        [*DLVAUTO, "run", str(src), "--json", str(tmp / "r.json"), "-q", *args],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _ours(tmp: Path) -> list[int]:
    return processes_mentioning(str(tmp / "cache"))


@pytest.mark.parametrize("backend", ["rpc", "repl"])
@pytest.mark.parametrize(
    ("sig", "status", "said"),
    [
        (signal.SIGINT, 130, "interrupted"),
        (signal.SIGTERM, 143, "terminated by SIGTERM"),
    ],
)
def test_a_signal_during_a_long_hang_writes_the_partial_report(
    tmp_path: Path, sig: signal.Signals, status: int, said: str, backend: str
) -> None:
    src, word = _program(tmp_path, HANGS, ["fmt", "os", "time"])
    p = _start(tmp_path, src, "--timeout", "3000", "--backend", backend)
    # the program runs under dlv once its words are in the file dlv sends its stdout to
    assert wait_for(lambda: any(comm(x) == src.name for x in _ours(tmp_path)), 120), "the target started"
    time.sleep(1.0)
    p.send_signal(sig)
    sent = time.monotonic()
    _, err = p.communicate(timeout=60)
    assert p.returncode == status
    assert time.monotonic() - sent < 10, "no waiting for dlv to wind down after a signal"
    line = one_error_line(err, status=status)
    assert line == f"dlvauto: error: {said}: the partial report (what was captured before it) was written"
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["interrupted"] == sig.name
    assert re.fullmatch(
        rf"{sig.name} arrived while the program ran \(\d+\.\ds of its 3000s timeout\): dlvauto stopped "
        r"before reading its goroutines; the program's output up to then is kept",
        report["incomplete"],
    )
    assert report["crash"]["kind"] == "hang"
    assert (report["output"]["stdout"], report["output"]["stderr"]) == (f"out {word}\n", f"err {word}\n")
    assert wait_for(lambda: _ours(tmp_path) == [], 10), f"left behind: {_ours(tmp_path)}"


KILLS_ITS_DLV = """func main() {
	fmt.Println("out {word}")
	fmt.Fprintln(os.Stderr, "err {word}")
	syscall.Kill(os.Getppid(), syscall.SIGKILL)
	time.Sleep(time.Hour)
}"""


def test_a_target_that_kills_its_own_dlv_keeps_its_output(tmp_path: Path) -> None:
    src, word = _program(tmp_path, KILLS_ITS_DLV, ["fmt", "os", "syscall", "time"])
    p = _start(tmp_path, src, "--timeout", "600")
    _, err = p.communicate(timeout=300)
    assert p.returncode == 1
    line = one_error_line(err, status=1)
    assert line.startswith("dlvauto: error: the report above is partial: dlv ended while the program ran (")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["incomplete"] == line.removeprefix("dlvauto: error: the report above is partial: ")
    assert report["incomplete"].endswith(
        "its goroutines could not be read; the program's output up to then is kept"
    )
    assert report["interrupted"] is None
    assert (report["output"]["stdout"], report["output"]["stderr"]) == (f"out {word}\n", f"err {word}\n")
    assert not any("continued again" in n for n in report["notes"]), "no claim that continuing worked"
    assert wait_for(lambda: _ours(tmp_path) == [], 10), f"left behind: {_ours(tmp_path)}"
