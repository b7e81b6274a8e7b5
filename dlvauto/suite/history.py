"""Crash history in SQLite, keyed by signature: a crash never seen before shows as new.

One row per signature (kind, message, first and last seen, count) and one per sighting (which
scenario, which build), so a team can tell a regression that reappeared from a brand-new crash.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from dlvauto import records
from dlvauto.errors import UserError
from dlvauto.report import Report

_SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    signature TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    message TEXT,
    first_user_function TEXT,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sightings (
    signature TEXT NOT NULL REFERENCES signatures(signature),
    scenario TEXT NOT NULL,
    build TEXT,
    go_version TEXT,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sightings_by_signature ON sightings(signature);
"""


@records.record
class Entry:
    signature: str
    kind: str
    message: str | None
    first_user_function: str | None
    first_seen: float
    last_seen: float
    count: int
    scenarios: list[str]


def _open(path: str | Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(str(path), timeout=30)
        db.executescript(_SCHEMA)
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path} is not a dlvauto history database ({exc}): give another path") from exc
    return db


def record(path: str | Path, scenario: str, report: Report, build: str | None = None) -> bool:
    """Add one observed report; True when its signature was never seen before."""
    now = time.time()
    c = report.crash
    fu = c.first_user_frame.function if c.first_user_frame else None
    with _open(path) as db:
        row = db.execute("SELECT count FROM signatures WHERE signature = ?", (c.signature,)).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO signatures VALUES (?, ?, ?, ?, ?, ?, 1)",
                (c.signature, c.kind, c.message, fu, now, now),
            )
        else:
            db.execute(
                "UPDATE signatures SET last_seen = ?, count = count + 1 WHERE signature = ?",
                (now, c.signature),
            )
        db.execute(
            "INSERT INTO sightings VALUES (?, ?, ?, ?, ?)",
            (c.signature, scenario, build, report.source.go_version, now),
        )
    return row is None


def entries(path: str | Path) -> list[Entry]:
    if not Path(path).is_file():
        raise UserError(f"{path} does not exist: run `dlvauto suite --history {path}` first")
    with _open(path) as db:
        rows = db.execute(
            "SELECT signature, kind, message, first_user_function, first_seen, last_seen, count "
            "FROM signatures ORDER BY last_seen DESC"
        ).fetchall()
        out = []
        for r in rows:
            names = db.execute(
                "SELECT DISTINCT scenario FROM sightings WHERE signature = ? ORDER BY scenario", (r[0],)
            ).fetchall()
            sig, kind, message, function, first, last, count = r
            out.append(Entry(sig, kind, message, function, first, last, count, [n[0] for n in names]))
    return out
