"""`--update`: rewrite a scenario's expectations from what was observed (snapshot testing).

The observed facts replace the checked ones; what only a person can say (description, profile,
timeout, args, env, which functions must appear or be inlined) is kept. The diff is shown before the
file is written. The file is edited, not rewritten (tomlkit): only the keys whose values differ
change, so its comments, its order and its inline tables stay as the person wrote them.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import tomli_w

from dlvauto.report import Report
from dlvauto.suite.expect import Expectation

_ORDER = [
    "description", "kind", "message", "message_regex", "crash_goroutine", "exit_code", "timeout", "args",
    "env", "profile", "first_user_frame", "frame_n", "functions", "inlined", "not_inlined", "signature",
    "race", "races", "allowed_races",
]  # fmt: skip


def _rel(path: str | None, root: Path) -> str | None:
    if path and path.startswith(str(root) + "/"):
        return path[len(str(root)) + 1 :]
    return path


def observed(old: Expectation, report: Report, scenario_dir: Path) -> dict[str, Any]:
    """The expectation the report would satisfy exactly, keeping what only a person can say."""
    c = report.crash
    data: dict[str, Any] = {"description": old.description, "kind": c.kind}
    if c.message is not None:
        if old.message_regex is not None:
            data["message_regex"] = old.message_regex
        else:
            data["message"] = c.message
    if c.goroutine_id is not None:
        data["crash_goroutine"] = "main" if c.goroutine_id == 1 else "other"
    if c.kind == "none" and report.exit_code is not None:
        data["exit_code"] = report.exit_code
    if "timeout" in old.model_fields_set:
        data["timeout"] = old.timeout
    for key in ("args", "env", "functions", "inlined", "not_inlined"):
        value = getattr(old, key)
        if value:
            data[key] = value
    if "profile" in old.model_fields_set:
        data["profile"] = old.profile
    root = Path(report.source.module_dir) if report.source.module_dir else scenario_dir
    if c.first_user_frame is not None:
        fu = c.first_user_frame
        data["first_user_frame"] = {
            "function": fu.function or "",
            "file": _rel(fu.file, root) or "",
            "line": fu.line,
        }
    if c.kind != "none":
        fn = c.frame_n.frame.function if c.frame_n.frame else ""
        data["frame_n"] = {"n": c.frame_n.n, "function": fn or ""}
    if old.signature is not None:
        data["signature"] = c.signature
    if "race" in old.model_fields_set:
        data["race"] = old.race
    seen = sorted({r.signature for r in report.races})
    # The races observed are accepted the way a moved line is: counted, and listed when a list was kept.
    if old.races is not None or seen:
        data["races"] = len(seen)
    if old.allowed_races:
        data["allowed_races"] = seen
    return {k: data[k] for k in _ORDER if k in data and data[k] is not None and data[k] != ""}


def render(data: dict[str, Any]) -> str:
    return tomli_w.dumps(data)


def _plain(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def edit(old_text: str, data: dict[str, Any]) -> str:
    """`old_text` with its checked keys set to `data`'s: a key whose value is already right is left
    alone (its comment and layout too), a table's keys are changed one by one (an inline table stays
    inline), a checked key the observation no longer has is removed, a new one is added."""
    import tomlkit
    from tomlkit.items import InlineTable, Table

    doc = tomlkit.parse(old_text)
    for key in _ORDER:
        if key not in data:
            if key in doc:
                del doc[key]
            continue
        want = data[key]
        if key in doc and _plain(doc[key]) == want:
            continue
        have = doc.get(key)
        if isinstance(want, dict) and isinstance(have, InlineTable | Table):
            for sub in [k for k in have if k not in want]:
                del have[sub]
            for sub, value in want.items():
                if _plain(have.get(sub)) != value:
                    have[sub] = value
            continue
        if isinstance(want, dict):
            table = tomlkit.inline_table()
            table.update(want)
            doc[key] = table
        else:
            doc[key] = want
    return tomlkit.dumps(doc)


def plan(path: Path, new_text: str) -> str:
    """The unified diff from the file on disk to `new_text` ('' when nothing changes)."""
    old_text = path.read_text()
    if Expectation.model_validate(_load(old_text)) == Expectation.model_validate(_load(new_text)):
        return ""
    return "".join(
        difflib.unified_diff(
            old_text.splitlines(True), new_text.splitlines(True), str(path), f"{path} (observed)"
        )
    )


def _load(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)
