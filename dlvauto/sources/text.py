"""Go runtime text tracebacks -> Snapshots (mode "text"): one per crash dump found in the text.

A log, a CI transcript or a pasted stderr may hold the runtime's crash text among any other lines,
and several crashes one after another. This module reads such text in one pass, line by line (a
file of gigabytes never sits in memory whole), and turns every dump into the same `Snapshot` a live
run or a core dump gives, so one analysis explains them all.

What a dump looks like (Go 1.21 to 1.27, every GOTRACEBACK level):

    panic: ... / fatal error: ... / SIGSEGV: ...+PC=...   the header (see dlvauto.tracetext)
    runtime stack:                                        the system stack of the thread that threw
    runtime.throw({0x4e6858?, 0x200000008?})
    \t/usr/local/go/src/runtime/panic.go:1229 +0x48 fp=0x... sp=0x... pc=0x484948
    goroutine 1 gp=0x... m=0 mp=0x... [running]:          gp= m= at system/crash level (Go 1.22+)
    main.f(...)                                           `(...)`: inlined into its caller
    \t/src/m/main.go:8                                    (no +0x offset then)
    panic({0x4cadc0?, 0xc000012345?})                     runtime.gopanic, named "panic"
    ...120 frames elided...                               deep stacks keep 50 inner, 50 outer
    created by main.main in goroutine 1                   (Go < 1.21: `created by main.main`)
    [originating from goroutine 1]:                       GODEBUG=tracebackancestors: the creator
    goroutine 5 [chan receive, 2 minutes, locked to thread]:
    \tgoroutine running on other thread; stack unavailable
    -----  then  SIGQUIT: quit / PC=... / goroutine 0 ... [idle]:   crash level: other threads

The crash goroutine is the first one dumped after the header when it is `[running]` (or
`[syscall]`: a signal in C code); for a deadlock the first one is blocked, and the analysis then
picks the main goroutine. A `runtime stack:` section belongs to the crash goroutine when it runs
(a throw on the system stack, as for a stack overflow) and is put in front of its frames as dlv
shows them; otherwise (a deadlock found by the scheduler) it is the stop's thread frames. The
`goroutine 0` stacks of signal sections are threads' system stacks, not goroutines, likewise.

The parsing loop is one function with local state on purpose: a method call per line would cost
more than the rest of the work. Lines are told apart by their first character before any regular
expression runs, and equal frames (most goroutines of a big program wait at the same few places)
are one shared `RawFrame`, which keeps a 100,000-goroutine dump lean.
"""

from __future__ import annotations

import gzip
import io
import re
import sys
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, cast

from dlvauto.errors import UserError, shown
from dlvauto.gofacts.racetext import SEPARATOR as RACE_SEPARATOR
from dlvauto.gofacts.racetext import WARNING as RACE_WARNING
from dlvauto.gofacts.racetext import RaceScanner, untangle
from dlvauto.gofacts.tracetext import SEPARATOR, CrashHeader, HeaderBuilder, pc_line, signal_name_line
from dlvauto.snapshot import (
    Ancestor,
    BuildFacts,
    CapturedOutput,
    RawFrame,
    RawGoroutine,
    RawRace,
    RecoveredStack,
    Snapshot,
    StopEvent,
)
from dlvauto.sources.textfacts import infer_build_facts, merge_facts
from dlvauto.system.gcpause import paused_gc

_GOROUTINE = re.compile(
    r"goroutine ([0-9]{1,19})(?: gp=0x[0-9a-f]+ m=(?:[0-9]+|nil)(?: mp=0x[0-9a-f]+)?)?"
    r" \[([^\]]*)\](?: \{.*\})?:$"
)
_FILE_LINE = re.compile(
    r"\t(.*?):([0-9]{1,9})(?: \+0x[0-9a-f]+)?( fp=0x[0-9a-f]+ sp=0x[0-9a-f]+)?(?: pc=0x([0-9a-f]{1,16}))?$"
)
_CREATED_BY = re.compile(r"created by (\S+)(?: in goroutine ([0-9]{1,19}))?$")
_HTTP_PANIC = re.compile(r"http: panic serving \S+: (.*)$")  # net/http's log line before the stack
DEBUG_STACK = "runtime/debug.Stack"
_ELIDED = re.compile(r"\.\.\.([0-9]{1,19}|additional) frames elided\.\.\.$")
_NON_GO = re.compile(r"non-Go function(?: at pc=0x([0-9a-f]{1,16}))?$")
_ORIGINATING = re.compile(r"\[originating from goroutine ([0-9]{1,19})\]:$")

