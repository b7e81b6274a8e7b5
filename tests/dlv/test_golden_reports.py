"""Every report field of every example, in every mode, is what it was when the golden copy was made.

tests/golden.py records the corpus through the command line (live over RPC and over the REPL, text,
`run --via core`, the saved core over RPC and over the REPL, attach); this test runs the same modes
again and compares field by field, leaving out only the paths that differed between the recordings
themselves (scheduling, heap addresses). A change that is meant to change reports re-records them
(`python -m tests.golden NAME`) in the same commit, which then shows the change as a diff of data.
"""

from __future__ import annotations

import pytest

from tests import golden
from tests.helpers import needs_dlv

pytestmark = needs_dlv

NAMES = golden.example_names()


@pytest.fixture(scope="module")
def versions() -> dict[str, str]:
    return golden._versions()


@pytest.mark.parametrize("name", NAMES)
def test_reports_unchanged(name: str, versions: dict[str, str]) -> None:
    recorded = golden.load(name)
    if golden.comparable(recorded["recorded_with"]) != golden.comparable(versions):
        pytest.skip(f"recorded with {recorded['recorded_with']}, this machine has {versions}")
    now = golden.run_modes(name)
    assert set(now) == set(recorded["modes"]), "the same modes run for this example"
    problems = []
    for mode, want in recorded["modes"].items():
        unstable = set(want["unstable"])
        if "/" in unstable:
            continue
        status, doc = now[mode]
        if status != want["status"]:
            problems.append(f"{mode}: exit status {status}, recorded {want['status']}: {doc}")
            continue
        for p in golden.compare(want["report"], doc, unstable):
            problems.append(f"{mode}: {p}{golden.explain(want['report'], doc, p)}")
    assert not problems, "\n".join(problems[:40])
