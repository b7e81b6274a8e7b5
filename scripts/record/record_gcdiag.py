#!/usr/bin/env python3
"""Record the compiler's real -m=2 output into tests/data/gcdiag/ for the parser's unit tests.

Each recording is the whole stderr of `go build` (escape analysis included, which the parser must
skip) beside a JSON file naming the Go version that wrote it, the folder it ran in (relative to the
repository) and the module and main package paths the parse needs. Run again after a Go upgrade:

    .venv/bin/python scripts/record/record_gcdiag.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from dlvauto.gobuild.program import find_module
from dlvauto.gofacts import gcdiag
from dlvauto.system import proc
from dlvauto.system.go import go_env

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "gcdiag"
TARGETS = {
    "deep_stack": ROOT / "examples" / "go" / "deep_stack",
    "inlined_two_deep": ROOT / "examples" / "go" / "inlined_two_deep",
    "shapes": OUT / "shapes",  # methods, closures, generics, a refused recursive cycle
}


def record(name: str, src: Path) -> Path:
    env = go_env()
    module_dir, module_path = find_module(src)
    rel = src.relative_to(module_dir).as_posix()
    with tempfile.TemporaryDirectory() as tmp:
        res = proc.run(
            [env.go, "build", *gcdiag.flags(module_path), "-o", f"{tmp}/bin", "."], cwd=src, timeout=600
        )
    if res.returncode != 0:
        raise SystemExit(f"go build failed in {src}:\n{res.stderr}")
    (OUT / f"{name}.m2.txt").write_text(res.stderr)
    meta = {
        "go": env.version,
        "dir": src.relative_to(ROOT).as_posix(),
        "module_path": module_path,
        "main_package": module_path if rel == "." else f"{module_path}/{rel}",
    }
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(meta, indent=1) + "\n")
    return path


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in argv or sorted(TARGETS):
        print(record(name, TARGETS[name]).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
