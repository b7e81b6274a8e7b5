"""What dlv's terminal prints, read back into data (pure: text in, values out).

The formats are Delve v1.27.1's (pkg/terminal/command.go and service/api/prettyprint.go):

- `stack [-offsets]` (api.PrintStack): per frame `N  0x%016x in FUNCTION`, then `at FILE:LINE`, then
  with -offsets `frame: %+#x frame pointer %+#x`; a frame dlv could not read is `error: TEXT`; a stack
  cut at the depth ends with `(truncated)`. `-full` adds `name = value` lines, read past here.
- `goroutines` headers (formatGoroutine): `[*| ] Goroutine ID - KIND: FILE:LINE FUNCTION (0xPC)`, then
  ` (thread N)` when on a thread and ` [WAIT REASON]` (or `[REASON SINCE]`) when waiting; an
  unreadable goroutine is `Goroutine (unreadable TEXT)`. The listing ends `[N goroutines]`. With
  `-exec CMD` each header is followed by what CMD printed in that goroutine's scope.
- The stop (printcontextThread): `> [BREAKPOINT] FUNCTION() FILE:LINE (hits goroutine(G):N total:M)
  (PC: 0x..)`, or without the breakpoint part after a halt; `Process PID has exited with status N`.
- `print` values (%q strings, `...+N more` when cut), `disassemble` (`TEXT F(SB) FILE`, then
  `\tFILE:LINE\t0xADDR\t...` per instruction).

Paths are printed through formatPath, which replaces dlv's working directory with `.`: the process
module starts dlv in a private folder no source path contains, so paths come out absolute.
"""

from __future__ import annotations

import re
from dataclasses import field

from dlvauto.records import record

PROMPT = "(dlv) "
UNKNOWN_FUNCTION = "???"  # api.Function.Name() of a nil function

_FRAME_HEAD = re.compile(r"^\s*(\d+)  0x([0-9a-f]+) in (.*)$")
_FRAME_AT = re.compile(r"^\s+at (.*):(-?\d+)$")
_FRAME_OFFSETS = re.compile(r"^\s+frame: ([+-]?0x[0-9a-f]+) frame pointer ([+-]?0x[0-9a-f]+)$")
_FRAME_ERROR = re.compile(r"^\s+error: (.*)$")
_ANCESTOR = re.compile(r"^Created by Goroutine (\d+):$")
_GOROUTINE = re.compile(r"^\s*(\*| ) Goroutine (\d+) - (\w+): (.*)$")
_GOROUTINE_UNREADABLE = re.compile(r"^\s*(\*| ) Goroutine \(unreadable (.*)\)$")
_LOCATION = re.compile(
    r"^(?P<file>.*?):(?P<line>-?\d+) (?P<fn>.*) \((?P<pc>0x[0-9a-f]+)\)"
    r"(?: \(thread (?P<tid>\d+)\))?(?: \[(?P<wait>[^\]]*)\])?$"
)
_WAIT_SINCE = re.compile(r"^(.*?)(?: (\d+))?$")
_COUNT = re.compile(r"^\[(\d+) goroutines\]$", re.MULTILINE)
_STOP = re.compile(
    r"^> (?:\[(?P<bp>.+?)\] )?(?P<fn>.*)\(\) (?P<file>.*?):(?P<line>-?\d+) "
    r"(?:\(hits (?:goroutine\((?P<gid>\d+)\):\d+ )?total:\d+\) )?\(PC: (?P<pc>0x[0-9a-f]+)\)$"
)
_STOPPED_AT = re.compile(r"^Stopped at: 0x([0-9a-f]+)$")
# A whole line of its own: the same words inside a printed value (a panic message is shown quoted,
# on the stop's line for runtime.curg._panic.arg) are the program's, not dlv's.
_EXITED = re.compile(r"^Process (\d+) has exited with status (-?\d+)$")
_FAILED = re.compile(r"^Command failed: (.*)$", re.MULTILINE)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_MORE = re.compile(r"\.\.\.\+\d+ more$")
_TYPED_VALUE = re.compile(r"^.*?\)\s*(\S+)$")  # `interface {}(int) 42` -> 42
_TEXT_LINE = re.compile(r"^TEXT (.*)\(SB\)")
_ADDRESS = re.compile(r"^0x([0-9a-f]+)\*?$")
_FRAME_SELECTED = re.compile(r"^Frame (\d+): (.*):(-?\d+) \(PC: ([0-9a-f]+)\)$", re.MULTILINE)


@record(frozen=True)
class StackFrame:
    """One frame of a `stack` listing; offsets only when it was typed with -offsets."""

    index: int
    pc: int = 0
    function: str | None = None
    file: str | None = None
    line: int = 0
    frame_offset: int | None = None
    frame_pointer_offset: int | None = None
    error: str | None = None


