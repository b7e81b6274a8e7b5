"""The compiler's inlining diagnostics (`-gcflags=<pattern>=-m=2`): which flag asks for them, and a parse.

`go build` prints them on stderr, one package after a `# import/path` header, as
`FILE:LINE:COL: MESSAGE` where FILE is relative to the directory `go build` ran in (`./main.go`,
`a/a.go`) or absolute when it lies outside it. The messages read here (Go 1.25-1.27, see
cmd/compile/internal/inline/inl.go):

    can inline F with cost N as: func(...) { ... }      every inlinable function, at its declaration
    cannot inline F: REASON                             every other function, at its declaration
    inlining call to F                                  at the call; a call inlined inside an inlined
                                                        body is reported at the outermost call too
    cannot inline F into G: REASON                      a call site refused (a recursive cycle)
    function F considered 'big'; reducing max cost of inlinees

Names are as the compiler prints them: unqualified inside their own package (`leaf`, `(*T).Get`,
`main.func1` for main's first closure), qualified by the package *name* elsewhere (`b.Middle`,
`fmt.Println`). Escape-analysis lines (most of -m=2's output) are ignored. The parse is pure: the
build runs the compiler and hands the text here with the directory it ran in.
"""

from __future__ import annotations

import posixpath
import re

from dlvauto.snapshot import DiagnosticKind, InlineDiagnostic

_POSITION = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.+)$")
_COST = re.compile(r"^with cost (\d+)")
_VERSION_SUFFIX = re.compile(r"/v\d+$")
_CLOSURE = re.compile(r"\.func\d+")
_KEYWORDS = ("can inline ", "cannot inline ", "inlining call to ", "function ")


def flags(module_path: str) -> list[str]:
    """The go build flag that asks for -m=2 on the main module's packages only, main included.

    `M/...` matches the package `M` itself and every package below it, the main package too (its
    import path is M or lies below M); the standard library and other modules are left out.
    """
    return [f"-gcflags={module_path}/...=-m=2"]


def relevant(text: str) -> str:
    """Only the lines `parse` reads (headers and inlining messages): what the build cache keeps.

    Escape analysis makes most of -m=2's output; it is dropped so a large module's cache stays small.
    """
    keep = []
    for line in text.splitlines():
        if line.startswith("# "):
            keep.append(line)
            continue
        m = _POSITION.match(line)
        if m and m.group("msg").startswith(_KEYWORDS) and _message(m.group("msg")) is not None:
            keep.append(line)
    return "\n".join(keep) + ("\n" if keep else "")


def _take_name(s: str) -> tuple[str, str]:
    """Split a function name off the front of `s`: up to a space or ':' outside brackets.

    Generic instantiations may hold both: `G[go.shape.struct { a int }]`.
    """
    depth = 0
    for i, ch in enumerate(s):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in " :":
            return s[:i], s[i:]
    return s, ""


def _message(msg: str) -> tuple[DiagnosticKind, str, str | None, int | None, str | None] | None:
    """(kind, name, caller-as-written, cost, reason) of an inlining message, None for any other."""
    if msg.startswith("can inline "):
        name, rest = _take_name(msg[len("can inline ") :])
        m = _COST.match(rest.strip())
        return "can_inline", name, None, int(m.group(1)) if m else None, None
    if msg.startswith("cannot inline "):
        name, rest = _take_name(msg[len("cannot inline ") :])
        if rest.startswith(" into "):
            caller, rest2 = _take_name(rest[len(" into ") :])
            if rest2.startswith(": "):
                return "cannot_inline_call", name, caller, None, rest2[2:]
            return None
        if rest.startswith(": "):
            return "cannot_inline", name, None, None, rest[2:]
        return None
    if msg.startswith("inlining call to "):
        name, _ = _take_name(msg[len("inlining call to ") :])
        return "inlining_call", name, None, None, None
    if msg.startswith("function ") and msg.endswith(" considered 'big'; reducing max cost of inlinees"):
        name, _ = _take_name(msg[len("function ") :])
        return "big_function", name, name, None, None
    return None


def _package_name(import_path: str) -> str:
    """The name a package is usually imported under: its last path element, less a /vN suffix."""
    return _VERSION_SUFFIX.sub("", import_path).rsplit("/", 1)[-1]


