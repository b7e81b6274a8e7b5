"""The `dlvauto` command line (design.md's contract): parse, call the library, render, exit.

Exit status: 0 when a report was written (whatever the crash), 2 for bad input or a missing tool
(one line on stderr), 1 for anything else (one line too; DLVAUTO_DEBUG=1 adds the traceback).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

# Our models need no pydantic plugins; looking for them costs ~12 ms at every start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

from dlvauto.errors import DlvautoError, UserError

if TYPE_CHECKING:
    import typer

# Which module registers each command: a command line needs only its own command built (typer
# builds every registered command's parameters when it starts, ~10 ms each).
COMMANDS = {
    "attach": "attach", "connect": "attach", "core": "core", "doctor": "doctor", "parse": "parse",
    "run": "run", "sandbox": "sandbox", "schema": "schema", "suite": "suite", "history": "suite",
    "cache": "cache",
}  # fmt: skip


def _fail(message: str, status: int, detail: str = "") -> int:
    sys.stdout.flush()
    line = " ".join(message.split("\n")[0].split()) if message else "failed"
    sys.stderr.write(f"dlvauto: error: {line}\n")
    if detail:
        sys.stderr.write(detail.rstrip("\n") + "\n")
    sys.stderr.flush()
    return status


def _normalise(argv: list[str]) -> list[str]:
    """A bare `--unwind-check` means `--unwind-check crash` (an option with an optional value)."""
    out = []
    for i, a in enumerate(argv):
        out.append(a)
        if a == "--":
            return out + argv[i + 1 :]
        if a == "--unwind-check" and (i + 1 == len(argv) or argv[i + 1] not in ("crash", "all", "none")):
            out.append("crash")
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
    proc.reopen()
    proc.install_signal_handlers()
    proc.become_subreaper()
    args = _normalise(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before typer and every command are loaded
        from dlvauto.version import __version__

        sys.stdout.write(f"dlvauto {__version__}\n")
        return 0
    early.begin(args)  # before the heavy imports: dlv loads the program while they run

    import typer

    app = _app(args)
    debug = bool(os.environ.get("DLVAUTO_DEBUG"))
    try:
        rv = app(args=args, standalone_mode=False)
        if proc.interrupted:  # typer swallowed the KeyboardInterrupt and returned 130
            return _fail("interrupted", 130)
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
    except proc.Terminated as exc:
        return _fail(f"terminated by {exc}", 128 + exc.signum)
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
        proc.kill_all(final=True)


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
