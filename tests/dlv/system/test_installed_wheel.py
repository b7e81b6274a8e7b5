"""dlvauto installed the way users install it: `python -m build`, a fresh venv in a temporary
folder outside the repository, `pip install` of the wheel, and dlv only where `go install` puts it
($(go env GOPATH)/bin, not on PATH, not beside the venv's Python). From a folder of its own, the
installed `dlvauto --version`, `dlvauto run` on an example and on a program written here, and the
README's Python snippet."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlvauto.system.dlv import INSTALL, find_dlv
from dlvauto.version import __version__

from tests.helpers import EXAMPLES, ROOT, needs_dlv

pytestmark = [needs_dlv, pytest.mark.dlv]


@dataclass(frozen=True)
class Installed:
    venv: Path
    dist: Path
    gopath: Path
    elsewhere: Path  # the folder commands run in: no checkout anywhere above it
    env: dict[str, str]

    @property
    def dlvauto(self) -> str:
        return str(self.venv / "bin" / "dlvauto")

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def run(
        self, *argv: str, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv),
            cwd=self.elsewhere,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _go_env(name: str) -> str:
    go = shutil.which("go")
    assert go is not None
    return subprocess.run([go, "env", name], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    tmp = tmp_path_factory.mktemp("wheel")
    assert ROOT not in tmp.parents
    dist = tmp / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    venv = tmp / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=300)
    (wheel,) = dist.glob("dlvauto-*.whl")
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr[-2000:]
    gopath = tmp / "gopath"
    (gopath / "bin").mkdir(parents=True)
    shutil.copy2(find_dlv(), gopath / "bin" / "dlv")
    go = shutil.which("go")
    assert go is not None
    env = {
        "HOME": str(tmp / "home"),
        "PATH": os.pathsep.join([str(Path(go).parent), "/usr/bin", "/bin"]),  # no dlv on it
        "GOPATH": str(gopath),
        "GOMODCACHE": _go_env("GOMODCACHE"),  # the machine's modules and build cache: no downloads
        "GOCACHE": _go_env("GOCACHE"),
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "DLVAUTO_CACHE_DIR": str(tmp / "cache"),
        "LANG": "C.UTF-8",
    }
    for name in ("/usr/bin/dlv", "/bin/dlv"):
        assert not Path(name).exists(), f"{name} would be found on PATH"
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    yield Installed(venv, dist, gopath, elsewhere, env)


def test_build_makes_an_sdist_and_a_wheel_with_the_sandbox_files(installed: Installed) -> None:
    assert [p.name for p in sorted(installed.dist.iterdir())] == [
        f"dlvauto-{__version__}-py3-none-any.whl",
        f"dlvauto-{__version__}.tar.gz",
    ]
    (wheel,) = installed.dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("Dockerfile", "provision.sh", "pyproject.toml"):
        member = f"dlvauto/sandbox/image/{name}"
        assert member in names
        assert (
            zipfile.ZipFile(wheel).read(member)
            == (ROOT / ("pyproject.toml" if name == "pyproject.toml" else f"docker/{name}")).read_bytes()
        )


def test_version(installed: Installed) -> None:
    r = installed.run(installed.dlvauto, "--version")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"dlvauto {__version__}\n", "")


def test_the_installed_package_is_the_one_imported(installed: Installed) -> None:
    r = installed.run(installed.python, "-c", "import dlvauto; print(dlvauto.__file__)")
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_relative_to(installed.venv)


def test_run_an_example_with_dlv_only_in_gopath_bin(installed: Installed) -> None:
    out = installed.elsewhere / "nil_map_write.json"
    r = installed.run(installed.dlvauto, "run", str(EXAMPLES / "nil_map_write"), "--json", str(out), "-q")
    assert r.returncode == 0, r.stderr
    import json

    doc = json.loads(out.read_text())
    frame = doc["crash"]["first_user_frame"]
    assert (doc["crash"]["kind"], doc["crash"]["message"]) == ("panic", "assignment to entry in nil map")
    assert (frame["function"], frame["line"]) == ("example.com/nil_map_write/store.(*Cache).Put", 14)
    assert doc["source"]["dlv_version"] == "1.27.1"


def test_run_a_fresh_program_from_its_own_folder(installed: Installed) -> None:
    name = "f" + secrets.token_hex(4)
    src = installed.elsewhere / name
    src.mkdir()
    (src / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.25\n")
    (src / "main.go").write_text(
        f"package main\n\nfunc {name}(xs []int, i int) int {{\n\treturn xs[i]\n}}\n\n"
        f"func main() {{\n\tprintln({name}([]int{{1, 2}}, 5))\n}}\n"
    )
    r = subprocess.run(
        [installed.dlvauto, "run", ".", "--json", "-", "--fail-on-crash"], cwd=src, env=installed.env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 1, r.stderr  # --fail-on-crash: there was a crash
    assert "crash found (panic): exit status 1 (--fail-on-crash)" in r.stderr
    import json

    crash = json.loads(r.stdout)["crash"]
    assert crash["message"] == "runtime error: index out of range [5] with length 2"
    assert (crash["first_user_frame"]["function"], crash["first_user_frame"]["line"]) == (f"main.{name}", 4)


def test_the_readmes_python_snippet(installed: Installed) -> None:
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"### Python API.*?```python\n(.*?)```", readme, re.S)
    assert m is not None
    snippet = m.group(1)
    script = installed.elsewhere / "snippet.py"
    script.write_text(snippet)
    r = installed.run(installed.python, str(script))
    assert r.returncode == 0, r.stderr
    promised = [line.removeprefix("# ") for line in snippet.splitlines() if re.match(r"# \w+ .* \d+$", line)]
    assert promised == ["panic assignment to entry in nil map main.main 5", "panic boom 7"]
    assert r.stdout.splitlines() == promised


def test_no_dlv_anywhere_names_the_go_install_line(installed: Installed) -> None:
    env = {**installed.env, "GOPATH": str(installed.elsewhere / "empty-gopath")}
    r = installed.run(installed.dlvauto, "run", str(EXAMPLES / "nil_map_write"), env=env)
    assert r.returncode == 2
    assert r.stderr == (
        f"dlvauto: error: dlv is not installed: run `{INSTALL}` (or `dlvauto doctor --install-dlv`)\n"
    )
    assert INSTALL == "go install github.com/go-delve/delve/cmd/dlv@v1.27.1"


def test_lookup_order_gobin_before_gopath_and_dlvauto_dlv_first(installed: Installed) -> None:
    probe = "from dlvauto.system.dlv import find_dlv; print(find_dlv())"
    gobin = installed.elsewhere / "gobin"
    gobin.mkdir(exist_ok=True)
    shutil.copy2(installed.gopath / "bin" / "dlv", gobin / "dlv")
    r = installed.run(installed.python, "-c", probe, env={**installed.env, "GOBIN": str(gobin)})
    assert r.stdout.strip() == str(gobin / "dlv"), r.stderr
    r = installed.run(installed.python, "-c", probe)
    assert r.stdout.strip() == str(installed.gopath / "bin" / "dlv"), r.stderr
    on_path = installed.elsewhere / "onpath"
    on_path.mkdir(exist_ok=True)
    shutil.copy2(installed.gopath / "bin" / "dlv", on_path / "dlv")
    path_env = {**installed.env, "GOBIN": str(gobin), "PATH": f"{on_path}{os.pathsep}{installed.env['PATH']}"}
    r = installed.run(installed.python, "-c", probe, env=path_env)
    assert r.stdout.strip() == str(on_path / "dlv"), r.stderr
    r = installed.run(installed.python, "-c", probe, env={**path_env, "DLVAUTO_DLV": str(gobin / "dlv")})
    assert r.stdout.strip() == str(gobin / "dlv"), r.stderr
    bad = {**installed.env, "DLVAUTO_DLV": str(installed.elsewhere / "nope")}
    r = installed.run(installed.dlvauto, "run", str(EXAMPLES / "nil_map_write"), env=bad)
    assert (r.returncode, r.stderr) == (
        2,
        f"dlvauto: error: DLVAUTO_DLV={installed.elsewhere / 'nope'} is not an executable dlv:"
        " fix it or unset it\n",
    )


def test_sandbox_context_from_the_install_holds_what_the_dockerfile_copies(installed: Installed) -> None:
    into = installed.elsewhere / "ctx"
    code = "from pathlib import Path; from dlvauto.sandbox.container import packaged_context as p; "
    r = installed.run(installed.python, "-c", code + f"p(Path({str(into)!r}))")
    assert r.returncode == 0, r.stderr
    dockerfile = (into / "docker" / "Dockerfile").read_text()
    assert dockerfile == (ROOT / "docker" / "Dockerfile").read_text()
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M)
    sources = [s for line in copied for s in line.split()]
    assert {"docker/provision.sh", "pyproject.toml", "README.md", "dlvauto"} <= set(sources)
    for source in sources:
        assert (into / source).exists(), source
    assert os.access(into / "docker" / "provision.sh", os.X_OK)
    assert (into / "dlvauto" / "cli.py").is_file()
