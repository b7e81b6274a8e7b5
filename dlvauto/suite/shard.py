"""`--shard K/N`: the scenarios of shard K of N, for a CI matrix of N jobs.

Deterministic (the same scenarios and weights give the same shards on every machine) and balanced:
the longest scenarios are dealt first, each to the shard with the least work so far (ties to the
lowest shard), so every scenario lands in exactly one shard and a long hang does not share its job
with the other long ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from dlvauto.errors import UserError
from dlvauto.suite.scenarios import Scenario

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse(text: str) -> tuple[int, int]:
    """`2/4` -> (2, 4); 1 <= K <= N, or one line saying what is wanted."""
    m = _SHARD.match(text.strip())
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UserError(f"--shard takes K/N with 1 <= K <= N (e.g. 1/4), not {text!r}")
    return int(m.group(1)), int(m.group(2))


def assign(scenarios: Sequence[Scenario], n: int, weight: Callable[[Scenario], float]) -> list[int]:
    """The shard (1..n) of each scenario, in the scenarios' order."""
    load = [0.0] * n
    shard_of: dict[str, int] = {}
    for s in sorted(scenarios, key=lambda s: (-weight(s), s.name)):
        k = min(range(n), key=lambda i: (load[i], i))
        load[k] += max(weight(s), 0.0)
        shard_of[s.name] = k + 1
    return [shard_of[s.name] for s in scenarios]


def pick(
    scenarios: Sequence[Scenario], k: int, n: int, weight: Callable[[Scenario], float]
) -> list[Scenario]:
    """The scenarios of shard `k` of `n`, in their order."""
    shards = assign(scenarios, n, weight)
    return [s for s, at in zip(scenarios, shards, strict=True) if at == k]
