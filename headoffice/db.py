"""Head-office engines: PostgreSQL for deployments, an embedded SQLite file by default."""
from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def create_ho_engine(url: str, *, pool_size: int = 8, lock_timeout_ms: int | None = None
                     ) -> Engine:
    """An engine for `url`; SQLite gets WAL and BEGIN IMMEDIATE so writers queue, not fail.

    On PostgreSQL `lock_timeout_ms` bounds how long a statement waits for a row lock: the
    request then fails as retryable (503) instead of hanging."""
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                           "busy_timeout=10000"):
                dbapi_conn.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    connect_args = {}
    if lock_timeout_ms:
        connect_args["options"] = f"-c lock_timeout={int(lock_timeout_ms)}"
    return create_engine(url, future=True, pool_size=pool_size, max_overflow=4,
                         pool_pre_ping=True, connect_args=connect_args)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
