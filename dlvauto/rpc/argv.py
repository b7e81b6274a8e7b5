"""The command line of a headless dlv of ours, in plain strings: where it listens, what it is told.

rpc/server.py starts dlv with it, and the run's quick start (commands/quickstart.py) with the very
same words before anything else is imported, so what it started can be compared and adopted.
No imports.
"""

from __future__ import annotations

UNIX_PATH_MAX = 100  # a unix socket's path must be shorter than sun_path (108 bytes on Linux)
SOCKET = "dlv.sock"
LOG = "dlv.log"  # dlv's own stdout and stderr, together
TARGET_STDOUT = "stdout"
TARGET_STDERR = "stderr"


def listen_address(folder: str, prefer_unix: bool) -> str:
    """A unix socket in our private folder, else loopback TCP on a port dlv picks."""
    sock = f"{folder}/{SOCKET}"
    if prefer_unix and len(sock) < UNIX_PATH_MAX:
        return f"unix:{sock}"
    return "127.0.0.1:0"


def server_argv(dlv: str, command: list[str], listen: str, folder: str | None) -> list[str]:
    """`dlv COMMAND... --headless ...` (its flags before the `--`); with a `folder`, the target's
    stdin is /dev/null (unless the command redirects it) and its stdout and stderr are files there."""
    flags = ["--headless", "--api-version=2", f"--listen={listen}", "--only-same-user"]
    if folder is not None:
        if not any(a.startswith("stdin:") for a in command):
            flags += ["-r", "stdin:/dev/null"]
        flags += ["-r", f"stdout:{folder}/{TARGET_STDOUT}", "-r", f"stderr:{folder}/{TARGET_STDERR}"]
    if "--" in command:
        cut = command.index("--")
        return [dlv, *command[:cut], *flags, *command[cut:]]
    return [dlv, *command, *flags]
