"""The end of every command that writes a report: source lines, the files and stdout, the exit status.

`finish` (one report) and `finish_several` (`parse --all`) are the one way out. First the frames
get their source lines from disk (`--source-root` rules first): that is I/O, so it happens here,
after the pure analysis. Then the JSON and the chosen view are written where `Output` says. Last,
the report itself decides the exit status: what it says could not be done (`incomplete`, `errors`)
is one line and exit 1, after the evidence is safe.
"""

from __future__ import annotations

import contextlib
import errno
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dlvauto.commands.output import Output
from dlvauto.errors import DebuggerError, UserError
from dlvauto.render.registry import JSON, TERMINAL, Format
from dlvauto.system import files, timings
from dlvauto.system.progress import checkpoint

if TYPE_CHECKING:
    from dlvauto.report import Report
    from dlvauto.snapshot import Snapshot

_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
interrupted_note: str | None = None  # set once a signal's partial report is written (cli.py says it)


def ready_records() -> None:
    """The preload's last step: the `__init__` of the records the report and its views are made
    of, written while the program runs (records.ready), not at their first use after the crash.
    The view's own are readied only when the preload imported its module (the view is shown)."""
    from dlvauto import report
    from dlvauto.gofacts import tracetext
    from dlvauto.records import ready, records_of
    from dlvauto.render import common

    modules = [tracetext, report, common]
    modules += [m for m in (sys.modules.get("dlvauto.render.sections"),) if m is not None]
    for module in modules:
        ready(records_of(module))


def analysed(snap: Snapshot, frame_n: int) -> Report:
    """The report of what a source saw (the analysis, timed as a stage of its own)."""
    from dlvauto.analysis import analyze

    checkpoint("analysing")
    return analyze(snap, frame_n=frame_n)


def finish(report: Report, output: Output) -> None:
    """Write `report` as `output` says; then exit 1 if it says something asked for was not done."""
    _enrich([report], output)
    report.timings = timings.CLOCK.durations()
    write_json = JSON.renderer()
    json_on_stdout = _write_json(output.json, lambda out: write_json(report, out))
    path = output.view_path
    if path is not None:
        _write_view(output.view, report, path)
    if not json_on_stdout and path != "-" and not output.quiet:  # the person here reads the report
        TERMINAL.renderer()(report, sys.stdout)
    if output.timings:
        _print_timings()
    _fail_if_wanting([report])
    _fail_on_crash([report], output)


def finish_several(reports: Sequence[Report], output: Output) -> None:
    """Several reports (`parse --all`): one JSON array, and the view of each in turn."""
    _enrich(reports, output)
    write_json = JSON.several_renderer()
    if not _write_json(output.json, lambda out: write_json(reports, out)) and not output.quiet:
        output.view.several_renderer()(reports, sys.stdout)
    if output.timings:
        _print_timings()
    _fail_if_wanting(reports)
    _fail_on_crash(reports, output)


def _fail_on_crash(reports: Sequence[Report], output: Output) -> None:
    """--fail-on-crash: exit status 1 when a report found a crash (its kind is not `none`), so a
    script's `dlvauto run ... || handle` needs no JSON; one line says why, after the report."""
    if not output.fail_on_crash:
        return
    kinds = sorted({r.crash.kind for r in reports if r.crash.kind != "none"})
    if kinds:
        import typer

        sys.stdout.flush()
        sys.stderr.write(f"dlvauto: crash found ({', '.join(kinds)}): exit status 1 (--fail-on-crash)\n")
        sys.stderr.flush()
        raise typer.Exit(1)


def _print_timings() -> None:
    """--timings: every stage's wall time on stderr, rendering included, and the total."""
    spent = timings.CLOCK.durations()
    width = max(len(name) for name in spent)
    lines = [f"dlvauto: timing {name:<{width}} {seconds:7.3f} s" for name, seconds in spent.items()]
    lines.append(f"dlvauto: timing {'total':<{width}} {sum(spent.values()):7.3f} s")
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def _enrich(reports: Sequence[Report], output: Output) -> None:
    from dlvauto.enrich.source import add_source

    checkpoint("rendering")
    for report in reports:
        add_source(report, output.source_roots, given_dirs=output.source_dirs)


def _raise_again(name: str) -> None:
    """End as the signal that interrupted the run would have, now the partial report is written."""
    import signal

    from dlvauto.system import proc

    global interrupted_note
    sys.stdout.flush()
    interrupted_note = "the partial report (what was captured before it) was written"
    if name == "SIGINT":
        proc.interrupted = True
        raise KeyboardInterrupt(interrupted_note)
    raise proc.Terminated(signal.Signals[name])


def _fail_if_wanting(reports: Sequence[Report]) -> None:
    """Exit status 1 (one line) for a report that is partial or failed something asked of it."""
    for report in reports:
        if report.interrupted:  # the report is safe: now end as the signal asked (130, 143)
            _raise_again(report.interrupted)
        if report.incomplete:
            raise DebuggerError(f"the report above is partial: {report.incomplete}")
        if report.errors:
            raise DebuggerError("; ".join(report.errors))


def _write_json(json_path: str | None, write: Callable[[TextIO], None]) -> bool:
    """JSON to stdout (`-`) or a file, streamed: a big report never sits in memory as one string.

    When the disk is full the evidence is not lost: the JSON goes to stdout instead, with a warning
    on stderr. Returns True when it went to stdout (so nothing else should be written there).
    """
    if not json_path:
        return False
    if json_path == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return True
    try:
        with files.replace(json_path) as out:
            write(out)
    except OSError as exc:
        if exc.errno not in _NO_ROOM:
            raise UserError(f"cannot write the JSON report to {json_path}: {exc.strerror}") from exc
        with contextlib.suppress(OSError):
            # An older report there would pass for this run's; a device like /dev/full stays.
            if Path(json_path).is_file() and not Path(json_path).is_symlink():
                Path(json_path).unlink()
        sys.stderr.write(
            f"dlvauto: warning: cannot write the JSON report to {json_path}: {exc.strerror}; "
            "it follows on stdout instead\n"
        )
        sys.stderr.flush()
        write(sys.stdout)
        sys.stdout.flush()
        return True
    return False


def _write_view(view: Format, report: Report, path: str) -> None:
    """The view to stdout (`-`) or a file of the user's (a failure to write it is bad input)."""
    write = view.renderer()
    if path == "-":
        write(report, sys.stdout)
        sys.stdout.flush()
        return
    try:
        with files.replace(path) as out:
            write(report, out)
    except OSError as exc:
        raise UserError(f"cannot write the {view.what} to {path}: {exc.strerror}") from exc
