"""`dlvauto cache info|prune`: how big the build cache is, and making it smaller."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from dlvauto.commands.app import app

cache_app = typer.Typer(
    help="The build cache ($DLVAUTO_CACHE_DIR, default ~/.cache/dlvauto): its size, and pruning it.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


def _human(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


@cache_app.command()
def info(
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Where the cache is, how many builds it holds, their size and the cap."""
    from dlvauto.gobuild import prune
    from dlvauto.gobuild.program import cache_root

    root = cache_root()
    found = prune.entries(root)
    size, limit = sum(e.size for e in found), prune.cap()
    if json_out:
        figures = {"root": str(root), "builds": len(found), "bytes": size, "cap_bytes": limit}
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
        return
    sys.stdout.write(
        f"cache: {root}\nbuilds: {len(found)}\n"
        f"size: {_human(size)} (cap {_human(limit)}, $DLVAUTO_CACHE_MAX)\n"
    )


@cache_app.command(name="prune")
def prune_cmd(
    max_size: Annotated[
        str | None,
        typer.Option("--max", metavar="SIZE", help="Prune down to SIZE (2G, 500M, bytes); default: the cap."),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Remove every cached build.")] = False,
) -> None:
    """Remove the least recently used builds until the cache fits the cap (or --max, or --all)."""
    from dlvauto.errors import UserError
    from dlvauto.gobuild import prune
    from dlvauto.gobuild.program import cache_root

    if every and max_size is not None:
        raise UserError("--all and --max both say how much to keep: give one of them")
    limit = 0 if every else prune.parse_size(max_size, "--max") if max_size is not None else prune.cap()
    removed = prune.prune(cache_root(), limit)
    freed = sum(e.size for e in removed)
    sys.stdout.write(f"removed {len(removed)} builds, {_human(freed)}\n")
