"""The one place where Delve's wire types become snapshot types (as Delve's service/api/conversions.go
is the one place where its engine's types become wire types).

Stack frames, goroutines, the state after a continue, evaluated variables (put in Go-like words
for the report's values), ancestors, and the packages of the loaded program (for its build facts).
Nothing outside dlvauto/rpc/ sees a wire type.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePosixPath

from dlvauto.gofacts.waitreasons import status_name, wait_reason
from dlvauto.rpc import types as t
from dlvauto.snapshot import Ancestor, BuildFacts, RawFrame, RawGoroutine, RawValue, StopEvent

# ---- frames and goroutines -----------------------------------------------------------------------


def raw_frame(loc: t.Stackframe | t.Location) -> RawFrame:
    fn = loc.function
    offset, err = (loc.FrameOffset, loc.Err or None) if isinstance(loc, t.Stackframe) else (None, None)
    return RawFrame(
        function=fn.name if fn and fn.name else None,
        file=loc.file or None,
        line=loc.line,
        pc=loc.pc,
        entry=fn.value if fn else None,
        frame_offset=offset,
        error=err,
    )


def located(pc: int, loc: t.Location | None) -> RawFrame:
    """Where a pc lies (FindLocation), as a frame; only the pc where dlv knows no function."""
    if loc is None or loc.function is None:
        return RawFrame(pc=pc)
    return RawFrame(function=loc.function.name or None, file=loc.file or None, line=loc.line, pc=pc)


class FrameInterner:
    """One RawFrame object per distinct frame: goroutines parked at the same place share theirs.

    100,000 goroutines 30 frames deep are 3 million frames but only a few hundred distinct ones;
    sharing them keeps memory flat and lets the analysis reuse one report Frame per distinct frame.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[object, ...], RawFrame] = {}

    def __call__(self, loc: t.Stackframe | t.Location) -> RawFrame:
        fn = loc.function
        if not isinstance(loc, t.Stackframe):
            loc = t.Stackframe(pc=loc.pc, file=loc.file, line=loc.line, function=loc.function)
        key = (
            fn.name if fn else None,
            fn.value if fn else None,
            loc.file,
            loc.line,
            loc.pc,
            loc.FrameOffset,
            loc.Err,
        )
        frame = self._seen.get(key)
        if frame is None:
            frame = self._seen[key] = raw_frame(loc)
        return frame


def _created_by(g: t.Goroutine, intern: FrameInterner) -> RawFrame | None:
    loc = g.goStatementLoc
    if not loc.pc or not loc.function or loc.function.name == "runtime.newproc":
        # goroutine 1 and runtime-started ones report the bootstrap newproc call: no go statement.
        return None
    return intern(loc)


def goroutine(g: t.Goroutine, go_version: str | None, intern: FrameInterner) -> RawGoroutine:
    """A goroutine as ListGoroutines lists it (its stack comes from Stacktrace, separately)."""
    return RawGoroutine(
        id=g.id,
        status=status_name(g.status),
        wait_reason=wait_reason(go_version, g.waitReason) if g.status == 4 else None,
        thread_id=g.threadID or None,
        created_by=_created_by(g, intern),
        unreadable=g.unreadable or None,
    )


def ancestors(found: list[t.Ancestor]) -> list[Ancestor]:
    return [
        Ancestor(id=a.ID, frames=[raw_frame(f) for f in a.Stack or []], unreadable=a.Unreadable or None)
        for a in found
    ]


def current_goroutine(state: t.DebuggerState) -> int | None:
    thread = state.currentThread
    return thread.goroutineID if thread and thread.goroutineID > 0 else None


def stop(state: t.DebuggerState, timed_out: bool) -> StopEvent:
    """What the debugger state after a continue says about why the program stopped."""
    if state.exited:
        return StopEvent(reason="exited", exit_status=state.exitStatus)
    thread = state.currentThread
    bp = thread.breakPoint if thread else None
    function = thread.function.name if thread and thread.function else None
    return StopEvent.after_continue(bp.name if bp else None, function, current_goroutine(state), timed_out)


# ---- values ----------------------------------------------------------------------------------------

MAX_TEXT = 400  # characters of one value's words in the report

# reflect.Kind numbers as dlv sends them.
_BOOL, _ARRAY, _CHAN, _FUNC, _INTERFACE, _MAP, _PTR, _SLICE, _STRING, _STRUCT = (
    1, 17, 18, 19, 20, 21, 22, 23, 24, 25,
)  # fmt: skip
_UNSAFE_POINTER = 26
_FAKE_ADDRESS = 1 << 5  # VariableFakeAddress: in a register, or gone


def text_of(v: t.Variable | None) -> str | None:
    """A readable text for a panic value: strings as they are, error values by their `s` field."""
    if v is None or v.unreadable:
        return None
    if v.kind == _STRING:
        return v.value
    for child in v.children or []:
        s = text_of(child)
        if s is not None:
            return s
    if v.value:
        return v.value
    return None


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def _elements(v: t.Variable, sep: str = ", ") -> str:
    kids = v.children or []
    shown = sep.join(words(c) for c in kids)
    more = v.len - len(kids) if v.kind in (_SLICE, _ARRAY, _MAP) else 0
    if v.kind == _MAP:
        pairs = [f"{words(kids[i])}: {words(kids[i + 1])}" for i in range(0, len(kids) - 1, 2)]
        shown = sep.join(pairs)
        more = v.len - len(pairs)
    return shown + (f"{sep}...+{more} more" if more > 0 else "")


