"""The till's SQLite engine: WAL, synchronous=FULL, foreign keys, BEGIN IMMEDIATE for writes."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 5000


def create_sqlite_engine(path: Path | str, *, read_only: bool = False) -> Engine:
    """An engine on one SQLite file with the durability settings of ARCHITECTURE §3."""
    engine = create_engine(f"sqlite:///{Path(path)}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Stop pysqlite from issuing its own BEGIN/COMMIT (it would make every write a
        # deferred transaction that fails at once with SQLITE_BUSY on upgrade).
        dbapi_conn.isolation_level = None
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       f"busy_timeout={BUSY_TIMEOUT_MS}"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Every write transaction takes the write lock up front, so the UI and the sync
        # worker queue on busy_timeout instead of failing (reference/offline-sync.md §5).
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
