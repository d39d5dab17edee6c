"""The till's database at rest: SQLCipher with its key in the credential store.

A copied pos.sqlite3 or backup, opened with plain sqlite3 (or SQLCipher without the key),
shows no member data; a plain store from an older version is encrypted in place."""
from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from db.cipher import DB_FILE, StoreKeyMissing, is_plain_sqlite, sqlcipher_module, store_key
from db.engine import create_sqlite_engine
from db.migrate import upgrade
from db.store import backup, open_store
from pos_app.domain.ids import UuidV7Source
from pos_app.secrets import DB_KEY, open_secret_store
from tests.store_support import store_db

MEMBER_NAMES = ("周敏", "钱多多")


def member_data_visible(raw: bytes) -> bool:
    """Whether any member name, mobile or card number is readable in the raw bytes."""
    needles = [n.encode("utf-8") for n in MEMBER_NAMES] + [b"139", b"880000000001", b"members"]
    return any(n in raw for n in needles)




def test_a_copied_store_file_reveals_no_member_data(stocked, tmp_path: Path) -> None:
    path = stocked.data_dir / DB_FILE
    db = store_db(path)
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] > 0
    names = [r[0] for r in db.execute("SELECT name FROM members LIMIT 5")]
    db.close()
    stocked.uow.engine.dispose()
    copy = tmp_path / "stolen.sqlite3"
    copy.write_bytes(path.read_bytes())
    wal = path.with_name(DB_FILE + "-wal")
    raw = copy.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert not is_plain_sqlite(copy)
    assert not any(name.encode("utf-8") in raw for name in names)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(copy).execute("SELECT name FROM members").fetchall()
    wrong = sqlcipher_module().connect(str(copy))
    wrong.execute("PRAGMA key = \"x'" + "00" * 32 + "'\"")
    with pytest.raises(sqlcipher_module().DatabaseError):
        wrong.execute("SELECT name FROM members").fetchall()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_backup_is_encrypted_too_and_opens_only_with_the_till_s_key(stocked, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    backup(stocked.data_dir, target)
    raw = target.read_bytes()
    assert not is_plain_sqlite(target) and not member_data_visible(raw)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(target).execute("SELECT count(*) FROM members").fetchone()
    copy = store_db(target, key_of=stocked.data_dir / DB_FILE)
    assert copy.execute("SELECT count(*) FROM members").fetchone()[0] > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_plain_store_of_an_older_version_is_encrypted_in_place(tmp_path: Path) -> None:
    data = tmp_path / "old-till"
    data.mkdir()
    engine = create_sqlite_engine(data / DB_FILE)          # no key: what older versions wrote
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO audit_log (id, at, user_id, action, target, detail) "
                             "VALUES ('a1', '2026-11-28 12:00:00', NULL, 'x', '周敏13912345678', '{}')")
    engine.dispose()
    assert is_plain_sqlite(data / DB_FILE) and "周敏".encode() in (data / DB_FILE).read_bytes()
    uow = open_store(data, UuidV7Source())
    uow.engine.dispose()
    path = data / DB_FILE
    assert not is_plain_sqlite(path) and "周敏".encode() not in path.read_bytes()
    db = store_db(path)
    assert db.execute("SELECT target FROM audit_log WHERE id = 'a1'").fetchone()[0] == "周敏13912345678"
    assert not (data / (DB_FILE + "-wal")).exists() or b"\xe5\x91\xa8" not in (data / (DB_FILE + "-wal")).read_bytes()


def test_an_encrypted_store_without_its_key_is_refused_with_a_clear_error(stocked, tmp_path: Path) -> None:
    stocked.uow.engine.dispose()
    elsewhere = tmp_path / "copied-data-dir"
    elsewhere.mkdir()
    (elsewhere / DB_FILE).write_bytes((stocked.data_dir / DB_FILE).read_bytes())
    assert store_key(elsewhere) is None
    with pytest.raises(StoreKeyMissing):
        open_store(elsewhere, UuidV7Source())
    assert open_secret_store(elsewhere).get(DB_KEY) is None   # no key was invented for it


def test_a_backup_restores_on_its_own_till_and_one_from_another_till_is_refused(
        stocked, tmp_path: Path) -> None:
    from datetime import datetime

    from db.restore import RestoreError, restore_database
    from tests.store_support import make_shop
    own = tmp_path / "own.sqlite3"
    backup(stocked.data_dir, own)
    other = make_shop(tmp_path / "other-till")
    foreign = tmp_path / "foreign.sqlite3"
    backup(other.data_dir, foreign)
    other.uow.engine.dispose()
    stocked.uow.engine.dispose()
    before = (stocked.data_dir / DB_FILE).read_bytes()
    with pytest.raises(RestoreError) as caught:
        restore_database(stocked.data_dir, foreign, UuidV7Source(), datetime(2026, 11, 28, 13))
    assert "another till" in str(caught.value)
    assert (stocked.data_dir / DB_FILE).read_bytes() == before       # nothing was changed
    restored = restore_database(stocked.data_dir, own, UuidV7Source(), datetime(2026, 11, 28, 13))
    assert restored.epoch >= 1
    db = store_db(stocked.data_dir / DB_FILE)
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] > 0
    assert not is_plain_sqlite(stocked.data_dir / DB_FILE)