def _first_segment(name: str) -> str:
    """Up to the first '.' outside brackets: `b` of `b.Middle`, `(*T)` of `(*T).Get`."""
    depth = 0
    for i, ch in enumerate(name):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch == ".":
            return name[:i]
    return name


class _Qualifier:
    """Turns a name as printed in one package into Delve's fully qualified name."""

    def __init__(self, package: str, declared: set[str], by_name: dict[str, str]) -> None:
        self.package = package
        self.declared = declared  # first segments of the functions declared in this package
        self.by_name = by_name  # package name -> import path, for the main module's packages

    def own(self, name: str) -> str:
        return f"{self.package}.{name}"

    def any(self, name: str) -> str:
        """A name that is either this package's (`leaf`, `T.Val`) or qualified (`b.Middle`)."""
        first = _first_segment(name)
        if first == name or first in self.declared:
            return self.own(name)
        path = self.by_name.get(first)
        if path is not None:
            return f"{path}{name[len(first) :]}"
        return name  # another module's package or the standard library, by its name only


def parse(text: str, *, cwd: str, main_package: str | None = None) -> list[InlineDiagnostic]:
    """Every inlining diagnostic in `text` (go build's stderr with -m=2), in the order printed.

    `cwd` is the directory go build ran in (relative files are resolved against it); `main_package`
    is the main package's import path, which Delve calls `main`. Exact repeats are dropped.

    `caller` is exact for `cannot inline F into G` and for 'big' functions. For `inlining call to F`
    it is the function whose declaration is the nearest one above the call in the same file, among
    the top-level functions -m=2 reports (every non-generic function it compiles): the function into
    which F's body was inlined, which for a call nested in an inlined body is the outermost one.
    """
    sections: list[tuple[str, list[tuple[str, int, int, str]]]] = []
    for raw in text.splitlines():
        if raw.startswith("# "):
            path = raw[2:].split(" ", 1)[0]
            sections.append((path, []))
            continue
        m = _POSITION.match(raw)
        if m is None or not sections:
            continue
        file = m.group("file")
        if not file.startswith("<"):
            file = posixpath.normpath(posixpath.join(cwd, file))
        sections[-1][1].append((file, int(m.group("line")), int(m.group("col") or 0), m.group("msg")))

    by_name: dict[str, str] = {}
    for path, _ in sections:
        dlv_path = "main" if path == main_package else path
        by_name.setdefault(_package_name(path), dlv_path)
        if dlv_path == "main":
            by_name["main"] = "main"

    out: list[InlineDiagnostic] = []
    seen: set[tuple[str, int, int, str]] = set()
    for path, lines in sections:
        package = "main" if path == main_package else path
        parsed = []
        for file, line, col, msg in lines:
            what = _message(msg)
            if what is not None and (file, line, col, msg) not in seen:
                seen.add((file, line, col, msg))
                parsed.append((file, line, col, msg, what))
        declared = {
            _first_segment(what[1])
            for _, _, _, _, what in parsed
            if what[0] in ("can_inline", "cannot_inline") and "[" not in what[1]
        }
        q = _Qualifier(package, declared, by_name)
        # Top-level declarations per file, by position, to name the function around a call.
        tops: dict[str, list[tuple[int, int, str]]] = {}
        for file, line, col, _, what in parsed:
            if (
                what[0] in ("can_inline", "cannot_inline")
                and not _CLOSURE.search(what[1])
                and "[" not in what[1]
            ):
                tops.setdefault(file, []).append((line, col, q.own(what[1])))
        for decls in tops.values():
            decls.sort()
        for file, line, col, msg, (kind, name, caller, cost, reason) in parsed:
            if kind in ("can_inline", "cannot_inline"):
                function = q.own(name) if "[" not in name else q.any(name)
            else:
                function = q.any(name)
            if kind == "inlining_call":
                above = [d for d in tops.get(file, []) if (d[0], d[1]) <= (line, col)]
                caller_full = above[-1][2] if above else None
            elif caller is not None:
                caller_full = q.any(caller)
            else:
                caller_full = None
            out.append(
                InlineDiagnostic(
                    kind=kind,
                    package=package,
                    file=file,
                    line=line,
                    column=col,
                    name=name,
                    function=function,
                    caller=caller_full,
                    cost=cost,
                    reason=reason,
                    text=msg,
                )
            )
    return out
