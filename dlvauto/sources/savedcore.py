"""The folder `dlvauto run --save-core DIR` writes: the core, the binary, and what the run saw.

A core is only readable with the exact binary that wrote it, so the binary is copied beside it; the
folder can be moved to another machine and reopened with `dlvauto core DIR` (or
`dlvauto core DIR/BINARY DIR/core`). `stop.json` records the stop the run saw: which goroutine
crashed (a core written by dlv lists its threads in no particular order, so the core alone cannot
always tell which of two goroutines that hit the same throw was stopped first) and whether the
program was stopped by us (a hang) rather than by a crash.

    DIR/core.zst    the core, zstd-compressed (written by dlv at the crash stop, or by the kernel
                    with --via core; a Go core is mostly zeroed memory: 117 MB -> a few MB)
    DIR/<binary>    a copy of the program's binary, under its own name
    DIR/stop.json   {"binary": ..., "core": "core", "reason": ..., "goroutine_id": ..., ...}
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any, Literal

from dlvauto.errors import UserError
from dlvauto.records import record
from dlvauto.system import files

CORE_NAME = "core"
COMPRESSED_NAME = "core.zst"
STOP_FILE = "stop.json"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@record(kw_only=True)
class SavedStop:
    """What the run saw when the core was taken."""

    # A dataclass written with json: a live run that may save a core does not import pydantic;
    # reading a stop.json back validates it (`read_stop`, pydantic imported then).

    binary: str  # file name of the binary in the folder
    core: str = CORE_NAME
    written_by: Literal["delve", "kernel"]
    reason: str  # the StopEvent reason: panic, fatal, signal, halted
    goroutine_id: int | None = None
    dlvauto_version: str = ""


def check_free(folder: str | Path) -> Path:
    """Refuse a folder that already holds files (nothing is overwritten), or a file in the way."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise UserError(f"--save-core {path}: a file is in the way; give a new folder's path")
    if path.is_dir() and any(path.iterdir()):
        raise UserError(f"--save-core {path}: the folder is not empty; give a new or empty folder")
    return path


def prepare(folder: str | Path) -> Path:
    """Make the folder for a saved core (see `check_free`); its absolute path."""
    path = check_free(folder)
    try:
        files.private_dir(path)  # the program's memory: its owner's alone, whatever the umask
    except OSError as exc:
        raise UserError(f"--save-core {path}: cannot make the folder: {exc.strerror}") from exc
    return path.resolve()


def finish(folder: Path, binary: Path, stop: SavedStop) -> Path:
    """Copy the binary into the folder and write stop.json; returns the copied binary's path."""
    import shutil  # only here: a run that saves no core never needs it (system/trees.py says why)

    from dlvauto.version import __version__

    target = folder / binary.name
    shutil.copy2(binary, target)
    files.make_private(target, files.EXECUTABLE)
    if (folder / CORE_NAME).is_file():
        files.make_private(folder / CORE_NAME)  # dlv (or the kernel) wrote it with the umask's mode
        compress(folder / CORE_NAME, folder / COMPRESSED_NAME)
        stop.core = COMPRESSED_NAME
    stop.binary = binary.name
    stop.dlvauto_version = __version__
    files.write_private(folder / STOP_FILE, stop_json(stop))
    return target


def stop_json(stop: SavedStop) -> str:
    """stop.json's text: its fields in order, two spaces an indent, UTF-8 kept."""
    return json.dumps(asdict(stop), indent=2, ensure_ascii=False) + "\n"


@cache
def stop_adapter() -> Any:
    """pydantic's reader (and schema) of stop.json, built on first use."""
    import datetime  # noqa: F401  # before pydantic_core loads it: see cli.main

    from pydantic import TypeAdapter

    return TypeAdapter(SavedStop)


def compress(core: Path, target: Path) -> None:
    """`core` -> `target` with zstd (streamed: a core can be bigger than the memory), then removed."""
    import zstandard

    tmp = target.with_name(f".{target.name}.tmp")
    with core.open("rb") as src, files.open_private(tmp, "wb") as dst:
        zstandard.ZstdCompressor(level=3, threads=-1).copy_stream(src, dst)
    tmp.replace(target)
    core.unlink()


def is_compressed(core: Path) -> bool:
    try:
        with core.open("rb") as f:
            return f.read(4) == ZSTD_MAGIC
    except OSError:
        return False


def decompress(core: Path, target: Path) -> None:
    """A zstd core back to the plain one dlv reads; one line when it is not a whole zstd file."""
    import zstandard

    try:
        with core.open("rb") as src, files.open_private(target, "wb") as dst:
            unpack = zstandard.ZstdDecompressor().decompressobj()
            while chunk := src.read(1 << 20):
                dst.write(unpack.decompress(chunk))
            if not unpack.eof:  # a copy cut short: the rest of the core is missing
                raise zstandard.ZstdError("the compressed data ends early")
    except zstandard.ZstdError as exc:
        raise UserError(
            f"{core}: not a readable zstd-compressed core ({exc}): give the core dlvauto wrote"
        ) from None
    except OSError as exc:
        raise UserError(f"cannot read {core}: {exc.strerror}") from None


def read_stop(core: str | Path) -> SavedStop | None:
    """The stop.json beside `core` when it describes that core; None for any other core."""
    path = Path(core)
    file = path.parent / STOP_FILE
    if not file.is_file():
        return None
    try:
        stop: SavedStop = stop_adapter().validate_json(file.read_text())
    except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
        return None
    return stop if stop.core == path.name else None


def locate(folder: str | Path) -> tuple[Path, Path]:
    """The binary and core of a saved folder (`dlvauto core DIR`)."""
    path = Path(folder)
    stop = read_stop(path / COMPRESSED_NAME) or read_stop(path / CORE_NAME)
    if stop is None:
        raise UserError(
            f"{path} is a folder without a saved core (no {STOP_FILE} naming {CORE_NAME}): "
            "give BINARY CORE, or a folder written by --save-core"
        )
    return path / stop.binary, path / stop.core
