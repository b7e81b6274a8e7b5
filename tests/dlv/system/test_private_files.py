"""Nothing dlvauto creates can be written by group or others, and what holds the program's memory or
words cannot be read by them (issue 16 item 6, and its "Done when": the whole path under umask 000).

The whole path is real: a program written here with a random panic word, built into a temporary
DLVAUTO_CACHE_DIR, run under dlv with --json, --format md --out, --save-core, and again through the
REPL with --transcript; dlv's private folder is looked at while the run is paused inside it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.helpers import DLVAUTO, ROOT, needs_dlv, processes_mentioning

pytestmark = needs_dlv


def _program(tmp: Path) -> tuple[Path, str]:
    src = tmp / f"p{secrets.token_hex(3)}"
    src.mkdir()
    word = secrets.token_hex(4)
    (src / "go.mod").write_text(f"module example.com/{src.name}\n\ngo 1.22\n")
    main = f'func main() {{\n\tfmt.Println("out {word}")\n\tpanic("{word}")\n}}\n'
    (src / "main.go").write_text(f'package main\n\nimport "fmt"\n\n{main}')
    return src, word


def _env(cache: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DLVAUTO_CACHE_DIR": str(cache), **extra}


def _umask(mask: int) -> Callable[[], object]:
    return lambda: os.umask(mask)  # the umask of the user's shell


def _dlvauto(*args: str, cache: Path, umask: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DLVAUTO, *args], capture_output=True, text=True, cwd=ROOT, env=_env(cache), timeout=300,
        preexec_fn=_umask(umask),
    )  # fmt: skip


def _loose(root: Path) -> list[str]:
    """Every path under `root` (itself too) that group or others can write."""
    out = []
    for p in [root, *root.rglob("*")]:
        mode = p.lstat().st_mode
        if not stat.S_ISLNK(mode) and stat.S_IMODE(mode) & 0o022:
            out.append(f"{stat.S_IMODE(mode):o} {p}")
    return out


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.lstat().st_mode)


def _private_folder_while_paused(p: subprocess.Popen[str], cache: Path) -> tuple[Path, list[str], int]:
    """dlv's private folder (from its --listen socket path) as the paused run has it."""
    assert p.stderr is not None
    for line in p.stderr:
        if line.startswith("dlvauto: paused at reading"):
            break
    else:
        raise AssertionError("the run never paused at reading")
    (dlv,) = [pid for pid in processes_mentioning(str(cache)) if "--listen=unix:" in _cmdline(pid)]
    m = re.search(r"--listen=unix:(\S+)/dlv\.sock", _cmdline(dlv))
    assert m is not None
    folder = Path(m.group(1))
    return folder, _loose(folder), _mode(folder)


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_the_whole_path_under_umask_000_creates_nothing_others_can_write(tmp_path: Path) -> None:
    src, word = _program(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "out"
    out.mkdir(mode=0o700)
    argv = [
        *DLVAUTO, "run", str(src), "--json", str(out / "r.json"), "--format", "md", "--out",
        str(out / "r.md"), "--save-core", str(out / "saved"),
    ]  # fmt: skip
    p = subprocess.Popen(
        argv, cwd=ROOT, env=_env(cache, DLVAUTO_PAUSE_AT="reading"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=_umask(0),
    )  # fmt: skip
    folder, loose_inside, folder_mode = _private_folder_while_paused(p, cache)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    assert (folder_mode, loose_inside) == (0o700, []), "dlv's socket, log and the program's output"
    assert not folder.exists(), "the private folder is removed after the run"
    assert json.loads((out / "r.json").read_text())["crash"]["message"] == word
    assert (out / "r.md").read_text().startswith(f"### dlvauto: PANIC — {word}\n")

    transcript = out / "t.txt"
    repl = _dlvauto(
        "run", str(src), "--backend", "repl", "--transcript", str(transcript), "--json", str(out / "r2.json"),
        cache=cache, umask=0,
    )  # fmt: skip
    assert repl.returncode == 0, repl.stderr
    assert f"out {word}" in transcript.read_text()

    assert _loose(cache) == []
    assert _loose(out) == []
    saved = out / "saved"
    modes = {p.name: _mode(p) for p in [saved, *saved.iterdir()]}
    assert modes == {"saved": 0o700, "core.zst": 0o600, "stop.json": 0o600, src.name: 0o700}
    assert _mode(transcript) == 0o600
    assert (_mode(out / "r.json"), _mode(out / "r.md"), _mode(out / "r2.json")) == (0o644, 0o644, 0o644)
    (binary,) = (cache / "builds").glob(f"*/{src.name}")
    assert _mode(binary) == 0o700 and _mode(binary.parent) == 0o700


def test_a_saved_core_is_private_under_the_default_umask(tmp_path: Path) -> None:
    src, word = _program(tmp_path)
    saved = tmp_path / "saved"
    cache = tmp_path / "c"
    done = _dlvauto("run", str(src), "--save-core", str(saved), "--json", "-", cache=cache, umask=0o022)
    assert done.returncode == 0, done.stderr
    assert (_mode(saved), _mode(saved / "core.zst"), _mode(saved / "stop.json")) == (0o700, 0o600, 0o600)
    again = _dlvauto("core", str(saved), "--json", "-", cache=tmp_path / "c", umask=0o022)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["crash"]["message"] == word, "the private core still reopens"


def test_a_symlink_planted_at_a_report_is_replaced_not_followed(tmp_path: Path) -> None:
    src, word = _program(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    report, view = tmp_path / "r.json", tmp_path / "r.md"
    report.symlink_to(victim)
    view.symlink_to(victim)
    done = _dlvauto(
        "run", str(src), "--json", str(report), "--format", "md", "--out", str(view), cache=tmp_path / "c",
        umask=0o022,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious\n"
    assert not report.is_symlink() and not view.is_symlink()
    assert json.loads(report.read_text())["crash"]["message"] == word
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "no temporary left"


def test_a_symlink_planted_at_the_transcript_is_replaced(tmp_path: Path) -> None:
    src, word = _program(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    transcript = tmp_path / "t.txt"
    transcript.symlink_to(victim)
    done = _dlvauto(
        "run", str(src), "--backend", "repl", "--transcript", str(transcript), "--json", "-",
        cache=tmp_path / "c", umask=0o022,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious\n"
    assert not transcript.is_symlink() and _mode(transcript) == 0o600
    assert f"out {word}" in transcript.read_text()


def test_the_repl_backends_private_folder_under_umask_000(tmp_path: Path) -> None:
    """The REPL's dlv folder: its config.yml and the program's output files are private too."""
    src, word = _program(tmp_path)
    cache = tmp_path / "cache"
    argv = [*DLVAUTO, "run", str(src), "--backend", "repl", "--json", str(tmp_path / "r.json")]
    p = subprocess.Popen(
        argv, cwd=ROOT, env=_env(cache, DLVAUTO_PAUSE_AT="reading"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=_umask(0),
    )  # fmt: skip
    assert p.stderr is not None
    for line in p.stderr:
        if line.startswith("dlvauto: paused at reading"):
            break
    else:
        raise AssertionError("the run never paused at reading")
    (dlv,) = [pid for pid in processes_mentioning(str(cache)) if " -r stdout:" in _cmdline(pid)]
    m = re.search(r" -r stdout:(\S+)/stdout", _cmdline(dlv))
    assert m is not None
    folder = Path(m.group(1))
    loose, mode = _loose(folder), _mode(folder)
    mine = [x for x in loose if "/config/dlv/" in x or x.endswith(("/stdout", "/stderr"))]
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    # dlv's own files in there (its telemetry counters, a `transcript -x` reply) take the umask;
    # the folder's 0700 keeps everyone else out of them.
    assert mode == 0o700 and mine == [], loose
    assert not folder.exists()
    assert json.loads((tmp_path / "r.json").read_text())["crash"]["message"] == word
