"""The backends by name (`--backend rpc|repl`): a new way to drive dlv is one new module here.

Loaded on first use, so a command pays only for the backend it runs (the REPL's pexpect, the RPC's
pydantic wire types).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, cast

from dlvauto.errors import UserError

if TYPE_CHECKING:
    from dlvauto.debugger import Backend, Options
    from dlvauto.rpc.debugger import RpcBackend

BACKENDS = {
    "rpc": ("dlvauto.rpc.debugger", "RpcBackend"),  # dlv's JSON-RPC API (the default)
    "repl": ("dlvauto.repl.debugger", "ReplBackend"),  # dlv's own terminal, typed into
}
DEFAULT_BACKEND = "rpc"


def get(name: str) -> Backend:
    """The backend called `name`; a one-line error for any other name."""
    if name not in BACKENDS:
        raise UserError(f"unknown --backend {name!r}: use one of {', '.join(BACKENDS)}")
    module, cls = BACKENDS[name]
    return cast("Backend", getattr(import_module(module), cls)())


def options(dlv: str | None, command_timeout: float, transcript: str | Path | None) -> Options:
    """How every source starts dlv: the dlv found (`--dlv`, ...) and the transcript made private.

    The transcript holds the program's output and values as the screen showed them: it is made
    here, 0600 whatever the umask (a symlink planted at its path replaced), before the REPL opens
    it for writing, which keeps that mode.
    """
    from dlvauto.debugger import Options
    from dlvauto.system import files
    from dlvauto.system.dlv import find_dlv

    found = find_dlv(dlv)
    path = Path(transcript) if transcript is not None else None
    if path is not None:
        try:
            files.place_private(path)
        except OSError as exc:
            raise UserError(f"cannot write the transcript to {path}: {exc.strerror}") from exc
    return Options(found, command_timeout, path)


def rpc() -> RpcBackend:
    """The RPC backend itself, for what only its API can do (connecting to someone else's dlv)."""
    from dlvauto.rpc.debugger import RpcBackend

    return RpcBackend()
