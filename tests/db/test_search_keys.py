"""Look-ups cashiers rely on: last four digits of the mobile, a one-hanzi surname, and the
pinyin initials of a product name, on the real SQLite store."""
from __future__ import annotations

from db.search_keys import mobile_last4, name_initials
from tests.conftest import Shop


def test_name_initials_take_the_first_pinyin_letter_of_each_hanzi() -> None:
    assert name_initials("牛肉干") == "nrg"
    assert name_initials("农夫山泉 550ml") == "nfsq550ml"
    assert mobile_last4("138 0000 1111") == "1111"
    assert mobile_last4("") is None and mobile_last4("123") is None


def test_a_member_is_found_by_the_last_four_digits_of_the_mobile(stocked: Shop) -> None:
    found = stocked.services.selling.search_members("3333")
    assert [m.name for m in found] == ["王芳"]


def test_a_member_is_found_by_a_one_character_surname(stocked: Shop) -> None:
    found = stocked.services.selling.search_members("张")
    assert [m.name for m in found] == ["张伟"]


def test_a_changed_mobile_moves_its_last_four(stocked: Shop) -> None:
    member = stocked.services.selling.member_by_card("100001").account
    with stocked.uow() as uow:
        uow.accounts.update_member(member.id, stocked.clock.now(), mobile="13912349876")
        uow.commit()
    assert [m.name for m in stocked.services.selling.search_members("9876")] == ["张伟"]
    assert stocked.services.selling.search_members("1111") == []


def test_a_product_is_found_by_pinyin_initials(stocked: Shop) -> None:
    stocked.products([("JERKY", "6900000000109", "牛肉干", "食品/零食/肉干", "12.34", "regular", ""),
                      ("NRG2", "6900000000116", "牛肉干辣味", "食品/零食/肉干", "13.00", "regular", "")])
    found = stocked.services.selling.search_products("nrg")
    assert [p.sku for p in found] == ["JERKY", "NRG2"]
    assert [p.sku for p in stocked.services.selling.search_products("NRGLW")] == ["NRG2"]
    assert [p.sku for p in stocked.services.selling.search_products("yms")][:1] == ["REG100"]


def test_the_migration_fills_the_keys_of_rows_already_in_the_store(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    from db.engine import create_sqlite_engine
    from db.migrate import upgrade
    engine = create_sqlite_engine(tmp_path / "old.db")
    upgrade(engine, "0005")
    con = sqlite3.connect(tmp_path / "old.db")
    con.execute("INSERT INTO members (id, name, mobile, gender, birthday_calendar, "
                "consent_messages, tier_code, pin_failed, notes, spendable_points, "
                "accumulated_points, balance_paid_fen, balance_bonus_fen, created_at, updated_at) "
                "VALUES ('m1', '周敏', '13912345678', '', 'solar', 0, 'regular', 0, '', 0, 0, 0, "
                "0, '2026-11-28', '2026-11-28')")
    con.execute("INSERT INTO products (id, sku, name, price_fen, kind, points_eligible, active, "
                "updated_at) VALUES ('p1', 'JERKY', '牛肉干', 1234, 'regular', 1, 1, '2026-11-28')")
    con.commit()
    con.close()
    upgrade(engine)
    engine.dispose()
    con = sqlite3.connect(tmp_path / "old.db")
    assert con.execute("SELECT mobile_last4 FROM members").fetchone() == ("5678",)
    assert con.execute("SELECT name_initials FROM products").fetchone() == ("nrg",)
    con.close()
