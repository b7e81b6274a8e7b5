"""The landmarks of a crash stack, as the definitions name them: written once, at the bottom.

Which package a function is in, which code a frame belongs to (runtime, stdlib, the user's module,
a third party), where the throw frame is, the first user frame above it, and frame N. The analysis
uses them to make the report; a source that must pick frames before the analysis runs (which
frames' values to read while dlv is still attached) asks the same functions, so the two can never
disagree about what "the first user frame" is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dlvauto.gofacts.runtime import PANIC_FUNCTIONS, SIGNAL_HANDLER, THROW_FUNCTIONS
from dlvauto.snapshot import BuildFacts, RawFrame

if TYPE_CHECKING:  # names of types only: the text source imports this without the report's pydantic
    from dlvauto.report import Category, CrashKind

DEFAULT_FRAME_N = 17

_RUNTIME_PACKAGES = ("runtime", "internal/runtime")


def package_of(function: str | None) -> str | None:
    """Import path of a Go function name as dlv prints it; None for C and unnamed code.

    `example.com/x/store.(*Cache).Put` -> `example.com/x/store`; `main.main.func1` -> `main`;
    generic instantiations keep their brackets out of the way: `pkg.F[go.shape.int]` -> `pkg`.
    """
    if not function:
        return None
    name = function.split("[", 1)[0]
    if name.startswith(("type:", "go:", "C.")):
        return None  # compiler-generated helpers and C functions (dlv names them `C.f`)
    slash = name.rfind("/")
    dot = name.find(".", slash + 1)
    if dot < 0:
        return None  # a C symbol such as `crash_here`
    # The linker escapes dots in a path's last element: gopkg.in/yaml%2ev3 is gopkg.in/yaml.v3.
    return name[:dot].replace("%2e", ".")


def _is_runtime_package(pkg: str) -> bool:
    return any(pkg == p or pkg.startswith(p + "/") for p in _RUNTIME_PACKAGES)


def _under(path: str | None, folder: str | None) -> str | None:
    """`path` relative to `folder` when it lies inside it, else None (plain string work: hot path)."""
    if not path or not folder:
        return None
    prefix = folder.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def in_module(pkg: str | None, facts: BuildFacts) -> bool:
    if pkg is None:
        return False
    if pkg == "main":
        return True
    mod = facts.module_path
    return bool(mod) and (pkg == mod or pkg.startswith(f"{mod}/"))


TESTMAIN_FILE = "_testmain.go"


def category(frame: RawFrame, facts: BuildFacts) -> Category:
    """The frame's category: runtime, stdlib, user, thirdparty or unknown.

    Decided from facts of the build carried in the snapshot (the main module's path and folder,
    GOROOT, the module cache), never from guesses about the reading machine's paths.
    """
    if not frame.function and not frame.file:
        return "unknown"
    pkg = package_of(frame.function)
    in_dir = _under(frame.file, facts.module_dir)
    if in_dir is not None and (in_dir == "vendor" or in_dir.startswith("vendor/")):
        return "thirdparty"
    if pkg is not None and _is_runtime_package(pkg):
        return "runtime"
    if pkg == "main" and frame.file is not None and frame.file.rsplit("/", 1)[-1] == TESTMAIN_FILE:
        return "stdlib"  # the main package `go test` generates: the testing package's, not the user's
    if in_module(pkg, facts) or in_dir is not None:
        return "user"
    in_goroot = _under(frame.file, f"{facts.goroot}/src" if facts.goroot else None)
    if in_goroot is not None:
        return "runtime" if _is_runtime_package(in_goroot.rpartition("/")[0]) else "stdlib"
    if _under(frame.file, facts.gomodcache) is not None:
        return "thirdparty"
    if pkg is not None:
        first = pkg.split("/", 1)[0]
        return "thirdparty" if "." in first else "stdlib"
    return "unknown"


class Classifier:
    """`category` with a memo: thousands of goroutines share the same few hundred frames."""

    def __init__(self, facts: BuildFacts) -> None:
        self.facts = facts
        self._memo: dict[tuple[str | None, str | None], Category] = {}

    def __call__(self, frame: RawFrame) -> Category:
        key = (frame.function, frame.file)
        cat = self._memo.get(key)
        if cat is None:
            cat = self._memo[key] = category(frame, self.facts)
        return cat


def throw_functions(kind: CrashKind) -> frozenset[str]:
    """The functions whose innermost frame is the throw frame of a crash of `kind`."""
    if kind == "panic":
        return PANIC_FUNCTIONS
    if kind in ("fatal", "signal"):
        return THROW_FUNCTIONS
    return frozenset()


def throw_index(frames: list[RawFrame], kind: CrashKind) -> int | None:
    """Index of the innermost throw/panic frame, or None when the stack has none.

    A core taken after a fatal signal was handled has no runtime.fatalsignal frame: it returned,
    and the handler went on to runtime.crash. The frame just inside runtime.sighandler then stands
    where fatalsignal stood, so frame N names the same frame as in a live stop.
    """
    names = throw_functions(kind)
    for i, f in enumerate(frames):
        if f.function in names:
            return i
    if kind == "signal":
        for i, f in enumerate(frames):
            if f.function == SIGNAL_HANDLER and i > 0:
                return i - 1
    return None


_LIBRARY = ("runtime", "stdlib")


def original_panic(
    frames: list[RawFrame], throw: int | None, classify: Callable[[RawFrame], str]
) -> int | None:
    """The throw frame of a panic once re-panics by the standard library are seen through.

    A library that recovers a panic and panics again with the same value (testing.tRunner,
    encoding/json, text/template, net/http) puts a second runtime.gopanic inside the first. When
    only runtime and standard-library frames stand between the throw frame and the next gopanic
    outward, the outer (original) one is the throw frame; and again, while that holds. A user's
    own deferred function in between keeps the inner one: the user panicked on purpose. So a crash
    reads the same whether a library re-panicked it or not, in a test binary or in a program.
    `throw` may be -1 (a text traceback hid the innermost gopanic).
    """
    if throw is None:
        return None
    while True:
        outer = next(
            (j for j in range(throw + 1, len(frames)) if frames[j].function in PANIC_FUNCTIONS), None
        )
        if outer is None or not all(classify(f) in _LIBRARY for f in frames[throw + 1 : outer]):
            return throw
        throw = outer


def user_frames_above(
    frames: list[RawFrame], throw: int | None, is_user: Callable[[RawFrame], bool]
) -> list[int]:
    """Indexes of the user frames above the throw frame, innermost first (the first is the first
    user frame). Without a throw frame the count starts at -1, as frame N's does."""
    start = (throw if throw is not None else -1) + 1
    return [i for i in range(start, len(frames)) if is_user(frames[i]) and not is_cgo_glue(frames[i])]


