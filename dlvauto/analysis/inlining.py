"""Why a frame was or was not inlined: the compiler's -m=2 diagnostics joined to the stack.

`inline.py` says *which* frames were inlined (from Delve's frames); this module says *why*, from the
diagnostics the optimized build recorded (`BuildFacts.inlining`, parsed by `dlvauto.gcdiag`):

- an inlined frame F carries the `inlining call to F` printed at its call site, which is the file
  and line of the frame out from it (its caller). A call nested inside an inlined body is also
  reported at the outermost call, in the physical function: that one is used when the caller's own
  line has none (e.g. when the caller's package was compiled without diagnostics).
- a user frame that was not inlined carries why not: a refusal at its call site (`cannot inline F
  into G: REASON`), else the refusal at its declaration (`cannot inline F: REASON`), else the fact
  that F could be inlined but was not at this call site (an indirect call, or a caller too big).
"""

from __future__ import annotations

import re
from collections import defaultdict

from dlvauto.landmarks import package_of
from dlvauto.report import Frame, Inlining
from dlvauto.snapshot import InlineDiagnostic

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLOSURE = re.compile(r"\.func\d+")


def to_report(d: InlineDiagnostic) -> Inlining:
    """A diagnostic as the report's `inlining` list shows it."""
    return Inlining(
        file=d.file,
        line=d.line,
        column=d.column,
        caller=d.caller,
        callee=d.function,
        text=d.text,
        kind=d.kind,
        cost=d.cost,
        reason=d.reason,
    )


def _within_package(function: str) -> tuple[str | None, str]:
    """(package, the rest) of a Delve function name: `a/b.(*T).M` -> (`a/b`, `(*T).M`)."""
    pkg = package_of(function)
    if pkg is not None and function.startswith(pkg + "."):
        return pkg, function[len(pkg) + 1 :]
    return pkg, function


def names_function(d: InlineDiagnostic, function: str | None, *, strict: bool) -> bool:
    """Whether diagnostic `d` is about `function` (as Delve names it).

    Resolved names compare exactly. Otherwise the compiler's name is unqualified in its own package
    (`leaf`) or qualified by a package *name* that need not match the import path's last element
    (`subby.G` for `example.com/x/sub`). `strict` demands the same package, for joins that have no
    position to narrow them; with a position (a call site), any package name is accepted.
    """
    if not function:
        return False
    if d.function == function:
        return True
    pkg, rest = _within_package(function)
    if d.name == rest:
        return d.package == pkg or not strict
    if strict:
        return False
    qualifier, dot, tail = d.name.partition(".")
    return bool(dot) and tail == rest and bool(_IDENT.match(qualifier))


class Diagnostics:
    """The diagnostics of one build, indexed for the joins."""

    def __init__(self, diagnostics: list[InlineDiagnostic]) -> None:
        self.at: dict[tuple[str, int], list[InlineDiagnostic]] = defaultdict(list)
        self.declared: dict[str, list[InlineDiagnostic]] = defaultdict(list)
        self.big: set[str] = set()
        for d in diagnostics:
            if d.kind in ("inlining_call", "cannot_inline_call"):
                self.at[(d.file, d.line)].append(d)
            elif d.kind in ("can_inline", "cannot_inline"):
                self.declared[d.name.rsplit(".", 1)[-1]].append(d)
            elif d.kind == "big_function":
                self.big.add(d.function)

    def call(self, kind: str, file: str | None, line: int, callee: str | None) -> InlineDiagnostic | None:
        """The `kind` diagnostic at file:line about `callee`."""
        if not file:
            return None
        return next(
            (
                d
                for d in self.at.get((file, line), [])
                if d.kind == kind and names_function(d, callee, strict=False)
            ),
            None,
        )

    def declaration(self, function: str | None, file: str | None) -> InlineDiagnostic | None:
        """The can/cannot inline diagnostic at `function`'s declaration.

        A closure declared in a function that was inlined is renamed after its new home: `Sort.func1`
        of package ranking, inlined into main.main, runs as `main.main.Sort.func1`. It is found by
        its name as a suffix of the frame's and by the file, which does not change.
        """
        if not function:
            return None
        candidates = self.declared.get(function.rsplit(".", 1)[-1], [])
        exact = next((d for d in candidates if names_function(d, function, strict=True)), None)
        if exact is not None or not file:
            return exact
        return next(
            (
                d
                for d in candidates
                if d.file == file and _CLOSURE.search(d.name) and function.endswith("." + d.name)
            ),
            None,
        )


def _inlined_note(frames: list[Frame], i: int, diags: Diagnostics) -> Inlining | None:
    f = frames[i]
    caller = frames[i + 1] if i + 1 < len(frames) else None
    if caller is None:
        return None
    d = diags.call("inlining_call", caller.file, caller.line, f.function)
    if d is None:
        physical = next((g for g in frames[i + 1 :] if not g.inlined), None)
        if physical is not None and physical is not caller:
            d = diags.call("inlining_call", physical.file, physical.line, f.function)
    if d is None:
        return None
    note = to_report(d)
    note.caller = caller.function  # the frame it was inlined into, exactly as the stack shows it
    note.callee = f.function
    return note


def _not_inlined_note(frames: list[Frame], i: int, diags: Diagnostics) -> Inlining | None:
    f = frames[i]
    caller = frames[i + 1] if i + 1 < len(frames) else None
    if caller is not None:
        refused = diags.call("cannot_inline_call", caller.file, caller.line, f.function)
        if refused is not None:
            note = to_report(refused)
            note.caller, note.callee = caller.function, f.function
            return note
    decl = diags.declaration(f.function, f.file)
    if decl is None:
        return None
    note = to_report(decl)
    note.callee = f.function
    note.caller = caller.function if caller is not None else None
    if decl.kind == "can_inline":
        cost = f" with cost {decl.cost}" if decl.cost is not None else ""
        why = "but was not inlined at this call site"
        if caller is not None and caller.function in diags.big:
            why += f" ({caller.function} is considered 'big', which lowers the cost its inlinees may have)"
        note.text = f"can inline {decl.name}{cost}, {why}"
        note.reason = why.removeprefix("but ")
    return note


def annotate(frames: list[Frame], diagnostics: list[InlineDiagnostic]) -> None:
    """Set `inlining` on the frames the diagnostics explain (frames innermost first, in place)."""
    if not diagnostics:
        return
    diags = Diagnostics(diagnostics)
    for i, f in enumerate(frames):
        if f.inlined:
            f.inlining = _inlined_note(frames, i, diags)
        elif f.category == "user":
            f.inlining = _not_inlined_note(frames, i, diags)
