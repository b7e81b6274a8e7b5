"""`dlvauto doctor`: what works on this machine."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dlvauto.commands.app import app


@app.command()
def doctor(
    json_out: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    install_dlv: Annotated[
        bool,
        typer.Option(
            "--install-dlv",
            help="Install the pinned dlv (go install ...@v1.27.1, into $(go env GOPATH)/bin) first.",
        ),
    ] = False,
) -> None:
    """Check go, dlv, ptrace and core dumps on this machine, with what to do when one is wrong."""
    import json

    if install_dlv:
        from dlvauto.system.dlv import INSTALL
        from dlvauto.system.dlv import install_dlv as install

        sys.stderr.write(f"dlvauto: running {INSTALL}\n")
        sys.stderr.flush()
        sys.stderr.write(f"dlvauto: installed {install()}\n")

    from rich.table import Table

    from dlvauto.render.terminal import QuietConsole
    from dlvauto.system.doctor import run_checks

    checks = run_checks()
    if json_out:
        sys.stdout.write(json.dumps([c.__dict__ for c in checks], indent=2) + "\n")
    else:
        table = Table(show_header=True, header_style="bold")
        for col in ("check", "status", "found", "fix"):  # fix is a sentence: it may wrap, between words
            table.add_column(col, overflow="ellipsis" if col != "fix" else "fold", no_wrap=col != "fix")
        style = {"ok": "green", "warn": "yellow", "fail": "bold red"}
        for c in checks:
            table.add_row(c.name, f"[{style[c.status]}]{c.status}[/]", c.found, c.fix)
        QuietConsole().print(table)
    if any(c.status == "fail" for c in checks if c.name in ("go", "dlv", "dlv supports go")):
        raise typer.Exit(2)
