"""Running scenarios: build (cache shared), run under dlv, analyse, compare; several at once."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import field

from dlvauto.errors import DlvautoError
from dlvauto.records import record
from dlvauto.report import Report
from dlvauto.suite.expect import Expectation, differences
from dlvauto.suite.scenarios import Scenario


@record
class Outcome:
    """What one scenario did: its report and how it departed from its expectation."""

    scenario: Scenario
    expectation: Expectation | None = None
    report: Report | None = None
    differences: list[str] = field(default_factory=list)
    error: str | None = None  # the scenario could not be run (bad expect.toml, compile error, ...)
    seconds: float = 0.0
    build_key: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.differences

    @property
    def status(self) -> str:
        return "error" if self.error is not None else ("pass" if not self.differences else "fail")


def run_one(scenario: Scenario, frame_n: int = 17) -> Outcome:
    """Build and run one scenario; never raises for the scenario's own faults."""
    from dlvauto.analysis import analyze
    from dlvauto.gobuild.program import build
    from dlvauto.sources.live import run_live

    start = time.monotonic()
    out = Outcome(scenario)
    try:
        exp = scenario.expectation()
        out.expectation = exp
        env = {**os.environ, **exp.env} if exp.env else None
        flags, env = exp.race_flags(env)
        if exp.test is not None:
            from dlvauto.gobuild.program import build_test

            package = (scenario.path / exp.package).resolve()
            built = build_test(package, exp.profile, extra_flags=flags)
            args = ["-test.v=true", f"-test.run=^{exp.test}$", *exp.args]
            out.build_key = built.key
            snap = run_live(built.binary, args, facts=built.facts, timeout=exp.timeout, env=env, cwd=package)
        else:
            built = build(scenario.path, exp.profile, extra_flags=flags)
            out.build_key = built.key
            snap = run_live(built.binary, exp.args, facts=built.facts, timeout=exp.timeout, env=env)
        out.report = analyze(snap, frame_n=exp.frame_n.n if exp.frame_n else frame_n)
        out.differences = differences(exp, out.report)
    except DlvautoError as exc:
        detail = getattr(exc, "detail", "")
        out.error = str(exc) + (f"\n{detail}" if detail else "")
    out.seconds = time.monotonic() - start
    return out


def expected_seconds(scenario: Scenario) -> float:
    """About how long a scenario takes: a hang its whole timeout, anything else half a second."""
    try:
        exp = scenario.expectation()
    except DlvautoError:
        return 0.0
    return exp.timeout if exp.kind == "hang" else 0.5


def run_all(
    scenarios: list[Scenario],
    jobs: int = 1,
    on_start: Callable[[Scenario], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run every scenario, `jobs` at a time; outcomes in the scenarios' order."""
    results: dict[str, Outcome] = {}

    def task(s: Scenario) -> Outcome:
        if on_start:
            on_start(s)
        return run_one(s)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        # Longest first (a hang takes its whole timeout): the others fill the remaining workers.
        futures = {pool.submit(task, s): s for s in sorted(scenarios, key=expected_seconds, reverse=True)}
        for fut in as_completed(futures):
            outcome = fut.result()
            results[outcome.scenario.name] = outcome
            if on_done:
                on_done(outcome)
    return [results[s.name] for s in scenarios]
