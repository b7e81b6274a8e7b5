"""The words of a `run` (or `test`) command line, read lightly: which are options, with their
values, which are operands, and what comes after `--`.

No imports: the quick start (quickstart.py) reads them before anything else is loaded, and the
early start (early.py) reads them the same way, so both understand exactly the same command lines.
"""

from __future__ import annotations

# The options of `run` and whether each takes a value; those that change what dlv is started
# with are read, the others only recognised.
VALUED = {
    "--profile", "--timeout", "--frame", "--depth", "--json", "--dlv", "--ancestors", "--values",
    "--via", "--save-core", "--format", "--out", "-o", "--source-root", "--backend", "--unwind-check",
}  # fmt: skip
FLAGS = {"--timings", "--fail-on-crash", "--quiet", "-q"}  # none changes the build or dlv's start


# The options that name what the run writes (a file, or --save-core's folder): outputs, not the
# program's inputs, so the build cache's key and the module's stamp leave them out.
OUTPUTS = ("--json", "--out", "-o", "--save-core", "--transcript")


def outputs_of(values: dict[str, str]) -> list[str]:
    """What the options `values` name to write ("-", standard output, is no file)."""
    return [values[o] for o in OUTPUTS if values.get(o) not in (None, "-")]


# The options given more than once, by the parameter of `runjob.run_job` they fill.
REPEATABLE = {"--source-root": "source_root"}


def words(
    argv: list[str], valued: set[str]
) -> tuple[dict[str, str], dict[str, list[str]], set[str], list[str], tuple[str, ...]] | None:
    """The options (valued, repeated, flags), operands and words after `--` of a command line,
    or None when a word is not understood."""
    values: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    flags: set[str] = set()
    positional: list[str] = []
    args: tuple[str, ...] = ()
    i = 1
    while i < len(argv):
        word = argv[i]
        if word == "--":
            args = tuple(argv[i + 1 :])
            break
        name, eq, value = word.partition("=")
        if name in FLAGS and not eq:
            flags.add(name)
            i += 1
            continue
        if (
            name == "--unwind-check"
            and "--unwind-check" in valued
            and not eq
            and (i + 1 == len(argv) or argv[i + 1].startswith("-"))
        ):
            values[name] = "crash"  # a bare --unwind-check
            i += 1
            continue
        if name in valued:
            if not eq:
                if i + 1 == len(argv):
                    return None
                value = argv[i + 1]
                i += 1
            if name in REPEATABLE:
                repeated.setdefault(name, []).append(value)
            else:
                values[name] = value
        elif word.startswith("-"):
            return None
        else:
            positional.append(word)
        i += 1
    return values, repeated, flags, positional, args
