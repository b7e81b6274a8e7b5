"""How the options several commands share are checked: one line naming the bad value, exit 2.

Apart from `options.py` (their typer declarations) so that a command run without typer, the
fast path of `dlvauto run`, checks them exactly as typer's path does.
"""

from __future__ import annotations

from typing import Literal

from dlvauto.errors import UserError
from dlvauto.gobuild.race import race_build as race_build
from dlvauto.sources.backends import BACKENDS

# The ranges of every number the command line takes (README "Use"): checked before anything runs,
# so a huge one is one line, not an overflow after the program ran or a dlv that falls over.
MAX_SECONDS = 31 * 24 * 3600  # --timeout: a month
MAX_FRAMES = 100_000  # --frame, --depth: far past any real stack (dlv's own limit is an int32)
MAX_READ = 1000  # --values, --ancestors
MAX_JOBS = 256
MAX_PID = 2**31 - 1  # a pid_t: above it a number is no pid at all (below it, perhaps no process)


def positive(value: str, name: str, maximum: float = MAX_SECONDS) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UserError(f"{name} must be a positive number of seconds, not {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise UserError(f"{name} must be a positive number of seconds, not {value!r}")
    if number > maximum:
        days = f"{maximum / 86400:g} days"
        raise UserError(f"{name} must be at most {int(maximum)} seconds ({days}), not {value!r}")
    return number


def count(value: str, name: str, minimum: int, maximum: int = MAX_FRAMES) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UserError(f"{name} must be a whole number >= {minimum}, not {value!r}") from None
    if number < minimum:
        raise UserError(f"{name} must be a whole number >= {minimum}, not {value!r}")
    if number > maximum:
        raise UserError(f"{name} must be at most {maximum}, not {value!r}")
    return number


def read_frame(value: str) -> int:
    """--frame: N of frame N, 0 for the throw frame itself."""
    return count(value, "--frame", 0)


def read_depth(value: str) -> int:
    """--depth: how many frames to read per goroutine, at least one."""
    return count(value, "--depth", 1)


def read_timeout(value: str) -> float:
    """--timeout: seconds, a positive finite number."""
    return positive(value, "--timeout")


def unwind_mode(value: str) -> Literal["none", "crash", "all"]:
    """--unwind-check's value: `crash` (the crash goroutine; a bare --unwind-check), `all`, or `none`."""
    if value == "crash":
        return "crash"
    if value == "all":
        return "all"
    if value == "none":
        return "none"
    raise UserError(f"--unwind-check takes crash or all, not {value!r}")


def check_backend(backend: str, transcript: str | None, **rpc_only: bool) -> None:
    """Refuse an unknown backend, a transcript without the REPL, and RPC-only options with it.

    `rpc_only` maps each option's flag name (underscores for dashes) to whether it was given.
    """
    if backend not in BACKENDS:
        raise UserError(f"unknown --backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if transcript is not None and backend != "repl":
        raise UserError("--transcript records dlv's terminal session: add --backend repl")
    given = [f"--{name.replace('_', '-')}" for name, on in rpc_only.items() if on]
    if backend == "repl" and given:
        verb = "needs" if len(given) == 1 else "need"
        raise UserError(f"{' and '.join(given)} {verb} dlv's API: use --backend rpc or drop them")


def race_mode(value: str) -> Literal["off", "on", "halt"]:
    """--race's value: `on` (a bare --race), `halt` (stop at the first race), or `off`."""
    if value in ("off", "on", "halt"):
        return value  # type: ignore[return-value]
    raise UserError(f"--race takes on or halt, not {value!r}")


def read_run_numbers(timeout: str, frame: str, depth: str, values: str) -> tuple[float, int, int, int]:
    """--timeout, --frame, --depth and --values of a command that runs a program, checked in that
    order (the first bad one is the line the user sees)."""
    return read_timeout(timeout), read_frame(frame), read_depth(depth), count(values, "--values", 0, MAX_READ)