# The runtime's goroutine status words (gStatusStrings); anything else in the brackets is a wait
# reason, which dlv's live source reports as status "waiting" with that wait reason.
STATUS_WORDS = frozenset(
    {
        "idle", "runnable", "running", "syscall", "waiting", "moribund_unused", "dead",
        "enqueue_unused", "copystack", "preempted", "leaked", "waiting for cgo callback", "???",
    }
)  # fmt: skip
_CRASHING_STATUS = frozenset({"running", "syscall"})
# The frame at the bottom of a system stack that switched from a goroutine's stack: dlv hides it
# when it joins the two stacks, and so does this source.
_STACK_SWITCH = frozenset(
    {"runtime.morestack", "runtime.morestack_noctxt", "runtime.systemstack", "runtime.mcall"}
)
PREAMBLE_LINES = 200  # program output kept from before a crash header
MAX_LINE = 1 << 20  # a longer "line" is binary noise: only its start is looked at
CHUNK = 1 << 22  # characters read at a time
MAX_SPAWNERS = 10_000  # distinct `created by` lines remembered (then forgotten and read again)


FrameMemo = dict[tuple[str, bool | None, str, str], RawFrame]


class _Dump:
    """One dump being read: its header, goroutines and what was seen around them."""

    __slots__ = (
        "ancestors",
        "attached_runtime_stack",
        "continuation",
        "elided",
        "first_goroutine",
        "first_status",
        "frames",
        "goroutines",
        "header",
        "header_builder",
        "noise_dropped",
        "preamble",
        "recovered",
        "runtime_detail",
        "runtime_stack",
        "thread_frames",
        "unavailable",
    )

    def __init__(self, preamble: list[str], noise_dropped: int) -> None:
        self.header: CrashHeader | None = None
        self.header_builder: HeaderBuilder | None = None
        self.goroutines: dict[int, RawGoroutine] = {}
        # Every distinct frame of the dump, by its printed site: goroutines parked at the same
        # place share one RawFrame, and the build facts are read off these alone.
        self.frames: FrameMemo = {}
        self.ancestors: dict[int, list[Ancestor]] = {}
        self.first_goroutine: int | None = None
        self.first_status: str | None = None
        self.runtime_detail = False  # the dump shows runtime frames (gp= / fp=): not single/all
        self.runtime_stack: list[RawFrame] | None = None
        self.attached_runtime_stack = False
        self.thread_frames: list[RawFrame] = []
        self.continuation = False  # inside a `-----` section of another thread (crash level)
        self.elided: dict[int, str] = {}
        self.unavailable: list[int] = []
        self.preamble = preamble
        self.noise_dropped = noise_dropped
        self.recovered: dict[int, tuple[str, str | None]] = {}  # goroutine -> (who printed it, value)


def _status(text: str) -> tuple[str, str | None, int | None, bool]:
    """`chan receive, 2 minutes, locked to thread` -> (status, wait reason, minutes, locked)."""
    parts = text.split(", ")
    word = parts[0]
    minutes = None
    locked = False
    for part in parts[1:]:
        if part.endswith(" minutes") and part[:-8].isascii() and part[:-8].isdigit() and len(part) < 20:
            minutes = int(part[:-8])
        elif part == "locked to thread":
            locked = True
    if word.endswith(" (scan)"):
        word = word[:-7]
    if word.endswith(" (leaked)"):
        return "leaked", word[:-9], minutes, locked
    if not word:
        return "unknown", None, minutes, locked
    if word in STATUS_WORDS:
        return word, None, minutes, locked
    return "waiting", word, minutes, locked


