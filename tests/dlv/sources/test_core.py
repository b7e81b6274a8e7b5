"""Core dumps: real cores of every crashing example, read back to the same report as a live run.

Cores are made as a user makes them: the built program runs on its own with GOTRACEBACK=crash and
RLIMIT_CORE raised (through dlvauto.system.proc), in a folder of its own where core_pattern puts the core.
Where this machine cannot write a core file (core_pattern pipes cores away, hard limit 0) the tests
that need one are skipped with the reason.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.errors import UserError
from dlvauto.gobuild.program import build
from dlvauto.gofacts.binary import Region, read_binary
from dlvauto.report import Frame, Report
from dlvauto.reportschema import report_from_json
from dlvauto.snapshot import RawFrame, RawGoroutine
from dlvauto.sources.core import death_of, open_core, pick_crash_goroutine
from dlvauto.sources.live import run_live
from dlvauto.sources.viacore import core_glob
from dlvauto.suite.expect import Expectation, differences
from dlvauto.system import proc

from tests.helpers import (
    CRASHING,
    EXAMPLES,
    CoreMaker,
    crash_expectation,
    live_report,
    needs_cores,
    needs_dlv,
    one_error_line,
    run_cli,
)


def _user_frame(f: Frame | None) -> tuple[str | None, str | None, int] | None:
    return None if f is None else (f.function, f.file, f.line)


def _same_crash(core: Report, live: Report) -> None:
    """The facts every mode must agree on: kind, message, first user frame, frame N."""
    assert core.crash.kind == live.crash.kind
    assert core.crash.message == live.crash.message
    assert _user_frame(core.crash.first_user_frame) == _user_frame(live.crash.first_user_frame)
    assert _user_frame(core.crash.frame_n.frame) == _user_frame(live.crash.frame_n.frame)
    core_g, live_g = core.crash_goroutine(), live.crash_goroutine()
    assert core_g is not None and live_g is not None
    assert (core_g.id == 1) == (live_g.id == 1), "the main goroutine in both, or another in both"
    # Above the throw frame both stacks hold the same functions (below it a core has the abort's
    # frames); the user's frames are the same lines too. Stacks cut at --depth compare as far as both go.
    ct = core.crash.throw_frame_index if core.crash.throw_frame_index is not None else -1
    lt = live.crash.throw_frame_index if live.crash.throw_frame_index is not None else -1
    pairs = list(zip(core_g.frames[ct + 1 :], live_g.frames[lt + 1 :], strict=False))
    assert pairs and [c.function for c, _ in pairs] == [lv.function for _, lv in pairs]
    assert [_user_frame(c) for c, _ in pairs if c.category == "user"] == [
        _user_frame(lv) for _, lv in pairs if lv.category == "user"
    ]


THROW_FUNCTION = {"panic": {"runtime.gopanic"}, "fatal": {"runtime.throw", "runtime.fatal"}}


@needs_dlv
@needs_cores
@pytest.mark.parametrize("name", CRASHING)
def test_core_report_matches_expectations_and_the_live_run(
    name: str, cores: CoreMaker, live_reports: dict[str, Report]
) -> None:
    if name == "cgo_abort":
        pytest.skip("dlv cannot unwind a core through abort()'s C frames: design.md, honest exceptions")
    binary, core = cores(name)
    report = analyze(open_core(binary, core))
    exp = crash_expectation(Expectation.load(EXAMPLES / name / "expect.toml"))
    assert differences(exp, report) == []
    assert report.source.mode == "core" and report.source.core == str(core.resolve())
    assert report.source.module_dir == str(EXAMPLES / name)
    assert report.source.profile == exp.profile
    g = report.crash_goroutine()
    assert g is not None
    throw = report.crash.throw_frame_index
    if throw is not None:
        if exp.kind == "signal":  # fatalsignal has returned: runtime.crash stands in its place
            assert g.frames[throw + 1].function == "runtime.sighandler"
        else:
            assert g.frames[throw].function in THROW_FUNCTION[exp.kind]
    _same_crash(report, live_report(name, live_reports))


@needs_dlv
@needs_cores
def test_the_core_command_writes_the_report(cores: CoreMaker, tmp_path: Path) -> None:
    binary, core = cores("deep_stack")
    out = tmp_path / "r.json"
    r = run_cli("core", str(binary), str(core), "--json", str(out), "--frame", "17")
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["source"]["mode"] == "core"
    assert data["crash"]["kind"] == "panic"
    assert data["crash"]["message"] == "checksum mismatch: got 6, want 7"
    assert data["crash"]["first_user_frame"]["function"] == "example.com/deep_stack/c.Crash"
    assert data["crash"]["frame_n"]["frame"]["function"] == "example.com/deep_stack/a.Level2"
    assert data["source"]["go_version"].startswith("go1.")
    assert data["source"]["goroot"] and data["source"]["module_path"] == "example.com/deep_stack"


# ---- run --via core ---------------------------------------------------------------------------


@needs_dlv
@needs_cores
@pytest.mark.parametrize(("name", "save"), [("cgo_sigsegv", False), ("unlock_unlocked_mutex", True)])
def test_run_via_core_reports_as_live_and_keeps_the_output(
    name: str, save: bool, tmp_path: Path, live_reports: dict[str, Report]
) -> None:
    out, saved = tmp_path / "r.json", tmp_path / "saved"
    keep = ["--save-core", str(saved)] if save else []
    r = run_cli("run", str(EXAMPLES / name), "--via", "core", *keep, "--json", str(out))
    assert r.returncode == 0, r.stderr
    report = report_from_json(out.read_text())
    assert differences(Expectation.load(EXAMPLES / name / "expect.toml"), report) == []
    assert report.source.mode == "core"
    assert report.crash.message is not None and report.crash.message in report.output.stderr
    _same_crash(report, live_report(name, live_reports))
    if not save:
        assert report.source.core is None and any("--save-core" in n for n in report.notes)
        return
    assert report.source.core == str(saved / "core.zst")
    stop = json.loads((saved / "stop.json").read_text())
    assert (stop["written_by"], stop["reason"], stop["goroutine_id"]) == ("kernel", "fatal", 1)
    reopened = analyze(open_core(saved / stop["binary"], saved / "core.zst"))
    assert _frames(reopened) == _frames(report) and reopened.crash.message == report.crash.message


@needs_dlv
@needs_cores
def test_run_via_core_halts_a_hang_with_sigquit_and_reports_a_hang(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    r = run_cli("run", str(EXAMPLES / "hang"), "--via", "core", "--timeout", "1", "--json", str(out))
    assert r.returncode == 0, r.stderr
    report = report_from_json(out.read_text())
    assert report.crash.kind == "hang" and report.crash.goroutine_id == 1
    assert _user_frame(report.crash.first_user_frame) == (
        "main.waitReady",
        str(EXAMPLES / "hang" / "main.go"),
        18,
    )
    assert "SIGQUIT" in report.output.stderr


@needs_dlv
@needs_cores
def test_run_via_core_says_when_the_program_did_not_crash() -> None:
    r = run_cli("run", str(EXAMPLES / "os_exit_3"), "--via", "core")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "dlvauto: error: the program exited with status 3 without crashing, so no core was written: "
        "use --via live (the default) to report a clean exit"
    ]


def test_run_via_core_refuses_options_that_need_a_live_process() -> None:
    r = run_cli("run", str(EXAMPLES / "deep_stack"), "--via", "core", "--unwind-check")
    assert r.returncode == 2 and "use --via live" in r.stderr


def test_unknown_via_is_one_line() -> None:
    r = run_cli("run", str(EXAMPLES / "deep_stack"), "--via", "gdb")
    assert r.returncode == 2
    assert r.stderr.strip() == "dlvauto: error: unknown --via 'gdb': use one of live, core"


# ---- --save-core --------------------------------------------------------------------------------


def _where(f: Frame | None) -> tuple[object, ...] | None:
    """Where a frame is and what it is (values read from a live process are another matter)."""
    return None if f is None else (f.index, f.function, f.file, f.line, f.pc, f.category, f.inlined)


def _frames(report: Report) -> list[tuple[str | None, str | None, int, int]]:
    g = report.crash_goroutine()
    assert g is not None
    return [(f.function, f.file, f.line, f.pc) for f in g.frames]


@needs_dlv
@pytest.mark.parametrize("name", ["concurrent_map_writes", "deadlock", "cgo_sigsegv"])
def test_a_core_saved_at_the_crash_stop_reopens_to_the_same_report(name: str, tmp_path: Path) -> None:
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    built = build(EXAMPLES / name, exp.profile)
    saved = tmp_path / "saved"
    live = analyze(run_live(built.binary, exp.args, facts=built.facts, timeout=exp.timeout, save_core=saved))
    binary = saved / built.binary.name
    assert sorted(p.name for p in saved.iterdir()) == sorted(["core.zst", built.binary.name, "stop.json"])
    assert binary.read_bytes() == built.binary.read_bytes()
    assert live.source.core == str(saved / "core.zst")
    reopened = analyze(open_core(binary, saved / "core.zst"))
    for report in (live, reopened):
        assert differences(exp, report) == []
    assert reopened.crash.kind == live.crash.kind
    assert reopened.crash.message == live.crash.message
    assert reopened.crash.goroutine_id == live.crash.goroutine_id
    assert reopened.crash.throw_frame_index == live.crash.throw_frame_index
    assert _where(reopened.crash.first_user_frame) == _where(live.crash.first_user_frame)
    assert reopened.crash.frame_n.index == live.crash.frame_n.index
    assert _where(reopened.crash.frame_n.frame) == _where(live.crash.frame_n.frame)
    assert _frames(reopened) == _frames(live)
    # The same through the command line, from the folder alone (as on another machine).
    r = run_cli("core", str(saved), "--json", "-")
    assert r.returncode == 0, r.stderr
    cli = report_from_json(r.stdout)
    assert cli.crash.goroutine_id == live.crash.goroutine_id and _frames(cli) == _frames(live)
    # A core dlv wrote is checked against the binary as a kernel's is.
    other = build(EXAMPLES / "deep_stack").binary
    with pytest.raises(UserError, match=r"was not written by .*: the core.* Go build ID "):
        open_core(other, saved / "core.zst")


@needs_dlv
def test_save_core_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep me")
    r = run_cli("run", str(EXAMPLES / "deep_stack"), "--save-core", str(tmp_path))
    assert r.returncode == 2
    assert r.stderr.strip() == (
        f"dlvauto: error: --save-core {tmp_path}: the folder is not empty; give a new or empty folder"
    )
    assert (tmp_path / "x").read_text() == "keep me"


# ---- bad input: one line, exit 2 ---------------------------------------------------------------


@pytest.fixture(scope="module")
def stripped_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dlvauto.system.go import find_go

    out = tmp_path_factory.mktemp("stripped") / "nil_map_write"
    res = proc.run(
        [find_go(), "build", "-ldflags=-s -w", "-o", str(out), "."],
        cwd=EXAMPLES / "nil_map_write",
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    return out


@needs_dlv
@needs_cores
def test_a_stripped_binary_is_refused(cores: CoreMaker, stripped_binary: Path) -> None:
    _, core = cores("nil_map_write")
    line = one_error_line(run_cli("core", str(stripped_binary), str(core)))
    assert line == (
        f"dlvauto: error: {stripped_binary}: binary has no DWARF: it was linked with "
        "-ldflags='-s -w'; rebuild without -s -w"
    )


def test_binary_facts_of_a_stripped_binary_still_name_the_module(stripped_binary: Path) -> None:
    facts = read_binary(stripped_binary)
    assert not facts.has_dwarf and not facts.has_symtab
    assert facts.module_path == "example.com/nil_map_write" and facts.go_version
    assert facts.build_settings["-ldflags"] == "-s -w"


@needs_dlv
@needs_cores
def test_a_core_of_another_program_is_refused(cores: CoreMaker) -> None:
    binary, _ = cores("deep_stack")
    _, other = cores("nil_map_write")
    line = one_error_line(run_cli("core", str(binary), str(other)))
    assert line.startswith(f"dlvauto: error: {other} was not written by {binary}: the core's Go build ID is ")
    assert line.endswith("; give the binary that crashed")


@needs_dlv
@needs_cores
def test_a_truncated_core_is_refused(cores: CoreMaker, tmp_path: Path) -> None:
    binary, core = cores("nil_map_write")
    cut = tmp_path / "core.cut"
    with core.open("rb") as f:
        cut.write_bytes(f.read(core.stat().st_size // 2))
    line = one_error_line(run_cli("core", str(binary), str(cut)))
    assert line.startswith(f"dlvauto: error: {cut} is truncated: its headers describe ")
    assert "copy it again whole" in line


@needs_cores
def test_text_files_are_refused_as_binary_and_as_core(cores: CoreMaker, tmp_path: Path) -> None:
    binary, core = cores("nil_map_write")
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    assert one_error_line(run_cli("core", str(text), str(core))) == (
        f"dlvauto: error: {text} is not an ELF file (it starts with 'hell'): give the Go program's executable"
    )
    assert one_error_line(run_cli("core", str(binary), str(text))) == (
        f"dlvauto: error: {text} is not an ELF file (it starts with 'hell'): give a core dump"
    )


@needs_cores
def test_swapped_arguments_are_named(cores: CoreMaker) -> None:
    binary, core = cores("nil_map_write")
    assert one_error_line(run_cli("core", str(core), str(binary))) == (
        f"dlvauto: error: {core} is a core dump, not an executable: give the binary first, then the core"
    )


def test_missing_files_and_folders(tmp_path: Path) -> None:
    assert one_error_line(run_cli("core", str(tmp_path / "nope"), str(tmp_path / "core"))) == (
        f"dlvauto: error: {tmp_path / 'nope'} does not exist: give the path of the Go program's executable"
    )
    assert "without a saved core" in one_error_line(run_cli("core", str(tmp_path)))


@needs_dlv
def test_a_mismatch_of_build_info_names_both_programs() -> None:
    from dlvauto.gofacts.corefile import _describe
    from dlvauto.system.go import go_env

    go = go_env().version

    def info(name: str) -> Region:
        facts = read_binary(build(EXAMPLES / name).binary)
        return next(r for r in facts.fingerprints if r.name == ".go.buildinfo")

    mine, theirs = info("deep_stack"), info("nil_map_write")
    assert _describe(mine, theirs.data) == (
        f"the core's program is example.com/nil_map_write ({go}), the binary's example.com/deep_stack ({go})"
    )


# ---- pure parts ------------------------------------------------------------------------------------


def _g(gid: int, *functions: str, entry_at_0: bool = False) -> RawGoroutine:
    frames = [RawFrame(function=f, pc=100 + i, entry=100 if entry_at_0 and i == 0 else 50) for i, f in
              enumerate(functions)]  # fmt: skip
    return RawGoroutine(id=gid, frames=frames)


def test_death_is_read_innermost_first() -> None:
    abort = ["runtime.raise", "runtime.dieFromSignal", "runtime.crash"]
    assert death_of(_g(1, *abort, "runtime.fatalpanic", "runtime.gopanic", "main.f").frames) == ("panic", 3)
    assert death_of(_g(1, *abort, "runtime.fatalthrow", "runtime.throw").frames) == ("fatal", 3)
    assert death_of(_g(1, *abort, "runtime.sighandler", "C.f").frames) == ("signal", 3)
    assert death_of(_g(1, "runtime.gopark", "main.f").frames) is None


def test_the_crash_goroutine_is_the_one_that_prints_not_the_ones_waiting_behind_it() -> None:
    waiting = _g(8, "runtime.futex", "runtime.lock", "runtime.printlock", "runtime.fatal", "main.writer")
    dying = _g(10, "runtime.raise", "runtime.crash", "runtime.fatalthrow", "runtime.fatal", "main.writer")
    parked = _g(1, "runtime.gopark", "main.main")
    assert pick_crash_goroutine([waiting, dying, parked], current=10).id == 10  # type: ignore[union-attr]
    assert pick_crash_goroutine([waiting, dying, parked], current=None).id == 10  # type: ignore[union-attr]
    assert pick_crash_goroutine([waiting, dying, parked], current=None, hint=8).id == 8  # type: ignore[union-attr]
    at_bp = _g(12, "runtime.fatal", "main.writer", entry_at_0=True)
    assert pick_crash_goroutine([waiting, at_bp, dying], current=1).id == 12  # type: ignore[union-attr]
    assert pick_crash_goroutine([parked], current=1) is None


def test_core_pattern_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dlvauto.sources.viacore as vc

    uses_pid = tmp_path / "core_uses_pid"
    uses_pid.write_text("0\n")
    monkeypatch.setattr(vc, "CORE_USES_PID", uses_pid)
    assert core_glob("core", 42, "prog") == (None, "core")
    assert core_glob("core.%p", 42, "prog") == (None, "core.42")
    assert core_glob("/var/crash/%e.%p.%t", 42, "a_very_long_program_name") == (
        Path("/var/crash"),
        "a_very_long_pro.42.*",
    )
    uses_pid.write_text("1\n")
    assert core_glob("core", 42, "prog") == (None, "core.42")


def test_spawn_raises_the_core_limit_for_the_child_only() -> None:
    before = proc.core_limit()
    sp = proc.spawn(["sleep", "5"], core_size=-1)
    with proc.owned(sp, grace=0.1):
        limits = Path(f"/proc/{sp.pid}/limits").read_text()
    line = next(ln for ln in limits.splitlines() if ln.startswith("Max core file size"))
    hard = before[1]
    assert line.split()[4] == ("unlimited" if hard == -1 else str(hard))
    assert proc.core_limit() == before
    assert shutil.which("sleep")
