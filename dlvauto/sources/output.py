"""The program's own output: kept whole when small, head and tail when it floods, and the
runtime's crash header read from it.

A live run (either backend) and `run --via core` send the program's stdout and stderr to files;
the runtime writes its crash text to stderr after the stacks are read, and its header gives the
message exactly as a log shows it, so live, core and text reports agree on it.
"""

from __future__ import annotations

from pathlib import Path

from dlvauto.gofacts.tracetext import crash_header
from dlvauto.snapshot import CapturedOutput, StopEvent

OUTPUT_HEAD = OUTPUT_TAIL = 8 << 20  # bytes kept from the start and the end of stdout and stderr


def read_capped(path: Path | None) -> tuple[str, int]:
    """The whole output when small; else its head and tail, and how many bytes were dropped between.

    Reads at most OUTPUT_HEAD + OUTPUT_TAIL bytes whatever the file's size: a program that floods
    its output cannot flood our memory.
    """
    if path is None or not path.exists():
        return "", 0
    size = path.stat().st_size
    with path.open("rb") as f:
        if size <= OUTPUT_HEAD + OUTPUT_TAIL:
            return f.read().decode("utf-8", "replace"), 0
        head = f.read(OUTPUT_HEAD)
        f.seek(size - OUTPUT_TAIL)
        tail = f.read(OUTPUT_TAIL)
    dropped = size - len(head) - len(tail)
    marker = f"\n[dlvauto: {dropped} bytes of output dropped here; head and tail kept]\n"
    return head.decode("utf-8", "replace") + marker + tail.decode("utf-8", "replace"), dropped


def captured(stdout: Path | None, stderr: Path | None) -> CapturedOutput:
    """The program's output as the snapshot keeps it."""
    out, dropped_out = read_capped(stdout)
    err, dropped_err = read_capped(stderr)
    return CapturedOutput(
        stdout=out,
        stderr=err,
        truncated=bool(dropped_out or dropped_err),
        stdout_dropped=dropped_out,
        stderr_dropped=dropped_err,
    )


def add_crash_text(stop: StopEvent, stderr: str) -> None:
    """The runtime's own words about a crash, when its header is in stderr."""
    header = crash_header(stderr)
    if header is not None and stop.reason in ("panic", "fatal", "signal"):
        stop.runtime_message = header.message
        stop.runtime_kind = header.kind
        stop.runtime_chain = list(header.chain or []) if len(header.chain or []) > 1 else []
        stop.signal = stop.signal or header.signal
