"""A short, stable name for a crash: the same crash gives the same signature across builds and runs."""

from __future__ import annotations

import hashlib
import re

_HEX = re.compile(r"0x[0-9a-fA-F]+")
_NUM = re.compile(r"\d+")


def normalise_message(message: str | None) -> str:
    """Addresses and numbers vary between runs of the same crash; blank them out."""
    if not message:
        return ""
    return _NUM.sub("N", _HEX.sub("0xX", message.strip()))


def signature(kind: str, message: str | None, user_functions: list[str]) -> str:
    """16 hex digits over the kind, the normalised message and the first user frames' functions."""
    text = "\n".join([kind, normalise_message(message), *user_functions])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
