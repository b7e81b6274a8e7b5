"""Delve's JSON-RPC API v2: wire codec (`wire`), typed methods (`client`), the headless server (`server`)."""

from dlvauto.rpc.client import DlvClient
from dlvauto.rpc.server import HeadlessServer, find_dlv, start_headless
from dlvauto.rpc.wire import Connection

__all__ = ["Connection", "DlvClient", "HeadlessServer", "find_dlv", "start_headless"]
