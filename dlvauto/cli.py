"""The `dlvauto` command line (design.md's contract): parse, call the library, render, exit.

Exit status: 0 when a report was written (whatever the crash), 2 for bad input or a missing tool
(one line on stderr), 1 for anything else (one line too; DLVAUTO_DEBUG=1 adds the traceback).
"""

from __future__ import annotations

import os
import sys

# Our models need no pydantic plugins; looking for them costs ~12 ms at every start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

# Nothing heavier than os and sys at this module's top: `entry` starts a run's dlv first of all
# (commands/quickstart.py), before typing, pathlib and the rest are imported.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    import typer

# Which module registers each command: a command line needs only its own command built (typer
# builds every registered command's parameters when it starts, ~10 ms each).
COMMANDS = {
    "attach": "attach", "connect": "attach", "core": "core", "doctor": "doctor", "parse": "parse",
    "run": "run", "test": "tests", "exec": "execute", "sandbox": "sandbox", "schema": "schema",
    "suite": "suite", "history": "suite", "cache": "cache",
}  # fmt: skip


MAX_LINE = 4000  # an error line longer than this (a dlv reply with a stack in it) is cut


def _fail(message: str, status: int, detail: str = "") -> int:
    """The one error line: the whole message, its newlines and control characters escaped (a path
    with a newline in it is not split in two, nor cut at it), then the exit status."""
    from dlvauto.errors import escaped

    sys.stdout.flush()
    line = escaped(" ".join(w for w in message.strip().split(" ") if w)) if message.strip() else "failed"
    if len(line) > MAX_LINE:
        line = line[: MAX_LINE - 1] + "…"
    sys.stderr.write(f"dlvauto: error: {line}\n")
    if detail:
        sys.stderr.write(detail.rstrip("\n") + "\n")
    sys.stderr.flush()
    return status


def _partial_written() -> str:
    """`: the partial report ... was written` when a signal's partial report was (finish.py)."""
    finish = sys.modules.get("dlvauto.commands.finish")
    note = getattr(finish, "interrupted_note", None)
    return f": {note}" if note else ""


def _interrupted() -> int:
    return _fail(f"interrupted{_partial_written()}", 130)


def _normalise(argv: list[str]) -> list[str]:
    """A bare `--unwind-check` means `--unwind-check crash` (an option with an optional value)."""
    out = []
    for i, a in enumerate(argv):
        out.append(a)
        if a == "--":
            return out + argv[i + 1 :]
        if a == "--race" and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            out.append("on")  # a bare --race
        if a == "--unwind-check" and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            out.append("crash")  # a bare --unwind-check; a word after it is its value, checked later
    return out


def _app(args: list[str] | None = None) -> typer.Typer:
    """The typer application with the command `args` names registered on it (every command when
    they name none, e.g. `--help`: then all are listed)."""
    from importlib import import_module

    from dlvauto.commands.app import app

    named = COMMANDS.get(args[0]) if args else None
    for module in [named] if named else sorted(set(COMMANDS.values())):
        import_module(f"dlvauto.commands.{module}")
    return app


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn every failure into one line and an exit status."""
    from dlvauto.commands import early
    from dlvauto.system import proc, timings

    timings.start_of_process()
    _usable_streams()
    proc.reopen()
    proc.install_signal_handlers()
    proc.become_subreaper()
    proc.defer_ends()  # a session's processes end while the report is made; kill_all waits for them
    args = _normalise(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before typer and every command are loaded
        from dlvauto.version import __version__

        sys.stdout.write(f"dlvauto {__version__}\n")
        return 0
    # The early start's thread waits on dlv and its files while this one imports; with Python's
    # default 5 ms switch interval each of its waits ends 5 ms late, on the start's critical path.
    sys.setswitchinterval(float(os.environ.get("DLVAUTO_SWITCH", "0.0005")))
    early.begin(args)  # before the heavy imports: dlv loads the program while they run
    debug = bool(os.environ.get("DLVAUTO_DEBUG"))
    try:
        early.hand_off()
        direct = early.direct_run(args)  # a run understood to its last word needs no typer (~50 ms)
    except BaseException as exc:  # Ctrl-C while the early start runs: still one line, 130
        proc.kill_all(final=True)
        return _failed(exc, debug)
    if direct is not None:
        return _guarded(lambda: _run_direct(direct), debug)

    try:
        # pydantic_core imports the datetime C API when it loads; a Ctrl-C that lands in the middle
        # of that import makes it panic (exit 1, a Rust traceback) instead of raising
        # KeyboardInterrupt. Loaded first, the later import only looks it up. A direct run never
        # loads pydantic (~1 ms saved): its few lazy imports of it (reportschema, snapshot,
        # savedcore) load datetime first themselves.
        import datetime  # noqa: F401

        import typer

        app = _app(args)
    except BaseException as exc:  # Ctrl-C while the command line loads: still one line, 130
        proc.kill_all(final=True)
        return _failed(exc, debug)
    try:
        rv = app(args=args, standalone_mode=False)
        if proc.interrupted:  # typer swallowed the KeyboardInterrupt and returned 130
            return _interrupted()
        return int(rv) if isinstance(rv, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return _interrupted()
    except typer.TyperException as exc:  # usage errors (typer >= 0.29 keeps click private)
        return _fail(f"{exc.format_message()} (see `dlvauto --help`)", exc.exit_code)
    except BaseException as exc:
        return _failed(exc, debug)
    finally:
        proc.kill_all(final=True)


def _run_direct(job: dict[str, object]) -> int:
    from dlvauto.commands.runjob import run_job

    run_job(**job)  # type: ignore[arg-type]
    return 0


def _guarded(work: Callable[[], int], debug: bool) -> int:
    """`work`'s exit status, or the one line and status of what it raised; every child ended."""
    from dlvauto.system import proc

    try:
        status = work()
        return _interrupted() if proc.interrupted else status
    except BaseException as exc:
        return _failed(exc, debug)
    finally:
        proc.kill_all(final=True)


