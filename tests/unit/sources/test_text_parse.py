"""`dlvauto parse`: real Go runtime tracebacks (tests/data/tracebacks, Go 1.21 to 1.27, every
GOTRACEBACK level; recorded by scripts/record/record_tracebacks.py) read into the same report a
live run gives.

No toolchain is needed: the recordings are the runtime's own stderr. The expectations are the
examples' expect.toml, with the exceptions a text traceback forces, each said where it is made.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.errors import UserError
from dlvauto.gofacts.tracetext import crash_header
from dlvauto.render.json import STREAM_OVER, to_json, write_json, write_json_array
from dlvauto.report import Report
from dlvauto.snapshot import BuildFacts, Snapshot, snapshot_from_json
from dlvauto.sources.text import _status, parse_text, read_trace
from dlvauto.suite.expect import Expectation, FrameExpect, differences

from tests.helpers import DATA, EXAMPLES, one_error_line, run_cli

TRACEBACKS = DATA / "tracebacks"
VERSIONS = sorted((d.name for d in TRACEBACKS.glob("go1.*")), key=lambda v: int(v.split(".")[1]))
LEVELS = ("single", "all", "system", "crash")
HIDDEN_LEVELS = ("single", "all")  # the runtime hides its own frames at these levels

# The Go caller of the C function each cgo example crashes in: text's first user frame for them.
C_FRAMES = {
    "cgo_sigsegv": FrameExpect(
        function="example.com/cgo_sigsegv/cfault.Store", file="cfault/cfault.go", line=10
    ),
    "cgo_abort": FrameExpect(function="main.loadConfig", file="main.go", line=18),
}


def _crashing_examples() -> list[str]:
    out = []
    for toml in sorted(EXAMPLES.glob("*/expect.toml")):
        if tomllib.loads(toml.read_text())["kind"] in ("panic", "fatal", "signal"):
            out.append(toml.parent.name)
    return out


def recording(version: str, stem: str) -> Path:
    """tests/data/tracebacks/<version>/<stem>.txt (or .txt.gz for the big ones)."""
    plain = TRACEBACKS / version / f"{stem}.txt"
    return plain if plain.exists() else plain.with_name(plain.name + ".gz")


def text_of(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode()


@cache
def snapshot(path: Path) -> Snapshot:
    snaps = read_trace(str(path))
    assert len(snaps) == 1
    return snaps[0]


@cache
def report(path: Path) -> Report:
    return analyze(snapshot(path))


def _example_recordings() -> list[tuple[str, str, str]]:
    out = []
    for version in VERSIONS:
        for path in sorted((TRACEBACKS / version).glob("*.txt*")):
            stem = path.name.split(".txt")[0]
            example, level = stem.split(".")[0], stem.rsplit(".", 1)[1]
            if (EXAMPLES / example / "expect.toml").exists():
                out.append((version, stem, level))
    return out


EXAMPLE_RECORDINGS = _example_recordings()


def test_every_crashing_example_is_recorded_for_every_version_and_level() -> None:
    recorded = {(v, s) for v, s, _ in EXAMPLE_RECORDINGS}
    missing = [
        f"{v}/{name}.{level}"
        for v in VERSIONS
        for name in _crashing_examples()
        for level in LEVELS
        if (v, f"{name}.{level}") not in recorded
    ]
    assert [f"go1.{n}" for n in range(21, 28)] == VERSIONS
    assert missing == []


@pytest.mark.parametrize(
    ("version", "stem", "level"), EXAMPLE_RECORDINGS, ids=[f"{v}/{s}" for v, s, _ in EXAMPLE_RECORDINGS]
)
def test_recorded_traceback_gives_the_expected_report(version: str, stem: str, level: str) -> None:
    name = stem.split(".")[0]
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    if name in C_FRAMES:
        # A text traceback has no C frames (the runtime prints them only with a cgo symbolizer
        # installed), and cgo's generated wrapper is never a first user frame: the first user
        # frame is the Go function that called into C.
        exp.first_user_frame = C_FRAMES[name]
    r = report(recording(version, stem))
    # The expectations hold as they are at every level: frame N counts from the throw frame, which
    # sits at index -1 when the runtime hid its own frames (single, all) and at the printed
    # runtime.gopanic / runtime.throw otherwise (see test_throw_frame_by_level).
    assert differences(exp, r) == []
    assert r.source.mode == "text"
    assert r.source.trace == str(recording(version, stem))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("level", LEVELS)
def test_throw_frame_by_level(version: str, level: str) -> None:
    """Frame 0 is the first printed frame; the throw frame is -1 where runtime frames are hidden."""
    r = report(recording(version, f"deep_stack.{level}"))
    g = r.crash_goroutine()
    assert g is not None and g.id == 1
    c = r.crash
    hidden = level in HIDDEN_LEVELS
    assert snapshot(recording(version, f"deep_stack.{level}")).runtime_frames_hidden is hidden
    throw = -1 if hidden else 0
    assert c.throw_frame_index == throw
    if not hidden:
        assert (g.frames[0].function, g.frames[0].category) == ("runtime.gopanic", "runtime")
        assert g.frames[0].file is not None and g.frames[0].file.endswith("/src/runtime/panic.go")
    assert c.first_user_frame is not None
    assert (c.first_user_frame.index, c.first_user_frame.function) == (
        throw + 1,
        "example.com/deep_stack/c.Crash",
    )
    assert c.first_user_frame.file == f"{r.source.module_dir}/c/c.go"
    assert c.first_user_frame.line == 18
    assert c.frame_n.index == throw + 17
    assert c.frame_n.frame is not None
    assert (c.frame_n.frame.function, c.frame_n.frame.line) == ("example.com/deep_stack/a.Level2", 13)
    assert g.frames[-1].function == ("main.main" if hidden else "runtime.goexit")


def _live(name: str) -> Report | None:
    path = DATA / "snapshots" / f"{name}.json"
    if not path.exists():
        return None
    return analyze(snapshot_from_json(json.loads(path.read_text())["snapshot"]))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", [n for n in _crashing_examples() if n not in C_FRAMES])
def test_text_names_the_same_frames_as_a_live_run(name: str, level: str) -> None:
    """design.md: live and text modes name the same frame for the same crash (same Go, 1.26).

    The cgo examples are left out: dlv shows the C frames, the text does not (see above).
    """
    live = _live(name)
    if live is None:
        pytest.skip(f"no live recording of {name} in tests/data/snapshots")
    text = report(recording("go1.26", f"{name}.{level}"))

    def where(r: Report) -> tuple[object, ...]:
        c = r.crash
        fu = c.first_user_frame
        fn = c.frame_n.frame
        rel = fu.file.removeprefix(f"{r.source.module_dir}/") if fu and fu.file else None
        return (
            c.kind,
            c.message,
            c.goroutine_id == 1,
            fu and (fu.function, rel, fu.line),
            fn and (fn.function, fn.line),
        )

    assert where(text) == where(live)


def test_inlined_frames_are_marked() -> None:
    """An optimized build prints `(...)` for frames inlined into their caller (Go 1.26 text)."""
    g = report(recording("go1.26", "deep_stack.optimized.single")).crash_goroutine()
    assert g is not None
    assert [(f.function, f.inlined) for f in g.frames[:8]] == [
        ("example.com/deep_stack/c.Crash", True),
        ("example.com/deep_stack/c.Validate", False),
        ("example.com/deep_stack/b.Step8", True),
        ("example.com/deep_stack/b.Step7", True),
        ("example.com/deep_stack/b.Step6", True),
        ("example.com/deep_stack/b.Step5", True),
        ("example.com/deep_stack/b.Step4", False),
        ("example.com/deep_stack/b.Step3", True),
    ]
    # The debug build of the same program inlines nothing.
    debug = report(recording("go1.26", "deep_stack.single")).crash_goroutine()
    assert debug is not None and not any(f.inlined for f in debug.frames)


@pytest.mark.parametrize("version", VERSIONS)
def test_system_level_frames_carry_their_pc(version: str) -> None:
    """`pc=` is the frame's pc; an inlined frame prints none (it shares its caller's)."""
    path = recording(version, "deep_stack.optimized.system")
    text = text_of(path)
    g = report(path).crash_goroutine()
    assert g is not None
    validate = next(f for f in g.frames if f.function == "example.com/deep_stack/c.Validate")
    m = re.search(r"^example\.com/deep_stack/c\.Validate\(.*\n\t.* pc=0x([0-9a-f]+)$", text, re.MULTILINE)
    assert m is not None and validate.pc == int(m.group(1), 16) and not validate.inlined
    crash = next(f for f in g.frames if f.function == "example.com/deep_stack/c.Crash")
    assert (crash.inlined, crash.pc) == (True, 0)


@pytest.mark.parametrize("version", VERSIONS)
def test_elided_frames(version: str) -> None:
    """A deep stack prints its 50 innermost and 50 outermost frames around `...N frames elided...`."""
    path = recording(version, "stack_overflow.system")
    elided = re.search(r"^\.\.\.(\d+) frames elided\.\.\.$", text_of(path), re.MULTILINE)
    assert elided is not None
    snap = snapshot(path)
    g = next(g for g in snap.goroutines if g.id == snap.stop.goroutine_id)
    # The system stack of the thread that threw comes first (runtime.morestack, the switch, left
    # out as dlv leaves it out), then the 100 printed frames of the goroutine.
    assert [f.function for f in g.frames[:3]] == [
        "runtime.throw",
        "runtime.newstack",
        "example.com/stack_overflow/tree.(*Node).Depth",
    ]
    assert len(g.frames) == 2 + 100
    assert [f.function for f in g.frames[-3:]] == ["main.main", "runtime.main", "runtime.goexit"]
    assert any(f"left out {elided.group(1)} frames" in n for n in snap.notes)
    assert snap.stop.thread_frames == []


def test_created_by_in_goroutine_and_the_older_form() -> None:
    path = recording("go1.26", "goroutine_panic.all")
    text = text_of(path)
    r = report(path)
    g = r.crash_goroutine()
    assert g is not None and g.id == 5 and g.created_by is not None
    assert (g.created_by.function, g.created_by.file, g.created_by.line) == (
        "main.main",
        f"{r.source.module_dir}/main.go",
        16,
    )
    raw = next(x for x in snapshot(path).goroutines if x.id == 5)
    assert raw.created_by_goroutine == 1
    # Before Go 1.21 the runtime printed `created by main.main` without the creator's id.
    old = parse_text(re.sub(r"^(created by \S+) in goroutine \d+$", r"\1", text, flags=re.MULTILINE))[0]
    g_old = next(x for x in old.goroutines if x.id == 5)
    assert g_old.created_by is not None and g_old.created_by.function == "main.main"
    assert g_old.created_by.line == 16 and g_old.created_by_goroutine is None
    assert analyze(old).crash.first_user_frame == r.crash.first_user_frame


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("level", ["single", "system"])
def test_goexit_panic_chain(version: str, level: str) -> None:
    """A panic recovered before runtime.Goexit, then a panic in a deferred call Goexit ran."""
    path = recording(version, f"goexit_chain.{level}")
    assert "panic: first: recovered before Goexit [recovered]\n\tpanic: second:" in text_of(path)
    r = report(path)
    assert (r.crash.kind, r.crash.message) == ("panic", "second: deferred call ran by Goexit")
    assert "panics recovered before the last one: 'first: recovered before Goexit'" in r.notes
    g = r.crash_goroutine()
    assert g is not None and "runtime.Goexit" in [f.function for f in g.frames]
    assert r.crash.first_user_frame is not None
    assert r.crash.first_user_frame.function == "main.worker.func1"
    assert r.crash.first_user_frame.line == 13


@pytest.mark.parametrize("version", VERSIONS)
def test_repanic_of_the_same_value(version: str) -> None:
    path = recording(version, "repanic_same.single")
    text = text_of(path)
    r = report(path)
    assert (r.crash.kind, r.crash.message) == ("panic", "bad input: 42")
    if int(version.split(".")[1]) >= 25:
        assert text.startswith("panic: bad input: 42 [recovered, repanicked]\n\n")
        assert not any(n.startswith("panics recovered") for n in r.notes)
    else:
        assert text.startswith("panic: bad input: 42 [recovered]\n\tpanic: bad input: 42\n")
        assert "panics recovered before the last one: 'bad input: 42'" in r.notes


@pytest.mark.parametrize("version", VERSIONS)
def test_multi_line_panic_value(version: str) -> None:
    """Go 1.23+ indents a panic value's continuation lines with a tab; the message has none."""
    path = recording(version, "multiline_panic.single")
    indented = "\n\t  line 3: missing key" in text_of(path)
    assert indented == (int(version.split(".")[1]) >= 23)
    r = report(path)
    assert r.crash.message == "config invalid:\n  line 3: missing key\n  line 9: bad value"
    assert r.crash.first_user_frame is not None
    assert (r.crash.first_user_frame.function, r.crash.first_user_frame.inlined) == ("main.load", True)


