"""Golden reports: the whole example corpus through every mode, recorded, and held against later runs.

A restructuring must not change what a report says. `record()` runs every example under
`examples/go/` through the real command line in each mode a user has (live over RPC and over the
REPL, the text of the live run's stderr, `run --via core`, the saved core reopened over RPC and over
the REPL, and `attach` for the examples that run until halted) and keeps the JSON reports under
`tests/data/golden/`. Each mode is recorded twice: the JSON paths whose values differ between the
two recordings (scheduling, addresses, timing) are the example's *unstable* paths and are not
compared; everything else must stay exactly as recorded. Paths of this machine (the checkout, the
build cache, temporary folders, GOROOT, the module cache) are written as placeholders.

    python -m tests.golden [NAME ...]      re-record (after a change that is meant to change reports)
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "go"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
DLVAUTO = [sys.executable, "-m", "dlvauto"]
RECORDINGS = 3

Json = Any
# A mode: (name, function of (example, scratch folder, earlier results) -> (status, document)).
Result = tuple[int, Json]


def _expect(name: str) -> dict[str, Any]:
    return tomllib.loads((EXAMPLES / name / "expect.toml").read_text())


def example_names() -> list[str]:
    return sorted(p.parent.name for p in EXAMPLES.glob("*/expect.toml"))


def _cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 300
) -> Result:
    """Run the command line; (exit status, the JSON on stdout or the error line)."""
    done = subprocess.run(
        [*DLVAUTO, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        input=stdin,
    )
    if done.returncode == 0 and done.stdout.lstrip().startswith(("{", "[")):
        return 0, json.loads(done.stdout)
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("dlvauto: error:")]
    return done.returncode, {"error": lines[-1] if lines else done.stderr.strip()[-300:]}


def _run_args(name: str) -> tuple[list[str], dict[str, str]]:
    exp = _expect(name)
    opts = ["--profile", exp.get("profile", "debug"), "--timeout", str(exp.get("timeout", 60))]
    if exp.get("race", "off") != "off":  # a race build, as the suite runs it
        opts += ["--race", exp["race"]]
    return opts, dict(exp.get("env", {}))


def _tail(name: str) -> list[str]:
    args = _expect(name).get("args", [])
    return ["--", *args] if args else []


def live(backend: str) -> Callable[[str, Path, dict[str, Result]], Result]:
    def run(name: str, scratch: Path, done: dict[str, Result]) -> Result:
        opts, env = _run_args(name)
        return _cli(
            "run", str(EXAMPLES / name), *opts, "--backend", backend, "--json", "-", *_tail(name), env=env
        )

    return run


def text(name: str, scratch: Path, done: dict[str, Result]) -> Result:
    status, doc = done["live-rpc"]
    if status != 0 or not doc["output"]["stderr"]:
        return 2, {"error": "no stderr to parse"}
    # The folder the user names to get source lines (a traceback's own paths are not trusted).
    folder = str(EXAMPLES / name)
    return _cli("parse", "-", "--module-dir", folder, "--json", "-", stdin=doc["output"]["stderr"])


def via_core(name: str, scratch: Path, done: dict[str, Result]) -> Result:
    opts, env = _run_args(name)
    saved = scratch / "saved"
    return _cli(
        "run", str(EXAMPLES / name), *opts, "--via", "core", "--save-core", str(saved), "--json", "-",
        *_tail(name), env=env,
    )  # fmt: skip


def core(backend: str) -> Callable[[str, Path, dict[str, Result]], Result]:
    def run(name: str, scratch: Path, done: dict[str, Result]) -> Result:
        saved = scratch / "saved"
        if not (saved / "stop.json").is_file():
            return 2, {"error": "no saved core"}
        return _cli("core", str(saved), "--backend", backend, "--json", "-")

    return run


def attach(backend: str) -> Callable[[str, Path, dict[str, Result]], Result]:
    """Attach to the example's program while it runs (examples whose kind is `hang`)."""

    def run(name: str, scratch: Path, done: dict[str, Result]) -> Result:
        from dlvauto.gobuild.program import build
        from dlvauto.system import proc

        built = build(EXAMPLES / name, _expect(name).get("profile", "debug"))
        sp = proc.spawn([str(built.binary), *_expect(name).get("args", [])], cwd=scratch)
        with proc.owned(sp):
            time.sleep(0.5)  # let it reach the place where it waits
            return _cli("attach", str(sp.pid), "--backend", backend, "--json", "-")

    return run


