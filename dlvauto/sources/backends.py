"""The backends by name (`--backend rpc|repl`): a new way to drive dlv is one new module here.

Loaded on first use, so a command pays only for the backend it runs (the REPL's pexpect, the RPC's
pydantic wire types).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, cast

from dlvauto.errors import UserError

if TYPE_CHECKING:
    from dlvauto.debugger import Backend
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


def rpc() -> RpcBackend:
    """The RPC backend itself, for what only its API can do (connecting to someone else's dlv)."""
    from dlvauto.rpc.debugger import RpcBackend

    return RpcBackend()
