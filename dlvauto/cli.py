"""The `dlvauto` command line (design.md's contract): parse, call the library, render, exit.

Exit status: 0 when a report was written (whatever the crash), 2 for bad input or a missing tool
(one line on stderr), 1 for anything else (one line too; DLVAUTO_DEBUG=1 adds the traceback).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

# Our models need no pydantic plugins; looking for them costs ~12 ms at every start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

import typer

from dlvauto.errors import DlvautoError, UserError

app = typer.Typer(
    name="dlvauto",
    help="Explain Go crashes by driving the Go debugger Delve.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _positive(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UserError(f"{name} must be a positive number of seconds, not {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise UserError(f"{name} must be a positive number of seconds, not {value!r}")
    return number


def _count(value: str, name: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UserError(f"{name} must be a whole number >= {minimum}, not {value!r}") from None
    if number < minimum:
        raise UserError(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return number


def _emit(report: object, json_path: str | None) -> None:
    """Write the report: JSON to a file or stdout, the human view unless JSON went to stdout."""
    from dlvauto.render.json import to_json
    from dlvauto.render.terminal import render
    from dlvauto.report import Report

    assert isinstance(report, Report)
    if json_path == "-":
        sys.stdout.write(to_json(report))
        sys.stdout.flush()
        return
    if json_path:
        try:
            Path(json_path).write_text(to_json(report))
        except OSError as exc:
            raise UserError(f"cannot write the JSON report to {json_path}: {exc.strerror}") from exc
    render(report)


@app.command()
def run(
    src_dir: Annotated[str, typer.Argument(help="Folder of the Go main package to build and run.")],
    args: Annotated[list[str] | None, typer.Argument(help="Arguments for the program (after --).")] = None,
    profile: Annotated[str, typer.Option(help="debug (-gcflags=all=-N -l) or optimized.")] = "debug",
    timeout: Annotated[str, typer.Option(help="Seconds before a running program counts as a hang.")] = "60",
    frame: Annotated[str, typer.Option("--frame", help="N of 'frame N': N levels above the throw.")] = "17",
    depth: Annotated[str, typer.Option(help="Stack frames to read per goroutine.")] = "100",
    json_path: Annotated[
        str | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")
    ] = None,
    dlv: Annotated[str | None, typer.Option(help="Path of the dlv binary.")] = None,
) -> None:
    """Build SRC_DIR, run it under dlv until it crashes, exits or times out, and report."""
    from dlvauto.analysis import analyze
    from dlvauto.build import PROFILES, build
    from dlvauto.progress import for_terminal
    from dlvauto.sources.live import run_live

    if profile not in PROFILES:
        raise UserError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    seconds = _positive(timeout, "--timeout")
    n = _count(frame, "--frame", 0)
    stack_depth = _count(depth, "--depth", 1)
    with for_terminal(quiet=json_path == "-") as progress:
        progress.stage(f"building {src_dir} ({profile})")
        built = build(src_dir, profile)
        snap = run_live(
            built.binary,
            args or [],
            facts=built.facts,
            timeout=seconds,
            depth=stack_depth,
            dlv=dlv,
            progress=progress,
        )
    _emit(analyze(snap, frame_n=n), json_path)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the report."""
    from dlvauto.render.json import schema_json

    sys.stdout.write(schema_json())


@app.command()
def doctor(
    json_out: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check go, dlv, ptrace and core dumps on this machine, with what to do when one is wrong."""
    import json

    from rich.console import Console
    from rich.table import Table

    from dlvauto.doctor import run_checks

    checks = run_checks()
    if json_out:
        sys.stdout.write(json.dumps([c.__dict__ for c in checks], indent=2) + "\n")
    else:
        table = Table(show_header=True, header_style="bold")
        for col in ("check", "status", "found", "fix"):
            table.add_column(col, overflow="fold")
        style = {"ok": "green", "warn": "yellow", "fail": "bold red"}
        for c in checks:
            table.add_row(c.name, f"[{style[c.status]}]{c.status}[/]", c.found, c.fix)
        Console().print(table)
    if any(c.status == "fail" for c in checks if c.name in ("go", "dlv", "dlv supports go")):
        raise typer.Exit(2)


def _fail(message: str, status: int, detail: str = "") -> int:
    sys.stdout.flush()
    line = " ".join(message.split("\n")[0].split()) if message else "failed"
    sys.stderr.write(f"dlvauto: error: {line}\n")
    if detail:
        sys.stderr.write(detail.rstrip("\n") + "\n")
    sys.stderr.flush()
    return status


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn every failure into one line and an exit status."""
    from dlvauto import proc

    proc.install_signal_handlers()
    proc.become_subreaper()
    debug = bool(os.environ.get("DLVAUTO_DEBUG"))
    try:
        rv = app(args=argv, standalone_mode=False)
        return int(rv) if isinstance(rv, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return _fail("interrupted", 130)
    except typer.TyperException as exc:  # usage errors (typer >= 0.29 keeps click private)
        return _fail(f"{exc.format_message()} (see `dlvauto --help`)", exc.exit_code)
    except UserError as exc:
        return _fail(str(exc), 2, exc.detail)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except DlvautoError as exc:
        if debug:
            raise
        return _fail(str(exc), 1)
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug of ours: still one line, the traceback on request
        if debug:
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc} (DLVAUTO_DEBUG=1 shows the traceback)", 1)
    finally:
        proc.kill_all()


def entry() -> None:
    """The console script: run, flush, and leave without interpreter teardown (~30 ms per run).

    Every child is already ended by `main`'s `finally`; nothing else needs Python's shutdown.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    entry()
