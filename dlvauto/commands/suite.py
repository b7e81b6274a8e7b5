"""`dlvauto suite` and `dlvauto history`: the crash-regression suite and its memory."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dlvauto.commands.app import app
from dlvauto.commands.checks import MAX_JOBS, count
from dlvauto.errors import UserError
from dlvauto.system import files

if TYPE_CHECKING:
    from rich.table import Table

    from dlvauto.suite.runner import Outcome


class _Table:
    """The live progress table on a terminal; one plain line per finished scenario otherwise."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.state = dict.fromkeys(names, "queued")
        self.seconds: dict[str, float] = {}
        self.started: dict[str, float] = {}
        self.lock = threading.Lock()
        self.live = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.live import Live

            self.live = Live(
                self._render(), console=Console(stderr=True), refresh_per_second=8, transient=False
            )

    def _render(self) -> Table:
        from rich.table import Table

        style = {
            "pass": "green",
            "fail": "bold red",
            "error": "bold red",
            "running": "yellow",
            "queued": "dim",
        }
        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("scenario")
        table.add_column("status")
        table.add_column("seconds", justify="right")
        now = time.monotonic()
        for name in self.names:
            st = self.state[name]
            secs = self.seconds.get(name, now - self.started[name] if name in self.started else 0.0)
            table.add_row(name, f"[{style[st]}]{st}[/]", f"{secs:.1f}" if st != "queued" else "")
        return table

    def start(self, name: str) -> None:
        with self.lock:
            self.state[name] = "running"
            self.started[name] = time.monotonic()
            if self.live:
                self.live.update(self._render())

    def done(self, name: str, status: str, seconds: float) -> None:
        with self.lock:
            self.state[name] = status
            self.seconds[name] = seconds
            if self.live:
                self.live.update(self._render())
            else:
                sys.stderr.write(f"{status.upper():5} {name} ({seconds:.1f}s)\n")
                sys.stderr.flush()

    def __enter__(self) -> _Table:
        if self.live:
            self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.live.stop()


@app.command()
def suite(
    dirs: Annotated[
        list[str] | None, typer.Argument(metavar="DIR...", help="Folders holding scenarios (default: .).")
    ] = None,
    jobs: Annotated[str, typer.Option("-j", "--jobs", metavar="N", help="Scenarios run at once.")] = "1",
    junit: Annotated[str | None, typer.Option(metavar="PATH", help="Write JUnit XML here.")] = None,
    md: Annotated[str | None, typer.Option(metavar="PATH", help="Write a Markdown summary here.")] = None,
    reports: Annotated[
        str | None,
        typer.Option("--reports", metavar="DIR", help="Write each scenario's full JSON report into DIR."),
    ] = None,
    update: Annotated[bool, typer.Option(help="Rewrite expect.toml from what was observed.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Print what --update would change; exit 1 if anything would.")
    ] = False,
    shard: Annotated[
        str | None,
        typer.Option("--shard", metavar="K/N", help="Run only shard K of N (a CI matrix; deterministic)."),
    ] = None,
    history: Annotated[
        str | None, typer.Option(metavar="PATH", help="Record every report in this SQLite file.")
    ] = None,
) -> None:
    """Run crash scenarios (folders with expect.toml) and check each report against its expectations.

    A malformed expect.toml fails its own scenario (a JUnit error with the reason); the others run.
    Under GitHub Actions each failure is also an ::error annotation on its expect.toml.
    """
    from dlvauto.suite import scenarios as sc
    from dlvauto.suite.runner import expected_seconds, run_all

    if dirs and dirs[0] == "merge":  # `suite merge FILE...` (a scenario folder named merge: ./merge)
        _merge(dirs[1:], junit, md)
    n_jobs = count(jobs, "-j", 1, MAX_JOBS)
    if update and check:
        raise UserError("--update writes the changes and --check only shows them: give one of them")
    found = sc.find(dirs or ["."])
    if shard is not None:
        from dlvauto.suite import shard as sh

        k, n = sh.parse(shard)
        found = sh.pick(found, k, n, expected_seconds)
    if reports is not None:
        _make_folder(reports)
    with _Table([s.name for s in found]) as table:
        outcomes = run_all(
            found,
            jobs=n_jobs,
            on_start=lambda s: table.start(s.name),
            on_done=lambda o: table.done(o.scenario.name, o.status, o.seconds),
        )
    out = sys.stdout
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        out.write(f"\n{o.scenario.name}: {o.status}\n")
        for line in o.differences or (o.error or "").splitlines():
            out.write(f"  - {line}\n")
    passed = len(outcomes) - len(failed)
    out.write(f"\n{passed} passed, {len(failed)} failed\n")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from dlvauto.suite.annotations import workflow_commands

        out.writelines(workflow_commands(failed))
    if history:
        from dlvauto.suite.history import record

        for o in outcomes:
            if o.report is not None and record(history, o.scenario.name, o.report, o.build_key):
                out.write(f"new crash signature {o.report.crash.signature} in {o.scenario.name}\n")
    if reports is not None:
        from dlvauto.render.json import to_json
        from dlvauto.suite.junit import report_file_name

        for o in outcomes:
            if o.report is not None:
                _write(
                    str(Path(reports) / report_file_name(o.scenario)), to_json(o.report).removesuffix("\n")
                )
    if junit:
        from dlvauto.suite.junit import to_junit

        _write(junit, to_junit(outcomes, reports_dir=reports))
    if md:
        from dlvauto.suite.summary import to_markdown

        _write(md, to_markdown(outcomes))
    if update or check:
        changed = _update(outcomes, write=update)
        if check:
            raise typer.Exit(1 if changed or any(o.error is not None for o in outcomes) else 0)
        raise typer.Exit(0 if all(o.error is None for o in outcomes) else 1)
    raise typer.Exit(0 if not failed else 1)


