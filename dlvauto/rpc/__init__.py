"""Delve's JSON-RPC API v2: wire codec (`wire`), typed methods (`client`), the headless server (`server`).

The names are loaded on first use: starting a dlv (`server`) needs none of the pydantic wire types,
so a command can start dlv first and import the rest while dlv loads the program.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "Connection": "dlvauto.rpc.wire",
    "DlvClient": "dlvauto.rpc.client",
    "HeadlessServer": "dlvauto.rpc.server",
    "find_dlv": "dlvauto.rpc.server",
    "start_headless": "dlvauto.rpc.server",
}

if TYPE_CHECKING:
    from dlvauto.rpc.client import DlvClient
    from dlvauto.rpc.server import HeadlessServer, find_dlv, start_headless
    from dlvauto.rpc.wire import Connection


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'dlvauto.rpc' has no attribute {name!r}")


__all__ = ["Connection", "DlvClient", "HeadlessServer", "find_dlv", "start_headless"]
