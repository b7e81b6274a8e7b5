"""Starting `dlv core` at once, with the binary/core checks running beside it.

dlv takes a few hundred milliseconds to load a binary's debug info; reading the binary and core
ourselves (are they ELF, is there DWARF, is the core whole and of this binary) and importing the
rest of dlvauto take about as long. Done one after the other they add up; here dlv is started
first, the checks run on a thread, and the caller imports what it needs meanwhile. Only light
modules are imported here, so a command can call this before its heavy imports.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from dlvauto.debugger import COMMAND_TIMEOUT, Session
from dlvauto.errors import DlvautoError
from dlvauto.records import record
from dlvauto.sources import backends, savedcore
from dlvauto.system.progress import NullProgress, Progress
from dlvauto.system.scratch import private_folder

if TYPE_CHECKING:
    from dlvauto.gofacts.binary import BinaryFacts


class _Checks:
    """The binary and core checks, on a thread of their own."""

    def __init__(self, binary: Path, core: Path) -> None:
        self._binary, self._core = binary, core
        self._facts: BinaryFacts | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="dlvauto-core-checks", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from dlvauto.gofacts.binary import read_binary, require_debug_info
            from dlvauto.gofacts.corefile import check_belongs, read_core

            facts = read_binary(self._binary)
            require_debug_info(facts)
            check_belongs(read_core(self._core), facts)
            self._facts = facts
        except BaseException as exc:  # handed to the caller's thread by result()
            self._error = exc

    def result(self) -> BinaryFacts:
        """The binary's facts once the pair passed every check; the check's error otherwise."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._facts is not None
        return self._facts


@record
class StartedCore:
    """A dlv serving a core, and the checks of the pair it was given."""

    binary: Path
    core: Path
    session: Session
    checks: _Checks

    unpacked: Path | None = None  # the private folder a compressed core was unpacked into

    def stop(self) -> None:
        try:
            self.session.stop()
        finally:
            if self.unpacked is not None:
                shutil.rmtree(self.unpacked, ignore_errors=True)


def start_core(
    binary: str | Path,
    core: str | Path,
    dlv: str | None = None,
    *,
    backend: str = backends.DEFAULT_BACKEND,
    command_timeout: float = COMMAND_TIMEOUT,
    transcript: str | Path | None = None,
    progress: Progress | None = None,
) -> StartedCore:
    """Start `dlv core BINARY CORE` and check the pair meanwhile.

    A bad pair is reported in our words even when dlv refused it first: its dying words are
    less clear than the check's one line.
    """
    bin_path, core_path = Path(binary).resolve(), Path(core).resolve()
    options = backends.options(dlv, command_timeout, transcript)
    named, unpacked = core_path, None  # the report names the core the user gave, compressed or not
    if savedcore.is_compressed(core_path):  # `run --save-core` writes core.zst: dlv reads plain cores
        unpacked = private_folder()
        try:
            savedcore.decompress(core_path, unpacked / savedcore.CORE_NAME)
        except BaseException:
            shutil.rmtree(unpacked, ignore_errors=True)
            raise
        core_path = unpacked / savedcore.CORE_NAME
    checks = _Checks(bin_path, core_path)
    try:
        try:
            session = backends.get(backend).open_core(
                bin_path, core_path, options, progress or NullProgress()
            )
        except DlvautoError:
            checks.result()
            raise
    except BaseException:
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)
        raise
    return StartedCore(bin_path, named, session, checks, unpacked)
