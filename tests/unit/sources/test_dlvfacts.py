"""Module facts from the packages a binary's debug info names (for core, attach and connect)."""

from __future__ import annotations

from dlvauto.rpc.convert import facts_from_packages
from dlvauto.rpc.types import PackageBuildInfo as P

STD = [
    P(ImportPath="runtime", DirectoryPath="/usr/local/go/src/runtime"),
    P(ImportPath="sort", DirectoryPath="/usr/local/go/src/sort"),
]


def test_module_from_sub_packages() -> None:
    facts = facts_from_packages(
        [
            *STD,
            P(ImportPath="main", DirectoryPath="/src/app/cmd/tool"),
            P(ImportPath="example.com/app/db", DirectoryPath="/src/app/db"),
            P(ImportPath="example.com/app/db/sql", DirectoryPath="/src/app/db/sql"),
            P(ImportPath="github.com/x/y", DirectoryPath="/root/go/pkg/mod/github.com/x/y@v1.2.3"),
            P(ImportPath="example.org/retry", DirectoryPath="/src/app/vendor/example.org/retry"),
        ]
    )
    assert (facts.module_path, facts.module_dir, facts.goroot) == (
        "example.com/app",
        "/src/app",
        "/usr/local/go",
    )


def test_main_only_module_is_its_folder() -> None:
    facts = facts_from_packages([*STD, P(ImportPath="main", DirectoryPath="/work/tool")])
    assert (facts.module_path, facts.module_dir) == (None, "/work/tool")


def test_no_packages_gives_no_facts() -> None:
    facts = facts_from_packages([])
    assert (facts.module_path, facts.module_dir, facts.goroot) == (None, None, None)