def test_wait_time_and_locked_thread() -> None:
    path = recording("go1.26", "waiting_locked.all")
    assert "goroutine 17 [chan receive, 1 minutes, locked to thread]:" in text_of(path)
    r = report(path)
    g = next(g for g in r.goroutines if g.id == 17)
    assert (g.status, g.wait_reason, g.wait_minutes, g.locked_to_thread) == (
        "waiting",
        "chan receive",
        1,
        True,
    )
    assert [(f.function, f.line, f.inlined) for f in g.frames] == [("main.parked", 15, True)]
    main = r.crash_goroutine()
    assert main is not None
    assert (main.id, main.status, main.wait_reason, main.wait_minutes, main.locked_to_thread) == (
        1,
        "running",
        None,
        None,
        False,
    )


def test_goroutine_status_words() -> None:
    """The runtime's header words: a status, or a wait reason (reported as status "waiting")."""
    assert _status("running") == ("running", None, None, False)
    assert _status("syscall, locked to thread") == ("syscall", None, None, True)
    assert _status("chan receive, 2 minutes") == ("waiting", "chan receive", 2, False)
    assert _status("select (no cases)") == ("waiting", "select (no cases)", None, False)
    assert _status("sync.WaitGroup.Wait") == ("waiting", "sync.WaitGroup.Wait", None, False)
    assert _status("running (scan)") == ("running", None, None, False)
    # Go 1.25+: synctest bubbles; Go 1.26+: goroutine leak detection.
    assert _status("chan receive (durable), synctest bubble 3") == (
        "waiting",
        "chan receive (durable)",
        None,
        False,
    )
    assert _status("chan send (leaked)") == ("leaked", "chan send", None, False)
    assert _status("waiting for cgo callback") == ("waiting for cgo callback", None, None, False)


