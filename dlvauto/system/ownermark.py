"""The owner line of a private working folder (`pid start-time boot-id`), in `os` alone: with it
a later run tells a folder whose process is gone from one still in use (scratch.py), and the
run's quick start (commands/quickstart.py) marks its folder the same way before pathlib loads."""

from __future__ import annotations

import os


def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat): with the
    pid it names one process, even after the pid is reused."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


def owner_line() -> str:
    return f"{os.getpid()} {start_time(os.getpid())} {boot_id()}\n"
