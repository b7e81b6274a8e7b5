"""What a user means by a package: `.`, `./cmd/svc`, `cmd/svc`, an import path, `./...`.

`go build` and `go test` take packages in these forms from any folder inside a module; dlvauto takes
them the same way. A folder that plainly holds a main package (its `package main` clause is right
there) is taken as it is, with no `go` process: that is `dlvauto run`'s everyday case, and its
start-up is the one users feel. Anything else is resolved by `go list`, never by walking folders:
a module root whose only main package is in a subfolder runs it, several main packages are named in
one line, and `go list`'s own words explain a pattern that matches nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from dlvauto.errors import UserError
from dlvauto.records import record
from dlvauto.system import proc
from dlvauto.system.go import find_go

_PACKAGE_LINE = re.compile(r"^package\s+(\w+)", re.MULTILINE)
_MODULE_LINE = re.compile(r"^\s*module\s+(\"[^\"]+\"|\S+)", re.MULTILINE)
_LIST_FIELDS = "Dir,ImportPath,Name,Module,TestGoFiles,XTestGoFiles,Error"


@record(frozen=True)
class Package:
    """One package as `go list` (or its folder's package clause) names it."""

    dir: Path
    import_path: str
    name: str
    has_tests: bool = False


def _clause_names(folder: Path) -> set[str]:
    """The package names the non-test Go files of `folder` declare (cheap: one regex per file)."""
    names: set[str] = set()
    for f in sorted(folder.glob("*.go")):
        if f.name.endswith("_test.go"):
            continue
        m = _PACKAGE_LINE.search(f.read_text(errors="replace"))
        if m:
            names.add(m.group(1))
    return names


def _folder_of(spec: str, cwd: Path) -> Path | None:
    """The folder `spec` names on disk, when it is one (`.`, `./x`, `x/y` that exists, absolute)."""
    if spec.endswith("/...") or spec == "...":
        return None
    path = Path(spec) if Path(spec).is_absolute() else cwd / spec
    return path.resolve() if path.is_dir() else None


def go_list(patterns: list[str], cwd: Path) -> list[dict[str, object]]:
    """`go list -e -json` of `patterns` in `cwd`: every package, errors kept in its `Error` field."""
    res = proc.run([find_go(), "list", "-e", f"-json={_LIST_FIELDS}", *patterns], cwd=cwd, timeout=120)
    if res.returncode != 0 and not res.stdout.strip():
        line = next((x for x in res.stderr.splitlines() if x.strip()), f"exit status {res.returncode}")
        raise UserError(f"go list {' '.join(patterns)} in {cwd}: {line.strip()}")
    decoder = json.JSONDecoder()
    text, pos = res.stdout, 0
    found: list[dict[str, object]] = []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return found
        value, pos = decoder.raw_decode(text, pos)
        found.append(value)


def _package(entry: dict[str, object]) -> Package:
    tests = bool(entry.get("TestGoFiles")) or bool(entry.get("XTestGoFiles"))
    return Package(
        Path(str(entry.get("Dir", ""))), str(entry.get("ImportPath", "")), str(entry.get("Name", "")), tests
    )


def _listed(spec: str, cwd: Path) -> list[Package]:
    entries = go_list([spec], cwd)
    errors = [e for e in entries if isinstance(e.get("Error"), dict) and not e.get("Name")]
    if errors and len(errors) == len(entries):
        err = errors[0]["Error"]
        assert isinstance(err, dict)
        text = str(err.get("Err", "")).strip().splitlines()
        raise UserError(
            f"{spec!r} is not a package go can find from {cwd}: {text[0] if text else 'no package'}; "
            "give a folder (., ./cmd/svc) or an import path of the module"
        )
    return [_package(e) for e in entries if e.get("Name")]


def _relative(pkg: Package, cwd: Path) -> str:
    try:
        rel = pkg.dir.relative_to(cwd).as_posix()
    except ValueError:
        return pkg.import_path
    return "." if rel == "." else f"./{rel}"


def main_package(spec: str, cwd: str | Path | None = None) -> Path:
    """The folder of the one main package `spec` names, or the line that says why there is none.

    A folder is searched below itself (`go list ./...`) only when it is a module root or holds no
    Go files of its own: a library package's folder is refused, as `go build` would refuse it.
    """
    here = Path(cwd) if cwd is not None else Path.cwd()
    folder = _folder_of(spec or ".", here)
    if folder is None and not _looks_like_package(spec):
        if Path(spec).is_file():
            raise UserError(f"{spec} is not a folder: give the folder of a Go main package (not a file)")
        raise UserError(f"{spec} does not exist: give the folder of a Go main package")
    names: set[str] = set()
    if folder is not None:
        names = _clause_names(folder)
        if "main" in names:
            return folder
        if names and not (folder / "go.mod").is_file():
            raise _not_main(spec, names)
        try:
            mains = [p for p in _listed("./...", folder) if p.name == "main"]
        except UserError:  # not inside a module: nothing below it builds either
            mains = []
        where = folder
    else:
        mains = [p for p in _listed(spec, here) if p.name == "main"]
        where = here
    if len(mains) == 1:
        return mains[0].dir
    if not mains:
        if names:
            raise _not_main(spec, names)
        if folder is not None:
            raise UserError(f"{spec} has no Go source files: give the folder of a Go main package")
        raise UserError(f"{spec} holds no main package: give the folder of a Go main package")
    listed = ", ".join(_relative(p, where) for p in mains)
    raise UserError(f"{spec} holds {len(mains)} main packages ({listed}): name one of them")


def _not_main(spec: str, names: set[str]) -> UserError:
    return UserError(
        f"{spec} holds package {', '.join(sorted(names))}, not a main package: "
        "point at the folder with `package main` and `func main` (or use `dlvauto test`)"
    )


def test_packages(spec: str, cwd: str | Path | None = None) -> list[Package]:
    """The packages with tests that `spec` names (one, or several for a pattern like `./...`)."""
    here = Path(cwd) if cwd is not None else Path.cwd()
    folder = _folder_of(spec or ".", here)
    if folder is None and not _looks_like_package(spec):
        raise UserError(
            f"{spec} does not exist: give a package folder (., ./internal/x) or a pattern (./...)"
        )
    if folder is not None and any(folder.glob("*_test.go")):  # plainly a package with tests
        module_dir, module_path = find_module(folder)
        rel = folder.relative_to(module_dir).as_posix()
        path = module_path if rel == "." else f"{module_path}/{rel}"
        return [Package(folder, path, "", True)]
    found = _listed(".", folder) if folder is not None else _listed(spec, here)
    with_tests = [p for p in found if p.has_tests]
    if not with_tests:
        raise UserError(f"{spec or '.'} has no test files: give a package with _test.go files (or ./...)")
    return with_tests


def _looks_like_package(spec: str) -> bool:
    """An import path or pattern rather than a folder that is missing (`example.com/x`, `./...`)."""
    return (
        spec.endswith("...") or (not spec.startswith((".", "/")) and "/" in spec) or "." in spec.split("/")[0]
    )


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
