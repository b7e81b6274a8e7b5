"""The one way a report leaves a command: files and stdout, then an exit status read off the report.

Run through the real command line on real examples: a --save-core that fails (dlv cannot write the
core where a folder stands in its way) still writes the report, then exits 1 with the report's
`errors` line; `--json -` never loads the terminal view; options several commands share are the
same option everywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import pytest
import typer

from dlvauto.cli import _app
from dlvauto.commands.finish import finish
from dlvauto.commands.output import Output
from dlvauto.errors import DebuggerError
from dlvauto.report import Crash, FrameN, Report, Source

from tests.helpers import DATA, DLVAUTO, EXAMPLES, ROOT, needs_dlv, run_cli

TRACES = DATA / "tracebacks" / "go1.26"


def _loaded_after(argv: list[str], **env: str) -> set[str]:
    """The modules a command line loads, run in a fresh interpreter (its output thrown away)."""
    code = (
        "import sys\n"
        "from dlvauto.cli import main\n"
        f"status = main({argv!r})\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(repr((status, sorted(sys.modules))))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, **env},
    )
    status, modules = eval(r.stderr.strip().splitlines()[-1])
    assert status == 0, r.stderr
    return set(modules)


def test_importing_the_command_line_loads_neither_rich_nor_the_report_model() -> None:
    code = "import sys, dlvauto.cli; print(sorted(sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(eval(r.stdout))
    # Not even the parser: a `run` starts its build check and dlv before typer is imported.
    assert {"rich", "pydantic", "typer", "dlvauto.report", "dlvauto.render.terminal"}.isdisjoint(loaded)


def test_json_to_stdout_never_loads_the_terminal_view() -> None:
    loaded = _loaded_after(["parse", str(TRACES / "nil_map_write.all.txt"), "--json", "-"])
    assert "dlvauto.render.json" in loaded
    assert {"dlvauto.render.terminal", "dlvauto.render.sections", "rich.console"}.isdisjoint(loaded)
    # Without --json - the view is written: off a terminal, laid out without rich (render/plain.py).
    piped = _loaded_after(["parse", str(TRACES / "nil_map_write.all.txt")], COLUMNS="200")
    assert "dlvauto.render.plain" in piped and "rich.console" not in piped
    # Too narrow for the crash table as it is: rich lays it out (it shortens names with an ellipsis).
    narrow = _loaded_after(["parse", str(TRACES / "nil_map_write.all.txt")], COLUMNS="60")
    assert "dlvauto.render.terminal" in narrow and "rich.console" in narrow


@needs_dlv
def test_run_with_json_to_stdout_never_loads_the_terminal_view() -> None:
    loaded = _loaded_after(["run", str(EXAMPLES / "index_out_of_range"), "--json", "-"])
    assert {"dlvauto.render.terminal", "rich.console"}.isdisjoint(loaded)


def _command_options() -> dict[str, dict[str, tuple[object, object]]]:
    """flag -> command -> (default, help), for every option of every command."""
    group = typer.main.get_command(_app())
    assert isinstance(group, typer.core.TyperGroup)
    found: dict[str, dict[str, tuple[object, object]]] = {}
    for name, command in group.commands.items():
        for param in command.params:
            for flag in getattr(param, "opts", []):
                found.setdefault(flag, {})[name] = (param.default, getattr(param, "help", None))
    return found


def test_shared_options_read_the_same_in_every_command() -> None:
    options = _command_options()
    expected = {
        "--frame": {"run", "test", "exec", "core", "parse", "attach", "connect"},
        "--depth": {"run", "test", "exec", "core", "attach", "connect"},
        "--json": {"run", "test", "exec", "core", "parse", "attach", "connect", "doctor"},
        "--dlv": {"run", "test", "exec", "core", "attach"},
        "--backend": {"run", "test", "exec", "core", "attach"},
        "--transcript": {"run", "test", "exec", "core", "attach"},
        "--format": {"run", "test", "exec", "core", "parse", "attach", "connect"},  # all that write a report
        "--out": {"run", "test", "exec", "core", "parse", "attach", "connect"},
        "--source-root": {"run", "test", "exec", "core", "parse", "attach", "connect"},
        "--fail-on-crash": {"run", "test", "exec", "core", "parse", "attach", "connect"},
        "--quiet": {"run", "test", "exec", "core", "parse", "attach", "connect"},
        "--wd": {"run", "test", "exec"},
        "--stdin": {"run", "test", "exec"},
        "--env": {"run", "test", "exec"},
    }
    for flag, commands in expected.items():
        assert set(options[flag]) == commands, flag
        reports = {c: v for c, v in options[flag].items() if c != "doctor"}  # doctor's --json is a switch
        assert len(set(reports.values())) == 1, (flag, reports)
    assert options["--frame"]["core"] == ("17", "N of 'frame N': N levels above the throw.")
    assert options["--depth"]["attach"] == ("100", "Stack frames to read per goroutine.")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["attach", "1", "--frame", "x"], "--frame must be a whole number >= 0, not 'x'"),
        (["connect", "127.0.0.1:1", "--depth", "0"], "--depth must be a whole number >= 1, not '0'"),
        (["core", "a", "b", "--frame", "-1"], "--frame must be a whole number >= 0, not '-1'"),
        (["parse", "-", "--frame", "1.5"], "--frame must be a whole number >= 0, not '1.5'"),
        (["core", "a", "b", "--backend", "gdb"], "unknown --backend 'gdb': use one of rpc, repl"),
        (
            ["attach", "1", "--transcript", "t"],
            "--transcript records dlv's terminal session: add --backend repl",
        ),
    ],
)
def test_shared_options_fail_with_the_same_line(argv: list[str], line: str) -> None:
    r = run_cli(*argv)
    assert (r.returncode, r.stderr) == (2, f"dlvauto: error: {line}\n")


def _bare(**kw: object) -> Report:
    return Report(
        source=Source(mode="text"),
        crash=Crash(kind="none", frame_n=FrameN(n=17, index=16, frame=None), signature="0" * 16),
        **kw,  # type: ignore[arg-type]
    )


def test_finish_writes_the_report_then_fails_on_what_it_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    line = "no core was saved: DumpStart: open /x/core: is a directory"
    with pytest.raises(DebuggerError, match=f"^{line}$"):
        finish(_bare(errors=[line], notes=[line]), Output(json=str(out)))
    assert json.loads(out.read_text())["errors"] == [line]
    assert f"note: {line}" in capsys.readouterr().out, "the terminal view was printed before the failure"
    with pytest.raises(DebuggerError, match=r"^the report above is partial: lost the connection to dlv$"):
        finish(
            _bare(incomplete="lost the connection to dlv"),
            Output.checked(str(out), "md", str(tmp_path / "r.md")),
        )
    assert (tmp_path / "r.md").read_text().startswith("### dlvauto: NONE — exited with status None")
    assert "NONE: exited with status None" in capsys.readouterr().out, "a file got the view: so did stdout"
    finish(_bare(), Output(json="-"))
    assert json.loads(capsys.readouterr().out)["errors"] == [], "nothing wanting: no failure"


def test_finish_of_a_view_on_stdout_writes_only_that_view(capsys: pytest.CaptureFixture[str]) -> None:
    finish(_bare(), Output.checked(None, "html"))
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert page.count("<!DOCTYPE html>") == 1 and "╭" not in page, "no terminal view after it"


def test_parse_all_goes_the_same_way_source_lines_included(tmp_path: Path) -> None:
    text = "".join(
        (TRACES / f"{n}.all.txt").read_text() for n in ("deep_stack", "concurrent_map_writes", "deadlock")
    )
    trace = tmp_path / "ci.log"
    trace.write_text(text)
    built_in = "/tmp/dlvauto-tb-j2eq0pjr/deep_stack"
    assert f"{built_in}/c/c.go:18" in text
    r = run_cli(
        "parse", str(trace), "--all", "--json", str(tmp_path / "all.json"),
        "--source-root", f"{built_in}={EXAMPLES / 'deep_stack'}",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    first = json.loads((tmp_path / "all.json").read_text())[0]["crash"]["first_user_frame"]
    src = first["source"]
    assert (src["path"], src["line"]) == (str(EXAMPLES / "deep_stack" / "c" / "c.go"), 18)
    assert (
        src["lines"][18 - src["first_line"]]
        == '\t\tpanic(fmt.Sprintf("checksum mismatch: got %d, want 7", sum))'
    )
    assert "crash 1 of 3" in r.stdout and "crash 3 of 3" in r.stdout
    assert '> 18 │         panic(fmt.Sprintf("checksum mismatch: got %d, want 7", sum))' in r.stdout


@needs_dlv
def test_a_save_core_that_fails_writes_the_report_then_exits_1(tmp_path: Path) -> None:
    saved, out = tmp_path / "saved", tmp_path / "r.json"
    p = subprocess.Popen(
        [*DLVAUTO, "run", str(EXAMPLES / "nil_map_write"), "--save-core", str(saved), "--json", str(out)],
        env={**os.environ, "DLVAUTO_PAUSE_AT": "writing a core", "DLVAUTO_PAUSE_SECONDS": "3"},
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert p.stderr is not None
    deadline = time.monotonic() + 120
    while "paused at writing a core" not in p.stderr.readline():
        assert p.poll() is None and time.monotonic() < deadline, "dlvauto never reached the core dump"
    (saved / "core").mkdir()  # where dlv is about to write the core: it cannot
    _, err = p.communicate(timeout=120)
    line = f"no core was saved: DumpStart: open {saved / 'core'}: is a directory"
    assert (p.returncode, err) == (1, f"dlvauto: error: {line}\n")
    report = json.loads(out.read_text())
    assert report["errors"] == [line]
    assert line in report["notes"], "the note stays"
    assert report["crash"]["first_user_frame"]["function"] == "example.com/nil_map_write/store.(*Cache).Put"


@needs_dlv
def test_markdown_and_html_of_a_run_show_its_ancestors_and_unwind_check(tmp_path: Path) -> None:
    j, md, page = tmp_path / "r.json", tmp_path / "r.md", tmp_path / "r.html"
    args = ["run", str(EXAMPLES / "goroutine_panic"), "--ancestors", "2", "--unwind-check", "--json", str(j)]
    assert run_cli(*args, "--format", "md", "--out", str(md)).returncode == 0
    doc = json.loads(j.read_text())
    u, others = doc["unwind_check"], doc["unwind_others"]
    assert u["agree"] and others, u  # the crash goroutine's check, and goroutine 1's (which created it)
    verdict = (
        f"dlv's stack and the frame-pointer chain agree ({u['checked_frames']} of {u['dwarf_frames']} "
        f"frames confirmed); {sum(o['agree'] for o in others)} of {len(others)} other goroutines agree"
    )
    text = md.read_text()
    assert f"**unwind check:** {verdict}\n" in text
    assert "**created from goroutine 1, whose stack was then:**\n\n```\n" in text
    assert "\nmain.main  main.go:16\n" in text
    assert run_cli(*args, "--format", "html", "--out", str(page)).returncode == 0
    html = page.read_text()
    assert f'<p class="verdict">{escape(verdict)}</p>' in html
    assert '<td><span class="fn">main.main</span></td><td class="loc">main.go:16</td>' in html
