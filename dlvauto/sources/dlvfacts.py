"""Build facts of a program dlv has loaded, read from its debug info through dlv.

A core, an attached process or someone else's dlv server come without a source folder to build
from; the binary's DWARF still names every package with its folder (ListPackagesBuildInfo). The
main module is where the `main` package's folder and the folders of packages sharing its import
path prefix meet; GOROOT is the folder `runtime` lives in.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from dlvauto.errors import RPCError
from dlvauto.rpc import types as t
from dlvauto.rpc.client import DlvClient
from dlvauto.snapshot import BuildFacts


def _split_common_suffix(import_path: str, folder: str) -> tuple[str, str] | None:
    """(module path, module folder) when `folder` ends with the import path's tail after a prefix.

    `example.com/app/db` in `/src/app/db` -> (`example.com/app`, `/src/app`).
    """
    ip = import_path.split("/")
    fp = PurePosixPath(folder).parts
    n = 0
    while n < len(ip) - 1 and n < len(fp) - 1 and ip[-1 - n] == fp[-1 - n]:
        n += 1
    if n == 0:
        return None
    module = "/".join(ip[: len(ip) - n])
    root = str(PurePosixPath(*fp[: len(fp) - n]))
    return (module, root) if module else None


def facts_from_packages(packages: list[t.PackageBuildInfo], binary: str | None = None) -> BuildFacts:
    """Module path and folder, and GOROOT, from the packages' import paths and folders."""
    goroot = None
    main_dir = None
    for p in packages:
        if p.ImportPath == "runtime" and p.DirectoryPath.endswith("/src/runtime"):
            goroot = p.DirectoryPath.removesuffix("/src/runtime")
        if p.ImportPath == "main":
            main_dir = p.DirectoryPath
    votes: Counter[tuple[str, str]] = Counter()
    for p in packages:
        if not p.DirectoryPath or p.ImportPath == "main":
            continue
        if goroot and p.DirectoryPath.startswith(goroot + "/"):
            continue
        split = _split_common_suffix(p.ImportPath, p.DirectoryPath)
        if split is None:
            continue
        root = split[1]
        holds_main = main_dir is not None and (main_dir == root or main_dir.startswith(root + "/"))
        if holds_main and "/vendor/" not in p.DirectoryPath:
            votes[split] += 1
    module_path, module_dir = votes.most_common(1)[0][0] if votes else (None, main_dir)
    return BuildFacts(binary=binary, module_path=module_path, module_dir=module_dir, goroot=goroot)


def facts_from_dlv(client: DlvClient, binary: str | None = None) -> BuildFacts:
    try:
        return facts_from_packages(client.packages(), binary)
    except RPCError:
        return BuildFacts(binary=binary)
