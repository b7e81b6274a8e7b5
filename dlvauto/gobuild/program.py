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

import contextlib
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from dlvauto.errors import BuildFailed, UserError, shown
from dlvauto.gobuild import prune
from dlvauto.gobuild.ahead import SKIP_DIRS, AheadBuild, skipped
from dlvauto.gobuild.cache import cache_root as cache_root  # where it always was, for its callers
from dlvauto.gobuild.profiles import PROFILES as PROFILES  # where it always was, for its callers
from dlvauto.gobuild.targets import find_module as find_module
from dlvauto.records import record
from dlvauto.system import files, launch, proc, trees
from dlvauto.system.go import go_env

if TYPE_CHECKING:
    from dlvauto.snapshot import BuildFacts

CACHE_FORMAT = "2"  # 2: optimized builds keep their -m=2 diagnostics beside the binary
DIAGNOSTICS_FILE = "inlining-m2.txt"


def _hash_tree(root: Path, skip: frozenset[str] = frozenset()) -> str:
    """Content hash of every file of the module (relative names included), sorted for stability.

    Every file counts (a go:embed'ed file is part of the program), so one that cannot be read is
    bad input named in one line, not an internal error.
    """
    try:
        return _hash_files(root, skip)
    except OSError as exc:
        where = shown(exc.filename) if exc.filename else "a file"
        raise UserError(
            f"cannot read {where} in {shown(root)} ({exc.strerror}): dlvauto keys its build cache by "
            "every file of the module; make it readable or move it out of the module"
        ) from None


