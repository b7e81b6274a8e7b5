"""The debugging sandbox: the container command that runs `dlvauto run` with what dlv needs, no more.

Each privilege below was checked against Docker's default seccomp profile (moby's
profiles/seccomp/default.json, which podman's containers-common copies) and Delve 1.27.1's Linux
launcher, then measured on a real engine:

- `--cap-drop=ALL --cap-add=SYS_PTRACE`. dlv starts the program as its own child (PTRACE_TRACEME),
  which needs no capability, and the default profile allows `ptrace`, `process_vm_readv` and
  `process_vm_writev` outright on kernels >= 4.8 (measured: a run works there without the cap).
  On older kernels it allows them only to a container holding CAP_SYS_PTRACE (profile rules follow
  the container's capability list, whatever its user), and attaching to a process that is not
  dlv's own child needs the capability too: so SYS_PTRACE is the one capability kept.
- The engine's default seccomp profile stays on (never `seccomp=unconfined`). It allows
  `personality` for a few values only, so ADDR_NO_RANDOMIZE (`dlv --disable-aslr`) is refused;
  dlvauto never asks for it, and Delve ignores the refusal. Nothing else dlv uses is blocked.
- `--security-opt=no-new-privileges`, a read-only root with tmpfs /tmp and /cache (mounted `exec`:
  the program is built into the cache and run from there), `--network=none` unless asked for.
- The user is the host user's uid:gid, so reports in the output folder belong to them; a host
  root maps to the image's unprivileged user, never to root in the container.

The source is mounted read-only, so Go's caches live in the tmpfs /cache and, without a network,
`GOPROXY=off`: a module with dependencies must have them vendored (`go mod vendor`) or be run with
`--network` (they are then downloaded into /cache for that run).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath
from types import FrameType

from dlvauto.errors import DlvautoError, UserError
from dlvauto.gobuild.program import find_module
from dlvauto.gobuild.targets import main_package
from dlvauto.records import record
from dlvauto.system import files as report_files
from dlvauto.system import proc
from dlvauto.version import __version__

IMAGE_REPOSITORY = "dlvauto-sandbox"
LABEL = "dlvauto.sandbox"
SANDBOX_UID = 10001  # the image's `dlvauto` user (docker/Dockerfile's SANDBOX_UID)
SRC = PurePosixPath("/src")
OUT = PurePosixPath("/out")
TMPFS = ("/tmp", "/cache")
TMPFS_OPTIONS = "rw,exec,nosuid,nodev,mode=1777"
ENGINE_HELP = "start Docker (systemctl start docker) or install podman (apt-get install podman)"
_CONTEXT_FILES = ("docker/Dockerfile", "docker/provision.sh", ".dockerignore", "pyproject.toml", "README.md")


@record(frozen=True)
class Sandbox:
    """One sandbox: which engine and image, what is mounted where, and as whom it runs."""

    engine: str
    image: str
    mount: Path  # host folder mounted read-only at /src: the module's root
    package: PurePosixPath  # the folder inside the container to work in
    out_dir: Path  # host folder mounted writable at /out
    user: tuple[int, int]
    name: str
    network: bool = False


def locate(src: str | Path, *, shell: bool = False) -> tuple[Path, PurePosixPath]:
    """The host folder to mount (the module root, so go.mod and vendor/ come along) and the
    package's folder inside the container. A shell may be opened on any folder."""
    path = Path(src).resolve()
    if not shell:
        path = main_package(str(src))
    elif not path.is_dir():
        raise UserError(f"{src} is not a folder: give the folder to open the sandbox shell on")
    try:
        root, _ = find_module(path)
    except UserError:
        if not shell:
            raise
        root = path
    rel = path.relative_to(root)
    return root, SRC.joinpath(*rel.parts)


def container_user() -> tuple[int, int]:
    """The host user's uid:gid, so files written to the output folder are theirs; never root."""
    uid = os.getuid()
    if uid == 0:
        return SANDBOX_UID, SANDBOX_UID
    return uid, os.getgid()


def _mount_field(key: str, value: str) -> str:
    # `--mount` values are CSV: a field holding a comma or a quote must be quoted.
    if "\n" in value or "\r" in value:
        raise UserError(f"cannot mount {value!r}: the path holds a line break; rename the folder")
    field = f"{key}={value}"
    if "," in field or '"' in field:
        field = '"' + field.replace('"', '""') + '"'
    return field