def words(v: t.Variable) -> str:
    """A value in Go-like words (nested values without their type unless it is informative)."""
    if v.unreadable:
        return f"(unreadable: {v.unreadable})"
    k = v.kind
    if k == _STRING:
        more = v.len - len(v.value.encode())
        return repr(v.value).replace("'", '"') if more <= 0 else f'"{v.value}"...+{more} more bytes'
    if k in (_SLICE, _ARRAY):
        if k == _SLICE and v.base == 0:
            return "nil"
        cap = f", cap: {v.cap}" if k == _SLICE else ""
        return f"len: {v.len}{cap}, [{_elements(v)}]"
    if k == _MAP:
        if v.base == 0:
            return "nil"
        return f"len: {v.len}, [{_elements(v)}]"
    if k == _PTR:
        kids = v.children or []
        if not kids or (kids[0].addr == 0 and not kids[0].children and not kids[0].value):
            return "nil"
        return f"*{words(kids[0])}" if kids[0].kind != _STRUCT else f"&{kids[0].type} {words(kids[0])}"
    if k == _STRUCT:
        kids = v.children or []
        if not kids and v.len > 0:
            return "{...}"
        return "{" + ", ".join(f"{c.name}: {words(c)}" for c in kids) + "}"
    if k == _INTERFACE:
        kids = v.children or []
        if not kids or (kids[0].kind == 0 and not kids[0].type) or (v.addr == 0 and not kids):
            return "nil"
        inner = kids[0]
        if inner.type == "" and inner.kind == 0:
            return "nil"
        return f"{inner.type}({words(inner)})"
    if k in (_CHAN, _FUNC, _UNSAFE_POINTER):
        if v.base == 0 and k != _FUNC:
            return "nil"
        return v.value or ("nil" if v.base == 0 else f"{v.base:#x}")
    return v.value


def value(v: t.Variable) -> RawValue:
    """An argument or local as the report shows it: its words, and a note on what they hide."""
    note = None
    if v.unreadable:
        note = v.unreadable
    elif v.flags & _FAKE_ADDRESS and not v.value and not v.children:
        note = "optimized away: the value is no longer in memory or a register here"
    text = _short(words(v))
    if v.kind == _INTERFACE:
        dynamic = v.children[0].type if v.children else ""
        if dynamic in ("", "void"):
            text = "nil"  # a nil interface (a nil `error`): dlv's child is a `void` with no value
        else:
            kind_note = f"dynamic type {dynamic}"
            note = f"{note}; {kind_note}" if note else kind_note
    return RawValue(name=v.name, type=v.type, value=text, note=note)


# ---- the program's build, from its packages ----------------------------------------------------------


def _splits(import_path: str, folder: str) -> list[tuple[str, str]]:
    """Every (module path, module folder) under which `folder` holds package `import_path`.

    `example.com/app/db` in `/src/app/db` -> (`example.com/app`, `/src/app`) and, as the folder
    is named like the module, also (`example.com`, `/src`): the caller weighs the candidates.
    """
    ip = import_path.split("/")
    fp = PurePosixPath(folder).parts
    out = []
    n = 0
    while n < len(ip) - 1 and n < len(fp) - 1 and ip[-1 - n] == fp[-1 - n]:
        n += 1
        out.append(("/".join(ip[: len(ip) - n]), str(PurePosixPath(*fp[: len(fp) - n]))))
    return out


def facts_from_packages(packages: list[t.PackageBuildInfo], binary: str | None = None) -> BuildFacts:
    """Module path and folder, and GOROOT, from the packages' import paths and folders.

    A core, an attached process or someone else's dlv server come without a source folder to build
    from; the binary's DWARF still names every package with its folder (ListPackagesBuildInfo).
    A candidate module must hold the main package's folder. A go.mod on this machine settles it;
    otherwise the candidate most packages agree on wins, the longer module path on a tie. GOROOT
    is the folder `runtime` lives in.
    """
    goroot = None
    main_dir = None
    for p in packages:
        if p.ImportPath == "runtime" and p.DirectoryPath.endswith("/src/runtime"):
            goroot = p.DirectoryPath.removesuffix("/src/runtime")
        if p.ImportPath == "main":
            main_dir = p.DirectoryPath
    votes: Counter[tuple[str, str]] = Counter()
    for p in packages:
        if not p.DirectoryPath or p.ImportPath == "main" or "/vendor/" in p.DirectoryPath:
            continue
        if goroot and p.DirectoryPath.startswith(goroot + "/"):
            continue
        for module, root in _splits(p.ImportPath, p.DirectoryPath):
            if main_dir is not None and (main_dir == root or main_dir.startswith(root + "/")):
                votes[(module, root)] += 1
    if not votes:
        return BuildFacts(binary=binary, module_dir=main_dir, goroot=goroot)
    with_gomod = [c for c in votes if (Path(c[1]) / "go.mod").is_file()]
    best = max(with_gomod or votes, key=lambda c: (votes[c], len(c[0])))
    return BuildFacts(binary=binary, module_path=best[0], module_dir=best[1], goroot=goroot)


def go_version(target_go_version: str) -> str | None:
    """`go1.26.8` from dlv's "Go cmd/compile go1.26.8"."""
    found = [w for w in target_go_version.split() if w.startswith("go1")]
    return found[-1] if found else None
