"""Less personal data on the till: the store keeps the name, the masked mobile, its last four
digits and a keyed hash of the full number, the birthday's month and day - never the full
number or the birth year - and still finds members by the full number and the last four
offline. An older store is reduced in place by its migration."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db.cipher import DB_FILE
from db.engine import create_sqlite_engine
from db.migrate import upgrade
from db.store import mobile_keys_for, open_store
from pos_app.domain.errors import DuplicateMember
from pos_app.domain.ids import UuidV7Source
from pos_app.services.cards import CardBinding, IdentityCheck, MemberForm
from tests.store_support import Shop, store_db

FULL = "13912345678"


def every_value(data_dir: Path) -> str:
    """Every value of every row of every table of the till's store, as one text."""
    db = store_db(data_dir / DB_FILE)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(str(row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"'))
    finally:
        db.close()


def test_a_registration_keeps_the_reduced_form_and_is_found_by_its_full_mobile(stocked: Shop
                                                                               ) -> None:
    stocked.services.cards.register(stocked.manager, MemberForm(
        name="周敏", mobile="139 1234 5678", gender="F", birthday="1992-08-15",
        id_check="123456"), CardBinding("500001"))
    db = store_db(stocked.data_dir / DB_FILE)
    row = db.execute("SELECT mobile_masked, mobile_last4, mobile_hash, birthday, gender "
                     "FROM members WHERE name='周敏'").fetchone()
    members = "\n".join(str(r) for r in db.execute("SELECT * FROM members"))
    db.close()
    assert row[:2] == ("139****5678", "5678") and len(row[2]) == 64
    assert row[3:] == ("0000-08-15", "")
    assert FULL not in members and "1992" not in members
    selling = stocked.services.selling
    assert [m.name for m in selling.search_members(FULL)] == ["周敏"]
    assert "周敏" in [m.name for m in selling.search_members("5678")]
    # The birthday benefit still knows the day; identity checks still take the full number.
    account = selling.member_by_card("500001").account
    assert (account.birthday.month, account.birthday.day) == (8, 15)
    with stocked.uow() as uow:
        stocked.services.cards._confirm(uow, account.id, IdentityCheck(FULL, "123456"))
    # The duplicate-mobile check works on the hash.
    with pytest.raises(DuplicateMember):
        stocked.services.cards.register(stocked.manager, MemberForm(name="别人", mobile=FULL),
                                        CardBinding("500002"))


def test_imported_members_keep_no_full_mobile_in_the_members_table(stocked: Shop) -> None:
    db = store_db(stocked.data_dir / DB_FILE)
    members = "\n".join(str(r) for r in db.execute("SELECT * FROM members"))
    db.close()
    assert "13800003333" not in members and "138****3333" in members
    assert [m.name for m in stocked.services.selling.search_members("13800003333")] == ["王芳"]


def test_an_older_store_is_reduced_in_place(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE
    engine = create_sqlite_engine(path)
    upgrade(engine, "0008")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO members (id, name, mobile, mobile_last4, gender, birthday, "
                "birthday_calendar, consent_messages, tier_code, pin_failed, notes, "
                "spendable_points, accumulated_points, balance_paid_fen, balance_bonus_fen, "
                "created_at, updated_at) VALUES ('m1', '周敏', :m, '5678', 'F', '1990-L04-15', "
                "'lunar', 0, 'regular', 0, '', 0, 0, 0, 0, '2026-11-28', '2026-11-28')",
                {"m": FULL})
    payload = {"member": {"id": "m1", "name": "周敏", "mobile": FULL, "gender": "F",
                          "birthday": "1990-L04-15"}}
    for seq, acked in ((1, "2026-11-28"), (2, None)):
        con.execute("INSERT INTO outbox (device_seq, id, kind, payload, created_at, acked_at, "
                    "refused_detail) VALUES (?, ?, 'member.registered', ?, '2026-11-28', ?, '')",
                    (seq, f"e{seq}", json.dumps(payload), acked))
    con.commit()
    con.close()
    uow = open_store(tmp_path, UuidV7Source())          # encrypts, then migrates
    db = store_db(path)
    row = db.execute("SELECT mobile_masked, mobile_last4, mobile_hash, birthday, gender "
                     "FROM members").fetchone()
    delivered, pending = [r[0] for r in db.execute("SELECT payload FROM outbox ORDER BY device_seq")]
    columns = [r[1] for r in db.execute("PRAGMA table_info(members)")]
    db.close()
    assert "mobile" not in columns
    assert row == ("139****5678", "5678", mobile_keys_for(tmp_path).hash(FULL), "0000-L04-15", "")
    assert FULL not in delivered and "1990" not in delivered and "139****5678" in delivered
    assert FULL in pending                  # head office has not got it yet
    with uow() as u:
        found = u.accounts.find_by_mobile(FULL)
        assert found is not None and found.name == "周敏" and found.birthday.leap
    uow.engine.dispose()
