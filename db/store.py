"""Opening a till's store: the engine, the schema brought up to date, the unit-of-work factory."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from db.engine import create_sqlite_engine
from db.migrate import upgrade
from db.unit_of_work import SqlUnitOfWorkFactory
from pos_app.ports.clock import IdSource

DB_FILE = "pos.sqlite3"


def open_store(data_dir: Path, ids: IdSource, *, migrate: bool = True) -> SqlUnitOfWorkFactory:
    """The store in `data_dir` (created if missing), migrated to the newest schema."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_sqlite_engine(data_dir / DB_FILE)
    if migrate:
        upgrade(engine)
    return SqlUnitOfWorkFactory(engine, ids)


def backup(data_dir: Path, target: Path) -> None:
    """Copy the live database with SQLite's online backup API (never a raw file copy)."""
    source = sqlite3.connect(data_dir / DB_FILE)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
            ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise RuntimeError(f"backup copy failed its integrity check: {ok}")
        finally:
            dest.close()
    finally:
        source.close()
