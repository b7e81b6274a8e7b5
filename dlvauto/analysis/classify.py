"""Which code a frame belongs to: runtime, stdlib, the user's module, a third party, or unknown.

Decided from facts of the build carried in the snapshot (the main module's path and folder, GOROOT,
the module cache), never from guesses about the reading machine's paths or the example's names.
"""

from __future__ import annotations

from dlvauto.report import Category
from dlvauto.snapshot import BuildFacts, RawFrame

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


def category(frame: RawFrame, facts: BuildFacts) -> Category:
    """The frame's category as design.md defines it."""
    if not frame.function and not frame.file:
        return "unknown"
    pkg = package_of(frame.function)
    in_dir = _under(frame.file, facts.module_dir)
    if in_dir is not None and (in_dir == "vendor" or in_dir.startswith("vendor/")):
        return "thirdparty"
    if pkg is not None and _is_runtime_package(pkg):
        return "runtime"
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
