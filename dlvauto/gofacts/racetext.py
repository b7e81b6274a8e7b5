"""The race detector's reports (`-race`), read from any text: a program's stderr, a CI log.

The detector (Go's runtime/race, ThreadSanitizer underneath) prints each race between lines of
`==================`:

    WARNING: DATA RACE
    Write at 0x00c000014110 by goroutine 7:
      main.(*counter).bump()
          /src/main.go:10 +0x44
    ...
    Previous read at 0x00c000014110 by main goroutine:
      ...
    Goroutine 7 (running) created at:
      main.main()
          /src/main.go:9 +0x9e

(the same since Go 1.21; `[failed to restore the stack]` stands in for a stack it lost, and a
`mutex`/`chan` access may be named instead of an address). `RaceScanner` is fed one line at a time
(so a multi-gigabyte log streams through with the text parser in the same pass), keeps only the
report being read, and flags one the text ends in the middle of. Everything here is untrusted
text: it is parsed, never executed or opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEPARATOR = "=================="
WARNING = "WARNING: DATA RACE"
_ACCESS = re.compile(
    r"^(Previous )?(read|write|Read|Write)(?: of size \d+)? at (0x[0-9a-f]+|\S+) by "
    r"(?:goroutine (\d+)|(main) goroutine):$"
)
_CREATED = re.compile(r"^Goroutine (\d+) \((running|finished)\) created at:$")
_FILE_LINE = re.compile(r"^\s+(.+?):(\d+)(?: \+0x[0-9a-f]+)?$")
MAX_FRAMES = 200  # per stack: a report is kept small whatever the text holds


@dataclass
class RaceFrame:
    function: str
    file: str | None = None
    line: int = 0


@dataclass
class RaceAccess:
    op: str  # "read" or "write"
    address: str
    goroutine_id: int | None  # None: "by main goroutine" is goroutine 1
    previous: bool
    frames: list[RaceFrame] = field(default_factory=list)


@dataclass
class RaceCreation:
    goroutine_id: int
    state: str  # running | finished
    frames: list[RaceFrame] = field(default_factory=list)


@dataclass
class Race:
    accesses: list[RaceAccess] = field(default_factory=list)
    created: list[RaceCreation] = field(default_factory=list)
    truncated: bool = False  # the text ended before the report's closing line


class RaceScanner:
    """Reads race reports from lines fed one by one; `races` holds the complete ones (and, after
    `finish`, a report the text cut short, flagged)."""

    __slots__ = ("_current", "_frames", "_pending", "races")

    def __init__(self) -> None:
        self.races: list[Race] = []
        self._current: Race | None = None
        self._frames: list[RaceFrame] | None = None  # the stack being read
        self._pending: str | None = None  # a function line waiting for its file line

    @property
    def reading(self) -> bool:
        """Inside a report: the lines until its closing `=====` are the report's."""
        return self._current is not None

    def feed(self, line: str) -> None:
        race = self._current
        if race is None:
            if line.startswith(WARNING):
                self._current = Race()
                self._frames = self._pending = None
            return
        if line.startswith(SEPARATOR):
            self.races.append(race)
            self._current = None
            return
        if not line:
            self._frames = self._pending = None
            return
        c = line[0]
        if c == " ":
            self._stack_line(line)
            return
        m = _ACCESS.match(line)
        if m is not None:
            gid = int(m.group(4)) if m.group(4) else 1
            access = RaceAccess(m.group(2).lower(), m.group(3), gid, m.group(1) is not None)
            race.accesses.append(access)
            self._frames, self._pending = access.frames, None
            return
        m = _CREATED.match(line)
        if m is not None:
            creation = RaceCreation(int(m.group(1)), m.group(2))
            race.created.append(creation)
            self._frames, self._pending = creation.frames, None
            return
        # Program output in the middle of a report (another goroutine writing): not the report's.

    def _stack_line(self, line: str) -> None:
        frames = self._frames
        if frames is None:
            return
        text = line.strip()
        if self._pending is not None:
            m = _FILE_LINE.match(line)
            if m is not None:
                if len(frames) < MAX_FRAMES:
                    frames.append(RaceFrame(self._pending, m.group(1), int(m.group(2))))
                self._pending = None
                return
            self._pending = None
        if text.endswith(")"):
            paren = text.rfind("(")
            if paren > 0:
                self._pending = text[:paren]
                return
        if text == "[failed to restore the stack]" and len(frames) < MAX_FRAMES:
            frames.append(RaceFrame("[failed to restore the stack]"))

    def finish(self) -> list[Race]:
        """Every report read; one the text ended in is kept, flagged truncated."""
        if self._current is not None:
            if self._current.accesses:
                self._current.truncated = True
                # A text cut between a frame's function line and its file line still names the
                # function: the part that is there is kept (no file, line 0).
                if self._pending is not None and self._frames is not None and len(self._frames) < MAX_FRAMES:
                    self._frames.append(RaceFrame(self._pending))
                self.races.append(self._current)
            self._current = None
            self._frames = self._pending = None
        return self.races


def parse_races(text: str) -> list[Race]:
    scanner = RaceScanner()
    for line in text.splitlines():
        scanner.feed(line)
    return scanner.finish()