@pytest.mark.parametrize("version", VERSIONS)
def test_crash_level_sections_of_other_threads(version: str) -> None:
    """GOTRACEBACK=crash: after `-----`, every other thread prints a `SIGQUIT: quit` section with
    its system stack (goroutine 0) and registers. They belong to the one crash."""
    path = recording(version, "cgo_spin_sigquit.crash")
    text = text_of(path)
    assert text.count("\n-----\n") >= 1 and text.count("SIGQUIT: quit") >= 2
    snaps = parse_text(text)
    assert len(snaps) == 1
    snap = snaps[0]
    headers = re.findall(r"^goroutine (\d+) .*\[(.*)\]:$", text, re.MULTILINE)
    first_id, first_status = int(headers[0][0]), headers[0][1]
    assert first_status == "syscall"
    assert (snap.stop.reason, snap.stop.runtime_message, snap.stop.signal) == (
        "signal",
        "SIGQUIT: quit",
        "SIGQUIT",
    )
    assert snap.stop.goroutine_id == first_id
    assert sorted(g.id for g in snap.goroutines) == sorted({int(i) for i, _ in headers if i != "0"})
    g0 = re.search(r"^goroutine 0 .*\n(\S+)\(", text, re.MULTILINE)
    assert g0 is not None and snap.stop.thread_frames[0].function == g0.group(1)
    assert "signal arrived during cgo execution" in snap.notes
    r = analyze(snap)
    crash = r.crash_goroutine()
    assert crash is not None and [f.function for f in crash.frames[:2]] == [
        "runtime.cgocall",
        "main._Cfunc_spin_forever",
    ]
    # cgo's generated wrapper is never the first user frame: the Go function that called into C is.
    assert r.crash.first_user_frame is not None and r.crash.first_user_frame.function == "main.spin"