@record
class Stack:
    """A goroutine's frames, innermost first, and whether dlv cut it at the depth asked."""

    frames: list[StackFrame] = field(default_factory=list)
    truncated: bool = False
    ancestors: list[tuple[int, list[StackFrame], str | None]] = field(default_factory=list)
    failed: str | None = None  # `Command failed: TEXT` after the frames: dlv could read no further


@record(frozen=True)
class Location:
    """A `FILE:LINE FUNCTION (0xPC)` location as a goroutine header prints it."""

    file: str | None
    line: int
    function: str | None
    pc: int


@record
class GoroutineHeader:
    """One goroutine line of a `goroutines` listing, and what `-exec` printed under it."""

    id: int | None
    selected: bool  # the `*`: dlv's selected goroutine (the current thread's)
    kind: str = ""  # User, Runtime, Go or Start: which location the header shows
    location: Location | None = None
    thread_id: int | None = None
    wait_reason: str | None = None
    wait_since: int | None = None
    unreadable: str | None = None
    body: list[str] = field(default_factory=list)  # what `-exec` printed, when not read as a stack
    stack: Stack | None = None  # ... or as a stack (ListingParser(stacks=True))


@record(frozen=True)
class Stop:
    """Where `continue` left the program: the current thread's stop line."""

    breakpoint: str | None
    function: str | None
    file: str | None
    line: int
    goroutine_id: int | None
    pc: int


@record(frozen=True)
class Exited:
    pid: int
    status: int


def _function(name: str) -> str | None:
    name = name.strip()
    return None if name in ("", UNKNOWN_FUNCTION) else name


def _signed(text: str) -> int:
    return int(text, 16) if not text.startswith(("+", "-")) else int(text[0] + text[3:], 16)


def lines_of(text: str) -> list[str]:
    """The reply's lines, whatever line ends the pty used."""
    return text.replace("\r\n", "\n").split("\n")


class StackParser:
    """Reads one `stack` listing a line at a time; `Created by Goroutine N:` sections become
    ancestors.

    Lines are told apart by their first character before any pattern is tried (a listing of ten
    thousand goroutines is a million lines), and equal frames are shared through `intern`, a dict
    the caller may share between stacks: goroutines parked at the same place cost one frame each.
    """

    def __init__(self, intern: dict[tuple[object, ...], StackFrame] | None = None) -> None:
        self.stack = Stack()
        self._frames = self.stack.frames
        self._current: dict[str, object] | None = None
        self._ancestor: tuple[int, list[StackFrame], list[str]] | None = None
        self._intern = intern if intern is not None else {}

    def _flush(self) -> None:
        c = self._current
        if c is not None:
            key = tuple(c.values())
            frame = self._intern.get(key)
            if frame is None:
                frame = self._intern[key] = StackFrame(**c)  # type: ignore[arg-type]
            self._frames.append(frame)
            self._current = None

    def feed(self, line: str) -> None:
        word = line.lstrip()[:1]
        current = self._current
        if word.isdigit():
            if m := _FRAME_HEAD.match(line):
                self._flush()
                self._current = {
                    "index": int(m.group(1)),
                    "pc": int(m.group(2), 16),
                    "function": _function(m.group(3)),
                }
        elif word == "a" and current is not None and "file" not in current and (m := _FRAME_AT.match(line)):
            current["file"] = m.group(1) or None
            current["line"] = int(m.group(2))
        elif word == "f" and current is not None and "frame_offset" not in current:
            if m := _FRAME_OFFSETS.match(line):
                current["frame_offset"] = _signed(m.group(1))
                current["frame_pointer_offset"] = _signed(m.group(2))
        elif word == "e" and (m := _FRAME_ERROR.match(line)):
            self._flush()
            self._frames.append(StackFrame(index=len(self._frames), error=m.group(1)))
        elif word == "(" and line.strip() == "(truncated)" and self._ancestor is None:
            self._flush()
            self.stack.truncated = True
        elif word == "C" and line.startswith("Command failed: "):
            self.stack.failed = line[len("Command failed: ") :].strip()
        elif word == "C" and (m := _ANCESTOR.match(line)):
            self._flush()
            self._end_ancestor()
            self._ancestor = (int(m.group(1)), [], [])
            self._frames = self._ancestor[1]
        elif self._ancestor is not None and line.startswith("\t") and not self._frames and current is None:
            # `\tTEXT` right under `Created by Goroutine N:`: that ancestor's stack was unreadable.
            self._ancestor[2].append(line.strip())

    def _end_ancestor(self) -> None:
        a = self._ancestor
        if a is not None:
            self.stack.ancestors.append((a[0], a[1], "; ".join(a[2]) or None))

    def finish(self) -> Stack:
        self._flush()
        self._end_ancestor()
        self._ancestor = None
        return self.stack


