"""`dlvauto sandbox`: `dlvauto run` (or a shell) inside a container with Go and dlv ready."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from dlvauto.commands.app import app
from dlvauto.errors import DlvautoError, UserError


@app.command()
def sandbox(
    src: Annotated[
        str, typer.Argument(metavar="SRC", help="Folder of the Go main package (mounted read-only).")
    ] = ".",
    run_args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="RUN_ARGS",
            help="Options and program arguments for `dlvauto run` (after --).",
        ),
    ] = None,
    shell: Annotated[bool, typer.Option("--shell", help="Open a bash in the sandbox instead.")] = False,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the container command instead of running it.")
    ] = False,
    network: Annotated[bool, typer.Option("--network", help="Give the sandbox the network.")] = False,
    out_dir: Annotated[
        str, typer.Option("--out-dir", metavar="DIR", help="Host folder the JSON reports are written to.")
    ] = "dlvauto-reports",
    image: Annotated[
        str | None, typer.Option(metavar="IMAGE", help="Image to run (built when missing).")
    ] = None,
    base_image: Annotated[
        str | None,
        typer.Option(metavar="IMAGE", help="Base image to build the sandbox image on (a Debian 12)."),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(metavar="docker|podman|COMMAND", help="Container engine command (docker, podman)."),
    ] = None,
) -> None:
    """Run `dlvauto run` on SRC in a container: read-only source, no network, non-root, ptrace only."""
    from dlvauto.sandbox import container as sb

    if shell and run_args:
        raise UserError("--shell takes no RUN-ARGS: open the shell, then run `dlvauto run .` in it")
    mount, package = sb.locate(src, shell=shell)
    command = sb.engine_command(engine)
    box = sb.Sandbox(
        engine=command,
        image=image or sb.default_image(),
        mount=mount,
        package=package,
        out_dir=Path(out_dir).resolve(),
        user=sb.container_user(),
        name=sb.new_name(),
        network=network,
    )
    report_name = f"{Path(src).resolve().name}.json"
    if shell:
        argv = sb.shell_command(box, tty=sys.stdin.isatty() and sys.stdout.isatty())
    else:
        argv = sb.run_command(box, report_name, run_args or [])
    if print_only:
        sys.stdout.write(shlex.join(argv) + "\n")
        return
    sb.check_engine(command)
    sb.prepare_out_dir(box.out_dir, box.user)  # before a long build: a bad folder fails at once
    if not sb.image_present(command, box.image):
        sys.stderr.write(f"dlvauto: building the sandbox image {box.image} (once)\n")
        sb.build_image(command, box.image, base_image=base_image)
    status = sb.execute(argv, engine=command, name=box.name, interactive=shell)
    if status >= 125:  # the engine's own failures (125) or an entry point it could not run
        raise DlvautoError(f"the container engine could not run the sandbox (exit {status}): see above")
    report = box.out_dir / report_name
    if status == 0 and not shell and "--json" not in (run_args or []) and report.is_file():
        sys.stderr.write(f"dlvauto: report written to {report}\n")
    if status:
        raise typer.Exit(status)
