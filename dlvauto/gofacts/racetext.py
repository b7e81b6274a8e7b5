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
from collections.abc import Iterable, Iterator
from itertools import islice

from dlvauto.gofacts.runtime import RACE_WARNING
from dlvauto.snapshot import RawFrame, RawRace, RawRaceAccess, RawRaceCreation

SEPARATOR = "=================="
WARNING = RACE_WARNING
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
    for line in untangle(text.splitlines()):
        scanner.feed(line)
    return scanner.finish()


# The detector and the runtime write to stderr at once, each unaware of the other: a program that
# races and crashes can have the runtime's `fatal error: ` land inside a report. The detector's
# report of a race (compiler-rt's tsan_report.cpp, its Go build) is a sequence of writes, each
# whole: `==================\n`; `WARNING: DATA RACE` (its newline comes with the next write);
# `\n`; `Write at 0x... by ` then `goroutine 7:\n` (or `main goroutine:\n`); each frame as one
# write of two lines (`  main.f()\n      /src/main.go:12 +0x44\n`); `\n`; `Goroutine 7 (running)
# created at:\n`; ...; `==================\n`. The runtime prints a header in pieces (`fatal error: `,
# the message, `\n`), and a traceback in many more. So a line of a report can carry the runtime's
# text before a write of the detector's, after `WARNING: DATA RACE`, or inside an access line
# (`Write at 0x... by fatal error: goroutine 7:`); a line with no write of the detector's in it is
# all the runtime's (or the program's). `untangle` gives the report's writes back as whole lines
# and the runtime's text joined again, as lines after the report's closing line, so the crash
# header and the report read as if each had had stderr to itself.
_DETECTOR_WRITE = re.compile(
    r"(.*?)"  # the runtime's text written just before the detector's
    r"(?:(={18})"  # a separator
    r"|WARNING: DATA RACE(.*)"  # written without its newline: the runtime's text may follow it
    # An access (or a heap block's allocation), written in two parts: the runtime may come between.
    r"|((?:Previous )?(?:[Rr]ead|[Ww]rite)(?: of size \d+)? at \S+ by "
    r"|Heap block of size \d+ at \S+ allocated by )"
    r"(.*?)((?:goroutine \d+|main goroutine):)?"
    r"|(Goroutine \d+ \((?:running|finished)\) created at:|  \S.*\(\)|  \[failed to restore the stack\]"
    r"|      \S.*:\d+(?: \+0x[0-9a-f]+)?|Global var .* declared at .*:\d+))"
)
_OTHER_HEADERS = ("Goroutine ", "Global var ")  # the headers the access pattern does not take
_OPENING_LINES = 16  # the runtime's lines taken between a separator and its WARNING, at most
_WARNING_LINE = re.compile(r"(.*?)WARNING: DATA RACE(.*)")
_ACCESS_TAIL = re.compile(r"(.*?)((?:goroutine \d+|main goroutine):)")


def untangle(lines: Iterable[str]) -> Iterator[str]:
    """`lines` with every race report's own lines whole and together, and the runtime's text that
    was written into a report given, joined again, after it. Lines outside reports pass as they
    are. (A text with no runtime writes in its reports comes out as it went in.)

    From a generator (the text source's lines) a report that opens cleanly is pulled whole in C
    and, when every line of it is the detector's (`_CLEAN_REPORT`, one match), passed on as it
    is: a log of thousands of reports costs a match per report, not the state machine per line."""
    tangle = _Tangle()
    feed = tangle.feed
    it = iter(lines)
    nxt = it.__next__ if getattr(it, "gi_frame", None) is not None else None
    for line in it:
        if tangle.inside or tangle.opening is not None or tangle.partial:
            yield from feed(line)
        elif not line.endswith(SEPARATOR):
            yield line  # the common case, outside every report, at the cost of a few tests
        elif line != SEPARATOR or nxt is None:
            yield from feed(line)
        else:
            block = list(islice(iter(nxt, SEPARATOR), MAX_REPORT_LINES))
            closed = len(block) < MAX_REPORT_LINES and getattr(it, "gi_frame", None) is not None
            if closed and block and block[0] == WARNING and _CLEAN_REPORT.fullmatch("\n".join(block[1:])):
                yield SEPARATOR
                yield from block
                yield SEPARATOR
                continue
            for read in (line, *block, *((SEPARATOR,) if closed else ())):
                yield from feed(read)
    yield from tangle.finish()


# A report every line of which is the detector's own (see _DETECTOR_WRITE), after its WARNING line.
_CLEAN_LINE = (
    r"(?:|  \S.*\(\)|      \S.*|  \[failed to restore the stack\]"
    r"|(?:Previous )?(?:[Rr]ead|[Ww]rite)(?: of size \d+)? at \S+ by (?:goroutine \d+|main goroutine):"
    r"|Heap block of size \d+ at \S+ allocated by (?:goroutine \d+|main goroutine):"
    r"|Goroutine \d+ \((?:running|finished)\) created at:|Global var .* declared at .*:\d+)"
)
_CLEAN_REPORT = re.compile(f"(?:{_CLEAN_LINE}\n)*{_CLEAN_LINE}")


