"""The options several commands take, each declared once: its flag, its help and how it is checked.

Typer wants a default at each use (`frame: FrameOption = "17"`); the rest lives here, so `--frame`
reads and fails the same in every command. Values come in as text and are checked in the command's
body, in the order it asks, so the first bad option is the one line the user sees.
"""

from __future__ import annotations

from typing import Annotated

import typer

# The checks live apart from typer (a `run` the command line understands fully skips typer):
# they are re-exported here, so every command reads them as `opt.read_frame` and so on.
from dlvauto.commands.checks import MAX_PID as MAX_PID
from dlvauto.commands.checks import MAX_READ as MAX_READ
from dlvauto.commands.checks import check_backend as check_backend
from dlvauto.commands.checks import count as count
from dlvauto.commands.checks import positive as positive
from dlvauto.commands.checks import race_build as race_build
from dlvauto.commands.checks import race_mode as race_mode
from dlvauto.commands.checks import read_depth as read_depth
from dlvauto.commands.checks import read_frame as read_frame
from dlvauto.commands.checks import read_run_numbers as read_run_numbers
from dlvauto.commands.checks import read_timeout as read_timeout
from dlvauto.commands.checks import unwind_mode as unwind_mode

ProfileOption = Annotated[
    str, typer.Option("--profile", metavar="debug|optimized", help="debug (-gcflags=all=-N -l) or optimized.")
]
ValuesOption = Annotated[
    str, typer.Option("--values", metavar="N", help="Read args and locals of up to N user frames (0: none).")
]
FrameOption = Annotated[
    str, typer.Option("--frame", metavar="N", help="N of 'frame N': N levels above the throw.")
]
DepthOption = Annotated[str, typer.Option("--depth", metavar="N", help="Stack frames to read per goroutine.")]
TimeoutOption = Annotated[
    str,
    typer.Option("--timeout", metavar="SECONDS", help="Seconds before a running program counts as a hang."),
]
TimingsOption = Annotated[
    bool, typer.Option("--timings", help="Print each stage's wall time on stderr at the end.")
]
JsonOption = Annotated[
    str | None, typer.Option("--json", metavar="PATH|-", help="Write the JSON report here (- for stdout).")
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        metavar="terminal|md|html",
        help="The view: terminal (default), md (a pull-request comment) or html.",
    ),
]
OutOption = Annotated[
    str | None,
    typer.Option(
        "--out",
        "-o",
        metavar="PATH",
        help="Write the --format view to this file (- for stdout, the default for md/html).",
    ),
]
FailOnCrashOption = Annotated[
    bool,
    typer.Option("--fail-on-crash", help="Exit 1 when the report's crash kind is not none (for scripts)."),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="No progress and no terminal report: only the files asked for and the status."
    ),
]
SourceRootOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source-root",
        metavar="OLD=NEW",
        help="OLD=NEW: read source files recorded under OLD from NEW instead (repeatable).",
    ),
]
DlvOption = Annotated[str | None, typer.Option("--dlv", metavar="PATH", help="Path of the dlv binary.")]

# `rpc` (the default) talks to a headless dlv over its JSON-RPC API; `repl` types into dlv's own
# terminal (dlvauto/repl/), for a dlv without the API at hand or a session a person can replay.
BackendOption = Annotated[
    str,
    typer.Option(
        "--backend",
        metavar="rpc|repl",
        help="rpc: dlv's JSON-RPC API (default); repl: type into dlv's own terminal.",
    ),
]
TranscriptOption = Annotated[
    str | None,
    typer.Option(
        "--transcript",
        metavar="PATH",
        help="With --backend repl: write the dlv session (commands and replies) here.",
    ),
]

# The program's surroundings (commands/surroundings.py checks them), for run, exec and test.
WdOption = Annotated[str | None, typer.Option("--wd", metavar="DIR", help="Run the program in this folder.")]
StdinOption = Annotated[
    str | None,
    typer.Option("--stdin", metavar="FILE|-", help="A file for the program's standard input (- for ours)."),
]
EnvOption = Annotated[
    list[str] | None,
    typer.Option("--env", metavar="NAME=VALUE", help="NAME=VALUE in the program's environment (repeatable)."),
]
TagsOption = Annotated[
    str | None,
    typer.Option("--tags", metavar="TAG,TAG", help="Build tags, comma-separated (go build -tags)."),
]
BuildFlagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--build-flag", metavar="FLAG", help="One more flag for go build / go test -c (repeatable)."
    ),
]
RaceOption = Annotated[
    str,
    typer.Option(
        "--race",
        metavar="on|halt",
        help="Build with -race (a bare --race: on); halt: GORACE=halt_on_error=1, exit 66 at the first race.",
    ),
]
