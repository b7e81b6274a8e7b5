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


@pytest.mark.parametrize(
    ("argv", "plan"),
    [
        (["test"], Plan(".", args=("-test.v=true",), command="test")),
        (
            ["test", "./internal/h", "-run", "TestX$", "--json", "-", "--", "-test.count=1"],
            Plan("./internal/h", args=("-test.v=true", "-test.run=TestX$", "-test.count=1"), command="test"),
        ),
        (
            ["test", "--run=A|B", "--profile", "optimized"],
            Plan(".", "optimized", args=("-test.v=true", "-test.run=A|B"), command="test"),
        ),
    ],
)
def test_a_test_it_understands(argv: list[str], plan: Plan) -> None:
    assert plan_of(argv) == plan


@pytest.mark.parametrize(
    "argv",
    [
        ["test", "./..."],  # several packages: built one after another by the command
        ["test", "a", "b"],
        ["test", "--race"],  # another build
        ["test", "--tags", "x"],
        ["test", "--wd", "/tmp"],  # another folder for the program
        ["test", "--env", "A=1"],
        ["test", "--backend", "repl"],
        ["test", "--ancestors", "2"],  # not an option of test
    ],
)
def test_a_test_it_leaves_to_the_command(argv: list[str]) -> None:
    assert plan_of(argv) is None


def test_only_a_run_skips_typer() -> None:
    from dlvauto.commands.early import direct_run

    assert direct_run(["test", "."]) is None
    assert direct_run(["run", "src"]) == {"src_dir": "src", "args": None}