@pytest.mark.parametrize("version", VERSIONS)
def test_deadlock_runtime_stack_is_the_thread_not_a_goroutine(version: str) -> None:
    path = recording(version, "deadlock.system")
    snap = snapshot(path)
    assert snap.stop.goroutine_id is None  # nobody crashed: the scheduler found them all asleep
    assert [f.function for f in snap.stop.thread_frames[:2]] == ["runtime.fatal", "runtime.checkdead"]
    assert 0 not in [g.id for g in snap.goroutines]
    r = report(path)
    assert (r.crash.goroutine_id, r.crash.throw_frame_index) == (1, None)


def test_crash_header_agrees_with_the_text_source() -> None:
    """The live source reads the header with crash_header; the text source must say the same."""
    for version in VERSIONS:
        for path in sorted((TRACEBACKS / version).glob("*.txt*")):
            header = crash_header(text_of(path))
            snap = snapshot(path)
            assert header is not None, path
            assert (header.kind, header.message, header.signal) == (
                snap.stop.runtime_kind,
                snap.stop.runtime_message,
                snap.stop.signal,
            ), path


NOISE_BEFORE = "2026/01/02 15:04:05 starting server on :8080\nprocessing batch 1 (of 3)\n"
NOISE_BETWEEN = "exit status 2\nFAIL\texample.com/x\t0.012s\n\n=== RUN   TestNext\n"
NOISE_AFTER = "exit status 2\nmake: *** [Makefile:3: run] Error 1\n"


