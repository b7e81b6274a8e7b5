"""The build profiles and the compiler flags each gives (`--profile`).

No imports: the quick start (commands/quickstart.py) starts a debug build before anything else
is loaded, with the very flags the build cache (program.py) would give it.
"""

from __future__ import annotations

PROFILES: dict[str, list[str]] = {
    "debug": ["-gcflags=all=-N -l"],
    "optimized": [],
}