def _scan(lines: Iterable[str], races: RaceScanner | None = None) -> Iterator[_Dump]:
    """Every dump in `lines` (no line ends), in order; each is yielded when the next one starts.

    `races` is handed the race detector's reports met on the way (their lines are no dump's)."""
    memo: FrameMemo = {}  # the dump's own (a new dump starts a new one)
    # The dump's frames again, by the file line alone (see the file lines below): (function,
    # inlined, frame) of the frames, (function, frame) of the `created by` sites.
    sites: dict[str, tuple[str, bool, RawFrame]] = {}
    creators: dict[str, tuple[str, RawFrame]] = {}
    spawners: dict[str, tuple[str, int | None]] = {}  # `created by ...` lines read
    statuses: dict[str, tuple[str, str | None, int | None, bool]] = {}  # one string per wait reason
    noise: deque[str] = deque(maxlen=PREAMBLE_LINES)
    noise_seen = 0
    dump: _Dump | None = None
    g: RawGoroutine | None = None  # the goroutine whose frames are being read
    frames: list[RawFrame] | None = None  # where frames go (a goroutine, a system stack, or a bin)
    builder: HeaderBuilder | None = None
    pending_fn: tuple[str, bool] | None = None  # a function line waiting for its file line
    pending_created: tuple[str, int | None] | None = None
    previous = ""  # the line before, for a signal name followed by its PC= line
    after_separator = False
    ancestors = False  # inside `[originating from goroutine N]:` (GODEBUG=tracebackancestors)
    untangling = False  # the lines are read through racetext.untangle (see _tangled below)

    it = iter(lines)
    while True:  # again after `it` changed (the lines read through untangle from then on)
        switched = False
        for line in it:
            if not line:
                if builder is not None:
                    assert dump is not None
                    dump.header = builder.finish()
                    builder = None
                pending_fn = pending_created = None
                previous = line
                continue
            c = line[0]
            if c == " " and (pending_fn is not None or pending_created is not None):
                # A trace pasted through a tool that turned the tab into spaces.
                line = "\t" + line.lstrip(" ")
                c = "\t"
            if c == "\t":
                if pending_fn is not None and frames is not None:
                    name, inlined = pending_fn
                    pending_fn = None
                    inlined = inlined and not ancestors  # an ancestor's frames all print "(...)"
                    # The file line names the site; only fp= and sp= differ between goroutines
                    # parked at the same place, so the line without them finds the frame made
                    # before, without a regular expression. Without them (GOTRACEBACK=single|all,
                    # the common case) the line alone finds the frame in `sites`, checked against
                    # the function: one string's hash instead of a tuple's of two.
                    if " fp=" not in line:
                        hit = sites.get(line)
                        if hit is not None and hit[1] is inlined and hit[0] == name:
                            frames.append(hit[2])
                            previous = line
                            continue
                        fp_at = -1
                        key: tuple[str, bool | None, str, str] = (name, inlined, line, "")
                    else:
                        fp_at = line.find(" fp=")
                        key = (name, inlined, line[:fp_at], line[line.find(" pc=", fp_at) :])
                    frame = memo.get(key)
                    if frame is None:
                        m = _FILE_LINE.match(line)
                        if m is not None:
                            file, num, _, pc = m.groups()
                            frame = memo[key] = RawFrame(
                                function=name,
                                file=file,
                                line=int(num),
                                pc=int(pc, 16) if pc else 0,
                                inlined=inlined,
                            )
                    if frame is not None:
                        frames.append(frame)
                        if fp_at < 0:
                            sites[line] = (name, inlined, frame)
                        elif dump is not None and not ancestors:
                            dump.runtime_detail = True
                        previous = line
                        continue
                if pending_created is not None:
                    name, parent = pending_created
                    pending_created = None
                    made_at = creators.get(line)
                    if made_at is not None and made_at[0] == name:
                        frame = made_at[1]
                    else:
                        key = (name, None, line, "")
                        frame = memo.get(key)
                    if frame is None:
                        m = _FILE_LINE.match(line)
                        if m is not None:
                            frame = memo[key] = RawFrame(function=name, file=m.group(1), line=int(m.group(2)))
                    if frame is not None:
                        creators[line] = (name, frame)
                        if g is not None and not ancestors:
                            g.created_by = frame
                            g.created_by_goroutine = parent
                        previous = line
                        continue
                if builder is not None and builder.add(line):
                    previous = line
                    continue
                if g is not None and line.startswith("\tgoroutine running on other thread"):
                    g.unreadable = "running on another thread: the runtime could not print its stack"
                    assert dump is not None
                    dump.unavailable.append(g.id)
                else:
                    if races is not None and not untangling and line.endswith(RACE_SEPARATOR):
                        it = untangle(_ahead([line], it))  # a report opens: see below
                        untangling = switched = True
                        break
                    noise_seen += 1
                    noise.append(line)
                previous = line
                continue

            # From a race report's opening line on, the lines are read through racetext.untangle
            # (a text without reports pays nothing for it): the runtime's writes that landed in a
            # report (a crash while the detector printed) are read apart from it. A report
            # between a function line and its file line, or in a header, leaves them open.
            if c == "=" and races is not None and line == RACE_SEPARATOR:
                if not untangling:
                    it = untangle(_ahead([line], it))
                    untangling = switched = True
                    break
                noise_seen += 1
                noise.append(line)
                previous = line
                continue
            if c == "W" and races is not None and line.startswith(RACE_WARNING):
                if untangling:
                    races.read_report(it)  # the report's lines, up to its closing line
                    continue
                opening = RACE_SEPARATOR  # (only a text that lost the report's opening line)
                if noise and noise[-1].endswith(RACE_SEPARATOR):
                    opening = noise.pop()
                    noise_seen -= 1
                it = untangle(_ahead([opening, line], it))
                untangling = switched = True
                break
            pending_fn = pending_created = None
            if builder is not None:
                if builder.add(line):
                    previous = line
                    continue
                assert dump is not None
                dump.header = builder.finish()
                builder = None

            if c == "g" and line.startswith("goroutine "):
                m = _GOROUTINE.match(line)
                if m is not None:
                    gid = int(m.group(1))
                    status_text = m.group(2)
                    ancestors = False
                    if dump is not None and gid in dump.goroutines and gid != 0:
                        known = dump.goroutines[gid]
                        if not known.frames:  # printed before as "stack unavailable": now its stack
                            g, frames = known, known.frames
                            known.unreadable = None
                            previous = line
                            continue
                        if dump.continuation:  # printed again by its own thread (crash level)
                            g, frames = None, []
                            previous = line
                            continue
                        yield dump  # the same id twice: a new dump that has no header
                        dump = None
                    if dump is None:
                        dump = _Dump(list(noise), max(0, noise_seen - len(noise)))
                        memo = dump.frames
                        sites, creators = {}, {}
                        noise.clear()
                        noise_seen = 0
                    elif noise:
                        noise.clear()  # program output between goroutine blocks: not the preamble
                        noise_seen = 0
                    if " gp=" in line:
                        dump.runtime_detail = True
                    if gid == 0:  # a thread's system stack (g0) in a signal section
                        g = None
                        frames = dump.thread_frames if not dump.thread_frames else []
                        previous = line
                        continue
                    parsed = statuses.get(status_text)
                    if parsed is None:
                        parsed = statuses[status_text] = _status(status_text)
                    status, reason, minutes, locked = parsed
                    g = RawGoroutine(
                        id=gid,
                        status=status,
                        wait_reason=reason,
                        wait_minutes=minutes,
                        locked_to_thread=locked,
                    )
                    dump.goroutines[gid] = g
                    frames = g.frames
                    served = _HTTP_PANIC.search(previous) if previous else None
                    if served is not None:  # net/http recovered a handler's panic and logged its stack
                        dump.recovered[gid] = ("net/http", served.group(1))
                    if dump.first_goroutine is None:
                        dump.first_goroutine = gid
                        dump.first_status = status
                        stack = dump.runtime_stack
                        if stack and status == "running":
                            # The thread that threw was running this goroutine: dlv shows its system
                            # stack first, then the goroutine's own frames, without the switch frame.
                            cut = len(stack) - 1 if stack[-1].function in _STACK_SWITCH else len(stack)
                            frames.extend(stack[:cut])
                            dump.attached_runtime_stack = True
                    previous = line
                    continue

            if frames is not None:
                if c == "c" and line.startswith("created by "):
                    # Most goroutines were made by the same few `go` statements: one line, read once.
                    made = spawners.get(line)
                    if made is None:
                        m = _CREATED_BY.match(line)
                        if m is not None:
                            if len(spawners) >= MAX_SPAWNERS:
                                spawners.clear()
                            made = spawners[line] = (m.group(1), int(m.group(2)) if m.group(2) else None)
                    if made is not None:
                        pending_created = made
                        previous = line
                        continue
                elif line[-1] == ")":
                    paren = line.rfind("(")
                    if paren > 0:
                        name = line[:paren]
                        if " " not in name:
                            # `(...)`: inlined (a length test first: endswith costs more per line)
                            inlined_fn = len(line) - paren == 5 and line[paren:] == "(...)"
                            pending_fn = ("runtime.gopanic" if name == "panic" else name, inlined_fn)
                            previous = line
                            continue
                elif c == "." and line.startswith("..."):
                    m = _ELIDED.match(line)
                    if m is not None:
                        if g is not None and dump is not None and not ancestors:
                            dump.elided[g.id] = m.group(1)
                        previous = line
                        continue
                elif c == "[" and line.startswith("[originating from goroutine "):
                    m = _ORIGINATING.match(line)
                    if m is not None and g is not None and dump is not None:
                        # GODEBUG=tracebackancestors: the creator's stack when it made this goroutine.
                        ancestor = Ancestor(id=int(m.group(1)))
                        dump.ancestors.setdefault(g.id, []).append(ancestor)
                        ancestors = True
                        frames = ancestor.frames
                        previous = line
                        continue
                elif c == "n" and line.startswith("non-Go function"):
                    m = _NON_GO.match(line)
                    if m is not None:
                        # A C frame the runtime could not name (no cgo symbolizer): its pc at best.
                        frames.append(RawFrame(pc=int(m.group(1), 16) if m.group(1) else 0, inlined=False))
                        previous = line
                        continue

            started = HeaderBuilder.start(line) if c in "pf" else None
            if started is None and c == "P" and signal_name_line(previous) and pc_line(line):
                started = HeaderBuilder.start_signal(previous, line)
                if started is not None and after_separator and dump is not None:
                    # GOTRACEBACK=crash: another thread's section of the same crash.
                    dump.continuation = True
                    after_separator = False
                    g, frames = None, None
                    builder = None
                    previous = line
                    continue
                if started is not None and noise and noise[-1] == previous:
                    noise.pop()  # the signal name line was taken for noise a line ago
                    noise_seen -= 1
            if started is not None and races is not None and not untangling and _glued_to_report(line):
                # The runtime began its header while the race detector printed a report: read on
                # with the two apart.
                read = [line]
                if not line.endswith(RACE_SEPARATOR):  # a WARNING line: its opening line first
                    opening = RACE_SEPARATOR
                    if noise and noise[-1].endswith(RACE_SEPARATOR):
                        opening = noise.pop()
                        noise_seen -= 1
                    read.insert(0, opening)
                it = untangle(_ahead(read, it))
                untangling = switched = True
                break
            if started is not None:
                after_separator = False
                if (
                    dump is not None
                    and not dump.goroutines
                    and dump.header_builder is not None
                    and dump.header_builder.first_line == line
                ):
                    previous = line
                    continue  # the same fatal error printed twice by two threads at once
                if dump is not None:
                    yield dump
                dump = _Dump(list(noise), max(0, noise_seen - len(noise)))
                memo = dump.frames
                sites, creators = {}, {}
                noise.clear()
                noise_seen = 0
                dump.header_builder = builder = started
                g, frames = None, None
                previous = line
                continue
            if c == "r" and line == "runtime stack:" and dump is not None:
                dump.runtime_stack = frames = []
                g = None
                previous = line
                continue
            if c == "-" and line.startswith(SEPARATOR) and dump is not None:
                after_separator = True
                previous = line
                continue
            if races is not None and not untangling and line.endswith(RACE_SEPARATOR):
                it = untangle(_ahead([line], it))  # a report opens after some of the runtime's text
                untangling = switched = True
                break
            noise_seen += 1
            noise.append(line)
            previous = line

        if not switched:
            break

    if builder is not None and dump is not None:
        dump.header = builder.finish()
    if dump is not None:
        yield dump


