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
from collections import deque
from collections.abc import Iterator
from itertools import islice

from dlvauto.snapshot import RawFrame, RawRace, RawRaceAccess, RawRaceCreation

SEPARATOR = "=================="
WARNING = "WARNING: DATA RACE"
# An access (`Read at 0x... by goroutine 7:`, `Previous write ... by main goroutine:`) or a
# creation (`Goroutine 7 (running) created at:`): a whole line, found in a whole report (a newline
# before it: searching for `\n` first is twice as fast as MULTILINE's `^`).
_HEADER = re.compile(
    r"\n(?:(Previous )?(read|write|Read|Write)(?: of size \d+)? at (0x[0-9a-f]+|\S+) by "
    r"(?:goroutine (\d+)|(main) goroutine)|Goroutine (\d+) \((running|finished)\) created at):(?=\n|\Z)"
)
_WRITE = ("write", "Write")
# One string object for each state, not one per report (two per report, 57 bytes each).
_STATE = {"running": "running", "finished": "finished"}
_FILE_LINE = re.compile(r"^\s+(.+?):(\d+)(?: \+0x[0-9a-f]+)?$")
MAX_FRAMES = 200  # per stack: a report is kept small whatever the text holds
# A report's lines kept (a real one has tens, a few thousand at most): a report whose closing line
# never comes cannot make the rest of a huge log stay in memory.
MAX_REPORT_LINES = 20_000
MAX_STACKS = 10_000  # distinct stacks remembered (a log of endless variety costs no more than this)


class RaceScanner:
    """Reads race reports, straight into the snapshot's models (a log holds thousands: no second
    copy of each is made on the way), from lines fed one by one (`feed`) or handed over a report at a time
    (`read_report`, which pulls the report's lines from the caller's iterator: a log's thousands of
    reports then cost one tight loop per report, not a call per line); `races` holds the complete
    ones (and, after `finish`, a report the text cut short, flagged).

    A report's lines are kept until its closing `=====`, then read as one block. The stack between
    two headers is looked up in `_stacks` by its text first: the same stacks recur in every report
    of the same race (a log of many runs, a test that races in a loop), so they are parsed once and
    their frames shared, read-only, between the reports (and memory holds one copy of them).
    """

    __slots__ = ("_addresses", "_block", "_ids", "_reports", "_stacks", "races")

    def __init__(self) -> None:
        self.races: list[RawRace] = []
        self._block: list[str] | None = None  # the lines of the report being read
        self._stacks: dict[str, list[RawFrame]] = {}
        # Whole reports read before, by their text: a log of many runs prints the same report of
        # the same race run after run (the same stacks, addresses of globals and goroutine ids).
        self._reports: dict[str, tuple[list[RawRaceAccess], list[RawRaceCreation]]] = {}
        self._ids: dict[str, int] = {}
        self._addresses: dict[str, str] = {}

    @property
    def reading(self) -> bool:
        """Inside a report: the lines until its closing `=====` are the report's."""
        return self._block is not None

    def feed(self, line: str) -> None:
        block = self._block
        if block is None:
            if line.startswith(WARNING):
                self._block = []
            return
        if line.startswith(SEPARATOR):
            self.races.append(self._read("\n" + "\n".join(block)))
            self._block = None
            return
        if len(block) < MAX_REPORT_LINES:
            block.append(line)

    def read_report(self, lines: Iterator[str]) -> None:
        """After a `WARNING: DATA RACE` line: the report's lines, pulled from `lines` up to and
        including its closing `=====` (a text that ends first leaves it for `finish`).

        From a generator (the text source's lines) the lines are pulled in C: `iter(next, SEP)`
        stops at the closing line (the detector prints exactly SEPARATOR), and a generator that is
        done afterwards (no frame) ran out inside the report. Other iterators go line by line."""
        if getattr(lines, "gi_frame", False) is False:
            self._block = []
            for line in lines:
                self.feed(line)
                if self._block is None:
                    return
            return
        nxt = lines.__next__
        block = list(islice(iter(nxt, SEPARATOR), MAX_REPORT_LINES))
        if len(block) == MAX_REPORT_LINES:
            deque(iter(nxt, SEPARATOR), maxlen=0)  # the rest of a report too long to keep
        if getattr(lines, "gi_frame", None) is None:  # the text ended inside the report
            self._block = block
            return
        block.insert(0, "")  # every header, the first too, follows a newline (see _read)
        self.races.append(self._read("\n".join(block)))

    def finish(self) -> list[RawRace]:
        """Every report read; one the text ended in is kept, flagged truncated."""
        if self._block is not None:
            race = self._read("\n" + "\n".join(self._block), cut=True)
            if race.accesses:
                self.races.append(race)
            self._block = None
        return self.races

    def _read(self, text: str, cut: bool = False) -> RawRace:
        """One report's text (between its WARNING and closing lines; a newline first, so that every
        header follows one) as a Race; `cut`: the text ended inside it (flagged truncated), so its
        last stack may end in a function line without its file line.

        The headers (`Read at ... by goroutine 7:`, `Goroutine 7 (running) created at:`) are found
        by one regular expression over the whole report; the text between two headers is a stack
        (with any program output that came in between), looked up by its text first. A whole
        report met before shares that one's accesses and creations (read-only, as the frames are);
        each report is still a RawRace of its own."""
        known = None if cut else self._reports.get(text)
        if known is not None:
            return RawRace(accesses=known[0], created=known[1], truncated=False)
        accesses: list[RawRaceAccess] = []
        created: list[RawRaceCreation] = []
        frames_of = self._frames
        ids, addresses = self._id, self._address
        heads = list(_HEADER.finditer(text))
        last = len(heads) - 1
        for i, m in enumerate(heads):
            if i < last:
                frames = frames_of(text[m.end() + 1 : heads[i + 1].start()])
            elif cut:
                frames = stack_frames(_stack_lines(text[m.end() + 1 :]), keep_pending=True)
            else:
                frames = frames_of(text[m.end() + 1 :])
            previous, op, address, gid, _main, made, state = m.groups()
            if made is not None:
                created.append(RawRaceCreation(goroutine_id=ids(made), state=_STATE[state], frames=frames))
            else:
                accesses.append(
                    RawRaceAccess(
                        op="write" if op in _WRITE else "read",
                        address=addresses(address),
                        goroutine_id=ids(gid) if gid else 1,
                        previous=previous is not None,
                        frames=frames,
                    )
                )
        if not cut:
            if len(self._reports) >= MAX_STACKS:
                self._reports.clear()
            self._reports[text] = (accesses, created)
        return RawRace(accesses=accesses, created=created, truncated=cut)

    def _id(self, digits: str) -> int:
        """One int object for each goroutine id met: the same goroutines appear in report after
        report, and an int above 256 is an object of its own (28 bytes, two or more a report)."""
        known = self._ids.get(digits)
        if known is None:
            if len(self._ids) >= MAX_STACKS:
                self._ids.clear()
            known = self._ids[digits] = int(digits)
        return known

    def _address(self, text: str) -> str:
        """One string object for each address met (a global's recurs in every report of its
        race; 63 bytes each)."""
        known = self._addresses.get(text)
        if known is None:
            if len(self._addresses) >= MAX_STACKS:
                self._addresses.clear()
            known = self._addresses[text] = text
        return known

    def _frames(self, region: str) -> list[RawFrame]:
        frames = self._stacks.get(region)
        if frames is None:
            if len(self._stacks) >= MAX_STACKS:
                self._stacks.clear()
            frames = self._stacks[region] = stack_frames(_stack_lines(region))
        return frames


