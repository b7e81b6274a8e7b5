"""What the tests share, imported as `from tests.helpers import ...` (fixtures are in conftest.py files).

Paths, the real toolchain (skipped with the reason when missing), the command line as a user runs
it, "one clear error line", processes, cores of the crashing examples, and reports recorded from
real runs.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dlvauto.analysis import analyze
from dlvauto.enrich.source import add_source
from dlvauto.errors import UserError
from dlvauto.gobuild.program import BuildResult, build
from dlvauto.report import OMIT_WHEN_NONE, Report
from dlvauto.snapshot import snapshot_from_json
from dlvauto.sources.live import run_live
from dlvauto.sources.viacore import check_cores_possible, find_core
from dlvauto.suite.expect import Expectation
from dlvauto.system import proc
from dlvauto.system.dlv import find_dlv

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "go"
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/expect.toml"))
# Every scenario of the corpus: the examples and the scenarios nested in them (service/scenarios/*).
SCENARIO_NAMES = sorted(str(p.parent.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("expect.toml"))
DLVAUTO = [sys.executable, "-m", "dlvauto"]


# ---- the real toolchain -------------------------------------------------------------------------


def _missing_tool() -> str | None:
    if shutil.which("go") is None:
        return "go is not installed"
    try:
        find_dlv()
    except Exception as exc:
        return f"dlv is missing: {exc}"
    return None


MISSING = _missing_tool()
needs_dlv = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def build_example(name: str, profile: str | None = None) -> BuildResult:
    """Example `name` built as its expect.toml says (its profile, `-race` when `race` is on), so
    every mode of the corpus runs the program the suite runs."""
    exp = Expectation.load(EXAMPLES / name / "expect.toml")
    flags, _ = exp.race_flags(None)
    return build(EXAMPLES / name, profile or exp.profile, extra_flags=flags)


def example_env(exp: Expectation, **extra: str) -> dict[str, str]:
    """The environment an example runs in: ours, its `env`, GORACE for `race = "halt"`, `extra`."""
    _, env = exp.race_flags({**os.environ, **exp.env})
    return {**(env or {}), **extra}


def crash_expectation(exp: Expectation) -> Expectation:
    """`exp` without its race expectations, for a mode that sees no program output (a core): the
    detector's reports are text on stderr, which a core does not hold."""
    if exp.race == "off":
        return exp
    return exp.model_copy(update={"races": None, "allowed_races": [], "race": "off"})


def live_report(name: str, cache: dict[str, Report]) -> Report:
    """The report of example `name` run for real under dlv, once per session (`cache`: the
    `live_reports` fixture)."""
    if name not in cache:
        exp = Expectation.load(EXAMPLES / name / "expect.toml")
        built = build_example(name)
        env = example_env(exp) if exp.race == "halt" else None
        snap = run_live(built.binary, exp.args, facts=built.facts, timeout=exp.timeout, env=env)
        cache[name] = analyze(snap)
    return cache[name]


# ---- the command line -----------------------------------------------------------------------------