def _three_crashes() -> str:
    return (
        NOISE_BEFORE
        + text_of(recording("go1.26", "deep_stack.single"))
        + NOISE_BETWEEN
        + text_of(recording("go1.21", "concurrent_map_writes.system"))
        + "request 7 done (ok)\n"
        + text_of(recording("go1.24", "deadlock.single"))
        + NOISE_AFTER
    )


def test_several_dumps_with_noise_between_them() -> None:
    text = _three_crashes()
    snaps = parse_text(text)
    assert [(s.stop.runtime_kind, s.stop.runtime_message) for s in snaps] == [
        ("panic", "checksum mismatch: got 6, want 7"),
        ("fatal", "concurrent map writes"),
        ("fatal", "all goroutines are asleep - deadlock!"),
    ]
    # What the program wrote before each crash is kept with it (its last lines).
    assert "starting server on :8080" in snaps[0].output.stderr
    assert "=== RUN   TestNext" in snaps[1].output.stderr
    assert "request 7 done (ok)" in snaps[2].output.stderr
    reports = [analyze(s) for s in snaps]
    assert [r.crash.first_user_frame and r.crash.first_user_frame.function for r in reports] == [
        "example.com/deep_stack/c.Crash",
        "main.writer",
        "main.waitResult",
    ]
    # The default is the last crash.
    last = parse_text(text, every=False)
    assert len(last) == 1 and last[0].stop.runtime_message == "all goroutines are asleep - deadlock!"


