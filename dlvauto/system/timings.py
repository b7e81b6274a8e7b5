"""Where a command's time went: the wall time of each stage, so a regression shows where it is.

Every stage of long work is announced to the progress display (`Progress.stage`); the same
announcements mark the stages here, named by what they are whatever the backend words them
(`starting dlv` and `starting dlv's terminal` are both `dlv start`). The command line starts the
clock at the process's own start (Python's start and imports are the first stage), `finish` puts
the figures in the report (`timings`), and `--timings` prints them, rendering included.
"""

from __future__ import annotations

import os
import time

# What a stage is, by how its announcement starts; the first match wins.
_STAGES = (
    ("building", "build"),
    ("starting dlv", "dlv start"),
    ("attaching to", "dlv start"),
    ("opening the core", "dlv start"),
    ("running", "run to the stop"),
    ("timed out: SIGQUIT", "run to the stop"),
    ("halting the target", "run to the stop"),
    ("listing goroutines", "collection"),
    ("reading goroutine statuses", "collection"),
    ("reading", "collection"),  # "reading N stacks", "reading N stacks one by one"
    ("walking frame pointers", "unwind check"),
    ("writing a core", "core dump"),
    ("letting the runtime", "finishing"),
    ("detaching", "finishing"),
    ("resuming the target", "finishing"),
    ("parsing", "parse"),
    ("analysing", "analysis"),
    ("rendering", "rendering"),
)
_VALUES = "reading values at the crash"  # before the generic "reading"


def stage_name(text: str) -> str:
    """The stage an announcement belongs to (its own words when none matches)."""
    if text.startswith(_VALUES):
        return "values"
    return next((name for prefix, name in _STAGES if text.startswith(prefix)), text)


def _process_age() -> float:
    """Seconds since this process started (from /proc: it counts the interpreter's own start)."""
    try:
        fields = open(f"/proc/{os.getpid()}/stat").read().rsplit(")", 1)[1].split()  # noqa: PTH123, SIM115
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError):
        return 0.0


class Timings:
    """Stages in order with their wall time; a stage announced again continues where it was."""

    def __init__(self) -> None:
        self._durations: dict[str, float] = {}
        self._current: str | None = None
        self._since = time.perf_counter()

    def start(self, first: str = "start", already: float = 0.0) -> None:
        """Begin again, the first stage having run `already` seconds."""
        self._durations = {}
        self._current = first
        self._since = time.perf_counter() - already

    def mark(self, text: str) -> None:
        """A stage begins (the one before it ends)."""
        name = stage_name(text)
        now = time.perf_counter()
        if self._current is not None:
            self._durations[self._current] = self._durations.get(self._current, 0.0) + now - self._since
        self._current, self._since = name, now

    def durations(self) -> dict[str, float]:
        """Each stage's seconds so far (the current one up to now), rounded to the millisecond."""
        out = dict(self._durations)
        if self._current is not None:
            out[self._current] = out.get(self._current, 0.0) + time.perf_counter() - self._since
        return {k: round(v, 3) for k, v in out.items()}


CLOCK = Timings()


def start_of_process() -> None:
    """Start the command's clock: the first stage is the interpreter's start and our imports."""
    CLOCK.start("python start", _process_age())


def mark(text: str) -> None:
    CLOCK.mark(text)
