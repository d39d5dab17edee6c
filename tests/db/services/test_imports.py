"""CSV imports: UTF-8 with or without BOM and GBK; refused whole with every bad row; idempotent."""
from __future__ import annotations


import pytest

from db.store import DB_FILE
from pos_app.domain.errors import ImportRejected, PermissionDenied
from tests.store_support import store_db

PRODUCTS = ("sku,barcode,name,category,price,kind,promo_rate\n"
            "A001,6901234567890,白衬衫,服装/女装/衬衫,129.00,regular,0.8\n"
            "A002,6901234567891,特价袜子,服装/配饰/袜子,9.90,special,\n"
            "A003,,储值卡,服务/储值,100,excluded,\n")
MEMBERS = ("card_no,name,mobile,tier,birthday,birthday_calendar,points,accumulated_points,"
           "balance,card_kind,card_status,card_expiry\n"
           "9001,陈静,13912345678,gold,1988-05-20,lunar,1200,3000,350.50,magstripe,active,2027-12-31\n"
           "9002,刘洋,13912345679,regular,,solar,0,,0,ic,lost,\n")


def table_counts(shop):
    db = store_db(shop.data_dir / DB_FILE)
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("products", "barcodes", "categories", "members", "cards",
                      "points_entries", "stored_value_entries", "audit_log")}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_products_import_in_every_encoding_builds_three_level_categories(shop, encoding):
    created, updated = shop.services.imports.import_products(shop.manager, PRODUCTS.encode(encoding))
    assert (created, updated) == (3, 0)
    p = shop.services.selling.get_product("6901234567890")
    assert (p.name, p.price_fen, p.promo_rate_bp, p.category) == ("白衬衫", 12_900, 8_000,
                                                                  "服装/女装/衬衫")
    db = store_db(shop.data_dir / DB_FILE)
    paths = {r[0] for r in db.execute("SELECT path FROM categories")}
    assert {"服装", "服装/女装", "服装/女装/衬衫", "服装/配饰", "服装/配饰/袜子", "服务",
            "服务/储值"} <= paths
    levels = dict(db.execute("SELECT path, level FROM categories"))
    assert levels["服装/女装/衬衫"] == 3 and levels["服装/女装"] == 2


def test_reimporting_the_same_file_changes_nothing(shop):
    shop.services.imports.import_products(shop.manager, PRODUCTS.encode())
    before = table_counts(shop)
    assert shop.services.imports.import_products(shop.manager, PRODUCTS.encode()) == (0, 0)
    assert table_counts(shop) == before


def test_a_file_with_bad_rows_is_refused_whole_with_every_bad_line(shop):
    bad = PRODUCTS + "A004,abc,坏条码,服装,1.00,regular,\nA005,,负价,服装,-1,regular,\nA001,,重复,服装,1,regular,\n"
    before = table_counts(shop)
    with pytest.raises(ImportRejected) as err:
        shop.services.imports.import_products(shop.manager, bad.encode())
    lines = [line for line, _ in err.value.problems]
    assert lines == [5, 6, 7]
    assert "repeats line 2" in err.value.problems[2][1]
    assert table_counts(shop) == before


def test_members_import_creates_cards_and_opening_balances(shop):
    created, _ = shop.services.imports.import_members(shop.manager, MEMBERS.encode("gbk"))
    assert created == 2
    m = shop.services.selling.member_by_card("9001")
    acc = m.account
    assert (acc.tier_code, acc.spendable_points, acc.accumulated_points, acc.balance_paid_fen) == \
        ("gold", 1_200, 3_000, 35_050)
    assert acc.birthday is not None and acc.birthday.calendar.value == "lunar"
    with shop.uow() as uow:
        assert uow.ledgers.ledger_sums(acc.id) == (1_200, 3_000, 35_050, 0)
        assert uow.cards.find_card("9002").status.value == "lost"


def test_members_import_refuses_a_mobile_of_another_member(shop):
    shop.services.imports.import_members(shop.manager, MEMBERS.encode())
    clash = MEMBERS.splitlines()[0] + "\n9100,冒名,13912345678,regular,,solar,0,,0,magstripe,active,\n"
    with pytest.raises(ImportRejected) as err:
        shop.services.imports.import_members(shop.manager, clash.encode())
    assert "陈*" in err.value.problems[0][1]


def test_bad_member_rows_are_each_explained(shop):
    bad = MEMBERS.splitlines()[0] + "\n" + "\n".join([
        "9101,张三,12345,platinum,1990-02-30,solar,-5,,abc,chip,gone,31/31/2020",
        ",无卡号,,,,,,,,,,",
    ]) + "\n"
    with pytest.raises(ImportRejected) as err:
        shop.services.imports.import_members(shop.manager, bad.encode())
    reasons = dict(err.value.problems)
    for word in ("mobile", "tier", "birthday", "points", "balance", "card_kind", "card_status",
                 "card_expiry"):
        assert word in reasons[2]
    assert "card_no" in reasons[3]


def test_a_cashier_cannot_import(shop):
    with pytest.raises(PermissionDenied):
        shop.services.imports.import_products(shop.cashier, PRODUCTS.encode())


def test_imports_are_audited(shop):
    shop.services.imports.import_products(shop.manager, PRODUCTS.encode())
    db = store_db(shop.data_dir / DB_FILE)
    who = db.execute("SELECT u.username FROM audit_log a JOIN users u ON u.id=a.user_id "
                     "WHERE a.action='import_products'").fetchall()
    assert who == [("manager",)]
