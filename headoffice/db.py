"""Head-office engines (PostgreSQL for deployments, an embedded SQLite file by default), and
the one way to run work in a transaction: again after a transient database error."""
from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from headoffice.errors import Busy

log = logging.getLogger("headoffice")
T = TypeVar("T")

# SQLSTATEs that say "not now" rather than "never": serialisation, deadlock, lock or
# statement timeout, cancel, shutdown, too many connections, out of resources.
_TRANSIENT = {"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53000",
              "53100", "53200", "53300", "53400", "25P02"}


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


def sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) or getattr(exc, "sqlstate", None)


def transient(exc: BaseException) -> bool:
    """A database error worth retrying the whole request for (never a reason to refuse)."""
    if not isinstance(exc, DBAPIError) and sqlstate(exc) is None:
        return False
    code = sqlstate(exc)
    if code is None:
        # A dropped connection (psycopg raises without a SQLSTATE) or SQLite busy/locked.
        return isinstance(exc, OperationalError) or bool(getattr(exc, "connection_invalidated",
                                                                 False))
    return code in _TRANSIENT or code.startswith("08")


def run_in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T],
                       attempts: int = 8) -> T:
    """Run `work` in one transaction, again after a transient database error (deadlock,
    serialisation, lock or statement timeout, a dropped connection); if it persists,
    raise Busy so the caller answers "retry later" and nothing is recorded."""
    for attempt in range(attempts):
        with sessions() as session:
            try:
                with session.begin():
                    return work(session)
            except (OperationalError, DBAPIError) as exc:
                if not transient(exc):
                    raise
                code = sqlstate(exc)
                # Deadlocks and serialisation failures clear at once; a held lock or a
                # slow statement will not clear within one request: give up sooner.
                last = attempt == attempts - 1 or (code not in ("40P01", "40001")
                                                   and attempt >= 1)
                if last:
                    log.warning("database busy (%s); asking the caller to retry",
                                code or exc.__class__.__name__)
                    raise Busy(code or exc.__class__.__name__) from None
                time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")
