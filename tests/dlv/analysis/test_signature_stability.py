"""A crash keeps its signature across builds: another GOPATH and GOCACHE, and debug vs optimized."""

from __future__ import annotations

import json
import os
from pathlib import Path

from junitparser import JUnitXml

from tests.helpers import EXAMPLE_NAMES, EXAMPLES, needs_dlv, run_cli

pytestmark = needs_dlv


def _suite_reports(tmp: Path, tag: str) -> dict[str, dict]:  # type: ignore[type-arg]
    env = os.environ.copy()
    env.update(GOPATH=str(tmp / f"gopath-{tag}"), GOCACHE=str(tmp / f"gocache-{tag}"),
               DLVAUTO_CACHE_DIR=str(tmp / f"dlvauto-{tag}"))  # fmt: skip
    junit = tmp / f"{tag}.xml"
    reports = tmp / f"reports-{tag}"
    r = run_cli(
        "suite",
        str(EXAMPLES),
        "-j",
        "2",
        "--junit",
        str(junit),
        "--reports",
        str(reports),
        env=env,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout  # stdout holds each failing scenario's differences or error
    names = [c.name for c in next(iter(JUnitXml.fromfile(str(junit))))]
    return {n: json.loads((reports / (n.replace("/", "__") + ".json")).read_text()) for n in names}


def _where(report: dict) -> tuple[str, str, int] | None:  # type: ignore[type-arg]
    fu = report["crash"]["first_user_frame"]
    return (fu["function"], fu["file"], fu["line"]) if fu else None


def test_signatures_survive_another_gopath_gocache_and_profile(tmp_path: Path) -> None:
    first = _suite_reports(tmp_path, "a")
    second = _suite_reports(tmp_path, "b")
    assert set(first) == set(second) and set(EXAMPLE_NAMES) <= set(first)  # + the test scenarios
    for name in first:
        a, b = first[name], second[name]
        assert a["source"]["binary"] != b["source"]["binary"], "two separate builds"
        assert a["crash"]["signature"] == b["crash"]["signature"], name
    same_place = 0
    for name in EXAMPLE_NAMES:
        out = tmp_path / f"{name}.opt.json"
        r = run_cli(
            "run", str(EXAMPLES / name), "--profile", "optimized", "--timeout", "3", "--json", str(out)
        )
        assert r.returncode == 0, r.stderr
        opt, dbg = json.loads(out.read_text()), first[name]
        if _where(opt) == _where(dbg) and opt["crash"]["kind"] == dbg["crash"]["kind"]:
            same_place += 1
            assert opt["crash"]["signature"] == dbg["crash"]["signature"], name
    assert same_place >= len(EXAMPLE_NAMES) // 2, "most examples crash at the same place when optimized"