def modes_for(name: str) -> dict[str, Callable[[str, Path, dict[str, Result]], Result]]:
    kind = _expect(name)["kind"]
    out: dict[str, Callable[[str, Path, dict[str, Result]], Result]] = {
        "live-rpc": live("rpc"),
        "live-repl": live("repl"),
        "text": text,
        "via-core": via_core,
        "core-rpc": core("rpc"),
        "core-repl": core("repl"),
    }
    if kind == "hang":
        out["attach-rpc"] = attach("rpc")
        out["attach-repl"] = attach("repl")
    return out


def run_modes(name: str) -> dict[str, Result]:
    """Every mode of one example, in order (text reads the live run; cores read the saved folder)."""
    done: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        scratch = Path(tmp)
        for mode, fn in modes_for(name).items():
            status, doc = fn(name, scratch, done)
            done[mode] = (status, doc)
        return {m: (s, normalise(d, scratch)) for m, (s, d) in done.items()}


# ---- normalising ---------------------------------------------------------------------------------


def _machine_paths(scratch: Path) -> list[tuple[str, str]]:
    from dlvauto.gobuild.program import cache_root
    from dlvauto.system.go import go_env

    env = go_env()
    pairs = [
        (str(scratch.resolve()), "<SCRATCH>"),
        (str(scratch), "<SCRATCH>"),
        (str(cache_root().resolve()), "<CACHE>"),
        (str(cache_root()), "<CACHE>"),
        (str(ROOT), "<ROOT>"),
        (env.gomodcache, "<GOMODCACHE>"),
        (env.goroot, "<GOROOT>"),
        (str(Path.home()), "<HOME>"),
    ]
    return [(a, b) for a, b in pairs if a]


_KEY = re.compile(r"builds/[0-9a-f]{24}")
# Go 1.26 randomises the heap's base: addresses in the runtime's text and in values change every
# run. Code addresses (pc=0x4be97b) are short and stay.
_HEAP = re.compile(r"0x[0-9a-f]{10,}")
_PRIVATE = re.compile(r"/tmp/dlvauto-[A-Za-z0-9_]+")


def _runtime_block(block: str) -> bool:
    """A goroutine of the runtime's own in the runtime's text (every function is the runtime's), or
    the stack of the thread that threw (`runtime stack:`, a system stack)."""
    lines = block.strip("\n").splitlines()
    if not lines or not lines[0].startswith(("goroutine ", "runtime stack:")):
        return False
    calls = [ln for ln in lines[1:] if ln and not ln.startswith("\t")]
    return bool(calls) and all(c.startswith(("runtime.", "created by runtime.")) for c in calls)


_ADDRESS = re.compile(r"0x[0-9a-f]{4,}")


def _program_text(text: str) -> str:
    """The program's output without the runtime-internal goroutines of a goroutine dump, nor the
    other threads' stacks that GOTRACEBACK=crash prints after `-----` (both change with
    scheduling, as the report's runtime-only goroutines do)."""
    text = text.split("\n-----\n", 1)[0]
    text = "\n\n".join(b for b in text.split("\n\n") if not _runtime_block(b))
    # The runtime prints addresses (panic values' type words, m=, mp=, sp=) that move with the
    # binary's layout, and so with the folder it was built in: a clone elsewhere is the same crash.
    return _ADDRESS.sub("0xADDR", text)


def normalise(doc: Json, scratch: Path) -> Json:
    pairs = _machine_paths(scratch)

    def fix(v: Json) -> Json:
        if isinstance(v, str):
            for a, b in pairs:
                v = v.replace(a, b)
            return _HEAP.sub("0xHEAP", _PRIVATE.sub("<PRIVATE>", _KEY.sub("builds/<KEY>", v)))
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v

    return fix(doc)


# ---- comparing -----------------------------------------------------------------------------------


def _runtime_only(g: Json) -> bool:
    frames = g.get("frames") or []
    return bool(frames) and all(f.get("category") == "runtime" for f in frames)


def _goroutine_key(g: Json, crash_id: object) -> str:
    return "crash" if g["id"] == crash_id else f"g{g['id']}"