def test_parse_command_reports_the_last_crash_or_all(tmp_path: Path) -> None:
    trace = tmp_path / "ci.log"
    trace.write_text(_three_crashes())
    one = run_cli("parse", str(trace), "--json", "-")
    assert one.returncode == 0, one.stderr
    doc = json.loads(one.stdout)
    assert (doc["crash"]["kind"], doc["crash"]["message"]) == (
        "fatal",
        "all goroutines are asleep - deadlock!",
    )
    assert doc["source"]["mode"] == "text" and doc["source"]["trace"] == str(trace)
    every = run_cli("parse", str(trace), "--all", "--json", str(tmp_path / "all.json"))
    assert every.returncode == 0, every.stderr
    docs = json.loads((tmp_path / "all.json").read_text())
    assert [d["crash"]["message"] for d in docs] == [
        "checksum mismatch: got 6, want 7",
        "concurrent map writes",
        "all goroutines are asleep - deadlock!",
    ]
    # The human view of each crash still reaches the terminal.
    assert "crash 1 of 3" in every.stdout and "crash 3 of 3" in every.stdout
    assert "PANIC: checksum mismatch: got 6, want 7" in every.stdout


def test_parse_reads_stdin_and_gzip(tmp_path: Path) -> None:
    path = recording("go1.26", "many_goroutines.all")
    assert path.suffix == ".gz"
    from_gz = run_cli("parse", str(path), "--json", "-")
    assert from_gz.returncode == 0, from_gz.stderr
    doc = json.loads(from_gz.stdout)
    assert doc["crash"]["message"] == "assignment to entry in nil map"
    assert len(doc["goroutines"]) == 2001
    piped = subprocess.run(
        [sys.executable, "-m", "dlvauto", "parse", "-", "--json", "-"],
        input=text_of(recording("go1.22", "index_out_of_range.all")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr
    doc = json.loads(piped.stdout)
    assert doc["crash"]["message"] == "runtime error: index out of range [5] with length 3"
    assert doc["source"]["trace"] == "-"


def test_tabs_turned_into_spaces() -> None:
    """A trace pasted through an editor or a web page often has spaces where the runtime put tabs."""
    path = recording("go1.26", "goroutine_panic.all")
    spaced = parse_text(text_of(path).replace("\t", "        "))[0]
    r = analyze(spaced)
    assert r.crash.first_user_frame == report(path).crash.first_user_frame
    g = r.crash_goroutine()
    assert g is not None and g.created_by is not None and g.created_by.line == 16
    chain = parse_text(text_of(recording("go1.26", "repanic_in_defer.single")).replace("\t", "    "))[0]
    message = 'handle "short": runtime error: index out of range [10] with length 5'
    assert chain.stop.runtime_message == message


def test_goroutine_dump_without_a_crash_header() -> None:
    """`goroutine N [...]:` blocks alone (debug.Stack, a pprof dump) are a capture: kind hang."""
    text = text_of(recording("go1.26", "goroutine_panic.all"))
    dump = text[text.index("goroutine 1 [") :]
    snaps = parse_text("some log line\n" + dump)
    assert len(snaps) == 1
    r = analyze(snaps[0])
    assert (r.crash.kind, r.crash.message, r.crash.goroutine_id) == ("hang", None, 1)
    assert any("no crash header" in n for n in r.notes)
    assert r.crash.first_user_frame is not None and r.crash.first_user_frame.function == "main.main"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "holds no Go traceback"),
        (b"hello\nworld\n", "holds no Go traceback"),
        (bytes(range(256)) * 64, "holds no Go traceback"),
        (b"panic(\n\tno\ngoroutine x [y]:\n", "holds no Go traceback"),
    ],
    ids=["empty", "prose", "binary", "near-miss"],
)
def test_no_traceback_is_one_line_and_exit_2(tmp_path: Path, content: bytes, why: str) -> None:
    trace = tmp_path / "input.txt"
    trace.write_bytes(content)
    r = run_cli("parse", str(trace))
    assert why in one_error_line(r)
    assert r.stdout == ""


