"""The program's surroundings for `run`, `exec` and `test`: its folder, input, environment and the
build's tags and flags, read from the command line and checked before anything is built.

Each value is what the user typed; a bad one is one line naming it (exit 2). `--stdin -` copies our
own standard input into a private file first: dlv's redirect wants a path, and the program should
read exactly the bytes the user piped, not a terminal dlv shares with it.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import field
from pathlib import Path

from dlvauto.errors import UserError
from dlvauto.records import record
from dlvauto.system import files, trees

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@record
class Surroundings:
    cwd: Path | None = None
    stdin: Path | None = None
    env: dict[str, str] | None = None  # the program's whole environment, when anything was set
    build_flags: list[str] = field(default_factory=list)
    _private: Path | None = None  # the folder holding a copy of our stdin

    def close(self) -> None:
        if self._private is not None:
            trees.remove_tree(self._private)
            self._private = None

    def __enter__(self) -> Surroundings:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read(
    wd: str | None = None,
    stdin: str | None = None,
    env: list[str] | None = None,
    tags: str | None = None,
    build_flags: list[str] | None = None,
) -> Surroundings:
    """The surroundings the options ask for, or the one line saying which option cannot hold."""
    out = Surroundings()
    if wd is not None:
        folder = Path(wd)
        if not folder.is_dir():
            raise UserError(f"--wd {wd}: not a folder: give the folder the program should run in")
        out.cwd = folder.resolve()
    if env:
        given: dict[str, str] = {}
        for item in env:
            name, eq, value = item.partition("=")
            if not eq or not _ENV_NAME.match(name):
                raise UserError(f"--env takes NAME=VALUE, not {item!r}")
            given[name] = value
        out.env = {**os.environ, **given}
    if tags is not None:
        words = [t for t in re.split(r"[,\s]+", tags) if t]
        if not words or any(not re.match(r"^[A-Za-z0-9_.!-]+$", t) for t in words):
            raise UserError(
                f"--tags takes build tags separated by commas (e.g. integration,linux), not {tags!r}"
            )
        out.build_flags.append(f"-tags={','.join(words)}")
    for flag in build_flags or []:
        if not flag.startswith("-"):
            raise UserError(f"--build-flag takes one flag of go build (e.g. -trimpath), not {flag!r}")
        if flag.split("=", 1)[0] in ("-o", "-C"):
            raise UserError(f"--build-flag {flag}: dlvauto chooses where the binary goes; drop it")
        out.build_flags.append(flag)
    if stdin is not None:
        out.stdin = _stdin(stdin, out)
    return out


def _stdin(spec: str, out: Surroundings) -> Path:
    if spec != "-":
        path = Path(spec)
        if not path.is_file():
            raise UserError(f"--stdin {spec}: no such file: give a file for the program to read (or -)")
        if not os.access(path, os.R_OK):
            raise UserError(f"--stdin {spec}: cannot read it (permissions)")
        return path.resolve()
    from dlvauto.system.scratch import private_folder

    out._private = private_folder()
    copy = out._private / "stdin"

    import shutil  # (only here: no import of a run without --stdin needs it)

    with files.open_private(copy, "wb", exclusive=True) as f:
        shutil.copyfileobj(sys.stdin.buffer, f)
    return copy
