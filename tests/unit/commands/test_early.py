"""commands/early.py reads a `run` command line only when it understands every word of it."""

from __future__ import annotations

import pytest

from dlvauto.commands.early import Plan, plan_of


@pytest.mark.parametrize(
    ("argv", "plan"),
    [
        (["run", "src"], Plan("src")),
        (
            ["run", "src", "--profile", "optimized", "--", "-x", "1"],
            Plan("src", "optimized", args=("-x", "1")),
        ),
        (["run", "--json=-", "src", "--timings", "--unwind-check", "--dlv", "/d"], Plan("src", dlv="/d")),
        (["run", "src", "--unwind-check", "all", "--ancestors", "3"], Plan("src", ancestors=3)),
        (["run", "src", "--", "--backend", "repl"], Plan("src", args=("--backend", "repl"))),
    ],
)
def test_a_run_it_understands(argv: list[str], plan: Plan) -> None:
    assert plan_of(argv) == plan


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["parse", "t.txt"],
        ["run"],  # no source folder: typer says so
        ["run", "a", "b"],  # two positionals: not a run it understands
        ["run", "src", "--backend", "repl"],  # the REPL backend starts its own terminal
        ["run", "src", "--via", "core"],  # no dlv at all
        ["run", "src", "--bogus"],  # an option it does not know: typer decides
        ["run", "src", "--profile", "fast"],  # a value typer refuses
        ["run", "src", "--ancestors", "-1"],
        ["run", "src", "--json"],  # an option without its value
        ["run", "--help"],
    ],
)
def test_anything_else_starts_nothing(argv: list[str]) -> None:
    assert plan_of(argv) is None
