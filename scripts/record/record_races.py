"""Record the race detector's reports under older Go toolchains into tests/data/races/.

    python scripts/record/record_races.py [STEM ...]

Builds tests/data/races/programs/racy with `-race` under each toolchain of SAMPLES (fetched by the
go command from the module proxy, `GOTOOLCHAIN=goX`), runs it in the named mode and keeps its
stderr as `go1.NN-<what>.txt`. A `cut` sample is the stderr cut in the middle of a report (at the
first frame of the given report's previous access), as a log that was rotated or a CI step that was
killed leaves it: the detector itself never stops mid-report. README.md names the toolchains.
With STEMs (`go1.27-interleaved`) only those samples are recorded; the others and their README
lines are kept as they are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "races"
PROGRAM = OUT / "programs" / "racy"
# (toolchain, mode, file stem, cut in the middle of this report (1-based) or 0).
SAMPLES = [
    ("go1.21.13", "interleaved", "go1.21-interleaved", 0),
    ("go1.22.12", "interleaved", "go1.22-interleaved-truncated", 2),
    ("go1.23.12", "field", "go1.23-struct-field", 0),
    ("go1.24.13", "maps", "go1.24-map", 0),
    ("go1.25.14", "main", "go1.25-main-goroutine", 0),
    ("go1.27.4", "interleaved", "go1.27-interleaved", 0),
]


def _env(toolchain: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GORACE", "GOTRACEBACK", "GODEBUG")}
    return {**env, "GOTOOLCHAIN": toolchain, "CGO_ENABLED": "1"}


def cut(text: str, report: int) -> str:
    """`text` up to and including the first frame line of report `report`'s previous access."""
    at = -1
    for _ in range(report):
        at = text.index("WARNING: DATA RACE", at + 1)
    prev = text.index("\nPrevious ", at)
    first_frame_end = text.index("\n", text.index("\n", prev + 1) + 1)
    return text[: first_frame_end + 1]


def record(toolchain: str, mode: str, stem: str, cut_at: int) -> tuple[Path, str]:
    env = _env(toolchain)
    version = subprocess.run(
        ["go", "env", "GOVERSION"], env=env, capture_output=True, text=True, timeout=900, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="dlvauto-races-") as tmp:
        src = Path(tmp) / "racy"
        shutil.copytree(PROGRAM, src)
        binary = Path(tmp) / "racy.bin"
        subprocess.run(
            ["go", "build", "-race", "-o", str(binary), "."], cwd=src, env=env, check=True, timeout=900
        )
        done = subprocess.run(
            [str(binary), mode],
            cwd=tmp,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    if done.returncode != 66:
        raise RuntimeError(f"{toolchain} {mode}: exit status {done.returncode}, not the detector's 66")
    text = done.stderr.decode()
    if cut_at:
        text = cut(text, cut_at)
    path = OUT / f"{stem}.txt"
    path.write_text(text)
    return path, version


def main(stems: list[str]) -> int:
    unknown = set(stems) - {s[2] for s in SAMPLES}
    if unknown:
        print(f"no such sample: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    readme = OUT / "README.md"
    head, _, older = readme.read_text().partition("\n## Older toolchains")
    kept = {line.split("`")[1]: line for line in older.splitlines() if line.startswith("- `")}
    lines = []
    for toolchain, mode, stem, cut_at in SAMPLES:
        if stems and stem not in stems and f"{stem}.txt" in kept:
            lines.append(kept[f"{stem}.txt"])
            continue
        path, version = record(toolchain, mode, stem, cut_at)
        how = f", cut in the middle of report {cut_at}" if cut_at else ""
        lines.append(f"- `{path.name}`: `racy {mode}` built and run by {version}{how}")
        print(path.relative_to(ROOT), version)
    head = head.rstrip()
    body = "\n".join(lines)
    readme.write_text(
        f"{head}\n\n## Older toolchains\n\nWritten by `scripts/record/record_races.py` from "
        f"`programs/racy` (`-race`, linux/amd64; exit status 66 each):\n\n{body}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
