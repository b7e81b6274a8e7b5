"""Build facts of a program dlv has loaded, read from its debug info through dlv.

A core, an attached process or someone else's dlv server come without a source folder to build
from; the binary's DWARF still names every package with its folder (ListPackagesBuildInfo). The
main module is where the `main` package's folder and the folders of packages sharing its import
path prefix meet; GOROOT is the folder `runtime` lives in.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePosixPath

from dlvauto.errors import RPCError
from dlvauto.rpc import types as t
from dlvauto.rpc.client import DlvClient
from dlvauto.snapshot import BuildFacts


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

    A candidate module must hold the main package's folder. A go.mod on this machine settles it;
    otherwise the candidate most packages agree on wins, the longer module path on a tie.
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


def facts_from_dlv(client: DlvClient, binary: str | None = None) -> BuildFacts:
    try:
        return facts_from_packages(client.packages(), binary)
    except RPCError:
        return BuildFacts(binary=binary)