def _stack_lines(region: str) -> list[str]:
    """The stack's lines of the text after a header: the indented lines up to the first blank
    line; a line of program output in between is not the report's, and does not end the stack."""
    out = []
    for line in region.split("\n"):
        if not line:
            break
        if line[0] == " ":
            out.append(line)
    return out


def stack_frames(lines: list[str], keep_pending: bool = False) -> list[RawFrame]:
    """The frames of one stack's lines (`  pkg.fn()` then `      /file.go:12 +0x44`), at most
    MAX_FRAMES. `keep_pending`: the text was cut after the last function line, whose function is
    kept (no file, line 0): the part that is there."""
    frames: list[RawFrame] = []
    pending: str | None = None
    for line in lines:
        text = line.strip()
        if pending is not None:
            m = _FILE_LINE.match(line)
            if m is not None:
                if len(frames) < MAX_FRAMES:
                    frames.append(RawFrame(function=pending, file=m.group(1), line=int(m.group(2))))
                pending = None
                continue
            pending = None
        if text.endswith(")"):
            paren = text.rfind("(")
            if paren > 0:
                pending = text[:paren]
                continue
        if text == "[failed to restore the stack]" and len(frames) < MAX_FRAMES:
            frames.append(RawFrame(function="[failed to restore the stack]"))
    if keep_pending and pending is not None and len(frames) < MAX_FRAMES:
        frames.append(RawFrame(function=pending))
    return frames


def parse_races(text: str) -> list[RawRace]:
    scanner = RaceScanner()
    for line in text.splitlines():
        scanner.feed(line)
    return scanner.finish()