def _merge(files: list[str], junit: str | None, md: str | None) -> None:
    """`suite merge SHARD-FILES... --junit OUT --md OUT`: the shards' .xml and .md files joined;
    exit 1 when a merged case failed."""
    from dlvauto.suite.merge import merge_junit, merge_markdown

    if not files or (junit is None and md is None):
        raise UserError("suite merge joins shards' files: give them, and --junit OUT and/or --md OUT")

    def read(path: str) -> tuple[str, str]:
        try:
            return path, Path(path).read_text()
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror}") from None

    xml = [read(f) for f in files if f.endswith(".xml")]
    summaries = [read(f) for f in files if f.endswith(".md")]
    other = [f for f in files if not f.endswith((".xml", ".md"))]
    if other:
        raise UserError(f"suite merge takes .xml (JUnit) and .md (summary) files, not {other[0]}")
    bad = 0
    if junit is not None:
        if not xml:
            raise UserError("--junit OUT needs the shards' .xml files")
        text, bad = merge_junit(xml)
        _write(junit, text)
    if md is not None:
        if not summaries:
            raise UserError("--md OUT needs the shards' .md files")
        _write(md, merge_markdown(summaries))
    raise typer.Exit(1 if bad else 0)


def _make_folder(path: str) -> None:
    try:
        files.report_dir(Path(path))
    except OSError as exc:
        raise UserError(f"cannot make the --reports folder {path}: {exc.strerror}") from exc


def _write(path: str, text: str) -> None:
    try:
        with files.replace(path) as f:
            f.write(text)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from exc


def _update(outcomes: list[Outcome], write: bool) -> int:
    """Show (and with `write`, make) the edits of each expect.toml; how many would change."""
    from dlvauto.suite import update as up

    changed = 0
    for o in outcomes:
        if o.report is None or o.expectation is None:
            continue
        old = o.scenario.expect_file.read_text()
        new = up.edit(old, up.observed(o.expectation, o.report, o.scenario.path))
        diff = up.plan(o.scenario.expect_file, new)
        if diff:
            changed += 1
            sys.stdout.write(diff)
            if write:
                files.update(o.scenario.expect_file, new)
                sys.stdout.write(f"updated {o.scenario.expect_file}\n")
            else:
                sys.stdout.write(f"would update {o.scenario.expect_file}\n")
    return changed


@app.command("history")
def history_cmd(
    path: Annotated[str, typer.Argument(metavar="PATH", help="The SQLite file `suite --history` wrote.")],
) -> None:
    """List the crash signatures seen so far, newest first."""
    from rich.table import Table

    from dlvauto.render.terminal import QuietConsole
    from dlvauto.suite.history import entries

    table = Table(show_header=True, header_style="bold")
    for col in (
        "signature",
        "kind",
        "message",
        "first user function",
        "count",
        "first seen",
        "last seen",
        "scenarios",
    ):
        table.add_column(col, overflow="fold")
    for e in entries(path):
        table.add_row(
            e.signature,
            e.kind,
            (e.message or "")[:60],
            e.first_user_function or "",
            str(e.count),
            time.strftime("%Y-%m-%d %H:%M", time.localtime(e.first_seen)),
            time.strftime("%Y-%m-%d %H:%M", time.localtime(e.last_seen)),
            ", ".join(e.scenarios),
        )
    QuietConsole(width=200 if not sys.stdout.isatty() else None).print(table)
