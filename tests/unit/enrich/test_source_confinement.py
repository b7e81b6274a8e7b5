"""Crash text is untrusted: the files it names are read only inside folders the user vouched for.

Each case is a hostile traceback through the real command line (`dlvauto parse`); the assertion is
on what the report's first user frame carries (its source lines, or none).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.helpers import run_cli

SECRET = "TOPSECRET-do-not-post"


def _trace(path: str, line: int = 2) -> str:
    return f"panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t{path}:{line} +0x1d\n"


def _parse(tmp_path: Path, trace: str, *args: str) -> dict[str, Any]:
    f = tmp_path / "trace.txt"
    f.write_text(trace)
    r = run_cli("parse", str(f), *args, "--json", "-")
    assert r.returncode == 0, r.stderr
    report: dict[str, Any] = json.loads(r.stdout)
    return report


def _source(report: dict[str, Any]) -> list[str] | None:
    frame = report["crash"]["first_user_frame"] or report["goroutines"][0]["frames"][0]
    src = frame.get("source")
    return src["lines"] if src else None


def _go_file(folder: Path, name: str = "main.go") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / name
    f.write_text(f"package main\n\nfunc main() {{ panic({SECRET!r}) }}\n".replace("'", '"'))
    return f


def test_a_system_file_is_never_read(tmp_path: Path) -> None:
    for args in ([], ["--module-dir", "/etc"], ["--source-root", "/etc=/etc"]):
        report = _parse(tmp_path, _trace("/etc/passwd"), *args)
        assert _source(report) is None, args
        assert "root:" not in json.dumps(report)


def test_the_folder_a_trace_implies_is_not_trusted_but_one_the_user_names_is(tmp_path: Path) -> None:
    f = _go_file(tmp_path / "mod")
    assert _source(_parse(tmp_path, _trace(str(f), 3))) is None  # nobody vouched for it
    lines = _source(_parse(tmp_path, _trace(str(f), 3), "--module-dir", str(tmp_path / "mod")))
    assert lines is not None and any(SECRET in x for x in lines)


def test_a_source_root_is_the_folder_it_maps_to(tmp_path: Path) -> None:
    _go_file(tmp_path / "here")
    lines = _source(
        _parse(
            tmp_path,
            _trace("/build/elsewhere/main.go", 3),
            "--source-root",
            f"/build/elsewhere={tmp_path / 'here'}",
        )
    )
    assert lines is not None and any(SECRET in x for x in lines)


def test_no_path_leaves_the_folder_by_dots_or_symlinks(tmp_path: Path) -> None:
    module = tmp_path / "mod"
    module.mkdir()
    outside = _go_file(tmp_path / "outside", "secret.go")
    (module / "link.go").symlink_to(outside)
    (module / "dir.go").mkdir()
    for path in (f"{module}/../outside/secret.go", f"{module}/link.go", f"{module}/dir.go"):
        report = _parse(tmp_path, _trace(path, 3), "--module-dir", str(module))
        assert _source(report) is None, path
        assert SECRET not in json.dumps(report), path


def test_only_go_c_and_assembly_sources_are_read(tmp_path: Path) -> None:
    module = tmp_path / "mod"
    module.mkdir()
    for name in ("notes.txt", "id_rsa", "config.json"):
        (module / name).write_text(f"line one\n{SECRET}\nline three\n")
        report = _parse(tmp_path, _trace(str(module / name)), "--module-dir", str(module))
        assert SECRET not in json.dumps(report), name
    fifo = module / "pipe.go"
    os.mkfifo(fifo)
    assert _source(_parse(tmp_path, _trace(str(fifo)), "--module-dir", str(module))) is None