def _glued_to_report(line: str) -> bool:
    """A crash header's line with the start of a race report in it (see racetext.untangle)."""
    return line.endswith(RACE_SEPARATOR) or RACE_WARNING in line


def _ahead(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _notes(dump: _Dump, crash_id: int | None) -> list[str]:
    notes: list[str] = []
    h = dump.header
    if h is None:
        notes.append(
            "the text has goroutine stacks but no crash header (panic:, fatal error: or a signal): "
            "reported as a capture of a running program"
        )
    elif h.chain and len(h.chain) > 1:
        earlier = h.chain[:-1]
        recovered = [repr(v) for v, r in earlier if r]
        raised = [repr(v) for v, r in earlier if not r]
        if raised:
            notes.append(f"the last panic was raised while panicking with {' -> '.join(raised)}")
        if recovered:
            notes.append(f"panics recovered before the last one: {' -> '.join(recovered)}")
    if h is not None and h.detail:
        notes.append(h.detail)
        if "cgo" in h.detail:
            notes.append(
                "the runtime's traceback has no C frames: the first user frame is the Go function "
                "that called into C (live and core name the C frame when dlv can unwind it)"
            )
    if dump.attached_runtime_stack:
        notes.append(
            f"goroutine {crash_id}'s first frames are the system stack of the thread that threw "
            "('runtime stack:' in the text)"
        )
    if crash_id is not None and crash_id in dump.elided:
        count = dump.elided[crash_id]
        what = "more" if count == "additional" else count
        notes.append(
            f"goroutine {crash_id}: the runtime left out {what} frames in the middle of its stack; "
            "frames after the gap are numbered as printed"
        )
    others = len(dump.elided) - (crash_id in dump.elided)
    if others:
        notes.append(f"{others} other goroutines have frames left out in the middle of their stacks")
    if dump.unavailable:
        notes.append(f"{len(dump.unavailable)} goroutines ran on other threads: no stacks printed for them")
    return notes


def to_snapshot(dump: _Dump, trace: str | None, given: BuildFacts | None = None) -> Snapshot:
    """The Snapshot of one dump, with build facts inferred from its frames (or given)."""
    h = dump.header
    crash_id = None
    if h is not None and dump.first_status in _CRASHING_STATUS:
        crash_id = dump.first_goroutine
    for g in dump.goroutines.values():
        if g.frames and g.frames[0].function == DEBUG_STACK and g.id not in dump.recovered:
            dump.recovered[g.id] = (DEBUG_STACK, None)  # a stack the program printed itself
    recovered = [  # in the order the text printed them
        RecoveredStack(
            source=dump.recovered[gid][0], message=dump.recovered[gid][1], goroutine=dump.goroutines.pop(gid)
        )
        for gid in [g for g in dump.goroutines if g in dump.recovered]
    ]
    goroutines = list(dump.goroutines.values())
    for gid, count in dump.elided.items():
        if count.isdigit() and gid in dump.goroutines:
            dump.goroutines[gid].frames_omitted = int(count)
    facts = infer_build_facts(dump.frames.values())
    if given is not None:
        facts = merge_facts(facts, given)
    stop = StopEvent(
        # Only recovered panics' stacks (a log of a program that survived them): no crash at all.
        reason=h.kind if h is not None else ("exited" if recovered and not goroutines else "halted"),
        goroutine_id=crash_id,
        runtime_message=h.message if h is not None else None,
        runtime_kind=h.kind if h is not None else None,
        signal=h.signal if h is not None else None,
        thread_frames=dump.thread_frames if not dump.attached_runtime_stack else [],
        runtime_chain=list(h.chain or []) if h is not None and len(h.chain or []) > 1 else [],
    )
    if dump.runtime_stack and not dump.attached_runtime_stack and not dump.thread_frames:
        stop.thread_frames = dump.runtime_stack
    preamble = "\n".join(dump.preamble)
    return Snapshot(
        mode="text",
        build=facts,
        trace=trace,
        stop=stop,
        goroutines=goroutines,
        output=CapturedOutput(stderr=preamble + "\n" if preamble else "", truncated=dump.noise_dropped > 0),
        runtime_frames_hidden=not dump.runtime_detail,
        ancestors=dump.ancestors,
        notes=_notes(dump, crash_id) if goroutines or not recovered else [],
        recovered=recovered,
    )


def parse_lines(
    lines: Iterable[str], trace: str | None = None, given: BuildFacts | None = None, every: bool = False
) -> list[Snapshot]:
    """The snapshots of the dumps in `lines` (without line ends, as `iter_lines` gives them): all of
    them, or only the last crash.

    "The last crash" is the last dump with a crash header; a text with none has its last dump.
    Only that one is kept while reading, so a long log costs the memory of one dump. The cyclic
    garbage collector is paused meanwhile (system/gcpause.py: no cycles are made here).
    """
    with paused_gc():
        return _parse_lines(lines, trace, given, every)


def _parse_lines(
    lines: Iterable[str], trace: str | None, given: BuildFacts | None, every: bool
) -> list[Snapshot]:
    if every:
        scanner = RaceScanner()
        snaps = [to_snapshot(d, trace, given) for d in _scan(lines, scanner)]
        if snaps:
            snaps[-1].races = scanner.finish()
        return snaps
    last: _Dump | None = None
    recovered: list[RecoveredStack] = []  # every dump's: a log's recovered panics come before its crash
    scanner = RaceScanner()
    for d in _scan(lines, scanner):
        if d.header is not None or last is None or last.header is None:
            if last is not None:
                recovered += to_snapshot(last, trace, given).recovered
            last = d
        else:
            recovered += to_snapshot(d, trace, given).recovered
    races = scanner.finish()
    if last is None:
        return [_races_only(races, trace, given)] if races else []
    snap = to_snapshot(last, trace, given)
    snap.recovered = recovered + snap.recovered
    snap.races = races
    return [snap]


def _races_only(races: list[RawRace], trace: str | None, given: BuildFacts | None) -> Snapshot:
    """A log with race reports and no traceback: no crash, the races reported."""
    frames = [f for r in races for a in r.accesses for f in a.frames]
    facts = infer_build_facts(frames)
    if given is not None:
        facts = merge_facts(facts, given)
    return Snapshot(mode="text", build=facts, trace=trace, stop=StopEvent(reason="exited"), races=races)


def parse_text(text: str, trace: str | None = None, every: bool = True) -> list[Snapshot]:
    """`parse_lines` on a string (tests and library callers)."""
    return parse_lines(iter_lines(io.StringIO(text, newline=None)), trace, every=every)


NO_TRACE_LIMIT = 64 << 20  # characters read with no sign of a traceback: the stream is given up
# What any traceback, race report or printed stack has somewhere (a log may prefix its lines):
# seen once, the rest is read whatever its length (a long log after the crash).
_SIGN_OF_TRACE = re.compile(r"panic: |fatal error: |goroutine \d+ \[|DATA RACE|SIG[A-Z]{2,}|unexpected fault")


def iter_lines(stream: IO[str], chunk: int = CHUNK, *, name: str | None = None) -> Iterator[str]:
    """The lines of `stream` without their newline, read in big blocks.

    Faster than iterating the file (one split per block, in C), and a "line" never grows past
    MAX_LINE characters, so a binary file without newlines cannot fill the memory. With `name`
    (the stream `parse` reads) an endless stream is given up with one line: one with no newline
    in its first MAX_LINE characters (`/dev/zero`) is not text, and one with no sign of a traceback
    in its first NO_TRACE_LIMIT characters would be read to its end for nothing.
    """
    carry = ""
    read = 0
    lines_seen = sign_seen = False
    while True:
        block = stream.read(chunk)
        if not block:
            break
        read += len(block)
        if name is not None and not sign_seen:
            sign_seen = _SIGN_OF_TRACE.search(block) is not None
            lines_seen = lines_seen or "\n" in block
            _give_up_early(name, read, lines_seen, sign_seen)
        if carry:
            block = carry + block
        parts = block.split("\n")
        carry = parts.pop()
        if len(carry) > MAX_LINE:
            carry = carry[:MAX_LINE]
        yield from parts
    if carry:
        yield carry


def _give_up_early(name: str, read: int, lines_seen: bool, sign_seen: bool) -> None:
    """Raise the one line for a stream that will never give a report (see `iter_lines`)."""
    if not lines_seen and read > MAX_LINE:
        raise UserError(
            f"{shown(name)} has no newline in its first {MAX_LINE >> 20} MiB: it is not a text log; "
            "pass the stderr of a crashed Go program"
        )
    if not sign_seen and read > NO_TRACE_LIMIT:
        raise UserError(
            f"{shown(name)} holds no Go traceback in its first {NO_TRACE_LIMIT >> 20} MiB: pass the "
            "stderr of a crashed Go program (or the part of the log around the crash)"
        )


def _open(trace: str) -> IO[str]:
    """The trace as text lines: a file, `-` for stdin, gzip-compressed or not."""
    if trace == "-":
        raw: IO[bytes] = sys.stdin.buffer
    else:
        path = Path(trace)
        if path.is_dir():
            raise UserError(f"{trace} is a folder: pass the file that holds the Go traceback")
        try:
            raw = path.open("rb")
        except FileNotFoundError:
            raise UserError(f"{trace} does not exist: pass the file that holds the Go traceback") from None
        except OSError as exc:
            raise UserError(f"cannot read {trace}: {exc.strerror}") from None
    # peek() needs a BufferedReader; stdin replaced by a test harness may be a plain BytesIO.
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, raw))
    try:
        magic = buffered.peek(2)[:2]
    except OSError as exc:
        raise UserError(f"cannot read {trace}: {exc.strerror}") from None
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.GzipFile(fileobj=buffered), encoding="utf-8", errors="replace")
    return io.TextIOWrapper(buffered, encoding="utf-8", errors="replace")


def read_trace(trace: str, given: BuildFacts | None = None, every: bool = False) -> list[Snapshot]:
    """The snapshots of a trace file (or stdin): the last crash, or every dump with `every`.

    Raises UserError, and nothing else, for unreadable input or text that holds no traceback.
    """
    stream = _open(trace)
    try:
        snaps = parse_lines(iter_lines(stream, name="stdin" if trace == "-" else trace), trace, given, every)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise UserError(f"cannot read {trace}: {exc}") from None
    finally:
        if trace != "-":
            stream.close()
    if not snaps:
        raise UserError(
            f"{'stdin' if trace == '-' else trace} holds no Go traceback (no 'panic:', 'fatal error:', "
            "signal or 'goroutine N [...]:' lines): pass the stderr of a crashed Go program"
        )
    return snaps
