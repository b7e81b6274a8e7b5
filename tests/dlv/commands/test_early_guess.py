"""The early start's guess: dlv started on the binary a command line was last given, before the build
is checked, is kept only when the check gives that very binary; an edit of the source ends it.

The programs are written here with random names; each test has a cache of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import (
    PROBE_EARLY_DONE,
    cache_env,
    needs_dlv,
    processes_mentioning,
    run_cli,
    run_probe,
    wait_for,
    write_go_program,
)

pytestmark = needs_dlv

# What the early start did, seen from inside: the command line's own first steps, then its end.
_PROBE = (
    """
import json, sys, time
from dlvauto.commands import early
from dlvauto.system import proc
early.begin(sys.argv[1:])
"""
    + PROBE_EARLY_DONE
    + """
proc.kill_all(final=True)
print(json.dumps({"guess": started.guess, "binary": str(built.binary), "cached": built.cached}))
"""
)


def _program(root: Path, message: str) -> Path:
    return write_go_program(root, "m", f'\tpanic("{message}")\n')[0]


def _probe(src: Path, env: dict[str, str]) -> dict[str, object]:
    return run_probe(_PROBE, "run", str(src), env=env)


def test_the_guess_is_taken_for_an_unchanged_program_and_ended_for_an_edited_one(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "first words")
    assert _probe(src, env)["guess"] == "none"  # nothing remembered yet: built, then dlv started
    again = _probe(src, env)
    assert again == {"guess": "taken", "binary": again["binary"], "cached": True}

    main = src / "main.go"
    main.write_text(main.read_text().replace("first words", "second words"))
    edited = _probe(src, env)
    assert edited["guess"] == "refused" and edited["cached"] is False
    assert edited["binary"] != again["binary"]
    # The guessed dlv (on the old binary) was ended, its target never having run.
    assert wait_for(lambda: processes_mentioning(str(again["binary"])) == [], 5)

    # The whole command reports what the edited program says, not what the old binary would.
    report = json.loads(run_cli("run", str(src), "--json", "-", env=env).stdout)
    assert report["crash"]["message"] == "second words"
    assert report["source"]["binary"] == edited["binary"]
    assert processes_mentioning(str(tmp_path / "cache")) == []


def test_a_memo_pointing_outside_the_cache_is_not_followed(tmp_path: Path) -> None:
    env = cache_env(tmp_path / "cache")
    src = _program(tmp_path, "kept words")
    _probe(src, env)
    memos = list((tmp_path / "cache" / "early").iterdir())
    assert len(memos) == 1 and memos[0].stat().st_mode & 0o077 == 0  # private, whatever the umask
    stray = tmp_path / "stray"
    stray.write_text("#!/bin/sh\nexit 0\n")
    stray.chmod(0o700)
    fields = memos[0].read_text().split("\0")
    assert fields[-3].startswith(str(tmp_path / "cache" / "builds"))  # the binary it names
    fields[-3] = str(stray)
    memos[0].write_text("\0".join(fields))
    assert _probe(src, env)["guess"] == "none"  # only a binary in the cache's builds is guessed
    # That run remembered the binary its check gave, and the next one guesses it again.
    assert memos[0].read_text().split("\0")[-3].startswith(str(tmp_path / "cache" / "builds"))
    assert _probe(src, env)["guess"] == "taken"
