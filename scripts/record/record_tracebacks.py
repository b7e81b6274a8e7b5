#!/usr/bin/env python3
"""Record the Go runtime's own crash text for every crashing example, per Go version and level.

Why: `dlvauto parse` reads what the runtime writes to stderr when a program dies, and that text
changed across Go releases (`gp= m=` headers since 1.22, tab-indented panic values since 1.23,
`[recovered, repanicked]` since 1.25, ...). The parser's tests read these recordings, so each
supported version is checked against what that version really printed, not against a guess.

For each Go toolchain (the installed one and older/newer ones fetched through the module proxy
with GOTOOLCHAIN=go1.N.M) and each example whose expect.toml kind is panic, fatal or signal, the
example is copied to a temporary folder (its `go` line lowered to what the toolchain accepts),
built with its profile's flags, and run without a debugger at GOTRACEBACK=single, all, system and
crash; its stderr is kept as tests/data/tracebacks/go1.N/<example>.<level>.txt (gzipped as
.txt.gz above GZIP_OVER bytes, to keep the repository small). `crash` also dumps core, so every run
has RLIMIT_CORE 0 and a temporary working directory. Extra programs under
tests/data/tracebacks/programs/ cover forms the examples do not: a goexit panic chain, a re-panic
of the same value, a multi-line panic value, a goroutine locked to its thread and waiting over a
minute, and the per-thread `-----` / `SIGQUIT: quit` sections of GOTRACEBACK=crash.

Usage: .venv/bin/python scripts/record/record_tracebacks.py [--versions go1.21.13,local,...] [--jobs N]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from dlvauto.gobuild.targets import main_package  # noqa: E402

EXAMPLES = ROOT / "examples" / "go"
OUT = ROOT / "tests" / "data" / "tracebacks"
PROGRAMS = OUT / "programs"
# The newest patch release of each minor version on the module proxy when this was written;
# "local" is the installed toolchain (GOTOOLCHAIN=local).
VERSIONS = ["go1.21.13", "go1.22.12", "go1.23.12", "go1.24.13", "go1.25.14", "local", "go1.27.4"]
LEVELS = ["single", "all", "system", "crash"]
CRASH_KINDS = {"panic", "fatal", "signal"}
GZIP_OVER = 200_000
RUN_TIMEOUT = 60.0
DEBUG_FLAGS = ["-gcflags=all=-N -l"]


@dataclass(frozen=True)
class Program:
    """One program to record: where its source is, how to build it and which levels to run."""

    name: str  # file name stem: <example> or <example>.optimized
    src: Path
    flags: tuple[str, ...]
    levels: tuple[str, ...] = tuple(LEVELS)
    args: tuple[str, ...] = ()
    timeout: float = RUN_TIMEOUT
    only: str | None = None  # record with this version only (a slow program)


def programs() -> list[Program]:
    out = []
    for toml in sorted(EXAMPLES.glob("*/expect.toml")):
        exp = tomllib.loads(toml.read_text())
        if exp["kind"] not in CRASH_KINDS:
            continue
        flags = tuple(DEBUG_FLAGS) if exp.get("profile", "debug") == "debug" else ()
        if exp.get("race", "off") != "off":  # a race build, as the suite runs it
            flags += ("-race",)
        out.append(Program(toml.parent.name, toml.parent, flags, args=tuple(exp.get("args", []))))
    # An optimized build: its frames are inlined, which the text marks with "(...)".
    out.append(Program("deep_stack.optimized", EXAMPLES / "deep_stack", ()))
    out.append(Program("goexit_chain", PROGRAMS / "goexit_chain", (), ("single", "system")))
    out.append(Program("repanic_same", PROGRAMS / "repanic_same", (), ("single", "system")))
    out.append(Program("multiline_panic", PROGRAMS / "multiline_panic", (), ("single",)))
    out.append(Program("cgo_spin_sigquit", PROGRAMS / "cgo_spin_sigquit", (), ("crash",), timeout=30))
    out.append(
        Program("waiting_locked", PROGRAMS / "waiting_locked", (), ("all",), timeout=150, only="local")
    )
    return out


def toolchain_env(version: str) -> dict[str, str]:
    env = os.environ.copy()
    env["GOTOOLCHAIN"] = version
    env.pop("GOTRACEBACK", None)
    env.pop("GODEBUG", None)
    return env


def go_version(version: str) -> str:
    """`go1.21.13` (what the toolchain says it is: the installed one has no name in VERSIONS)."""
    done = subprocess.run(
        ["go", "env", "GOVERSION"], env=toolchain_env(version), capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(f"GOTOOLCHAIN={version}: {done.stderr.strip()}")
    return done.stdout.strip()


def minor(go_ver: str) -> int:
    m = re.match(r"go1\.(\d+)", go_ver)
    if not m:
        raise RuntimeError(f"not a Go version: {go_ver}")
    return int(m.group(1))


def lower_go_line(module: Path, go_ver: str) -> None:
    """Old toolchains refuse a module that asks for a newer Go: lower its `go` line to theirs."""
    gomod = module / "go.mod"
    text = gomod.read_text()
    m = re.search(r"^go 1\.(\d+)(\.\d+)?$", text, re.MULTILINE)
    if m and int(m.group(1)) > minor(go_ver):
        gomod.write_text(text[: m.start()] + f"go 1.{minor(go_ver)}" + text[m.end() :])


def no_core() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def record(prog: Program, version: str, go_ver: str) -> tuple[list[Path], str | None]:
    """Build and run one program at its levels; the files written, or why it could not be built."""
    env = toolchain_env(version)
    folder = OUT / f"go1.{minor(go_ver)}"
    written = []
    with tempfile.TemporaryDirectory(prefix="dlvauto-tb-") as tmp:
        module = Path(tmp) / prog.src.name
        shutil.copytree(prog.src, module)
        lower_go_line(module, go_ver)
        binary = Path(tmp) / "prog"
        # The main package, as `dlvauto run` finds it (a module root may hold it in cmd/NAME).
        main_dir = main_package(str(module))
        target = "./" + main_dir.relative_to(module.resolve()).as_posix()
        built = subprocess.run(
            ["go", "build", *prog.flags, "-o", str(binary), target],
            cwd=module,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if built.returncode != 0:
            first = (built.stderr.strip().splitlines() or ["?"])[-1]
            return [], f"go build failed: {first}"
        for level in prog.levels:
            run_env = dict(env, GOTRACEBACK=level)
            cwd = Path(tmp) / f"cwd-{level}"
            cwd.mkdir()
            done = subprocess.run(
                [str(binary), *prog.args],
                cwd=cwd,
                env=run_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=prog.timeout,
                preexec_fn=no_core,
            )
            if done.returncode == 0:
                return written, f"exited 0 at GOTRACEBACK={level}"
            written.append(write(folder / f"{prog.name}.{level}.txt", done.stderr))
    return written, None


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".gz")):
        stale.unlink(missing_ok=True)
    if len(data) > GZIP_OVER:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    else:
        path.write_bytes(data)
    return path


def write_readme(versions: dict[str, str], skipped: dict[str, list[str]]) -> None:
    lines = [
        "# Recorded Go runtime tracebacks",
        "",
        "Written by `scripts/record/record_tracebacks.py`: the stderr of every crashing example (and of the",
        "extra programs in `programs/`) run without a debugger at GOTRACEBACK=single, all, system and",
        "crash. `go1.N/VERSION` names the toolchain that built and ran them; files over",
        f"{GZIP_OVER:,} bytes are gzipped. Examples use their expect.toml profile (debug:",
        "`-gcflags=all=-N -l`), and `-race` when it says `race`; `deep_stack.optimized` and the extra",
        "programs use the compiler's defaults.",
        "",
        "| folder | toolchain | not recorded |",
        "| --- | --- | --- |",
    ]
    for folder, ver in sorted(versions.items(), key=lambda kv: minor(kv[1])):
        lines.append(f"| {folder} | {ver} | {'; '.join(skipped.get(folder, [])) or '-'} |")
    lines.append("")
    (OUT / "README.md").write_text("\n".join(lines))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", default=",".join(VERSIONS))
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--only", default="", help="comma-separated program names")
    opts = parser.parse_args(argv)
    wanted = set(filter(None, opts.only.split(",")))
    versions = {v: go_version(v) for v in opts.versions.split(",")}
    jobs = [
        (p, v, gv)
        for v, gv in versions.items()
        for p in programs()
        if (not wanted or p.name in wanted) and (p.only is None or p.only == v)
    ]
    skipped: dict[str, list[str]] = {}
    with ThreadPoolExecutor(opts.jobs) as pool:
        futures = [(p, gv, pool.submit(record, p, v, gv)) for p, v, gv in jobs]
        for p, gv, fut in futures:
            files, why = fut.result()
            for f in files:
                print(f"{f.relative_to(ROOT)}  ({f.stat().st_size:,} bytes)")
            if why:
                print(f"{gv} {p.name}: skipped: {why}", file=sys.stderr)
                skipped.setdefault(f"go1.{minor(gv)}", []).append(f"{p.name} ({why})")
    for gv in versions.values():
        folder = OUT / f"go1.{minor(gv)}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "VERSION").write_text(f"{gv} linux/amd64\n")
    if not wanted:
        write_readme({f"go1.{minor(gv)}": gv for gv in versions.values()}, skipped)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