def _failed(exc: BaseException, debug: bool) -> int:
    """The exit status (and one line on stderr) for what a command raised."""
    from dlvauto.errors import DlvautoError, UserError
    from dlvauto.system import proc

    if proc.interrupted and not isinstance(exc, SystemExit):
        # Whatever Ctrl-C broke on its way (an import it cut short fails oddly): it was Ctrl-C.
        return _interrupted()

    if isinstance(exc, UserError):
        return _fail(str(exc), 2, exc.detail)
    if isinstance(exc, KeyboardInterrupt):
        return _interrupted()
    if isinstance(exc, proc.Terminated):
        return _fail(f"terminated by {exc}{_partial_written()}", 128 + exc.signum)
    if isinstance(exc, DlvautoError):
        if debug:
            raise exc
        return _fail(str(exc), 1)
    if isinstance(exc, BrokenPipeError):
        return _closed_pipe()
    if isinstance(exc, SystemExit):
        raise exc
    if not isinstance(exc, Exception) or debug:  # a bug of ours: the traceback on request
        raise exc
    return _fail(f"internal error: {type(exc).__name__}: {exc} (DLVAUTO_DEBUG=1 shows the traceback)", 1)


def entry(site_later: bool = False) -> None:
    """The console script: run, flush, and leave without interpreter teardown (~30 ms per run).

    Every child is already ended by `main`'s `finally`; nothing else needs Python's shutdown.
    `site_later`: Python was started without `site` (-S) by the checkout's own launcher
    (scripts/launcher.py), so the quick start runs before it: `site` is run right after, before
    anything outside the standard library is imported.
    """
    import _signal  # type: ignore[import-not-found]  # (no stub: the C half of signal)

    from dlvauto.commands import quickstart
    from dlvauto.system import goenv_ahead

    # A shell that starts us in the background hands us SIGINT ignored, and Python keeps it so:
    # from here a Ctrl-C (a CI runner's SIGINT) is KeyboardInterrupt, before the quick start's
    # children run; proc.install_signal_handlers takes over later. (_signal: no enum this early.)
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    try:
        quickstart.begin(sys.argv[1:])  # dlv loads the program while the rest of dlvauto is imported
        if site_later:
            import site

            site.main()  # the venv's site-packages and .pth files, as Python's start would have
        from dlvauto.system.deferred import defer

        defer("inspect")  # dataclasses imports it, a run never calls it (system/deferred.py)
        code = main()
    except KeyboardInterrupt:  # Ctrl-C before main's handlers: still one line, 130
        code = _interrupted()
    quickstart.discard()  # one no run took (an error before the early start): its program never ran
    goenv_ahead.end()  # a `go env` the quick start asked that no build check took
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or _closed_pipe()
    os._exit(code)


SIGPIPE_STATUS = 128 + 13  # what a shell reports for a writer its reader hung up on (`| head -1`)


def _closed_pipe() -> int:
    """The reader went away: end quietly with the status pipelines expect, nothing more written."""
    import contextlib

    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the flush at exit must not fail again
    return SIGPIPE_STATUS


def _usable_streams() -> None:
    """Closed standard streams (`2>&-`, `>&-`) become /dev/null: output meant for them is dropped,
    the report files are still written, and nothing fails on a stream that is not there."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, "w" if fd else "r", closefd=False))  # noqa: SIM115


if __name__ == "__main__":
    entry()
