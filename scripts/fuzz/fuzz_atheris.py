#!/usr/bin/env python3
"""Coverage-guided fuzzing of dlvauto's parsers with atheris (libFuzzer), for long runs outside CI.

CI runs the same properties under hypothesis for a bounded time; this script is for hours. The
property: any input gives snapshots (then a report) or a UserError, never another exception.
Targets: `text` (the runtime traceback parser + analysis) and, where present, `repl` (the parser of
dlv's terminal listings). Seeds are the recorded tracebacks under tests/data/tracebacks.

Usage: pip install atheris; .venv/bin/python scripts/fuzz_atheris.py [text|repl] -runs=N [-max_total_time=S]
It prints libFuzzer's own statistics (#runs, coverage) at the end.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from dlvauto.analysis import analyze
    from dlvauto.errors import UserError
    from dlvauto.sources.text import parse_text

ROOT = Path(__file__).resolve().parent.parent


def fuzz_text(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        snaps = parse_text(text)
    except UserError:
        return
    for snap in snaps:
        analyze(snap)


def fuzz_repl(data: bytes) -> None:
    from dlvauto.sources.repl import parse as repl_parse  # the REPL backend's pure parser

    text = data.decode("utf-8", "replace")
    for name in ("parse_stack", "parse_goroutines"):
        fn = getattr(repl_parse, name, None)
        if fn is None:
            continue
        with contextlib.suppress(UserError):
            fn(text)


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "text"
    args = [a for a in sys.argv if a != target]
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{target}-"))
    seeds = sorted((ROOT / "tests" / "data" / ("tracebacks" if target == "text" else "repl")).rglob("*.txt"))
    for i, seed in enumerate(seeds[:300]):
        (corpus / f"seed{i}").write_bytes(seed.read_bytes()[:65536])
    atheris.Setup([*args, str(corpus)], fuzz_text if target == "text" else fuzz_repl)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
