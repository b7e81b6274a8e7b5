"""Delve's JSON-RPC API v2: the wire codec (`wire`), the pydantic mirror of its types (`types`), typed
methods (`client`), the headless server (`server`), the one conversion into snapshot types
(`convert`), and the Debugger built on them (`debugger`). Nothing outside this package sees a wire
type or a method name.
"""