class _Tangle:
    """`untangle`'s state, a line at a time.

    Which newline is whose: each of the detector's writes but two ends in its own newline
    (`WARNING: DATA RACE` and an access's first part do not), and before each header (an access,
    a creation) it writes one `\\n` of its own. So between two of its writes every newline is the
    runtime's, except that one before a header: when the runtime wrote lines there too, the
    detector's is the one after an unfinished line of the runtime's (`\\tmain.go`, `main.f(0x1`), or
    else a blank one, or else the last (`_drop_one`). The runtime's text since the detector's last
    write is `window`: its pieces, a newline between each two. The report's own blank lines are
    made again, one before each header but the first."""

    __slots__ = ("between", "first_header", "held", "inside", "open_access", "opening", "partial", "window")

    def __init__(self) -> None:
        self.inside = False
        self.partial = ""  # the runtime's line so far, its newline not yet come
        self.window = [""]  # the runtime's text since the detector's last write in a report
        self.held: list[str] = []  # the runtime's lines completed inside the report, given after it
        self.open_access = ""  # an access line's first part, its `goroutine N:` not yet come
        self.first_header = True  # the report's first header follows WARNING, no blank line between
        self.opening: str | None = None  # a separator line outside reports: a report's if WARNING follows
        self.between: list[str] = []  # lines after `opening` before its WARNING: the runtime's

    def feed(self, line: str) -> Iterator[str]:
        if self.opening is not None:
            m = _WARNING_LINE.fullmatch(line)
            if m is not None:  # a report opens; the runtime's text met so far is given after it
                window = [self.opening[: -len(SEPARATOR)]]
                for runtime_line in self.between:  # after the separator's own newline
                    window[-1] += runtime_line
                    window.append("")
                window[-1] += m.group(1)
                self.window = window
                self._settle(detector_newline=False)
                self.opening, self.between = None, []
                self.inside, self.first_header = True, True
                yield SEPARATOR
                yield WARNING
                self.window = [m.group(2), ""]  # the line's newline: the runtime's or the detector's
                return
            if len(self.between) < _OPENING_LINES and not line.endswith(SEPARATOR):
                self.between.append(line)
                return
            yield from self._not_opened()
        if not self.inside:
            if line.endswith(SEPARATOR):  # a report may open (after some of the runtime's text)
                self.opening = line
            elif self.partial:  # the runtime's line that a report cut in two ends here
                yield self.partial + line
                self.partial = ""
            else:
                yield line
            return
        window = self.window
        if self.open_access:
            t = _ACCESS_TAIL.fullmatch(line)
            if t is not None:
                window[-1] += t.group(1)
                self._settle(detector_newline=False)
                yield self.open_access + t.group(2)
                self.open_access = ""
                return
        m = _DETECTOR_WRITE.fullmatch(line) if line else None
        if m is None:  # none of the detector's: the runtime's text, and its newline
            window[-1] += line
            window.append("")
            return
        if self.open_access:
            yield self.open_access.rstrip()  # never completed: what there is
            self.open_access = ""
        before, separator, after_warning, access, middle, tail, whole = m.groups()
        window[-1] += before
        if separator is not None:  # the report ends; the runtime's line may go on after it
            self._settle(detector_newline=False)
            self.inside = False
            yield SEPARATOR
            yield from self.held
            self.held = []
        elif after_warning is not None:  # a second WARNING line: what there is
            self._settle(detector_newline=False)
            yield WARNING
            self.window = [after_warning, ""]
        elif access is not None:
            self._settle(detector_newline=True)
            if not self.first_header:
                yield ""
            self.first_header = False
            if tail is None:  # the runtime wrote between its two parts, and a newline
                self.open_access = access
                self.window = [middle, ""]
            else:
                self.window = [middle]
                self._settle(detector_newline=False)
                yield access + tail
        else:
            header = whole.startswith(_OTHER_HEADERS)
            self._settle(detector_newline=header)
            if header:
                if not self.first_header:
                    yield ""
                self.first_header = False
            yield whole

    def finish(self) -> Iterator[str]:
        if self.opening is not None:
            yield from self._not_opened()
        if self.inside:
            self._settle(detector_newline=False)
        if self.open_access:
            yield self.open_access.rstrip()
        yield from self.held
        if self.partial:
            yield self.partial

    def _not_opened(self) -> Iterator[str]:
        """The separator had no report after it: the lines as they were."""
        assert self.opening is not None
        yield self.partial + self.opening
        self.partial = ""
        yield from self.between
        self.opening, self.between = None, []

    def _settle(self, detector_newline: bool) -> None:
        """The window's text as the runtime's lines (held) and its open line (`partial`);
        `detector_newline`: one of its newlines is the detector's (a header comes next)."""
        window = self.window
        if detector_newline and len(window) > 1:
            j = self._drop_one(window)
            window[j : j + 2] = [window[j] + window[j + 1]]
        if len(window) > 1:
            self.held.append(self.partial + window[0])
            self.held.extend(window[1:-1])
            self.partial = window[-1]
        else:
            self.partial += window[0]
        self.window = [""]

    def _drop_one(self, window: list[str]) -> int:
        """Which of the window's newlines is the detector's (see the class)."""
        ends = [self.partial + window[0], *window[1:-1]]  # the text before each newline
        for j, text in enumerate(ends):
            if text and _unfinished(text):
                return j
        for j, text in enumerate(ends):
            if not text:
                return j
        return len(ends) - 1


# The beginnings of the runtime's lines that are not yet whole (the runtime prints a traceback's
# line in pieces: the function, `(`, each argument, `)`; `\t`, the file, `:`, the line, ` +0x..`).
_UNFINISHED = re.compile(
    r".*[ +=]"  # a line never ends so (`fatal error: `, `panic: `, `created by `, ` +`, ` fp=`)
    r"|goroutine(?! \d+ .*\]:$).*"  # `goroutine 7 [running]:` (or `gp=... [running]:`)
    r"|created by(?! .+ in goroutine \d+$).*"
    r"|\t(?!.*:\d+).*"  # `\t/src/main.go:12 +0x44`
    r"|[^\s(]+(?:\(.*(?<!\)))?"  # `main.f(0x1)`: a name, its arguments not yet closed
)


def _unfinished(line: str) -> bool:
    return _UNFINISHED.fullmatch(line) is not None