def parse_stack_lines(lines: list[str]) -> Stack:
    parser = StackParser()
    for line in lines:
        parser.feed(line)
    return parser.finish()


def parse_stack(text: str) -> Stack:
    return parse_stack_lines(lines_of(text))


def parse_location(text: str) -> tuple[Location, int | None, str | None, int | None] | None:
    """`FILE:LINE FUNCTION (0xPC) [(thread N)] [[REASON]]` -> location, thread, reason, since."""
    m = _LOCATION.match(text)
    if m is None:
        return None
    loc = Location(
        file=m.group("file") or None,
        line=int(m.group("line")),
        function=_function(m.group("fn")),
        pc=int(m.group("pc"), 16),
    )
    tid = int(m.group("tid")) if m.group("tid") else None
    reason = since = None
    if m.group("wait") is not None:
        w = _WAIT_SINCE.match(m.group("wait"))
        assert w is not None  # the pattern matches any text
        reason = w.group(1)
        since = int(w.group(2)) if w.group(2) else None
    return loc, tid, reason, since


class ListingParser:
    """Reads a `goroutines` listing a line at a time: the headers, under each what `-exec` printed
    (parsed as a stack when `stacks`, else kept as lines), and the `[N goroutines]` total, which
    stays None when the listing did not finish (an `-exec` command failed and ended it)."""

    def __init__(self, stacks: bool = False) -> None:
        self.headers: list[GoroutineHeader] = []
        self.total: int | None = None
        self._stacks = stacks
        self._intern: dict[tuple[object, ...], StackFrame] = {}
        self._stack: StackParser | None = None

    def feed(self, line: str) -> None:
        if line.startswith(("* Goroutine ", "  Goroutine ")):
            self._end_stack()
            if m := _GOROUTINE.match(line):
                h = GoroutineHeader(id=int(m.group(2)), selected=m.group(1) == "*", kind=m.group(3))
                parsed = parse_location(m.group(4))
                if parsed is not None:
                    h.location, h.thread_id, h.wait_reason, h.wait_since = parsed
                self.headers.append(h)
                if self._stacks:
                    self._stack = StackParser(self._intern)
                return
            if m := _GOROUTINE_UNREADABLE.match(line):
                self.headers.append(
                    GoroutineHeader(id=None, selected=m.group(1) == "*", unreadable=m.group(2))
                )
                return
        if line.startswith("[") and (c := _COUNT.match(line)) is not None:
            self._end_stack()
            self.total = int(c.group(1))
        elif self._stack is not None:
            self._stack.feed(line)
        elif self.headers:
            self.headers[-1].body.append(line)

    def _end_stack(self) -> None:
        if self._stack is not None:
            self.headers[-1].stack = self._stack.finish()
            self._stack = None

    def finish(self) -> tuple[list[GoroutineHeader], int | None]:
        self._end_stack()
        return self.headers, self.total


def parse_goroutines(text: str, stacks: bool = False) -> tuple[list[GoroutineHeader], int | None]:
    """A whole `goroutines` listing (see ListingParser)."""
    parser = ListingParser(stacks)
    for line in lines_of(text):
        parser.feed(line)
    return parser.finish()


def parse_stop(text: str) -> Stop | Exited | None:
    """The outcome of `continue` (or a halt): the exit, or the current thread's stop line.

    dlv prints the other threads stopped at breakpoints first and the current thread last.
    """
    if (e := parse_exited(text)) is not None:
        return e
    stop: Stop | None = None
    for line in lines_of(text):
        if m := _STOP.match(line):
            stop = Stop(
                breakpoint=m.group("bp"),
                function=_function(m.group("fn")),
                file=m.group("file") or None,
                line=int(m.group("line")),
                goroutine_id=int(m.group("gid")) if m.group("gid") else None,
                pc=int(m.group("pc"), 16),
            )
        elif m := _STOPPED_AT.match(line):
            pc = int(m.group(1), 16)
            stop = Stop(breakpoint=None, function=None, file=None, line=0, goroutine_id=None, pc=pc)
    return stop


def parse_exited(text: str) -> Exited | None:
    """dlv's `Process N has exited with status S`: the last line of its reply, a line of its own."""
    said = [ln for ln in lines_of(text) if ln.strip()]
    m = _EXITED.match(said[-1].strip()) if said else None
    return Exited(pid=int(m.group(1)), status=int(m.group(2))) if m else None


