"""The users and outbox tables read with sqlite3 alone (implements pos_app.ports.early_reads):
the login list and the first PIN check run before SQLAlchemy and Alembic are even imported, so
the first login does not wait for them; the status bar counts the outbox beside the writers
(WAL lets a read-only connection run beside them)."""
from __future__ import annotations

import logging
from pathlib import Path

from db.cipher import DB_FILE, connect_raw, key_for_file
from pos_app.services.auth import User

log = logging.getLogger(__name__)


class SqliteEarlyReads:
    """EarlyStoreReads over the till's store file in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / DB_FILE

    def active_users(self) -> list[User]:
        if not self._path.exists():
            return []
        try:
            con = connect_raw(self._path, key_for_file(self._path), read_only=True, timeout=0.5)
            try:
                rows = con.execute("SELECT id, username, display_name, role FROM users "
                                   "WHERE active ORDER BY username").fetchall()
            finally:
                con.close()
        except Exception:  # noqa: BLE001 - sqlite3/sqlcipher3 errors, a missing key: the store opens later and says why
            log.warning("user list not readable before the store opens", exc_info=True)
            return []
        return [User(*row) for row in rows]

    def clean_login(self, username: str, pin: str) -> User | None:
        from db.pin_hasher import Argon2PinHasher
        if not self._path.exists():
            return None
        try:
            con = connect_raw(self._path, key_for_file(self._path), read_only=True, timeout=0.5)
            try:
                row = con.execute("SELECT id, username, display_name, role, pin_hash,"
                                  " failed_attempts, locked_until FROM users"
                                  " WHERE active AND username = ?", (username,)).fetchone()
            finally:
                con.close()
        except Exception:  # noqa: BLE001 - sqlite3/sqlcipher3 errors, a missing key: AuthService decides
            log.debug("quick login unavailable", exc_info=True)
            return None
        if row is None or row[5] or row[6] is not None:
            return None
        if not Argon2PinHasher().verify(row[4], pin):
            return None
        return User(*row[:4])


def outbox_pending(data_dir: Path):  # noqa: ANN201 - a small closure (PendingEvents)
    """Events not yet acknowledged by head office, counted on a short read-only connection."""
    path = data_dir / DB_FILE

    def pending() -> int:
        con = connect_raw(path, key_for_file(path), read_only=True, timeout=0.05)
        try:
            return int(con.execute("SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL")
                       .fetchone()[0])
        finally:
            con.close()
    return pending
