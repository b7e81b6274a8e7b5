"""--shard K/N: every scenario in exactly one shard, the same shards on every run, balanced."""

from __future__ import annotations

import pytest

from dlvauto.errors import UserError
from dlvauto.suite import scenarios as sc
from dlvauto.suite import shard
from dlvauto.suite.runner import expected_seconds

from tests.helpers import EXAMPLES, SCENARIO_NAMES


@pytest.mark.parametrize("n", [1, 2, 3, 5, len(SCENARIO_NAMES), len(SCENARIO_NAMES) + 3])
def test_every_scenario_is_in_exactly_one_shard(n: int) -> None:
    found = sc.find([EXAMPLES])
    shards = [shard.pick(found, k, n, expected_seconds) for k in range(1, n + 1)]
    names = [s.name for one in shards for s in one]
    assert sorted(names) == sorted(SCENARIO_NAMES)
    assert len(names) == len(set(names))
    again = [shard.pick(list(reversed(found)), k, n, expected_seconds) for k in range(1, n + 1)]
    assert [sorted(s.name for s in one) for one in again] == [sorted(s.name for s in one) for one in shards]


def test_shards_are_balanced_by_expected_duration() -> None:
    found = sc.find([EXAMPLES])
    loads = [sum(expected_seconds(s) for s in shard.pick(found, k, 2, expected_seconds)) for k in (1, 2)]
    heaviest = max(expected_seconds(s) for s in found)
    assert abs(loads[0] - loads[1]) <= heaviest  # greedy longest-first: within one scenario


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", ""])
def test_bad_shard_is_one_line(text: str) -> None:
    with pytest.raises(UserError) as err:
        shard.parse(text)
    assert str(err.value) == f"--shard takes K/N with 1 <= K <= N (e.g. 1/4), not {text!r}"
