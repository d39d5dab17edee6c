"""The till's SQLite engine: WAL, synchronous=FULL, foreign keys, BEGIN IMMEDIATE for writes;
SQLCipher-encrypted when given a key (db/cipher.py says why SQLCipher and where the key is)."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from db.cipher import BUSY_TIMEOUT_MS, key_pragma, sqlcipher_module

def create_sqlite_engine(path: Path | str, *, read_only: bool = False,
                         key: bytes | None = None) -> Engine:
    """An engine on one SQLite file with the durability settings of ARCHITECTURE §3,
    encrypted with SQLCipher when `key` is given."""
    if key is None:
        engine = create_engine(f"sqlite:///{Path(path)}", future=True)
    else:
        engine = create_engine(f"sqlite:///{Path(path)}", future=True, module=sqlcipher_module())
    pragmas = ([key_pragma(key)] if key is not None else []) + [
        f"PRAGMA {p}" for p in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                                f"busy_timeout={BUSY_TIMEOUT_MS}")]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Stop pysqlite from issuing its own BEGIN/COMMIT (it would make every write a
        # deferred transaction that fails at once with SQLITE_BUSY on upgrade).
        dbapi_conn.isolation_level = None
        # The key must be the first statement on an encrypted connection.
        for pragma in pragmas:
            dbapi_conn.execute(pragma)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Every write transaction takes the write lock up front, so the UI and the sync
        # worker queue on busy_timeout instead of failing (reference/offline-sync.md §5).
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
