"""Finding scenarios: every folder under the given ones that holds an `expect.toml`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from dlvauto.errors import UserError
from dlvauto.records import record
from dlvauto.suite.expect import Expectation

EXPECT_FILE = "expect.toml"
_SKIP = {".git", "vendor", "node_modules", ".venv", "testdata"}


@record(frozen=True)
class Scenario:
    """One regression case: its folder, and the name reports and JUnit use for it."""

    path: Path
    name: str

    @property
    def expect_file(self) -> Path:
        return self.path / EXPECT_FILE

    def expectation(self) -> Expectation:
        return Expectation.load(self.expect_file)


def find(dirs: Sequence[str | Path]) -> list[Scenario]:
    """Scenarios under `dirs`, sorted by name; a folder that is itself a scenario counts too."""
    found: dict[Path, Scenario] = {}
    for d in dirs:
        root = Path(d)
        if not root.exists():
            raise UserError(f"{root} does not exist: give folders that hold scenarios (expect.toml)")
        if root.is_file():
            root = root.parent if root.name == EXPECT_FILE else root
            if not (root / EXPECT_FILE).is_file():
                raise UserError(f"{d} is not a scenario folder: it has no {EXPECT_FILE}")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(x for x in dirnames if x not in _SKIP and not x.startswith("."))
            if EXPECT_FILE in filenames:
                p = Path(dirpath).resolve()
                rel = Path(dirpath).relative_to(root)
                name = str(rel) if str(rel) != "." else p.name
                found[p] = Scenario(p, name)
    if not found:
        raise UserError(f"no scenarios (folders with {EXPECT_FILE}) under {', '.join(map(str, dirs))}")
    return sorted(found.values(), key=lambda s: s.name)
