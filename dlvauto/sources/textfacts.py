"""Facts of the build, inferred from a text traceback's own frames: GOROOT, the main module's folder
and import path.

A text traceback comes without its binary, yet the analysis needs these facts to tell the user's
code from the standard library and third parties. The frames carry them: every frame pairs an
import path (in its function name) with a source file, and Go lays packages out so that a
package's folder ends with the part of its import path below the module's root. So:

- GOROOT is what precedes `/src/<pkg>/` in the file of a standard-library frame (`runtime` first).
- The main module's folder holds the `main` package: start from the folder of the `main.*` frames.
- Its import path comes from a non-main package of the module: `example.com/deep_stack/c.Crash` in
  `<dir>/c/c.go` shares the tail `c` with its folder, so the module is `example.com/deep_stack` at
  `<dir>`. The fewest shared elements that put the module's root at or above the main package's
  folder win (a main package in `cmd/tool/` still finds the root two levels up). Files in the
  module's `vendor/` folder or the module cache are not the module's own.

Every answer may be None when the frames do not tell; the user can then name the facts
(`--module-path`, `--module-dir`, `--goroot`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace

from dlvauto.landmarks import package_of
from dlvauto.snapshot import BuildFacts, RawFrame

Site = tuple[str | None, str | None]  # (function, file) of one frame


def infer_build_facts(frames: Iterable[RawFrame]) -> BuildFacts:
    """GOROOT, module folder and module path as the frames show them (None where they do not)."""
    sites = {(f.function, f.file) for f in frames}
    goroot = infer_goroot(sites)
    main_dir = _main_dir(sites)
    module_dir, module_path = _module(sites, main_dir, goroot)
    return BuildFacts(goroot=goroot, module_dir=module_dir or main_dir, module_path=module_path)


def infer_goroot(sites: Iterable[Site]) -> str | None:
    """The folder before `/src/runtime/` (or `/src/<pkg>/` of another standard package)."""
    fallback = None
    for function, file in sites:
        if not file:
            continue
        cut = file.find("/src/runtime/")
        if cut > 0:
            return file[:cut]
        pkg = package_of(function)
        if fallback is None and pkg and "." not in pkg.split("/", 1)[0] and pkg != "main":
            marker = f"/src/{pkg}/"
            cut = file.rfind(marker)
            if cut > 0 and "/" not in file[cut + len(marker) :]:
                fallback = file[:cut]
    return fallback


def _main_dir(sites: Iterable[Site]) -> str | None:
    """The folder of the `main` package: the longest common folder of its frames' files."""
    dirs = {
        posixpath.dirname(file)
        for function, file in sites
        if file and "/" in file and package_of(function) == "main" and not file.startswith("<")
    }
    if not dirs:
        return None
    # Element by element (posixpath.commonpath refuses a mix of absolute and relative paths).
    split = [d.split("/") for d in dirs]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if any(p != parts[0] for p in parts):
            break
        common.append(parts[0])
    folder = "/".join(common)
    return folder if folder not in ("", "/", ".") else None


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _splits(pkg: str, folder: str) -> list[tuple[str, str]]:
    """Every (module root folder, module path) that puts package `pkg` in `folder`, deepest first.

    k, the number of trailing elements the import path and the folder share, goes up from 0 while
    they agree: `example.com/m/c` in `/src/m/c` gives (`/src/m/c`, `example.com/m/c`) and
    (`/src/m`, `example.com/m`).
    """
    pkg_parts = pkg.split("/")
    dir_parts = folder.split("/")
    out = []
    for k in range(min(len(pkg_parts), len(dir_parts))):
        if k and pkg_parts[-k] != dir_parts[-k]:
            break
        root = "/".join(dir_parts[: len(dir_parts) - k])
        if root in ("", "."):
            break
        out.append((root, "/".join(pkg_parts[: len(pkg_parts) - k])))
    return out


def _module(sites: Iterable[Site], main_dir: str | None, goroot: str | None) -> tuple[str | None, str | None]:
    """The main module's (folder, import path) by a vote of the frames of non-main packages."""
    votes: dict[tuple[str, str], int] = {}
    for function, file in sites:
        pkg = package_of(function)
        if not pkg or pkg == "main" or not file or "/" not in file:
            continue
        if goroot and _is_within(file, goroot):
            continue
        if "/pkg/mod/" in file or "@v" in file or "/vendor/" in file:
            continue  # the module cache or a vendored copy: another module's code
        splits = _splits(pkg, posixpath.dirname(file))
        if main_dir is not None:
            # The fewest shared elements that put the root at or above the main package.
            splits = [s for s in splits if _is_within(main_dir, s[0])][:1]
        for split in splits:
            votes[split] = votes.get(split, 0) + 1
    if not votes:
        return None, None
    (root, module), _ = max(votes.items(), key=lambda kv: (kv[1], len(kv[0][0])))
    return root, module


def merge_facts(inferred: BuildFacts, given: BuildFacts) -> BuildFacts:
    """The user's `--module-path` / `--module-dir` / `--goroot` win over what the frames suggest."""
    chosen = {k: getattr(given, k) for k in ("module_path", "module_dir", "goroot")}
    return replace(inferred, **{k: v for k, v in chosen.items() if v is not None})
