"""What a race build is: `-race` in the build, and `GORACE=halt_on_error=1` for `halt`.

Shared by the command line (`--race`) and the suite (`race = ...` in expect.toml), below both.
"""

from __future__ import annotations

import os


def race_build(mode: str, env: dict[str, str] | None) -> tuple[list[str], dict[str, str] | None]:
    """The build flags and the program's environment for a race mode (off, on, halt)."""
    if mode == "off":
        return [], env
    if mode == "halt":
        base = dict(env if env is not None else os.environ)
        gorace = " ".join(x for x in (base.get("GORACE", ""), "halt_on_error=1") if x)
        return ["-race"], {**base, "GORACE": gorace}
    return ["-race"], env
