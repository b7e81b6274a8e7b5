"""`dlvauto test`, `dlvauto exec` and package targets, on modules written fresh at test time.

Every module path, package and function name is random, and every expected line is computed from
the generated source (the line holding a marker comment), so nothing here can be tuned to a name.
Each case runs the real toolchain: `go test -c` under the real dlv; `go test` itself for the text
that `parse` must read the same way.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cache_env, comm, needs_dlv, one_error_line, processes_mentioning, run_cli, wait_for

pytestmark = needs_dlv


@dataclass
class Module:
    root: Path
    path: str  # module path
    pkg: str  # the sub-package's folder and name
    fn: str  # a random function name prefix

    def line_of(self, rel: str, marker: str) -> int:
        for i, line in enumerate((self.root / rel).read_text().splitlines(), 1):
            if f"// {marker}" in line:
                return i
        raise AssertionError(f"no {marker} in {rel}")


def write_module(tmp_path: Path, tests: str, extra: str = "") -> Module:
    """A module `example.com/m<hex>` with package `p<hex>` (its code and the given test file body)."""
    tag = secrets.token_hex(3)
    m = Module(tmp_path / f"mod{tag}", f"example.com/m{tag}", f"p{tag}", f"Do{tag}")
    (m.root / m.pkg).mkdir(parents=True)
    (m.root / "go.mod").write_text(f"module {m.path}\n\ngo 1.22\n")
    (m.root / m.pkg / "code.go").write_text(
        f"package {m.pkg}\n\n"
        f"// {m.fn}Write writes into a nil map.\n"
        f"func {m.fn}Write(k string) {{\n"
        f"\tvar m map[string]int\n"
        f"\tm[k] = 1 // WRITE\n"
        f"}}\n{extra.replace('FN', m.fn)}"
    )
    (m.root / m.pkg / "code_test.go").write_text(
        f'package {m.pkg}\n\nimport (\n\t"os"\n\t"testing"\n\t"time"\n)\n\n'
        f"var _ = os.Exit\nvar _ = time.Second\nvar _ = testing.Short\n\n{tests.replace('FN', m.fn)}"
    )
    return m


def report_of_test(*args: str, cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    r = subprocess.run(
        [*DLVAUTO_ARGV, "test", "--json", "-", *args], capture_output=True, text=True, cwd=cwd, timeout=300,
        env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    data: dict[str, Any] = json.loads(r.stdout)
    return data


DLVAUTO_ARGV = [os.environ.get("PYTHON", "") or __import__("sys").executable, "-m", "dlvauto"]


def frame_of(report: dict[str, Any]) -> tuple[str, str, int]:
    f = report["crash"]["first_user_frame"]
    assert f is not None, report["crash"]
    return f["function"], Path(f["file"]).name, f["line"]


PANICS = {
    "test": 'func TestA(t *testing.T) {\n\tFNWrite("a")\n}\n',
    "subtest": (
        'func TestA(t *testing.T) {\n\tt.Run("inner", func(t *testing.T) {\n\t\tFNWrite("b")\n\t})\n}\n'
    ),
    "parallel": (
        'func TestA(t *testing.T) {\n\tt.Run("p", func(t *testing.T) {\n\t\tt.Parallel()\n'
        '\t\tdone := make(chan bool)\n\t\tgo func() {\n\t\t\tFNWrite("c")\n\t\t\tdone <- true\n\t\t}()\n'
        "\t\t<-done\n\t})\n}\n"
    ),
    "testmain": (
        'func TestMain(m *testing.M) {\n\tFNWrite("d")\n\tos.Exit(m.Run())\n}\n\n'
        "func TestA(t *testing.T) {}\n"
    ),
    "example": 'func ExampleFNWrite() {\n\tFNWrite("e")\n\t// Output:\n}\n',
    "benchmark": 'func BenchmarkA(b *testing.B) {\n\tFNWrite("f")\n}\n',
}


@pytest.mark.parametrize("case", sorted(PANICS))
def test_a_panic_in_any_kind_of_test_names_the_tested_code(tmp_path: Path, case: str) -> None:
    m = write_module(tmp_path, PANICS[case])
    flags = ["--", "-test.bench=.", "-test.run=^$"] if case == "benchmark" else []
    report = report_of_test(f"./{m.pkg}", *flags, cwd=m.root)
    c = report["crash"]
    assert c["kind"] == "panic"
    assert c["message"] == "assignment to entry in nil map"
    assert frame_of(report) == (
        f"{m.path}/{m.pkg}.{m.fn}Write",
        "code.go",
        m.line_of(f"{m.pkg}/code.go", "WRITE"),
    )
    assert report["source"]["tested_package"] == f"{m.path}/{m.pkg}"
    throw = c["throw_frame_index"]
    crash_g = report["goroutines"][0]
    # The throw frame is the original panic's, below the user's frames: never testing's re-panic.
    assert crash_g["frames"][throw]["function"] == "runtime.gopanic"
    assert all(
        not f["function"].startswith("testing.")
        for f in crash_g["frames"][throw : c["first_user_frame"]["index"]]
    )


def test_live_and_text_agree_on_a_panicking_test(tmp_path: Path) -> None:
    m = write_module(tmp_path, PANICS["subtest"])
    live = report_of_test(f"./{m.pkg}", cwd=m.root)
    text = subprocess.run(
        ["go", "test", "-gcflags=all=-N -l", f"./{m.pkg}"],
        capture_output=True,
        text=True,
        cwd=m.root,
        timeout=300,
    )
    trace = tmp_path / "go-test.txt"
    trace.write_text(text.stdout + text.stderr)
    parsed = json.loads(run_cli("parse", str(trace), "--json", "-").stdout)
    assert frame_of(parsed) == frame_of(live)
    assert parsed["crash"]["signature"] == live["crash"]["signature"]
    assert parsed["crash"]["message"] == live["crash"]["message"] == "assignment to entry in nil map"


def test_a_failing_test_is_not_a_crash_and_its_messages_are_listed(tmp_path: Path) -> None:
    m = write_module(
        tmp_path,
        "func TestOk(t *testing.T) {}\n\nfunc TestBad(t *testing.T) {\n"
        '\tt.Errorf("got %d", 3) // ERR\n\tt.Fatal("stop") // FATAL\n}\n',
    )
    report = report_of_test(f"./{m.pkg}", cwd=m.root)
    assert report["crash"]["kind"] == "none"
    assert report["exit_code"] == 1
    rel = f"{m.pkg}/code_test.go"
    assert report["failed_tests"] == [
        {
            "name": "TestBad",
            "messages": [
                {"file": "code_test.go", "line": m.line_of(rel, "ERR"), "text": "got 3"},
                {"file": "code_test.go", "line": m.line_of(rel, "FATAL"), "text": "stop"},
            ],
        }
    ]


def test_a_test_timeout_names_what_was_stuck(tmp_path: Path) -> None:
    m = write_module(
        tmp_path,
        "func TestWaits(t *testing.T) {\n\tFNWait()\n}\n\nfunc TestQuick(t *testing.T) {}\n",
        extra="\n// FNWait blocks forever.\nfunc FNWait() {\n\tch := make(chan int)\n\t<-ch // STUCK\n}\n",
    )
    report = report_of_test(f"./{m.pkg}", "--", "-test.timeout=1s", cwd=m.root)
    c = report["crash"]
    assert c["kind"] == "panic"
    assert c["message"].startswith("test timed out after 1s")
    assert [
        (s["test"], s["first_user_frame"]["function"], s["first_user_frame"]["line"]) for s in c["stuck"]
    ] == [("TestWaits", f"{m.path}/{m.pkg}.{m.fn}Wait", m.line_of(f"{m.pkg}/code.go", "STUCK"))]


def test_run_selects_the_test(tmp_path: Path) -> None:
    m = write_module(tmp_path, "func TestOk(t *testing.T) {}\n\n" + PANICS["test"])
    assert report_of_test(f"./{m.pkg}", "-run", "^TestOk$", cwd=m.root)["crash"]["kind"] == "none"
    assert report_of_test(f"./{m.pkg}", "--run", "TestA", cwd=m.root)["crash"]["kind"] == "panic"


def test_several_packages_give_a_report_each_that_crashed_and_a_summary(tmp_path: Path) -> None:
    m = write_module(tmp_path, PANICS["test"])
    ok = m.root / "okpkg"
    ok.mkdir()
    (ok / "ok.go").write_text("package okpkg\n")
    (ok / "ok_test.go").write_text('package okpkg\n\nimport "testing"\n\nfunc TestFine(t *testing.T) {}\n')
    r = subprocess.run(
        [*DLVAUTO_ARGV, "test", "./...", "--json", "-"],
        capture_output=True,
        text=True,
        cwd=m.root,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    reports = json.loads(r.stdout)
    assert [x["source"]["tested_package"] for x in reports] == [f"{m.path}/{m.pkg}"]
    assert f"dlvauto: 2 packages: 1 crashed ({m.pkg}), 0 failed, 1 passed" in r.stderr


# ---- targets --------------------------------------------------------------------------------------


def service(tmp_path: Path) -> tuple[Path, str, str]:
    """A module whose main package is in cmd/<name>, crashing in internal/<pkg>; its root, path, name."""
    tag = secrets.token_hex(3)
    root = tmp_path / f"svc{tag}"
    name, pkg = f"srv{tag}", f"core{tag}"
    (root / "cmd" / name).mkdir(parents=True)
    (root / "internal" / pkg).mkdir(parents=True)
    (root / "go.mod").write_text(f"module example.com/s{tag}\n\ngo 1.22\n")
    (root / "cmd" / name / "main.go").write_text(
        f'package main\n\nimport "example.com/s{tag}/internal/{pkg}"\n\nfunc main() {{ {pkg}.Boom() }}\n'
    )
    (root / "internal" / pkg / "c.go").write_text(
        f'package {pkg}\n\nfunc Boom() {{\n\tpanic("boom {tag}")\n}}\n'
    )
    return root, f"example.com/s{tag}", name


@pytest.mark.parametrize("form", ["root", "dot-slash", "bare", "import-path", "from-inside"])
def test_every_target_form_runs_the_main_package(tmp_path: Path, form: str) -> None:
    root, path, name = service(tmp_path)
    target, cwd = {
        "root": (".", root),
        "dot-slash": (f"./cmd/{name}", root),
        "bare": (f"cmd/{name}", root),
        "import-path": (f"{path}/cmd/{name}", root / "internal"),
        "from-inside": (f"{path}/cmd/{name}", root / "cmd" / name),
    }[form]
    r = subprocess.run(
        [*DLVAUTO_ARGV, "run", target, "--json", "-"], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["crash"]["message"] == f"boom {root.name[3:]}"
    assert (
        report["crash"]["first_user_frame"]["function"]
        == f"{path}/internal/{next((root / 'internal').iterdir()).name}.Boom"
    )
    assert report["source"]["module_dir"] == str(root)


def test_several_main_packages_are_named_in_one_line(tmp_path: Path) -> None:
    root, _, name = service(tmp_path)
    (root / "cmd" / "other").mkdir()
    (root / "cmd" / "other" / "main.go").write_text("package main\n\nfunc main() {}\n")
    r = subprocess.run([*DLVAUTO_ARGV, "run", "."], capture_output=True, text=True, cwd=root, timeout=300)
    line = one_error_line(r)
    assert line == f"dlvauto: error: . holds 2 main packages (./cmd/other, ./cmd/{name}): name one of them"


# ---- exec ---------------------------------------------------------------------------------------------


def _built(root: Path, name: str, *flags: str) -> Path:
    out = root / f"bin-{secrets.token_hex(2)}"
    subprocess.run(
        ["go", "build", *flags, "-o", str(out), f"./cmd/{name}"], cwd=root, check=True, timeout=300
    )
    return out


def test_exec_a_prebuilt_debug_binary(tmp_path: Path) -> None:
    root, path, name = service(tmp_path)
    binary = _built(root, name, "-gcflags=all=-N -l")
    report = json.loads(run_cli("exec", str(binary), "--json", "-").stdout)
    assert report["crash"]["kind"] == "panic"
    pkg = next((root / "internal").iterdir()).name
    assert report["crash"]["first_user_frame"]["function"] == f"{path}/internal/{pkg}.Boom"
    assert report["crash"]["first_user_frame"]["category"] == "user"
    assert report["source"]["module_path"] == path and report["source"]["module_dir"] == str(root)
    assert not any("optimised" in n for n in report["notes"])


def test_exec_an_optimised_binary_says_so(tmp_path: Path) -> None:
    root, path, name = service(tmp_path)
    report = json.loads(run_cli("exec", str(_built(root, name)), "--json", "-").stdout)
    assert report["crash"]["kind"] == "panic" and report["crash"]["message"].startswith("boom")
    assert report["crash"]["first_user_frame"]["function"].startswith(f"{path}/")
    assert any("built without -gcflags=all=-N -l" in n for n in report["notes"])


def test_exec_a_stripped_binary_is_refused(tmp_path: Path) -> None:
    root, _, name = service(tmp_path)
    binary = _built(root, name, "-ldflags=-s -w")
    r = run_cli("exec", str(binary))
    line = one_error_line(r)
    assert (
        line == f"dlvauto: error: {binary}: binary has no DWARF: it was linked with -ldflags='-s -w'; "
        "rebuild without -s -w"
    )


def test_exec_a_test_binary_gets_the_test_rules(tmp_path: Path) -> None:
    m = write_module(
        tmp_path, 'func TestOk(t *testing.T) {}\n\nfunc TestBad(t *testing.T) {\n\tt.Error("no")\n}\n'
    )
    binary = tmp_path / "x.test"
    subprocess.run(
        ["go", "test", "-c", "-gcflags=all=-N -l", "-o", str(binary), f"./{m.pkg}"], cwd=m.root, check=True
    )
    report = json.loads(run_cli("exec", str(binary), "--json", "-", "--", "-test.v").stdout)
    assert report["source"]["tested_package"] == f"{m.path}/{m.pkg}"
    assert report["source"]["module_dir"] == str(m.root)
    assert [t["name"] for t in report["failed_tests"]] == ["TestBad"]


# ---- the program's surroundings -------------------------------------------------------------------


def test_wd_stdin_and_env_reach_the_program(tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    src = tmp_path / f"io{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/io{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text(
        'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\twd, _ := os.Getwd()\n'
        "\tline, _ := bufio.NewReader(os.Stdin).ReadString('\\n')\n"
        '\tpanic(fmt.Sprintf("wd=%s in=%q env=%s", wd, line, os.Getenv("V' + tag + '")))\n}\n'
    )
    given = tmp_path / "in.txt"
    given.write_text(f"line {tag}\n")
    r = run_cli(
        "run",
        str(src),
        "--wd",
        str(tmp_path),
        "--stdin",
        str(given),
        "--env",
        f"V{tag}=x{tag}",
        "--json",
        "-",
    )
    assert json.loads(r.stdout)["crash"]["message"] == f'wd={tmp_path} in="line {tag}\\n" env=x{tag}'
    piped = subprocess.run(
        [*DLVAUTO_ARGV, "run", str(src), "--stdin", "-", "--json", "-"], input=f"piped {tag}\n",
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert json.loads(piped.stdout)["crash"]["message"] == f'wd={tmp_path} in="piped {tag}\\n" env='


def test_tags_choose_the_files_built_and_key_the_cache(tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    src = tmp_path / f"tg{tag}"
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/tg{tag}\n\ngo 1.22\n")
    (src / "main.go").write_text("package main\n\nfunc main() { panic(word) }\n")
    (src / "plain.go").write_text('//go:build !special\n\npackage main\n\nconst word = "plain"\n')
    (src / "special.go").write_text(f'//go:build special\n\npackage main\n\nconst word = "special {tag}"\n')
    env = cache_env(tmp_path / "cache")
    plain = subprocess.run(
        [*DLVAUTO_ARGV, "run", str(src), "--json", "-"], capture_output=True, text=True, env=env
    )
    special = subprocess.run(
        [*DLVAUTO_ARGV, "run", str(src), "--tags", "special", "--json", "-"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert json.loads(plain.stdout)["crash"]["message"] == "plain"
    assert json.loads(special.stdout)["crash"]["message"] == f"special {tag}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--env", "1A=2"], "dlvauto: error: --env takes NAME=VALUE, not '1A=2'"),
        (
            ["--wd", "/nonexistent-wd"],
            "dlvauto: error: --wd /nonexistent-wd: not a folder: give the folder the program should run in",
        ),
        (
            ["--stdin", "/nonexistent-in"],
            "dlvauto: error: --stdin /nonexistent-in: no such file: "
            "give a file for the program to read (or -)",
        ),
        (
            ["--build-flag", "-o=x"],
            "dlvauto: error: --build-flag -o=x: dlvauto chooses where the binary goes; drop it",
        ),
    ],
)
def test_bad_surroundings_are_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    root, _, _ = service(tmp_path)
    assert one_error_line(run_cli("run", str(root), *args)) == expected


# ---- processes ------------------------------------------------------------------------------------


def test_nothing_outlives_a_test_run_stopped_by_ctrl_c(tmp_path: Path) -> None:
    m = write_module(tmp_path, "func TestWaits(t *testing.T) {\n\ttime.Sleep(time.Hour)\n}\n")
    cache = tmp_path / "cache"
    p = subprocess.Popen(
        [*DLVAUTO_ARGV, "test", f"./{m.pkg}", "--json", str(tmp_path / "r.json")], cwd=m.root,
        env=cache_env(cache), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert wait_for(lambda: any(comm(q).endswith(".test") for q in processes_mentioning(str(cache))), 120)
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        assert p.wait(60) == 130
    finally:
        if p.poll() is None:
            p.kill()
    assert wait_for(lambda: not processes_mentioning(str(cache / "builds")), 10), processes_mentioning(
        str(cache)
    )


def test_nothing_outlives_a_test_timeout_or_a_hang(tmp_path: Path) -> None:
    m = write_module(tmp_path, "func TestWaits(t *testing.T) {\n\ttime.Sleep(time.Hour)\n}\n")
    cache = tmp_path / "cache"
    r = subprocess.run(
        [*DLVAUTO_ARGV, "test", f"./{m.pkg}", "--timeout", "2", "--json", "-"], cwd=m.root,
        env=cache_env(cache),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["crash"]["kind"] == "hang"
    assert wait_for(lambda: not processes_mentioning(str(cache / "builds")), 10)


@pytest.mark.parametrize(
    "body", ["func TestOk(t *testing.T) {}\n", 'func TestBad(t *testing.T) {\n\tt.Fatal("x")\n}\n']
)
def test_nothing_outlives_a_test_run_that_passes_or_fails(tmp_path: Path, body: str) -> None:
    m = write_module(tmp_path, body)
    cache = tmp_path / "cache"
    r = subprocess.run(
        [*DLVAUTO_ARGV, "test", f"./{m.pkg}", "--json", "-"], cwd=m.root, env=cache_env(cache),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["crash"]["kind"] == "none"
    assert report["exit_code"] == (0 if "TestOk" in body else 1)
    assert wait_for(lambda: not processes_mentioning(str(cache / "builds")), 10)