def bind(host: Path, target: PurePosixPath, *, readonly: bool) -> str:
    """A `--mount` bind value (an error, not a silent new folder, when `host` is missing)."""
    parts = ["type=bind", _mount_field("src", str(host)), _mount_field("dst", str(target))]
    if readonly:
        parts.append("readonly")
    return ",".join(parts)


def _common(sb: Sandbox, mode: str) -> list[str]:
    argv = [
        sb.engine,
        "run",
        "--rm",
        f"--name={sb.name}",
        f"--label={LABEL}={mode}",
        f"--user={sb.user[0]}:{sb.user[1]}",
        "--cap-drop=ALL",
        "--cap-add=SYS_PTRACE",
        "--security-opt=no-new-privileges",
        "--read-only",
    ]
    argv += [f"--tmpfs={path}:{TMPFS_OPTIONS}" for path in TMPFS]
    if not sb.network:
        # No network: say so to Go at once instead of letting module lookups time out.
        argv += ["--network=none", "--env=GOPROXY=off"]
    argv += [
        f"--mount={bind(sb.mount, SRC, readonly=True)}",
        f"--mount={bind(sb.out_dir, OUT, readonly=False)}",
        f"--workdir={sb.package}",
    ]
    return argv


def run_command(sb: Sandbox, report_name: str, run_args: list[str]) -> list[str]:
    """`docker run ... IMAGE run /src/PKG --json /out/NAME.json RUN-ARGS`: a later `--json` in
    RUN-ARGS wins (e.g. `--json -` for the JSON on stdout)."""
    return [
        *_common(sb, "run"),
        sb.image,
        "run",
        str(sb.package),
        "--json",
        str(OUT / report_name),
        *run_args,
    ]


def shell_command(sb: Sandbox, *, tty: bool) -> list[str]:
    """An interactive bash in the same sandbox, in the package's folder."""
    argv = _common(sb, "shell")
    argv += ["--interactive", *(["--tty"] if tty else []), "--entrypoint=/bin/bash", sb.image]
    return argv


def engine_command(explicit: str | None = None) -> str:
    """The engine's command: --engine, else $DLVAUTO_ENGINE, else docker or podman on PATH."""
    chosen = explicit or os.environ.get("DLVAUTO_ENGINE")
    if chosen:
        return chosen
    for name in ("docker", "podman"):
        if shutil.which(name):
            return name
    return "docker"


def check_engine(engine: str) -> None:
    """Fail in one line, saying how to get an engine, unless `engine info` answers."""
    if shutil.which(engine) is None:
        raise UserError(f"no container engine reachable: `{engine}` is not installed; {ENGINE_HELP}")
    res = proc.run([engine, "info"], timeout=30)  # no --format: docker's and podman's fields differ
    if res.timed_out:
        raise UserError(f"no container engine reachable: `{engine} info` had no answer in 30s; {ENGINE_HELP}")
    if res.returncode != 0:
        lines = [line.strip() for line in res.stderr.splitlines() if line.strip()]
        why = lines[-1] if lines else f"exit status {res.returncode}"
        raise UserError(f"no container engine reachable ({engine} info: {why[:160]}); {ENGINE_HELP}")


def build_context() -> Path | None:
    """The dlvauto checkout the image is built from, when this dlvauto runs from one."""
    root = Path(__file__).resolve().parents[2]
    return (
        root if (root / "docker" / "Dockerfile").is_file() and (root / "pyproject.toml").is_file() else None
    )


