"""Expectations of a crash scenario (`expect.toml`) and how a report is checked against them.

The format is the one `examples/go/*/expect.toml` uses; a bad file is one clear line naming the
file, the key and what is allowed.
"""

from __future__ import annotations

import datetime  # noqa: F401  # before pydantic_core loads it: see cli.main
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dlvauto.errors import UserError, shown
from dlvauto.report import CrashKind, Frame, Report
from dlvauto.suite.races import race_differences


class FrameExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    function: str
    file: str | None = None
    line: int | None = None


class FrameNExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int = Field(default=17, ge=0, le=100_000)
    function: str = ""  # "" when frame N lies beyond the stack


class Expectation(BaseModel):
    """What a scenario's report must show; every key but `kind` is optional."""

    model_config = ConfigDict(extra="forbid")
    description: str = ""
    kind: CrashKind
    message: str | None = None
    message_regex: str | None = None
    crash_goroutine: Literal["main", "other"] | None = None
    exit_code: int | None = None
    timeout: float = Field(default=60.0, gt=0, le=31 * 24 * 3600)  # at most a month, as --timeout
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    profile: Literal["debug", "optimized"] = "debug"
    first_user_frame: FrameExpect | None = None
    frame_n: FrameNExpect | None = None
    functions: list[str] = Field(default_factory=list)  # must appear in the crash goroutine
    inlined: list[str] = Field(default_factory=list)  # functions whose frames must be inlined
    not_inlined: list[str] = Field(default_factory=list)
    signature: str | None = None
    # A scenario that is a test: the test binary of `package` (relative to the scenario's folder),
    # run with -test.run=^test$ (and `args` after it, e.g. -test.timeout=2s).
    test: str | None = None
    package: str = "."
    stuck_tests: list[str] = Field(default_factory=list)  # tests a -test.timeout found running
    failed_tests: list[str] = Field(default_factory=list)  # tests reported failed, exactly
    # A race build (`--race on|halt`); `races` the exact number of distinct race signatures,
    # `allowed_races` the signatures that may appear. Any other race fails the scenario.
    race: Literal["off", "on", "halt"] = "off"
    races: int | None = Field(default=None, ge=0, le=100_000)
    allowed_races: list[str] = Field(default_factory=list)

    def race_flags(self, env: dict[str, str] | None) -> tuple[list[str], dict[str, str] | None]:
        """The build flags and the program's environment `race` asks for (as `--race` does)."""
        from dlvauto.gobuild.race import race_build

        return race_build(self.race, env)

    @field_validator("message_regex")
    @classmethod
    def _valid_regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return v

    @classmethod
    def load(cls, path: str | Path) -> Expectation:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:  # a binary file where the expectations should be
            raise UserError(
                f"{shown(path)}: not valid TOML: it is not UTF-8 text (byte {exc.start} is "
                f"{exc.object[exc.start]:#04x}); write the expectations as TOML text"
            ) from None
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{path}: not valid TOML: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise UserError(f"{path}: {_explain(exc)}") from exc


def _allowed(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _explain(exc: ValidationError) -> str:
    """One line: the key, what is wrong, and what is allowed there."""
    errors = exc.errors()
    # A misspelt key explains the missing one beside it: name the unknown key first.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in err["loc"]]
    key = ".".join(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        parent: type[BaseModel] = Expectation
        if loc[:1] == ["first_user_frame"]:
            parent = FrameExpect
        elif loc[:1] == ["frame_n"]:
            parent = FrameNExpect
        return f"unknown key {key!r}; allowed keys: {_allowed(parent)}"
    if err["type"] == "missing":
        return f"key {key!r} is required"
    return f"key {key!r}: {err['msg']}"


def _rel(path: str | None, report: Report) -> str | None:
    root = report.source.module_dir
    if path and root and path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1 :]
    return path


def _frame_diff(label: str, want: FrameExpect, got: Frame | None, report: Report) -> list[str]:
    if got is None:
        return [f"{label}: expected {want.function}, got none"]
    out = []
    if got.function != want.function:
        out.append(f"{label}.function: expected {want.function!r}, got {got.function!r}")
    if want.file is not None and _rel(got.file, report) != want.file:
        out.append(f"{label}.file: expected {want.file!r}, got {_rel(got.file, report)!r}")
    if want.line is not None and got.line != want.line:
        out.append(f"{label}.line: expected {want.line}, got {got.line}")
    return out


def differences(expect: Expectation, report: Report) -> list[str]:
    """Every way `report` departs from `expect`, one line each; empty when it holds."""
    c = report.crash
    diffs: list[str] = []
    if c.kind != expect.kind:
        diffs.append(f"kind: expected {expect.kind!r}, got {c.kind!r}")
    if expect.message is not None and expect.message not in (c.message or ""):
        diffs.append(f"message: expected to contain {expect.message!r}, got {c.message!r}")
    if expect.message_regex is not None and not re.search(expect.message_regex, c.message or ""):
        diffs.append(f"message: expected to match /{expect.message_regex}/, got {c.message!r}")
    if expect.exit_code is not None and report.exit_code != expect.exit_code:
        diffs.append(f"exit_code: expected {expect.exit_code}, got {report.exit_code}")
    if expect.crash_goroutine is not None:
        got = None if c.goroutine_id is None else ("main" if c.goroutine_id == 1 else "other")
        if got != expect.crash_goroutine:
            diffs.append(
                f"crash_goroutine: expected {expect.crash_goroutine}, got {got} (id {c.goroutine_id})"
            )
    if expect.first_user_frame is not None:
        diffs += _frame_diff("first_user_frame", expect.first_user_frame, c.first_user_frame, report)
    g = report.crash_goroutine()
    frames = g.frames if g is not None else []
    names = {f.function for f in frames}
    for fn in expect.functions:
        if fn not in names:
            diffs.append(f"functions: {fn!r} is not on the crash goroutine's stack")
    for fn in expect.inlined:
        hits = [f for f in frames if f.function == fn]
        if not hits:
            diffs.append(f"inlined: {fn!r} is not on the crash goroutine's stack")
        elif not all(f.inlined for f in hits):
            diffs.append(f"inlined: {fn!r} was expected inlined, it is not")
    for fn in expect.not_inlined:
        if any(f.inlined for f in frames if f.function == fn):
            diffs.append(f"not_inlined: {fn!r} was expected not inlined, it is inlined")
    if expect.signature is not None and c.signature != expect.signature:
        diffs.append(f"signature: expected {expect.signature}, got {c.signature}")
    if expect.stuck_tests:
        got_stuck = sorted(s.test or "?" for s in c.stuck)
        if got_stuck != sorted(expect.stuck_tests):
            diffs.append(f"stuck_tests: expected {sorted(expect.stuck_tests)}, got {got_stuck}")
    if expect.failed_tests:
        got_failed = [t.name for t in report.failed_tests]
        if got_failed != expect.failed_tests:
            diffs.append(f"failed_tests: expected {expect.failed_tests}, got {got_failed}")
    if expect.frame_n is not None:
        if c.frame_n.n != expect.frame_n.n:
            diffs.append(f"frame_n.n: report used {c.frame_n.n}, expectation is for {expect.frame_n.n}")
        got_fn = c.frame_n.frame.function if c.frame_n.frame else ""
        if (got_fn or "") != expect.frame_n.function:
            diffs.append(f"frame_n.function: expected {expect.frame_n.function!r}, got {got_fn!r}")
    diffs += race_differences(expect.races, expect.allowed_races, report)
    return diffs
