#!/usr/bin/env python3
"""Coverage-guided fuzzing of dlvauto's parsers with atheris (libFuzzer), for long runs outside CI.

CI runs the same properties under hypothesis for a bounded time; this script is for hours. The
property: any input gives snapshots (then a report) or a UserError, never another exception.
Targets: `text` (the runtime traceback parser + analysis), seeded with the recorded tracebacks under
tests/data/tracebacks, and `repl` (the parser of dlv's terminal listings), seeded with dlv's
recorded replies under tests/data/repl.

Usage: .venv/bin/pip install -e '.[fuzz]' (atheris), then
       .venv/bin/python scripts/fuzz/fuzz_atheris.py [text|repl] -runs=N [-max_total_time=S]
It prints libFuzzer's own statistics (#runs, coverage) at the end.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from pathlib import Path

try:
    import atheris
except ImportError:
    sys.exit(
        "fuzz_atheris: atheris is not installed: `.venv/bin/pip install -e '.[fuzz]'` "
        "(or `.venv/bin/pip install atheris`) installs it"
    )

with atheris.instrument_imports():
    from dlvauto.analysis import analyze
    from dlvauto.errors import UserError
    from dlvauto.repl import parse as repl_parse  # the REPL backend's pure parser
    from dlvauto.sources.text import parse_text

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SEEDS = 300
SEED_BYTES = 65536


def fuzz_text(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        snaps = parse_text(text)
    except UserError:
        return
    for snap in snaps:
        analyze(snap)


def fuzz_repl(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    for name in ("parse_stack", "parse_goroutines"):
        with contextlib.suppress(UserError):
            getattr(repl_parse, name)(text)


def seeds(target: str) -> list[bytes]:
    """The recorded inputs of `target`: tracebacks as they are, dlv's replies one by one."""
    if target == "text":
        return [p.read_bytes() for p in sorted((DATA / "tracebacks").rglob("*.txt"))]
    replies = []
    for p in sorted((DATA / "repl").glob("*.json")):
        replies += [x["reply"].encode() for x in json.loads(p.read_text())["exchanges"]]
    return replies


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "text"
    if target not in ("text", "repl"):
        sys.exit(f"fuzz_atheris: unknown target {target!r}: use text or repl")
    args = [a for a in sys.argv if a != target]
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{target}-"))
    for i, seed in enumerate(seeds(target)[:SEEDS]):
        (corpus / f"seed{i}").write_bytes(seed[:SEED_BYTES])
    atheris.Setup([*args, str(corpus)], fuzz_text if target == "text" else fuzz_repl)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
