"""Building the program to debug: profiles, a content-keyed cache, and the facts of the build.

A second run of an unchanged program must not rebuild, so the binary is cached under a key made of
every file of the module (content, not mtime), the Go version and environment that change code
generation, and the profile's flags. The same module facts (path, folder, GOROOT) are what the
analysis uses to tell the user's frames from the rest.

The optimized profile also asks the compiler why it inlined what it did (-m=2 on the main module's
packages) in the same `go build`: the diagnostics are kept beside the cached binary, under the same
key, so a cached run has them without compiling anything again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from dlvauto.errors import BuildFailed, UserError
from dlvauto.gobuild import prune
from dlvauto.gofacts import gcdiag
from dlvauto.snapshot import BuildFacts, InlineDiagnostic
from dlvauto.system import proc
from dlvauto.system.go import go_env

PROFILES: dict[str, list[str]] = {
    "debug": ["-gcflags=all=-N -l"],
    "optimized": [],
}
CACHE_FORMAT = "2"  # 2: optimized builds keep their -m=2 diagnostics beside the binary
DIAGNOSTICS_FILE = "inlining-m2.txt"
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"}
_MODULE_LINE = re.compile(r"^\s*module\s+(\"[^\"]+\"|\S+)", re.MULTILINE)
_PACKAGE_LINE = re.compile(r"^package\s+(\w+)", re.MULTILINE)


def find_module(src: Path) -> tuple[Path, str]:
    """The folder of the go.mod governing `src` and its module path."""
    for d in [src, *src.parents]:
        gomod = d / "go.mod"
        if gomod.is_file():
            m = _MODULE_LINE.search(gomod.read_text(errors="replace"))
            if not m:
                raise UserError(f"{gomod} has no module line: run `go mod init <path>` in {d}")
            return d, m.group(1).strip('"')
    raise UserError(f"{src} is not inside a Go module (no go.mod found): run `go mod init <path>` there")


def check_main_package(src: Path) -> None:
    """Reject a folder that is not a Go main package before spending a build on it."""
    if not src.exists():
        raise UserError(f"{src} does not exist: give the folder of a Go main package")
    if not src.is_dir():
        raise UserError(f"{src} is not a folder: give the folder of a Go main package (not a file)")
    names: set[str] = set()
    for f in sorted(src.glob("*.go")):
        if f.name.endswith("_test.go"):
            continue
        m = _PACKAGE_LINE.search(f.read_text(errors="replace"))
        if m:
            names.add(m.group(1))
    if not names:
        raise UserError(f"{src} has no Go source files: give the folder of a Go main package")
    if "main" not in names:
        pkg = ", ".join(sorted(names))
        raise UserError(
            f"{src} holds package {pkg}, not a main package: "
            "point at the folder with `package main` and `func main`"
        )


def _hash_tree(root: Path) -> str:
    """Content hash of every file of the module (relative names included), sorted for stability."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            p = Path(dirpath, name)
            if not p.is_file():
                continue
            h.update(str(p.relative_to(root)).encode() + b"\0")
            with p.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            h.update(b"\0")
    return h.hexdigest()


_MISSING_PACKAGE = re.compile(
    r"(?:no required module provides package|cannot find module providing package) ([^\s:;]+)"
)


def _build_failure(why: str, src: Path, stderr: str) -> str:
    """The one line for a failed build: a missing dependency is named, with the command that fixes it."""
    m = _MISSING_PACKAGE.search(stderr)
    if m:
        pkg = m.group(1)
        return (
            f"go build {why} in {src}: package {pkg} is missing from the module's dependencies: "
            f"run `go get {pkg}` (or `go mod tidy`) there, and `go mod vendor` to build offline"
        )
    return f"go build {why} in {src}: fix the errors the compiler reports below"


def cache_root() -> Path:
    base = os.environ.get("DLVAUTO_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dlvauto"


@dataclass
class BuildResult:
    binary: Path
    facts: BuildFacts
    cached: bool
    key: str
    flags: list[str]


def build(
    src_dir: str | Path, profile: str = "debug", *, extra_flags: list[str] | None = None
) -> BuildResult:
    """Build the main package in `src_dir` with `profile`'s flags, reusing a cached binary if any."""
    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    src = Path(src_dir).resolve()
    check_main_package(src)
    module_dir, module_path = find_module(src)
    env = go_env()
    rel = src.relative_to(module_dir).as_posix()
    main_package = module_path if rel == "." else f"{module_path}/{rel}"
    diagnose = profile == "optimized"
    # The diagnostics flag comes before extra flags: a later -gcflags for the same packages wins.
    flags = [*PROFILES[profile], *(gcdiag.flags(module_path) if diagnose else []), *(extra_flags or [])]
    key_parts = {
        "format": CACHE_FORMAT,
        "tree": _hash_tree(module_dir),
        "pkg": str(src.relative_to(module_dir)),
        "module_dir": str(module_dir),
        "go": env.version,
        "goos": env.goos,
        "goarch": env.goarch,
        "cgo": env.cgo_enabled,
        "cc": env.cc,
        "goflags": env.goflags + "|" + os.environ.get("GOFLAGS", ""),
        "flags": flags,
    }
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()[:24]
    out_dir = cache_root() / "builds" / key
    binary = out_dir / src.name
    facts = BuildFacts(
        binary=str(binary),
        profile=profile,
        module_path=module_path,
        module_dir=str(module_dir),
        package_dir=str(src),
        goroot=env.goroot,
        gomodcache=env.gomodcache,
        go_version=env.version,
        gcflags=" ".join(flags),
    )
    diagnostics = out_dir / DIAGNOSTICS_FILE
    if binary.is_file() and os.access(binary, os.X_OK) and (not diagnose or diagnostics.is_file()):
        if diagnose:
            facts.inlining = _read_diagnostics(diagnostics, src, main_package)
        prune.mark_used(out_dir)
        return BuildResult(binary, facts, True, key, flags)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{src.name}.{os.getpid()}.tmp"
    res = proc.run([env.go, "build", *flags, "-o", str(tmp), "."], cwd=src, timeout=600)
    if res.returncode != 0 or res.timed_out:
        tmp.unlink(missing_ok=True)
        why = "timed out after 600s" if res.timed_out else "failed"
        detail = res.stderr.rstrip()
        if diagnose and not res.timed_out:
            # -m=2 buries the errors among other packages' diagnostics: ask again without it, so the
            # user reads the errors as the compiler writes them (the packages that built are cached).
            plain = [f for f in flags if f not in gcdiag.flags(module_path)]
            again = proc.run([env.go, "build", *plain, "-o", os.devnull, "."], cwd=src, timeout=600)
            detail = again.stderr.rstrip() or detail
        raise BuildFailed(_build_failure(why, src, detail), detail=detail)
    if diagnose:
        # The diagnostics land before the binary, so a binary in the cache always has them beside it.
        text = gcdiag.relevant(res.stderr)
        tmp_diag = out_dir / f".{DIAGNOSTICS_FILE}.{os.getpid()}.tmp"
        tmp_diag.write_text(text)
        tmp_diag.replace(diagnostics)
        facts.inlining = gcdiag.parse(text, cwd=str(src), main_package=main_package)
    tmp.replace(binary)  # atomic: a concurrent run sees the whole binary or none
    prune.after_build(cache_root(), out_dir)  # the size cap, least recently used first
    return BuildResult(binary, facts, False, key, flags)


def _read_diagnostics(path: Path, src: Path, main_package: str) -> list[InlineDiagnostic]:
    return gcdiag.parse(path.read_text(errors="replace"), cwd=str(src), main_package=main_package)
