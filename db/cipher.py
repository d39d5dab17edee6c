"""SQLCipher keys and raw connections for the till's store, without SQLAlchemy (the login
list is read with these before SQLAlchemy is imported).

Encryption at rest is SQLCipher 4 (AES-256 pages with an HMAC each) through the `sqlcipher3`
package: its wheels bundle SQLCipher and its crypto for Linux and Windows alike, so the
README's set-up (`pip install -e .`) needs no system library and no compiler; Debian's
libsqlcipher would need the Python binding built on every till and does not exist on
Windows. The key is 32 random bytes made the first time and kept in the operating system's
credential store (pos_app.secrets), never in the data dir, and given as a raw `x'...'` key so
SQLCipher skips its passphrase derivation on every connection. A copied pos.sqlite3, data
dir or backup file therefore opens nowhere but on this PC. A plain store written by an
older version is encrypted in place the first time it is opened.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from pos_app.domain.errors import PosError
from pos_app.secrets import DB_KEY, SecretStore, open_secret_store

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
KEY_BYTES = 32
PLAIN_HEADER = b"SQLite format 3\x00"


def key_pragma(key: bytes) -> str:
    """The PRAGMA that opens an encrypted database with a raw 256-bit key."""
    if len(key) != KEY_BYTES:
        raise ValueError("a database key has 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def database_errors() -> tuple[type[Exception], ...]:
    """The "not a database / wrong key" errors of both drivers (sqlcipher3's do not derive
    from sqlite3's)."""
    return (sqlite3.DatabaseError, sqlcipher_module().DatabaseError)


def sqlcipher_module() -> Any:
    import sqlcipher3.dbapi2 as dbapi
    return dbapi


def connect_raw(path: Path | str, key: bytes | None, *, read_only: bool = False,
                timeout: float = 5.0) -> Any:
    """A DB-API connection on the store outside SQLAlchemy (quick reads before the store
    opens, backups); keyed when the store is encrypted."""
    target = f"file:{path}?mode=ro" if read_only else str(path)
    if key is None:
        return sqlite3.connect(target, uri=read_only, timeout=timeout)
    con = sqlcipher_module().connect(target, uri=read_only, timeout=timeout)
    con.execute(key_pragma(key))
    return con


def is_plain_sqlite(path: Path) -> bool:
    """True for an unencrypted SQLite file (an older version's store, or a plain backup)."""
    with open(path, "rb") as fh:
        return fh.read(len(PLAIN_HEADER)) == PLAIN_HEADER


DB_FILE = "pos.sqlite3"
_KEYS: dict[Path, bytes] = {}


class StoreKeyMissing(PosError):
    """The store is encrypted but this machine's credential store has no key for it."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def store_key(data_dir: Path, secrets: SecretStore | None = None, *, create: bool = False
              ) -> bytes | None:
    """The store's key from the credential store (made at random when `create`)."""
    where = Path(data_dir).resolve()
    if where in _KEYS:
        return _KEYS[where]
    store = secrets or open_secret_store(where)
    text = store.get(DB_KEY)
    if text:
        key = bytes.fromhex(text)
    elif create:
        key = os.urandom(KEY_BYTES)
        store.set(DB_KEY, key.hex())
    else:
        return None
    _KEYS[where] = key
    return key


def key_for_file(path: Path) -> bytes | None:
    """The key of the store file `path` (None for a plain file of an older version)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0 or is_plain_sqlite(path):
        return None
    key = store_key(path.parent)
    if key is None:
        raise StoreKeyMissing(str(path))
    return key


def ensure_encrypted(data_dir: Path) -> bytes:
    """The key of the store in `data_dir`; a new store gets one, a plain one is encrypted."""
    path = data_dir / DB_FILE
    exists = path.exists() and path.stat().st_size > 0
    if exists and not is_plain_sqlite(path):
        key = store_key(data_dir)
        if key is None:
            raise StoreKeyMissing(str(path))
        return key
    key = store_key(data_dir, create=True)
    assert key is not None
    if exists:
        encrypt_in_place(path, key)
    return key


def _fsync_dir(path: Path) -> None:
    if os.name == "posix":
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Rewrite a plain SQLite store as an encrypted one (sqlcipher_export), then swap the
    files. The key is already in the credential store, so a crash at any point leaves either
    the plain file (encrypted again on the next open) or the encrypted one."""
    tmp = path.with_name(path.name + ".encrypting")
    tmp.unlink(missing_ok=True)
    con = connect_raw(path, None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        user_version = int(con.execute("PRAGMA user_version").fetchone()[0])
    finally:
        con.close()
        con = sqlcipher_module().connect(str(path))
    try:
        con.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(tmp),))
        con.execute("SELECT sqlcipher_export('encrypted')")
        con.execute(f"PRAGMA encrypted.user_version = {user_version}")
        con.execute("DETACH DATABASE encrypted")
    finally:
        con.close()
    os.chmod(tmp, 0o600)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    log.warning("encrypted the store %s in place (SQLCipher)", path.name)