def test_missing_file_and_folder_are_exit_2(tmp_path: Path) -> None:
    for arg, why in ((str(tmp_path / "nope.txt"), "does not exist"), (str(tmp_path), "is a folder")):
        r = run_cli("parse", arg)
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert r.stderr.startswith("dlvauto: error: ") and why in r.stderr


def test_damaged_gzip_is_exit_2(tmp_path: Path) -> None:
    data = recording("go1.26", "many_goroutines.all").read_bytes()
    trace = tmp_path / "cut.txt.gz"
    trace.write_bytes(data[: len(data) // 2])
    r = run_cli("parse", str(trace))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"dlvauto: error: cannot read {trace}: ")


def test_library_error_is_user_error() -> None:
    with pytest.raises(UserError, match="holds no Go traceback"):
        read_trace(str(EXAMPLES / "deep_stack" / "main.go"))


def test_module_facts_can_be_given() -> None:
    """--module-path/--module-dir/--goroot win over what the frames suggest."""
    path = recording("go1.26", "deep_stack.single")
    inferred = snapshot(path).build
    assert inferred.module_path == "example.com/deep_stack"
    assert inferred.module_dir is not None and inferred.module_dir.endswith("/deep_stack")
    given = BuildFacts(module_path="example.com/other", module_dir="/elsewhere", goroot="/opt/go")
    snap = read_trace(str(path), given=given)[0]
    assert (snap.build.module_path, snap.build.module_dir, snap.build.goroot) == (
        "example.com/other",
        "/elsewhere",
        "/opt/go",
    )
    r = analyze(snap)
    # The deep_stack packages are now someone else's module: the first user frame is main's.
    assert r.crash.first_user_frame is not None
    assert (r.crash.first_user_frame.function, r.crash.first_user_frame.index) == ("main.run", 18)
    g = r.crash_goroutine()
    assert g is not None and g.frames[0].category == "thirdparty"


def test_cli_module_options(tmp_path: Path) -> None:
    r = run_cli(
        "parse",
        str(recording("go1.26", "deep_stack.single")),
        "--module-path",
        "example.com/other",
        "--module-dir",
        "/elsewhere",
        "--frame",
        "3",
        "--json",
        "-",
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["source"]["module_path"] == "example.com/other"
    assert doc["crash"]["first_user_frame"]["function"] == "main.run"
    assert doc["crash"]["frame_n"]["n"] == 3 and doc["crash"]["frame_n"]["index"] == 2


def test_json_is_streamed_byte_for_byte() -> None:
    """A big report is written goroutine by goroutine; the bytes are those of one whole dump."""
    big = report(recording("go1.26", "many_goroutines.system"))
    assert len(big.goroutines) >= STREAM_OVER
    out = io.StringIO()
    write_json(big, out)
    assert out.getvalue() == to_json(big)
    small = report(recording("go1.26", "deep_stack.single"))
    array = io.StringIO()
    write_json_array([small, big], array)
    expected = "[\n" + ",\n".join(
        "\n".join("  " + ln for ln in to_json(r).rstrip("\n").split("\n")) for r in (small, big)
    )
    assert array.getvalue() == expected + "\n]\n"
    empty = io.StringIO()
    write_json_array([], empty)
    assert empty.getvalue() == "[]\n"