def command_error(text: str) -> str | None:
    """dlv's `Command failed: TEXT` for a command it refused or could not do."""
    m = _FAILED.search(text.replace("\r\n", "\n"))
    return m.group(1).strip() if m else None


def goroutine_count(text: str) -> int | None:
    m = _COUNT.search(text.replace("\r\n", "\n"))
    return int(m.group(1)) if m else None


_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}


def unquote_go(body: str) -> str:
    """The text of a Go %q string literal's body (without its quotes).

    %q escapes bytes of invalid UTF-8 as \\xNN, so the result is assembled as bytes first.
    """
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            out += ch.encode()
            i += 1
            continue
        kind = body[i + 1]
        if kind in _ESCAPES:
            out.append(_ESCAPES[kind])
            i += 2
        elif kind == "x":
            out.append(int(body[i + 2 : i + 4], 16))
            i += 4
        elif kind in "uU":
            width = 4 if kind == "u" else 8
            out += chr(int(body[i + 2 : i + 2 + width], 16)).encode()
            i += 2 + width
        elif kind in "01234567":
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        else:
            out += body[i : i + 2].encode()
            i += 2
    return out.decode("utf-8", "replace")


def value_text(printed: str) -> str | None:
    """A readable text for a value `print` showed: the first string in it (a panic's string, an
    error's message), else the scalar after the type (`interface {}(int) 42` -> `42`).

    This mirrors what the RPC backend reads from the value's tree: the first string found depth
    first, else the value itself. A string cut at max-string-len loses its `...+N more` tail, as
    the RPC backend only has the loaded prefix.
    """
    text = printed.replace("\r\n", "\n").strip()
    if not text or command_error(text) is not None or text.startswith("(unreadable "):
        return None
    m = _QUOTED.search(text)
    if m is not None:
        return unquote_go(_MORE.sub("", m.group(1)))
    first = text.splitlines()[0]
    t = _TYPED_VALUE.match(first)
    return t.group(1) if t else first


def function_entry(text: str) -> int | None:
    """The entry address of the function `disassemble -l` printed: its first instruction.

    Each instruction is `[=>]\tFILE:LINE\t0xADDR[*]\tBYTES\tTEXT`, padded with tabs (tabwriter).
    dlv disassembles from PCToFunc(pc).Entry, the same function whose entry a stack frame carries.
    """
    seen_text = False
    for line in lines_of(text):
        if _TEXT_LINE.match(line):
            seen_text = True
            continue
        if not seen_text:
            continue
        for cell in (c for c in line.split("\t") if c):
            if m := _ADDRESS.match(cell):
                return int(m.group(1), 16)
    return None


def selected_frame(text: str) -> tuple[int, str, int, int] | None:
    """`Frame N: FILE:LINE (PC: HEX)` of a `frame N` command: index, file, line, pc."""
    m = _FRAME_SELECTED.search(text.replace("\r\n", "\n"))
    if m is None:
        return None
    return int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4), 16)


_THREAD = re.compile(r"^([* ]) Thread (\d+) at (?:(0x[0-9a-f]+) (.*):(-?\d+) (.*)|(.*):(-?\d+))$")
_MEMORY_ROW = re.compile(r"^0x[0-9a-f]+:\s+(.*)$")


@record(frozen=True)
class Thread:
    """One line of `threads`: the thread, whether it is current, and the function it is in."""

    id: int
    current: bool
    function: str | None


def parse_threads(text: str) -> list[Thread]:
    """`threads`: `[*| ] Thread ID at 0xPC FILE:LINE FUNCTION` (or `at FILE:LINE` with no function)."""
    out = []
    for line in lines_of(text):
        if m := _THREAD.match(line):
            out.append(
                Thread(id=int(m.group(2)), current=m.group(1) == "*", function=_function(m.group(6) or ""))
            )
    return out


def parse_memory(text: str) -> bytes:
    """The bytes of an `examinemem -fmt hex -size 1` dump (`0xADDR:   0x66   0x61 ...` rows)."""
    out = bytearray()
    for line in lines_of(text):
        if m := _MEMORY_ROW.match(line):
            out += bytes(int(cell, 16) for cell in m.group(1).split() if cell.startswith("0x"))
    return bytes(out)


_VARIABLE = re.compile(r"^(\(?[\w.~]+\)?) = (.*)$")


def parse_variables(text: str) -> list[tuple[str, str]]:
    """`args` / `locals` (printFilteredVariables): one `NAME = VALUE` line a variable, a shadowed
    one as `(NAME)`; `(no args)` / `(no locals)` when there are none."""
    out = []
    for line in lines_of(text):
        if m := _VARIABLE.match(line):
            out.append((m.group(1), m.group(2)))
    return out
