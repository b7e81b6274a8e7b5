"""The command line's fast path for `run`: the keywords it hands `run_job` are the ones typer would.

A run whose every word `early.plan_of` understands skips typer; these tests hold the two paths to
one meaning: every option maps to a parameter of both the typer command and `run_job`, with the
same default, and what is not understood goes through typer.
"""

from __future__ import annotations

import inspect

import pytest

from dlvauto.commands import early
from dlvauto.commands.run import run
from dlvauto.commands.runjob import run_job
from dlvauto.commands.words import REPEATABLE


def test_every_option_maps_to_a_parameter_of_both_paths() -> None:
    typer_side = inspect.signature(run).parameters
    job_side = inspect.signature(run_job).parameters
    for name in [*early._PARAMETERS.values(), *REPEATABLE.values(), "src_dir", "args"]:
        assert name in job_side, name
        assert name in typer_side, name
    assert set(typer_side) == set(job_side)
    for name, p in job_side.items():
        if p.default is not inspect.Parameter.empty:
            assert typer_side[name].default == p.default, name


def test_keywords_of_a_full_command_line() -> None:
    argv = [
        "run", "some/dir", "--json", "-", "--frame=3", "--timings", "--source-root", "a=b",
        "--source-root=c=d", "--unwind-check", "--timeout", "5", "--", "x", "--y",
    ]  # fmt: skip
    assert early.direct_run(argv) == {
        "src_dir": "some/dir",
        "args": ["x", "--y"],
        "json_path": "-",
        "frame": "3",
        "timings": True,
        "source_root": ["a=b", "c=d"],
        "unwind_check": "crash",
        "timeout": "5",
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "dir", "--help"],
        ["run", "dir", "--transcript", "t.txt"],  # an option this path does not know
        ["run", "dir", "extra"],  # two positionals: typer says what is wrong
        ["run", "--json"],  # a value missing
        ["run", "dir", "--backend", "repl"],
        ["parse", "file"],
        [],
    ],
)
def test_what_is_not_understood_goes_through_typer(argv: list[str]) -> None:
    assert early.direct_run(argv) is None


def test_bad_values_are_left_to_run_job_which_checks_them() -> None:
    # The fast path does not judge values: run_job's checks give the same one line either way.
    assert early.direct_run(["run", "dir", "--frame", "x"]) == {"src_dir": "dir", "args": None, "frame": "x"}
