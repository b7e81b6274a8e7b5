"""Delve's JSON-RPC API v2: the wire codec (`wire`), its types as dataclasses (`types`), the checker
that makes them from a decoded reply (`checked`), typed methods (`client`), the headless server
(`server`), the one conversion into snapshot types (`convert`), and the Debugger built on them
(`debugger`). Nothing outside this package sees a wire type or a method name.
"""