def _hash_files(root: Path, skip: frozenset[str]) -> str:
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and str(Path(dirpath, d)) not in skip)
        for name in sorted(filenames):
            p = Path(dirpath, name)
            if str(p) in skip or not p.is_file():
                continue
            h.update(str(p.relative_to(root)).encode() + b"\0")
            try:
                with p.open("rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
            except OSError as exc:
                exc.filename = exc.filename or str(p)  # a read that fails names no file itself
                raise
            h.update(b"\0")
    return h.hexdigest()


# A pattern, compiled by `re` on its first use (only a failed build reads it: not at every start).
_MISSING_PACKAGE = r"(?:no required module provides package|cannot find module providing package) ([^\s:;]+)"


def _build_failure(why: str, src: Path, stderr: str, what: str = "go build") -> str:
    """The one line for a failed build: a missing dependency is named, with the command that fixes it."""
    m = re.search(_MISSING_PACKAGE, stderr)
    if m:
        pkg = m.group(1)
        return (
            f"{what} {why} in {src}: package {pkg} is missing from the module's dependencies: "
            f"run `go get {pkg}` (or `go mod tidy`) there, and `go mod vendor` to build offline"
        )
    return f"{what} {why} in {src}: fix the errors the compiler reports below"


@record
class BuildResult:
    """A built (or cached) binary and the facts of its build.

    The facts are a pydantic model, made when first asked for: `dlv` can be started on the binary
    before pydantic is even imported (commands/early.py checks the cache while the command line's
    modules load), so this module imports no model of its own.
    """

    binary: Path
    cached: bool
    key: str
    flags: list[str]
    fields: dict[str, str] = field(default_factory=dict, repr=False)
    diagnostics: tuple[str, str, str] | None = field(default=None, repr=False)  # text, cwd, package
    _facts: BuildFacts | None = field(default=None, repr=False)

    @property
    def facts(self) -> BuildFacts:
        if self._facts is None:
            from dlvauto.snapshot import BuildFacts

            facts = BuildFacts(**self.fields)  # type: ignore[arg-type]  # every value a str field
            if self.diagnostics is not None:
                from dlvauto.gofacts import gcdiag

                text, cwd, package = self.diagnostics
                facts.inlining = gcdiag.parse(text, cwd=cwd, main_package=package)
            self._facts = facts
        return self._facts


def _diagnostics_flags(module_path: str) -> list[str]:
    from dlvauto.gofacts import gcdiag

    return gcdiag.flags(module_path)


@contextlib.contextmanager
def _go_work_folder() -> Iterator[dict[str, str]]:
    """The environment for `go build` (launch.toolchain_env: the toolchain's GOGC), its work
    folder (GOTMPDIR) in a private folder of ours.

    go removes its `go-build*` work folder when it ends, but not when it is killed; in a folder of
    ours it is removed with the folder, or by a later run's sweep when dlvauto itself was killed
    (system/scratch.py). A GOTMPDIR the user set is theirs and kept.
    """
    env = launch.toolchain_env(os.environ)
    if env.get("GOTMPDIR"):
        yield env
        return
    from dlvauto.system.scratch import private_folder

    folder = private_folder()
    try:
        yield {**env, "GOTMPDIR": str(folder)}
    finally:
        trees.remove_tree(folder)


def build(
    src_dir: str | Path,
    profile: str = "debug",
    *,
    extra_flags: list[str] | None = None,
    ahead: AheadBuild | None = None,
    outputs: Sequence[str] = (),
) -> BuildResult:
    """Build the main package `src_dir` names (a folder, an import path: gobuild/targets.py) with
    `profile`'s flags, reusing a cached binary if any. `ahead`: a `go build` the quick start began
    (gobuild/ahead.py), taken if it is this very build, else ended; ended either way. `outputs`:
    what the run writes (its report, a saved core's folder), no input of the build even inside the
    module: left out of the key, so a report written beside the program does not rebuild it."""
    started = proc.adopt_started(ahead.pid, ahead.argv) if ahead is not None else None
    try:
        if profile not in PROFILES:
            raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
        from dlvauto.gobuild import targets

        src = targets.main_package(str(src_dir))
        taken: tuple[AheadBuild, proc.Spawned] | None = None
        if ahead is not None and started is not None:
            taken = (ahead, started)
        return _build(src, profile, extra_flags or [], test=False, ahead=taken, outputs=outputs)
    finally:
        if ahead is not None and started is not None:
            started.stop(grace=0.2)  # still building when not taken; if it ended, only forgotten
            trees.remove_tree(ahead.folder)


def build_test(
    package_dir: str | Path, profile: str = "debug", *, extra_flags: list[str] | None = None
) -> BuildResult:
    """The test binary of the package in `package_dir` (`go test -c`), cached exactly like `build`."""
    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    return _build(Path(package_dir).resolve(), profile, extra_flags or [], test=True)


def _build(
    src: Path,
    profile: str,
    extra_flags: list[str],
    *,
    test: bool,
    ahead: tuple[AheadBuild, proc.Spawned] | None = None,
    outputs: Sequence[str] = (),
) -> BuildResult:
    module_dir, module_path = find_module(src)
    env = go_env()
    rel = src.relative_to(module_dir).as_posix()
    main_package = module_path if rel == "." else f"{module_path}/{rel}"
    diagnose = profile == "optimized"
    # The diagnostics flag comes before extra flags: a later -gcflags for the same packages wins.
    flags = [*PROFILES[profile], *(_diagnostics_flags(module_path) if diagnose else []), *extra_flags]
    key_parts = {
        "format": CACHE_FORMAT,
        "tree": _hash_tree(module_dir, skipped(outputs)),
        "pkg": str(src.relative_to(module_dir)),
        "module_dir": str(module_dir),
        "go": env.version,
        "goos": env.goos,
        "goarch": env.goarch,
        "cgo": env.cgo_enabled,
        "cc": env.cc,
        "goflags": env.goflags + "|" + os.environ.get("GOFLAGS", ""),
        "flags": flags,
        **({"test": True} if test else {}),  # a program's key stays what it always was
    }
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()[:24]
    from dlvauto.gobuild import cache

    builds = cache.private_dir(cache.private_dir(cache_root(), root=True) / "builds")
    out_dir = cache.private_dir(builds / key)
    binary = out_dir / (f"{src.name}.test" if test else src.name)
    facts = dict(
        binary=str(binary),
        profile=profile,
        module_path=module_path,
        module_dir=str(module_dir),
        package_dir=str(src),
        goroot=env.goroot,
        gomodcache=env.gomodcache,
        go_version=env.version,
        gcflags=" ".join(flags),
        **({"tested_package": main_package} if test else {}),
    )
    diagnostics = out_dir / DIAGNOSTICS_FILE
    usable = binary.is_file() and (not diagnose or diagnostics.is_file())
    if usable and cache.intact(binary):
        text = diagnostics.read_text(errors="replace") if diagnose else None
        prune.mark_used(out_dir)
        return BuildResult(binary, True, key, flags, facts, _parse_later(text, src, main_package))
    tmp = out_dir / f".{binary.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    verb = ["test", "-c"] if test else ["build"]
    res = None
    if ahead is not None and _is_this_build(ahead[0], env.go, src, [*verb, *flags]):
        res = _taken(*ahead, tmp)
    if res is None:
        with _go_work_folder() as go_env_vars:
            res = proc.run(
                [env.go, *verb, *flags, "-o", str(tmp), "."], cwd=src, timeout=600, env=go_env_vars
            )
    if res.returncode != 0 or res.timed_out:
        tmp.unlink(missing_ok=True)
        why = "timed out after 600s" if res.timed_out else "failed"
        detail = res.stderr.rstrip()
        if diagnose and not res.timed_out:
            # -m=2 buries the errors among other packages' diagnostics: ask again without it, so the
            # user reads the errors as the compiler writes them (the packages that built are cached).
            plain = [f for f in flags if f not in _diagnostics_flags(module_path)]
            again = proc.run(
                [env.go, *verb, *plain, "-o", os.devnull, "."],
                cwd=src,
                timeout=600,
                env=launch.toolchain_env(os.environ),
            )
            detail = again.stderr.rstrip() or detail
        raise BuildFailed(_build_failure(why, src, detail, " ".join(["go", *verb])), detail=detail)
    if diagnose:
        # The diagnostics land before the binary, so a binary in the cache always has them beside it.
        from dlvauto.gofacts import gcdiag

        text = gcdiag.relevant(res.stderr)
        files.write_private(diagnostics, text)  # whole or not at all, like the binary
    cache.seal(tmp)  # private, its digest recorded: before any run can see it
    digest = tmp.with_name(tmp.name + cache.DIGEST_SUFFIX)
    digest.replace(binary.with_name(binary.name + cache.DIGEST_SUFFIX))
    tmp.replace(binary)  # atomic: a concurrent run sees the whole binary or none
    prune.after_build(cache_root(), out_dir)  # the size cap, least recently used first
    return BuildResult(
        binary, False, key, flags, facts, _parse_later(text if diagnose else None, src, main_package)
    )


def _is_this_build(ahead: AheadBuild, go: str, src: Path, verb_flags: list[str]) -> bool:
    """Whether the ahead build is the one `_build` would run: the same go, folder, verb and flags
    (and the environment: both give go launch.toolchain_env of this process's own)."""
    return ahead.go == go and ahead.src == str(src) and ahead.verb_flags == verb_flags


def _taken(ahead: AheadBuild, sp: proc.Spawned, tmp: Path) -> proc.Completed | None:
    """The ahead build's result, its binary moved to `tmp`; None when the cache must build itself:
    a file of the module changed between the build's start and its end (its stamp). The key's
    hash of the tree was taken in between, so an unchanged stamp means it is what go read."""
    from dlvauto.gobuild.ahead import OUTPUT, STDERR, STDOUT, tree_stamp

    status = sp.wait(max(1.0, 600 - (time.monotonic() - ahead.started)))
    if status is None:  # past the build's own timeout, counted from its start
        sp.stop(grace=0.5)
        return proc.Completed(argv=ahead.argv, returncode=-1, stdout="", stderr="", timed_out=True)
    if tree_stamp(ahead.root, skipped(ahead.outputs)) != ahead.stamp:
        return None  # edited while it built: what it built may not be what the key says
    out, err = (Path(ahead.path(n)).read_bytes().decode("utf-8", "replace") for n in (STDOUT, STDERR))
    if status == 0:
        try:
            Path(ahead.path(OUTPUT)).replace(tmp)
        except OSError:  # another file system: copied instead
            with (
                Path(ahead.path(OUTPUT)).open("rb") as src,
                files.open_private(tmp, "wb", exclusive=True) as dst,
            ):
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    return proc.Completed(argv=ahead.argv, returncode=status, stdout=out, stderr=err)


def _parse_later(text: str | None, src: Path, main_package: str) -> tuple[str, str, str] | None:
    """What the facts need to parse the compiler's diagnostics when they are first asked for."""
    return None if text is None else (text, str(src), main_package)
