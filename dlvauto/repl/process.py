"""Starting dlv's interactive terminal in a pty of its own, and ending it with all it started.

Everything dlv's terminal would otherwise take from the user's environment is pinned here, through
dlv's own switches, so its output has one form to parse:

- a private config folder (`XDG_CONFIG_HOME`, 0700) holding a config.yml with the load limits the
  RPC backend uses (strings up to 4096 bytes) and no path substitution or aliases of the user's;
- `TERM=dumb`, which dlv reads to print no colour escapes and never start a pager (terminal.go,
  out.go; the stack colours cannot be emptied through config.yml), and which makes liner read
  plain lines; DELVE_PAGER is removed, as dlv would page to it even then;
- dlv's working directory is that private folder, because dlv prints every path with its working
  directory replaced by `.`; the program still runs where the caller asked (`--wd`);
- the program's stdin, stdout and stderr are files in the private folder (`-r`), as for the RPC
  backend, so nothing it prints mixes with dlv's replies.

The pty is wide (10,000 columns) so nothing dlv measures against the terminal's width ever wraps.
"""

from __future__ import annotations

import os
import pwd
import shutil
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path

from dlvauto.errors import UserError
from dlvauto.records import record
from dlvauto.system import files, proc
from dlvauto.system.scratch import private_folder

ROWS, COLS = 50, 10000
CONFIG_YML = """\
# dlvauto --backend repl: dlv's terminal configured for a session read by a program.
max-string-len: 4096
max-array-values: 16
max-variable-recurse: 2
source-list-line-count: 2
substitute-path: []
aliases: {}
debug-info-directories: ["/usr/lib/debug/.build-id"]
"""


@record
class DlvTerminal:
    """A running `dlv` on a pty, the folder it works in, and how it was started."""

    spawned: proc.Spawned
    folder: Path
    argv: list[str]
    env_set: dict[str, str] = field(default_factory=dict)
    target_stdout: Path | None = None
    target_stderr: Path | None = None

    @property
    def fd(self) -> int:
        assert self.spawned.pty_fd is not None
        return self.spawned.pty_fd

    def how_started(self) -> list[str]:
        """How to start the same session by hand: the environment, the config and the command."""
        import shlex

        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(self.env_set.items()))
        out = [f"started in {self.folder} as:", f"  {env} {shlex.join(self.argv)}"]
        out += [f"with {self.folder}/config/dlv/config.yml:"]
        out += [f"  {line}" for line in CONFIG_YML.splitlines() if not line.startswith("#")]
        out += ["to replay, start dlv the same way and type each line that follows a `(dlv) ` prompt"]
        return out

    def stop(self) -> None:
        """End dlv, its target if dlv started it, and remove the private folder."""
        self.spawned.stop(grace=1.0)
        shutil.rmtree(self.folder, ignore_errors=True)


def _check_no_old_config() -> None:
    """dlv moves $HOME/.dlv/config.yml into the config folder it uses and deletes $HOME/.dlv
    (config.LoadConfig, with the home from the password database): with a private folder that
    would take the user's file away, so refuse instead."""
    try:
        home = pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return
    old = Path(home) / ".dlv" / "config.yml"
    if old.exists():
        raise UserError(
            f"{old} exists and dlv would move it into dlvauto's private config folder: run dlv once "
            "by hand (it moves the file to ~/.config/dlv) or use --backend rpc"
        )


def start_terminal(
    dlv: str,
    command: Sequence[str],
    *,
    redirect_output: bool,
    target_cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
) -> DlvTerminal:
    """Start `dlv <command...>` on a fresh pty; `command` is dlv's subcommand and operands, e.g.
    ["exec", BIN, "--", ARGS...] (flags are put before the `--`)."""
    _check_no_old_config()
    folder = private_folder()
    try:
        config = files.private_dir(folder / "config" / "dlv")
        files.write_private(config / "config.yml", CONFIG_YML)
        env_set = {"TERM": "dumb", "XDG_CONFIG_HOME": str(folder / "config")}
        full_env = dict(env if env is not None else os.environ)
        full_env.pop("DELVE_PAGER", None)
        full_env.update(env_set)
        flags: list[str] = []
        out = err = None
        if redirect_output:
            out, err = folder / "stdout", folder / "stderr"
            for made in (out, err):
                files.place_private(made)  # dlv opens them without O_EXCL: they keep 0600
            if not any(a.startswith("stdin:") for a in command):  # else the command redirects it
                flags += ["-r", "stdin:/dev/null"]
            flags += ["-r", f"stdout:{out}", "-r", f"stderr:{err}"]
        if command and command[0] == "exec":
            flags += ["--wd", str(Path(target_cwd) if target_cwd is not None else Path.cwd())]
        cmd = list(command)
        if "--" in cmd:
            cut = cmd.index("--")
            argv = [dlv, *cmd[:cut], *flags, *cmd[cut:]]
        else:
            argv = [dlv, *cmd, *flags]
        spawned = proc.spawn_pty(argv, cwd=folder, env=full_env, rows=ROWS, cols=COLS)
        return DlvTerminal(spawned, folder, argv, env_set, out, err)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