def context_digest(root: Path) -> str:
    """Hash of every file the image is built from: a changed dlvauto gets an image of its own."""
    files = [root / name for name in _CONTEXT_FILES if (root / name).is_file()]
    files += [
        p
        for p in (root / "dlvauto").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    h = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def default_image() -> str:
    """`dlvauto-sandbox:VERSION-DIGEST` from a checkout (rebuilt when the code changes), else
    `dlvauto-sandbox:VERSION`."""
    root = build_context()
    if root is None:
        return f"{IMAGE_REPOSITORY}:{__version__}"
    return f"{IMAGE_REPOSITORY}:{__version__}-{context_digest(root)[:12]}"


def image_present(engine: str, image: str) -> bool:
    return proc.run([engine, "image", "inspect", image], timeout=60).returncode == 0


def packaged_context(into: Path) -> Path:
    """A build context like a checkout's, made in `into` from an installed dlvauto: the image's
    build files ship inside the package (dlvauto/sandbox/image/), the package is copied beside them,
    so `dlvauto sandbox` builds its image from a wheel install as from a checkout."""
    package = Path(__file__).resolve().parents[1]
    files = package / "sandbox" / "image"
    if not (files / "Dockerfile").is_file():
        raise UserError(
            "this dlvauto has no sandbox image files (dlvauto/sandbox/image/Dockerfile): reinstall dlvauto"
        )
    (into / "docker").mkdir(parents=True)
    shutil.copyfile(files / "Dockerfile", into / "docker" / "Dockerfile")
    shutil.copyfile(files / "provision.sh", into / "docker" / "provision.sh")
    (into / "docker" / "provision.sh").chmod(0o755)
    shutil.copyfile(files / "pyproject.toml", into / "pyproject.toml")
    (into / "README.md").write_text("dlvauto, installed in the sandbox image.\n")
    shutil.copytree(package, into / "dlvauto", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return into


def build_image(engine: str, image: str, *, base_image: str | None = None) -> None:
    """Build the image from this checkout's docker/Dockerfile (or the one inside the installed
    package), its output on our stderr."""
    root = build_context()
    if root is None:
        with tempfile.TemporaryDirectory(prefix="dlvauto-image-") as tmp:
            _build_image_from(packaged_context(Path(tmp) / "context"), engine, image, base_image)
        return
    _build_image_from(root, engine, image, base_image)


def _build_image_from(root: Path, engine: str, image: str, base_image: str | None) -> None:
    argv = [engine, "build", "-f", str(root / "docker" / "Dockerfile"), "-t", image]
    if base_image:
        argv += ["--build-arg", f"BASE_IMAGE={base_image}"]
    argv.append(str(root))
    sys.stdout.flush()
    err = sys.stderr.fileno()
    sp = proc.spawn(argv, stdout=err, stderr=err)
    with proc.owned(sp, grace=5.0):
        status = sp.wait()
    if status != 0:
        raise DlvautoError(f"building the sandbox image {image} failed (exit {status}): see the output above")


def prepare_out_dir(out_dir: Path, user: tuple[int, int]) -> None:
    """Create the output folder; make sure the container's user can write to it."""
    created = not out_dir.exists()
    try:
        report_files.report_dir(out_dir)  # reports land here: never writable by others, whatever the umask
        if created and os.getuid() == 0:
            os.chown(out_dir, *user)  # a host root's sandbox runs as the image's user
    except OSError as exc:
        raise UserError(f"cannot create the report folder {out_dir}: {exc.strerror}") from exc
    if not out_dir.is_dir():
        raise UserError(f"{out_dir} is not a folder: give another --out-dir")
    st = out_dir.stat()
    writable = (st.st_uid == user[0] and st.st_mode & 0o200) or st.st_mode & 0o002
    if not writable and not (st.st_gid == user[1] and st.st_mode & 0o020):
        raise UserError(
            f"the report folder {out_dir} is not writable by the sandbox's user {user[0]}:"
            f" chown {user[0]} {out_dir}, or give another --out-dir"
        )


def new_name() -> str:
    """A container name to find (and remove) it by: `dlvauto-sandbox-PID-RANDOM`."""
    return f"{IMAGE_REPOSITORY}-{os.getpid()}-{secrets.token_hex(3)}"


def execute(argv: list[str], *, engine: str, name: str, interactive: bool) -> int:
    """Run the container with our terminal, and leave none behind however this ends.

    Ctrl-C reaches us; our stop ends the engine client, which passes SIGTERM on to dlvauto in the
    container (it ends dlv and the program); `rm -f` by name removes whatever is still there.
    """
    sys.stdout.flush()
    sp = proc.spawn(argv, stdin=None if interactive else subprocess.DEVNULL, stdout=None, stderr=None)
    previous = None
    if interactive and hasattr(signal, "SIGWINCH"):
        # The client is in a session of its own: hand it the terminal's resizes.
        def forward(signum: int, frame: FrameType | None) -> None:
            if sp.popen.poll() is None:
                sp.popen.send_signal(signal.SIGWINCH)

        previous = signal.signal(signal.SIGWINCH, forward)
    status: int | None = None
    try:
        status = sp.popen.wait()
        sp.release()
    finally:
        if previous is not None:
            signal.signal(signal.SIGWINCH, previous)
        if status is None:
            sp.stop(grace=10.0)
            proc.run([engine, "rm", "--force", name], timeout=60)
    return status
