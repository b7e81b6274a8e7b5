"""Reading a stopped program through dlv's terminal into snapshot parts, as the RPC backend does
through the API (sources/dlvstate.py): the stop, every goroutine with its stack, the crash value.

The commands are those a person would type, chosen so thousands of goroutines cost a few commands,
not thousands: `goroutines -g -exec stack D -offsets` prints every goroutine's header (where it was
created, its thread, its wait reason) and its stack with frame offsets in one reply, and
`goroutines -exec print runtime.curg.atomicstatus.value` its status (the listing prints none;
`runtime.curg` is the goroutine of the scope, the field dlv reads its status from). Both replies
go to a file through dlv's `transcript -x` (Terminal.command_to_file). Measured on 2,006
goroutines, one `goroutine N stack` command per goroutine took 1.13 s where the one listing took
0.68-0.95 s. If one goroutine's stack cannot be read, dlv ends the listing there; the rest are
then read one by one.

dlv prints no function entry, which the inlining rule compares. A frame's entry is by construction
the entry of the function holding its pc (proc.newStackframe and appendInlineCalls), so two frames
can only have different entries if their pcs differ; only frames sharing pc and frame offset with
the next frame out need it, and for each such pc `disassemble -l *PC` shows dlv's own word for it:
the first instruction of that function.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import field

from dlvauto.errors import DebuggerError
from dlvauto.gofacts.waitreasons import status_name
from dlvauto.records import record
from dlvauto.repl import parse as p
from dlvauto.repl.terminal import Terminal
from dlvauto.snapshot import Ancestor, FrameValues, RawFrame, RawGoroutine, RawValue, StopEvent
from dlvauto.system.progress import Progress

STATUS_EXPR = "runtime.curg.atomicstatus.value"
WAITING = 4


def stop_from_reply(reply: str, timed_out: bool) -> StopEvent:
    """Why the program stopped, from what `continue` (and a Ctrl-C after the timeout) printed."""
    parsed = p.parse_stop(reply)
    if isinstance(parsed, p.Exited):
        return StopEvent(reason="exited", exit_status=parsed.status)
    if parsed is None:
        if timed_out:
            return StopEvent(reason="halted")
        said = p.command_error(reply) or next(
            (ln.strip() for ln in reversed(p.lines_of(reply)) if ln.strip()), "nothing"
        )
        raise DebuggerError(f"dlv did not say where the program stopped: {said}")
    gid = parsed.goroutine_id if parsed.goroutine_id else None
    return StopEvent.after_continue(parsed.breakpoint, parsed.function, gid, timed_out)


class Frames:
    """One RawFrame per distinct frame (as the RPC backend's interner), entries filled in later."""

    def __init__(self) -> None:
        self.entries: dict[int, int] = {}
        self._seen: dict[tuple[object, ...], RawFrame] = {}

    def __call__(self, f: p.StackFrame) -> RawFrame:
        entry = self.entries.get(f.pc) if f.function else None
        key = (f.function, f.file, f.line, f.pc, f.frame_offset, f.error, entry)
        frame = self._seen.get(key)
        if frame is None:
            frame = self._seen[key] = RawFrame(
                function=f.function,
                file=f.file,
                line=f.line,
                pc=f.pc,
                entry=entry,
                frame_offset=f.frame_offset,
                error=f.error,
            )
        return frame


def entry_candidates(stacks: Iterable[list[p.StackFrame]]) -> set[int]:
    """The pcs whose function entry can decide the inlining rule: a frame with the same pc and
    frame offset as the next frame out."""
    out = set()
    for frames in stacks:
        for a, b in itertools.pairwise(frames):
            same_place = a.pc == b.pc and a.frame_offset is not None and a.frame_offset == b.frame_offset
            if a.pc and a.function and b.function and same_place:
                out.add(a.pc)
    return out


@record
class Listing:
    """Goroutine headers and their stacks as the terminal printed them (before conversion)."""

    headers: dict[int, p.GoroutineHeader] = field(default_factory=dict)
    stacks: dict[int, p.Stack] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    unreadable: dict[int, str] = field(default_factory=dict)
    nameless: list[str] = field(default_factory=list)  # `Goroutine (unreadable ...)`: no id printed
    selected: int | None = None


class Reader:
    """Types the commands that read a stopped program and keeps what they said."""

    def __init__(self, term: Terminal) -> None:
        self.term = term
        self.frames = Frames()

    @staticmethod
    def stack_command(depth: int, gid: int | None = None, ancestors: int = 0) -> str:
        cmd = f"stack {depth} -offsets"
        if ancestors > 0:
            cmd += f" -a {ancestors} -adepth {depth}"
        return cmd if gid is None else f"goroutine {gid} {cmd}"

    def listing(self, depth: int, progress: Progress) -> Listing:
        """Every goroutine's header, stack and status."""
        got = Listing()
        progress.stage("listing goroutines and their stacks")
        parser = p.ListingParser(stacks=True)
        said = self.term.command_to_file(
            f"goroutines -g -exec {self.stack_command(depth)}", "goroutines.txt", parser.feed
        )
        headers, total = parser.finish()
        self._keep(got, headers)
        got.nameless = [h.unreadable or "" for h in headers if h.id is None]
        if total is None:
            # dlv ended the listing at a goroutine whose stack it could not read.
            last = headers[-1] if headers else None
            failed = p.command_error(said)
            if last is not None and last.id is not None:
                got.stacks.pop(last.id, None)
                got.unreadable[last.id] = failed or "dlv ended the listing here"
            everyone, _ = p.parse_goroutines(self.term.command("goroutines -g"))
            self._keep(got, everyone)
            missing = [g for g in got.headers if g not in got.stacks and g not in got.unreadable]
            progress.stage(f"reading {len(missing)} stacks one by one", total=len(missing))
            for gid in missing:
                one = self.term.command(self.stack_command(depth, gid))
                error = p.command_error(one)
                if error is not None:
                    got.unreadable[gid] = error
                else:
                    got.stacks[gid] = p.parse_stack(one)
                progress.advance()
        progress.stage("reading goroutine statuses")
        statuses = p.ListingParser(stacks=False)
        self.term.command_to_file(f"goroutines -exec print {STATUS_EXPR}", "statuses.txt", statuses.feed)
        for h in statuses.finish()[0]:
            value = next((ln.strip() for ln in h.body if ln.strip()), "")
            if h.id is not None and value.isdigit():
                got.statuses[h.id] = int(value)
        return got

    def _keep(self, got: Listing, headers: list[p.GoroutineHeader]) -> None:
        for h in headers:
            if h.id is None:
                continue
            got.headers.setdefault(h.id, h)
            if h.selected:
                got.selected = h.id
            if h.stack is not None:
                got.stacks[h.id] = h.stack

    def resolve_entries(self, stacks: Iterable[list[p.StackFrame]], also: Iterable[int] = ()) -> None:
        """Ask dlv for the function entry of every pc the inlining rule needs (see the module doc),
        and of the pcs in `also`."""
        for pc in sorted(entry_candidates(stacks) | set(also)):
            entry = p.function_entry(self.term.command(f"disassemble -l *{pc:#x}"))
            if entry is not None:
                self.frames.entries[pc] = entry

    def goroutines(self, got: Listing) -> list[RawGoroutine]:
        """The listing as the snapshot's goroutines, in dlv's order (by id)."""
        out = []
        for gid, h in got.headers.items():
            status = got.statuses.get(gid)
            stack = got.stacks.get(gid)
            out.append(
                RawGoroutine(
                    id=gid,
                    status=status_name(status) if status is not None else "unknown",
                    wait_reason=h.wait_reason if status == WAITING or status is None else None,
                    thread_id=h.thread_id,
                    created_by=self._created_by(h),
                    frames=[self.frames(f) for f in stack.frames] if stack else [],
                    unreadable=got.unreadable.get(gid),
                )
            )
        return out

    def _created_by(self, h: p.GoroutineHeader) -> RawFrame | None:
        loc = h.location
        if h.kind != "Go" or loc is None or not loc.pc or not loc.function:
            return None
        if loc.function == "runtime.newproc":
            # goroutine 1 and runtime-started ones show the bootstrap newproc call: no go statement.
            return None
        return RawFrame(function=loc.function, file=loc.file, line=loc.line, pc=loc.pc)

    def goroutine_stack(self, goroutine: int, depth: int) -> list[p.StackFrame]:
        """One goroutine's stack (`goroutine N stack D -offsets`)."""
        reply = self.term.command(self.stack_command(depth, goroutine))
        if p.command_error(reply):
            raise DebuggerError(f"goroutine {goroutine} stack: {p.command_error(reply)}")
        return p.parse_stack(reply).frames

    def thread_stack(self, depth: int) -> list[p.StackFrame]:
        """The current thread's stack, for a stop on a system stack with no goroutine (deadlock)."""
        reply = self.term.command(self.stack_command(depth))
        return [] if p.command_error(reply) else p.parse_stack(reply).frames

    def ancestors(self, goroutine_ids: list[int], count: int, depth: int) -> dict[int, list[Ancestor]]:
        """The creators of each goroutine as the runtime recorded them (GODEBUG=tracebackancestors)."""
        out: dict[int, list[Ancestor]] = {}
        for gid in goroutine_ids:
            reply = self.term.command(self.stack_command(depth, gid, ancestors=count))
            if p.command_error(reply):
                continue
            found = p.parse_stack(reply).ancestors
            if found:
                out[gid] = [
                    Ancestor(id=aid, frames=[self.frames(f) for f in frames], unreadable=why)
                    for aid, frames, why in found
                ]
        return out

    def frame_values(self, gid: int, index: int) -> FrameValues:
        """What a person looks at next: the frame, then its arguments and its locals."""
        self.term.command(f"goroutine {gid} frame {index}")
        got = FrameValues()
        for kind in ("args", "locals"):
            reply = self.term.command(f"goroutine {gid} frame {index} {kind}")
            error = p.command_error(reply)
            if error is not None:
                got.error = error
                continue
            setattr(got, kind, [RawValue(name=n, value=v) for n, v in p.parse_variables(reply)])
        return got