def run_cli(
    *args: str, timeout: float = 180, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the dlvauto command line as a user would."""
    return subprocess.run(
        [*DLVAUTO, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else os.environ.copy(),
        cwd=ROOT,
    )


def run_python(
    code: str, *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`python -c CODE ARGS...` in the checkout, as a probe of the command line's first steps."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env if env is not None else os.environ.copy(),
        cwd=ROOT,
        timeout=timeout,
    )


# The end of the early start, as a probe of the command line's first steps waits for it: the check
# and dlv's start done (`built`, `pending`), and the memo written, which happens just after dlv is
# handed on, as a whole run would wait. Expects `early`, `time` imported and early.begin called.
PROBE_EARLY_DONE = """
started = early._started
started.done.wait(300)
built = started.built
pending = started.pending.result(120) if built is not None else None
for _ in range(500 if built is not None else 0):
    if early._remembered(started.plan) == (str(built.binary), started.built_in):
        break
    time.sleep(0.01)
"""


def run_probe(code: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """Run a probe (`run_python`) and read the JSON object its last line prints."""
    done = run_python(code, *args, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def write_go_program(
    root: Path, prefix: str, body: str, *, imports: str = "", main: str = ""
) -> tuple[Path, str]:
    """A module under `root` named `prefix` + random hex, whose function `<name>Fail` runs `body`
    and is called from main after `main`'s lines: its folder and that function's name."""
    name = f"{prefix}{secrets.token_hex(4)}"
    src = root / name
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n")
    fail = f"{name}Fail"
    block = f"import (\n{imports})\n\n" if imports else ""
    (src / "main.go").write_text(
        f"package main\n\n{block}func {fail}() {{\n{body}}}\n\nfunc main() {{\n{main}\t{fail}()\n}}\n"
    )
    return src, fail


ERROR = "dlvauto: error: "


def error_line_problem(
    stderr: str, *, detail_follows: bool = False, ignoring: tuple[str, ...] = ()
) -> tuple[str, str | None]:
    """The first line said on `stderr`, and what keeps it from being one clear error line (None: nothing).

    One clear error line: the only non-blank line on stderr, starting "dlvauto: error: ", and no
    Python traceback. Lines starting with one of `ignoring` (dlvauto's "paused at" notes) do not
    count; with `detail_follows` more lines may follow the error line (the compiler's own words).
    """
    lines = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith(ignoring)]
    first = lines[0] if lines else ""
    if not lines:
        return first, "nothing was said on stderr"
    if not first.startswith(ERROR):
        return first, f"the first line does not start with {ERROR!r}"
    if "Traceback" in stderr:
        return first, "a Python traceback"
    if len(lines) > 1 and not detail_follows:
        return first, f"{len(lines)} lines, not one"
    return first, None


def one_error_line(
    said: subprocess.CompletedProcess[str] | str,
    *,
    status: int = 2,
    detail_follows: bool = False,
    ignoring: tuple[str, ...] = (),
) -> str:
    """Assert that a command said one clear error line (see error_line_problem); return that line.

    Given the finished command, its exit status must be `status` too (2: bad input); given its
    stderr alone, the caller checks the status.
    """
    if isinstance(said, str):
        stderr = said
    else:
        assert said.returncode == status, (said.returncode, said.stderr)
        stderr = said.stderr
    line, problem = error_line_problem(stderr, detail_follows=detail_follows, ignoring=ignoring)
    assert problem is None, f"{problem}; stderr: {stderr!r}"
    return line


# ---- processes ------------------------------------------------------------------------------------


def processes_mentioning(text: str) -> list[int]:
    """Live (non-zombie) processes whose command line contains `text`."""
    return _processes_whose("cmdline", text)


def processes_with_env(text: str) -> list[int]:
    """Live (non-zombie) processes whose environment holds `text` (`NAME=value`): a child and all
    it starts inherit it (go build and its compile jobs)."""
    return _processes_whose("environ", text)


def _processes_whose(name: str, text: str) -> list[int]:
    """Live (non-zombie) processes, this one left out, whose /proc/PID/`name` contains `text`."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            said = (d / name).read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if text in said and state != "Z" and int(d.name) != os.getpid():
            found.append(int(d.name))
    return found


def comm(pid: int) -> str:
    """A process's command name, or "" once it is gone (processes come and go while we look)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def wait_for(pred: Callable[[], object], timeout: float) -> bool:
    """Whether `pred()` turned true within `timeout` seconds (polled every 50 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def cache_env(cache: Path) -> dict[str, str]:
    """This environment with DLVAUTO_CACHE_DIR=`cache`: our processes are found by that path."""
    env = os.environ.copy()
    env["DLVAUTO_CACHE_DIR"] = str(cache)  # a unique binary path to find our processes by
    return env


def target_and_dlv_running(cache: Path) -> bool:
    """dlv and the target it runs are both up, for a run with DLVAUTO_CACHE_DIR=`cache`."""
    # dlv's command line and the target's both hold the cached binary's path (so do `go build`'s
    # while it writes that binary: tell them apart by name).
    names = {comm(pid) for pid in processes_mentioning(str(cache / "builds"))}
    return "dlv" in names and bool(names - {"dlv", "go", "link", "compile", "asm", "cgo", "gcc", "cc1", "ld"})


def tracer_of(pid: int) -> str:
    """The TracerPid of a process ("0": no debugger attached)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("TracerPid:"):
            return line.split()[1]
    raise AssertionError("no TracerPid line")


def assert_hang_report(report: dict[str, Any], mode: str) -> None:
    """The JSON report of the `hang` example, captured while it runs (attach, connect)."""
    c = report["crash"]
    assert report["source"]["mode"] == mode
    assert c["kind"] == "hang" and c["goroutine_id"] == 1
    assert c["first_user_frame"]["function"] == "main.waitReady"
    assert c["first_user_frame"]["line"] == 18
    assert report["source"]["module_dir"] == str(EXAMPLES / "hang")
    funcs = {f["function"] for g in report["goroutines"] for f in g["frames"]}
    assert "main.heartbeat" in funcs, "every goroutine is captured, not just main"


# ---- core dumps -------------------------------------------------------------------------------------

CRASHING = [
    n
    for n in EXAMPLE_NAMES
    if Expectation.load(EXAMPLES / n / "expect.toml").kind in ("panic", "fatal", "signal")
]


def _core_problem() -> str | None:
    try:
        check_cores_possible()
    except UserError as exc:
        return str(exc)
    return None


CORE_PROBLEM = _core_problem()
needs_cores = pytest.mark.skipif(CORE_PROBLEM is not None, reason=f"no core files here: {CORE_PROBLEM}")


class CoreMaker:
    """Builds an example and crashes it once into a core, on first use; every test shares the result."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[str, tuple[Path, Path]] = {}

    def __call__(self, name: str) -> tuple[Path, Path]:
        if name not in self.made:
            exp = Expectation.load(EXAMPLES / name / "expect.toml")
            binary = build_example(name).binary
            folder = self.root / name
            folder.mkdir()
            env = example_env(exp, GOTRACEBACK="crash")
            since = time.time()
            sp = proc.spawn([str(binary), *exp.args], cwd=folder, env=env, core_size=-1)
            with proc.owned(sp):
                status = sp.wait(60)
            assert status is not None and status < 0, f"{name} did not die of a signal ({status})"
            core = find_core(check_cores_possible(), folder, sp.pid, binary.name, since)
            assert core is not None, f"{name} wrote no core in {folder}"
            self.made[name] = (Path(binary), core)
        return self.made[name]


# ---- recorded reports ---------------------------------------------------------------------------------


def recorded(name: str, tmp_path: Path | None = None) -> Report:
    """A recorded report, its sources mapped to a copy of the example (as --source-root does)."""
    doc = json.loads((DATA / "snapshots" / f"{name}.json").read_text())
    report = analyze(snapshot_from_json(doc["snapshot"]))
    if tmp_path is not None and report.source.module_dir:
        example = doc["recorded_with"]["example"]
        here = tmp_path / example
        if not here.exists():
            shutil.copytree(EXAMPLES / example, here)
        add_source(report, [(report.source.module_dir, str(here))])
    return report


def plain(value: Any) -> Any:
    """A report model as JSON values, made independently of render/json.py's writer: each field
    in order, one marked omit_when_none left out when None, a dict's keys as strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.metadata.get(OMIT_WHEN_NONE) and getattr(value, f.name) is None)
        }
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def reference_json(report: Any) -> str:
    """The contract's text of `report` (or any report model) by the standard library's json: what
    pydantic's `model_dump_json(indent=2)` wrote in the first wave, and what render/json.py must
    write byte for byte."""
    return json.dumps(plain(report), indent=2, ensure_ascii=False) + "\n"


def load_launcher() -> ModuleType:
    """scripts/launcher.py as a module (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("launcher", ROOT / "scripts" / "launcher.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