def _keyed(v: Json, path: str, crash_id: object = None) -> Json:
    """Goroutines keyed by id (the crash goroutine as `crash`: which of several racing goroutines
    crashed can change), so a change of order or of one goroutine does not shift the rest.

    The runtime's own goroutines (GC workers, the finalizer, ...) come and go, and change ids and
    states, with scheduling: they are left out, as every human view hides them too.
    """
    if path == "" and isinstance(v, dict) and isinstance(v.get("crash"), dict):
        crash_id = v["crash"].get("goroutine_id")
    if isinstance(v, dict):
        return {k: _keyed(x, f"{path}/{k}", crash_id) for k, x in v.items()}
    if isinstance(v, list):
        if path.endswith("/goroutines") and all(isinstance(g, dict) and "id" in g for g in v):
            return {
                _goroutine_key(g, crash_id): _keyed(g, f"{path}/{_goroutine_key(g, crash_id)}", crash_id)
                for g in v
                if not _runtime_only(g) or g["id"] == crash_id
            }
        return [_keyed(x, f"{path}/{i}", crash_id) for i, x in enumerate(v)]
    return v


def differing_paths(a: Json, b: Json, path: str = "", additions_allowed: bool = False) -> Iterator[str]:
    """The JSON paths where `a` and `b` differ (a list of another length is one path).

    With `additions_allowed` a field that only `b` has is no difference: the report's contract lets
    fields be added, never renamed or removed.
    """
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) ^ set(b)):
            if k in a or not additions_allowed:
                yield f"{path}/{k}"  # a field, or a goroutine, that only one side has
        for k in a:
            if k in b:
                yield from differing_paths(a[k], b[k], f"{path}/{k}", additions_allowed)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield path or "/"
            return
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differing_paths(x, y, f"{path}/{i}", additions_allowed)
    elif a != b or type(a) is not type(b):
        yield path or "/"


def _masked(path: str, unstable: set[str]) -> bool:
    return any(path == u or path.startswith(u + "/") for u in unstable)


_GOROUTINE_PATH = re.compile(r"^/goroutines/(g\d+|crash)")
# A value shown at the crash: an argument or local of a frame, wherever the frame is shown.
_VALUE_PATH = re.compile(r"/(args|locals)/\d+/(value|children|note)")


def _crash_ids(*docs: Json) -> set[str]:
    return {"crash"}


def widen(unstable: set[str], crash: set[str]) -> set[str]:
    """What the recordings' differences mean for comparing: a goroutine with any unstable field is
    unstable as a whole, and where one goroutine besides the crash goroutine moved with scheduling,
    every goroutine besides it may (the program's other goroutines race it). Where one value
    shown at the crash varied (a loop counter racing other goroutines), every value may: the
    recordings can agree on another by chance (a racing counter was 0 in six recordings and
    111626 in CI)."""
    out = set()
    moved = False
    for u in unstable:
        if _VALUE_PATH.search(u):
            out.add("*values*")
        m = _GOROUTINE_PATH.match(u)
        if m is None:
            out.add(u)
        elif m.group(1) not in crash:
            moved = True
        else:
            out.add(u)
    if moved:
        out.add("/goroutines/*others*")
    return out


def compare(recorded: Json, now: Json, unstable: set[str]) -> list[str]:
    """Differences outside the unstable paths, one line each.

    A goroutine that only one side has is left out unless it is the crash goroutine: which of a
    program's goroutines exist when it stops can change with scheduling.
    """
    crash = _crash_ids(recorded, now)
    # `timings` are wall times (--timings): two recordings may agree to the millisecond by chance.
    masked = widen(unstable, crash) | {"/timings"}
    others = "/goroutines/*others*" in masked
    a, b = _keyed(recorded, ""), _keyed(now, "")
    for doc in (a, b):
        if isinstance(doc, dict):
            doc.pop("timings", None)  # wall times: never the same twice
        if isinstance(doc, dict) and isinstance(doc.get("output"), dict):
            for k in ("stdout", "stderr"):
                if isinstance(doc["output"].get(k), str):
                    doc["output"][k] = _program_text(doc["output"][k])
    ga = a.get("goroutines") if isinstance(a, dict) else None
    gb = b.get("goroutines") if isinstance(b, dict) else None
    out = []
    if isinstance(ga, dict) and isinstance(gb, dict):
        for key in sorted(set(ga) ^ set(gb)):
            if key in crash:
                out.append(f"/goroutines/{key}")
        for key in list(set(ga) | set(gb)):
            if key not in ga or key not in gb or (others and key not in crash):
                ga.pop(key, None)
                gb.pop(key, None)
    values = "*values*" in masked
    for p in differing_paths(a, b, "", additions_allowed=True):
        if values and _VALUE_PATH.search(p):
            continue
        if _runtime_line(a, b, p):
            continue
        if not _masked(p, masked):
            out.append(p)
    return out


