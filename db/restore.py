"""Restoring a till's database from a `pos backup` file, on purpose and safely.

A restored database has forgotten the events it wrote after the backup, and head office
holds some of them under the same sequence numbers. So a restore starts a new sync epoch
(the till's incarnation): events written from now on are numbered in an epoch head office
has not seen, and the older unsent ones are reconciled by their event ids. The database
being replaced is kept beside it.

`restore_database` is the one entry point; steps that need more (e.g. an encrypted store)
extend `_copy_in`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.cipher import (connect_raw, database_errors, ensure_encrypted, is_plain_sqlite,
                       store_key)
from sqlalchemy import insert

from db.engine import create_sqlite_engine
from db.models import AuditRow
from db.migrate import upgrade
from db.store import DB_FILE
from db.sync_store import SqlSyncStore
from pos_app.ports.clock import IdSource


class RestoreError(Exception):
    """The file is not a usable till backup; nothing was changed."""


@dataclass(frozen=True)
class Restored:
    epoch: int
    kept_as: Path | None
    events: int          # outbox events in the restored database
    unsent: int          # of which head office had not acknowledged


def _check_backup(source: Path, key: bytes | None) -> None:
    if not source.is_file():
        raise RestoreError(f"no such file: {source}")
    try:
        conn = connect_raw(source, key, read_only=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except database_errors() as exc:
        raise RestoreError(f"{source} is not a till database, or was made on another till "
                           f"with another key ({exc})") from None
    if ok != "ok":
        raise RestoreError(f"{source} fails its integrity check: {ok}")
    if not {"outbox", "tills", "alembic_version"} <= tables:
        raise RestoreError(f"{source} is not a till database backup (no outbox/tills tables)")


def _copy(source: Path, target: Path, key: bytes | None) -> None:
    src = connect_raw(source, key)
    try:
        dest = connect_raw(target, key)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _copy_in(source: Path, live: Path, key: bytes | None) -> None:
    """Replace the live database's content with the backup's (SQLite's backup API, so the
    WAL of the old database cannot leak into the new one). A plain backup of an older
    version replaces the file and is encrypted when the store next opens."""
    if key is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
    _copy(source, live, key)


@dataclass(frozen=True)
class BackupInfo:
    """What the confirmation names: when the backup was made and what it holds."""

    made_at: datetime             # the file's time (pos backup writes it once)
    last_event_at: datetime | None
    events: int


def describe_backup(data_dir: Path, source: Path) -> BackupInfo:
    """Check a backup file and say what it holds, changing nothing (RestoreError if unusable)."""
    source = Path(source)
    key = None if source.is_file() and is_plain_sqlite(source) else store_key(data_dir)
    _check_backup(source, key)
    conn = connect_raw(source, key, read_only=True)
    try:
        last, n = conn.execute("SELECT max(created_at), count(*) FROM outbox").fetchone()
    finally:
        conn.close()
    return BackupInfo(datetime.fromtimestamp(int(source.stat().st_mtime)),
                      datetime.fromisoformat(str(last)) if last else None, int(n))


def _adopt_released_key(data_dir: Path, released: bytes) -> bytes:
    """A backup's data key released by head office (pos-hq escrow unwrap) for a new PC: it
    becomes this data dir's store key. A data dir whose store has another key is refused."""
    from pos_app.secrets import DB_KEY, open_secret_store

    if len(released) != 32:
        raise RestoreError("a backup key has 64 hex digits (as pos-hq escrow unwrap prints it)")
    own = store_key(data_dir)
    if own is not None and own != released and (data_dir / DB_FILE).exists():
        raise RestoreError("this data dir already has a store under another key: restore "
                           "into a new data dir (the new PC), or without --key-stdin on the "
                           "till the backup came from")
    if own is None:
        open_secret_store(data_dir).set(DB_KEY, released.hex())
    return released


def restore_database(data_dir: Path, source: Path, ids: IdSource, at: datetime,
                     user_id: str | None = None, backup_key: bytes | None = None) -> Restored:
    """Put `source` in place of the till's database and start a new sync epoch.

    Backups are encrypted with this till's store key (`pos backup`); a plain one from an
    older version is accepted too. On a new PC, `backup_key` is the key head office
    released from the backup's escrow file; it becomes the new store's key."""
    source = Path(source)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if backup_key is not None:
        key: bytes | None = _adopt_released_key(data_dir, backup_key)
    else:
        key = None if source.is_file() and is_plain_sqlite(source) else store_key(data_dir)
    _check_backup(source, key)
    live = data_dir / DB_FILE
    kept = None
    if live.exists():
        kept = data_dir / f"{DB_FILE}.before-restore-{at:%Y%m%d-%H%M%S}"
        live_key = None if is_plain_sqlite(live) else store_key(data_dir)
        _copy(live, kept, live_key)
        if key is not None and live_key is None:
            for suffix in ("", "-wal", "-shm"):      # a plain store: replaced whole
                Path(f"{live}{suffix}").unlink(missing_ok=True)
    _copy_in(source, live, key)
    engine = create_sqlite_engine(live, key=ensure_encrypted(data_dir))
    try:
        upgrade(engine)
        store = SqlSyncStore(engine, ids)
        epoch = store.start_epoch("restored", at)
        with engine.begin() as conn:   # the restored database says who restored it, when
            if user_id is not None and conn.exec_driver_sql(
                    "SELECT count(*) FROM users WHERE id = ?", (user_id,)).scalar_one() == 0:
                user_id = None           # a user added after the backup: not in this one
            conn.execute(insert(AuditRow.__table__).values(
                id=ids.new_id(), at=at, user_id=user_id, action="store.restored",
                target=source.name[:80], detail=json.dumps({"epoch": epoch})))
        state = store.state()
        with engine.connect() as conn:
            total = conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one()
    finally:
        engine.dispose()
    return Restored(epoch, kept, int(total), state.backlog)
