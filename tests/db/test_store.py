"""The local store: durability settings, migrations equal to the models, gap-free outbox."""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from db.engine import create_sqlite_engine
from db.migrate import current_revision, head_revision, upgrade
from db.models import Base
from db.store import DB_FILE, backup, open_store
from pos_app.domain.ids import UuidV7Source
from tests.store_support import store_db


def test_engine_uses_wal_full_sync_foreign_keys_and_busy_timeout(tmp_path: Path):
    engine = create_sqlite_engine(tmp_path / "x.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_write_transactions_take_the_write_lock_at_begin(tmp_path: Path):
    engine = create_sqlite_engine(tmp_path / "x.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with engine.begin() as conn:
        conn.execute(text("SELECT 1"))
        # BEGIN IMMEDIATE already holds the RESERVED lock: another writer must wait.
        other = sqlite3.connect(tmp_path / "x.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            raise AssertionError("a second writer got the lock")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
        finally:
            other.close()


def test_migrations_produce_exactly_the_models_schema(tmp_path: Path):
    engine = create_sqlite_engine(tmp_path / "x.db")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


def test_upgrading_twice_changes_nothing(tmp_path: Path):
    open_store(tmp_path, UuidV7Source())
    before = store_db(tmp_path / DB_FILE).execute(
        "SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    open_store(tmp_path, UuidV7Source())
    after = store_db(tmp_path / DB_FILE).execute(
        "SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    assert before == after


def test_outbox_device_seq_is_gap_free_even_when_transactions_roll_back(stocked):
    uow_factory = stocked.uow
    now = datetime(2026, 11, 28, 12)
    for i in range(10):
        with uow_factory() as uow:
            uow.outbox.append("cash.moved", {"i": i}, now)
            if i % 3 == 0:
                uow.rollback()
                continue
            uow.commit()
    db = store_db(stocked.data_dir / DB_FILE)
    seqs = [r[0] for r in db.execute("SELECT device_seq FROM outbox ORDER BY device_seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def test_concurrent_writers_queue_instead_of_failing(stocked):
    errors: list[Exception] = []
    now = datetime(2026, 11, 28, 12)

    def writer() -> None:
        try:
            for _ in range(20):
                with stocked.uow() as uow:
                    uow.outbox.append("cash.moved", {}, now)
                    uow.commit()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = store_db(stocked.data_dir / DB_FILE)
    seqs = [r[0] for r in db.execute("SELECT device_seq FROM outbox ORDER BY device_seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) >= 80


def test_online_backup_copies_a_live_database_and_checks_it(stocked, tmp_path: Path):
    target = tmp_path / "backup.sqlite3"
    backup(stocked.data_dir, target)
    copy = store_db(target, key_of=stocked.data_dir / DB_FILE)
    assert copy.execute("SELECT count(*) FROM products WHERE sku NOT LIKE 'FEE-%'").fetchone()[0] == 9


def test_uuid7_ids_are_time_ordered_and_unique():
    source = UuidV7Source()
    ids = [source.new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(i[14] == "7" for i in ids)