def _at(doc: Json, path: str) -> Json:
    """The value at a JSON `path` of a keyed document, or None."""
    for part in path.strip("/").split("/"):
        if isinstance(doc, dict):
            doc = doc.get(part)
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            return None
    return doc


# The runtime's own code, whose line within a function can vary with scheduling: a concurrent map
# write is caught by whichever of mapassign's two checks the racing goroutines reach (lines 206 and
# 324 of runtime_fast64.go in Go 1.26), and three recordings can agree on one by chance.
_RUNTIME_CODE = ("runtime.", "internal/runtime/")


def _runtime_line(a: Json, b: Json, path: str) -> bool:
    """`path` is the line or pc of a frame of the runtime that is the same function on both sides."""
    parent, _, leaf = path.rpartition("/")
    if leaf not in ("line", "pc"):
        return False
    fa, fb = _at(a, parent), _at(b, parent)
    if not (isinstance(fa, dict) and isinstance(fb, dict)):
        return False
    function = fa.get("function")
    return isinstance(function, str) and function == fb.get("function") and function.startswith(_RUNTIME_CODE)


def explain(recorded: Json, now: Json, path: str) -> str:
    """The two values at `path`, shortened (text as its first differing line)."""

    a, b = _at(_keyed(recorded, ""), path), _at(_keyed(now, ""), path)
    if isinstance(a, str) and isinstance(b, str):
        la, lb = a.splitlines(), b.splitlines()
        i = next((i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y), min(len(la), len(lb)))
        pick = lambda ls: ls[i] if i < len(ls) else "<end>"  # noqa: E731
        return f": line {i + 1} was {pick(la)!r}, now {pick(lb)!r} ({len(la)} -> {len(lb)} lines)"
    return f": was {str(a)[:120]}, now {str(b)[:120]}"


def golden_file(name: str) -> Path:
    return GOLDEN / f"{name}.json.gz"


def load(name: str) -> dict[str, Any]:
    with gzip.open(golden_file(name), "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def record(name: str) -> dict[str, Any]:
    """Run the example's modes RECORDINGS times (twice that when anything varied, to catch rarer
    variation too); keep the first run and the paths that varied."""
    runs = [run_modes(name) for _ in range(RECORDINGS)]
    first = runs[0]
    if any(
        other[m] != first[m] and list(differing_paths(_keyed(first[m][1], ""), _keyed(other[m][1], "")))
        for other in runs[1:]
        for m in first
    ):
        runs += [run_modes(name) for _ in range(RECORDINGS)]
    modes: dict[str, Any] = {}
    for mode in runs[0]:
        status, doc = runs[0][mode]
        unstable: set[str] = set()
        for other in runs[1:]:
            if other[mode][0] != status:
                unstable.add("/")  # the mode itself is unstable here: nothing can be compared
            unstable |= set(differing_paths(_keyed(doc, ""), _keyed(other[mode][1], ""), ""))
        modes[mode] = {"status": status, "report": doc, "unstable": sorted(unstable)}
    data = {
        "example": name,
        "recorded_with": _versions(),
        "modes": modes,
    }
    GOLDEN.mkdir(parents=True, exist_ok=True)
    with gzip.open(golden_file(name), "wt", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    return data


def comparable(versions: dict[str, str]) -> dict[str, str]:
    """The versions that decide whether reports can be compared: not where dlv is installed
    (`1.27.1 at /some/checkout/.venv/bin/dlv`: every clone has its own)."""
    return {k: v.split(" at ", 1)[0] for k, v in versions.items()}


def _versions() -> dict[str, str]:
    from dlvauto.system.go import go_env

    done = subprocess.run([*DLVAUTO, "doctor", "--json"], capture_output=True, text=True, check=False)
    dlv = next((c["found"] for c in json.loads(done.stdout or "[]") if c["name"] == "dlv"), "")
    return {"go": go_env().version, "dlv": dlv}


def main(argv: list[str]) -> int:
    names = argv or example_names()
    for name in names:
        start = time.monotonic()
        data = record(name)
        unstable = {m: len(v["unstable"]) for m, v in data["modes"].items()}
        print(f"{name}: {time.monotonic() - start:.1f}s unstable paths {unstable}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
