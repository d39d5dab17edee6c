"""Opening a till's store: the key, the engine, the schema brought up to date, the unit-of-work
factory; encrypted backups.

The store is a SQLCipher-encrypted SQLite file (db/engine.py). Its key is made at random
the first time and kept in the operating system's credential store (pos_app.secrets), never
in the data dir: a copied pos.sqlite3, a copied data dir or a backup file opens nowhere but
on this PC (or with the key head office was given, see README "Threat model"). A plain store
written by an older version is encrypted in place the first time it is opened.
"""
from __future__ import annotations

import os
from pathlib import Path

from db.cipher import (DB_FILE, StoreKeyMissing, connect_raw, encrypt_in_place, ensure_encrypted,
                       key_for_file, store_key)
from db.engine import create_sqlite_engine
from db.migrate import upgrade
from db.unit_of_work import SqlUnitOfWorkFactory
from pos_app.mobile_keys import MobileKeys, till_mobile_keys
from pos_app.ports.clock import IdSource
from pos_app.secrets import SecretStore, open_secret_store


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



def backup(data_dir: Path, target: Path) -> None:
    """Copy the live database with SQLite's online backup API (never a raw file copy),
    encrypted with the store's key like the store itself."""
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
