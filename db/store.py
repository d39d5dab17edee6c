"""Opening a till's store: the key, the engine, the schema brought up to date, the unit-of-work
factory; encrypted backups.

The store is a SQLCipher-encrypted SQLite file (db/engine.py). Its key is made at random
the first time and kept in the operating system's credential store (pos_app.secrets), never
in the data dir: a copied pos.sqlite3, a copied data dir or a backup file opens nowhere but
on this PC (or with the key head office was given, see README "Threat model"). A plain store
written by an older version is encrypted in place the first time it is opened.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from db.cipher import (DB_FILE, StoreKeyMissing, connect_raw, encrypt_in_place, ensure_encrypted,
                       key_for_file, store_key)
from db.engine import create_sqlite_engine
from db.migrate import upgrade
from db.unit_of_work import SqlUnitOfWorkFactory
from pos_app.mobile_keys import MobileKeys, till_mobile_keys
from pos_app.ports.clock import IdSource
from pos_app.secrets import SecretStore, open_secret_store

log = logging.getLogger(__name__)


def open_store(data_dir: Path, ids: IdSource, *, migrate: bool = True,
               encrypted: bool = True) -> SqlUnitOfWorkFactory:
    """The store in `data_dir` (created if missing, encrypted), migrated to the newest schema.
    `encrypted=False` only for the benchmark's plain baseline and a plain store's tests."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ensure_encrypted(data_dir) if encrypted else None
    engine = create_sqlite_engine(data_dir / DB_FILE, key=key)
    keys = mobile_keys_for(data_dir)
    if migrate:
        upgrade(engine, mobile_keys=lambda: keys)
    path = data_dir / DB_FILE
    if os.name == "posix" and path.exists():
        os.chmod(path, 0o600)
    return SqlUnitOfWorkFactory(engine, ids, keys)


_MOBILE_KEYS: dict[Path, MobileKeys] = {}


def mobile_keys_for(data_dir: Path, secrets: SecretStore | None = None) -> MobileKeys:
    """The mobile lookup keys of the till in `data_dir` (pos_app.mobile_keys), read from its
    credential store once per process; when head office issues the chain key, MobileKeys.prefer
    makes every open store of this process use it."""
    where = Path(data_dir).resolve()
    if where not in _MOBILE_KEYS:
        _MOBILE_KEYS[where] = till_mobile_keys(secrets or open_secret_store(where))
    return _MOBILE_KEYS[where]



ESCROW_SUFFIX = ".escrow"


def backup(data_dir: Path, target: Path, at: datetime | None = None) -> Path | None:
    """Copy the live database with SQLite's online backup API (never a raw file copy),
    encrypted with the store's key like the store itself; once the till has head office's
    escrow key (settings feed), the key is also wrapped for it in `<target>.escrow`, so
    the backup restores on a new PC with head office's help (pos-hq escrow unwrap). The
    escrow file's path, or None when the till has no escrow key yet."""
    _copy_backup(data_dir, target)
    return _escrow(data_dir, Path(target), at or datetime.now())


def _escrow(data_dir: Path, target: Path, at: datetime) -> Path | None:
    import base64
    import hashlib
    import json

    from pos_app.domain.escrow import ESCROW_DOCUMENT, wrap_key

    key = key_for_file(data_dir / DB_FILE)
    if key is None:
        return None
    con = connect_raw(data_dir / DB_FILE, key, read_only=True)
    try:
        row = con.execute("SELECT body FROM sync_documents WHERE stream = ? AND key = ?",
                          ESCROW_DOCUMENT).fetchone()
        till = con.execute("SELECT shops.code || '/' || tills.code FROM tills JOIN shops "
                           "ON shops.id = tills.shop_id ORDER BY tills.code LIMIT 1").fetchone()
    finally:
        con.close()
    if row is None or till is None:
        log.warning("backup %s: head office's escrow key not pulled yet; it restores with "
                    "this till's key only", target.name)
        return None
    doc = json.loads(row[0])
    context = {"till": till[0], "backup": target.name, "made_at": at.isoformat(),
               "sha256": hashlib.sha256(target.read_bytes()).hexdigest()}
    record = wrap_key(key, base64.b64decode(doc["public_key"]), context)
    out = target.with_name(target.name + ESCROW_SUFFIX)
    out.unlink(missing_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(record, fh, ensure_ascii=False, indent=1)
    return out


def _copy_backup(data_dir: Path, target: Path) -> None:
    key = key_for_file(data_dir / DB_FILE)
    target = Path(target)
    target.unlink(missing_ok=True)
    source = connect_raw(data_dir / DB_FILE, key)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        dest = connect_raw(target, key)
        try:
            source.backup(dest)
            ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise RuntimeError(f"backup copy failed its integrity check: {ok}")
        finally:
            dest.close()
    finally:
        source.close()


__all__ = ["DB_FILE", "StoreKeyMissing", "backup", "encrypt_in_place", "ensure_encrypted",
           "key_for_file", "mobile_keys_for", "open_store", "store_key"]