CGO_GLUE_FILE = "_cgo_gotypes.go"


def is_cgo_glue(frame: RawFrame) -> bool:
    """Code cgo generates between Go and C (`main._Cfunc_f` in _cgo_gotypes.go, `_cgo_export.c`,
    `x.cgo2.c`): in the user's package, but not where the user's code is. The C function it calls
    is, when a frame for it is known (the C compiler may inline the user's static function into
    cgo's wrapper: that frame's file and line are then the user's preamble), or else the Go
    function that made the call. Decided by the file when there is one."""
    base = frame.file.rsplit("/", 1)[-1] if frame.file else ""
    if base:
        return base == CGO_GLUE_FILE or base.startswith("_cgo_") or base.endswith(".cgo2.c")
    tail = (frame.function or "").rsplit("/", 1)[-1]
    return "._Cfunc_" in tail or "_cgo_" in tail


def frame_n_index(throw: int | None, n: int) -> int:
    """The index of frame N: N levels above the throw frame (above -1 when there is none)."""
    return (throw if throw is not None else -1) + n


def frames_worth_reading(
    frames: list[RawFrame], kind: CrashKind, facts: BuildFacts, limit: int, frame_n: int
) -> list[int]:
    """The frames whose values explain a crash: the user frames above the throw (innermost first,
    at most `limit`), and frame N when it is on the stack."""
    classify = Classifier(facts)
    throw = throw_index(frames, kind)
    if kind == "panic":
        throw = original_panic(frames, throw, classify)
    chosen = user_frames_above(frames, throw, lambda f: classify(f) == "user")[:limit]
    n_index = frame_n_index(throw, frame_n)
    if 0 <= n_index < len(frames) and n_index not in chosen:
        chosen.append(n_index)
    return chosen
