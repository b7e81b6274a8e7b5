"""Property tests of the text traceback parser: whatever the text, a list of snapshots (that the
analysis and the JSON report take) or a UserError; never any other exception.

The inputs are arbitrary text and real recorded tracebacks (tests/data/tracebacks) mutated the way
logs get damaged: lines dropped, duplicated, cut short, characters flipped, dumps spliced.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlvauto.analysis import analyze
from dlvauto.errors import UserError
from dlvauto.render.json import to_json
from dlvauto.snapshot import Snapshot
from dlvauto.sources.text import parse_text, read_trace

from tests.helpers import DATA

SOURCES = sorted(
    p
    for p in (DATA / "tracebacks").glob("go1.*/*.txt*")
    if p.stat().st_size < 40_000  # the small ones: many examples per second
)


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode()


TEXTS = [_text(p) for p in SOURCES]
# Pieces of the format, so random text hits the parser's branches, not only its noise path.
FRAGMENTS = [
    "panic: ",
    "fatal error: ",
    "\tpanic: ",
    " [recovered]",
    " [recovered, repanicked]",
    "goroutine 1 [running]:",
    "goroutine 0 gp=0x1 m=0 mp=0x2 [idle]:",
    "goroutine 7 [chan receive, 3 minutes, locked to thread]:",
    "main.main()",
    "main.f(...)",
    "panic({0x1?, 0x2?})",
    "\t/src/m/main.go:12 +0x1d",
    "\t/src/m/main.go:12 +0x1d fp=0x1 sp=0x2 pc=0x3",
    "created by main.main in goroutine 1",
    "...12 frames elided...",
    "...additional frames elided...",
    "runtime stack:",
    "SIGSEGV: segmentation violation",
    "PC=0x4bed90 m=0 sigcode=1 addr=0x0",
    "signal arrived during cgo execution",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]",
    "-----",
    "[originating from goroutine 3]:",
    "non-Go function at pc=0x1234",
    "\tgoroutine running on other thread; stack unavailable",
    "",
]


def _check(snaps: list[Snapshot]) -> None:
    """Everything downstream must take what the parser gives."""
    for snap in snaps:
        assert snap.mode == "text"
        report = analyze(snap)
        to_json(report)


def _mutate(text: str, ops: list[tuple[int, int, int]]) -> str:
    lines = text.split("\n")
    for op, at, arg in ops:
        if not lines:
            break
        i = at % len(lines)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[arg % len(lines)])
        elif op == 2:
            lines[i] = lines[i][: arg % (len(lines[i]) + 1)]
        elif op == 3 and lines[i]:
            j = arg % len(lines[i])
            lines[i] = lines[i][:j] + chr((ord(lines[i][j]) + 1 + arg) % 0x2FF) + lines[i][j + 1 :]
        elif op == 4:
            lines[i:i] = TEXTS[arg % len(TEXTS)].split("\n")[: 1 + arg % 40]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    _check(parse_text(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=60))
def test_lines_made_of_the_format_pieces(pieces: list[str]) -> None:
    _check(parse_text("\n".join(pieces)))
    _check(parse_text("".join(pieces)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(TEXTS) - 1),
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=12
    ),
)
def test_mutated_real_tracebacks(index: int, ops: list[tuple[int, int, int]]) -> None:
    _check(parse_text(_mutate(TEXTS[index], ops)))
    _check(parse_text(_mutate(TEXTS[index], ops), every=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000), st.integers(min_value=0, max_value=len(TEXTS) - 1))
def test_files_of_bytes_give_snapshots_or_user_error(data: bytes, index: int) -> None:
    """Through the file reader too: undecodable bytes, gzip magic without gzip, a real dump after
    binary junk."""
    with tempfile.TemporaryDirectory() as tmp:
        for content in (data, b"\x1f\x8b" + data, data + TEXTS[index].encode()):
            path = Path(tmp) / "trace"
            path.write_bytes(content)
            try:
                snaps = read_trace(str(path))
            except UserError:
                continue
            assert snaps
            _check(snaps)
