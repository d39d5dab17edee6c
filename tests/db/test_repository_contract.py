"""The repository contract: the same tests against the SQLite repositories and the in-memory
ones of tests/pos_app/fake_uow.py, so the fast core tests run on a fake that behaves like the
store (accounts, cards and their events, ledgers, passes, benefits, the catalog, sales and
what their returns took, promotions, coupons and points moves, top-up packages, what the
expiry job reads, document numbers, the outbox, rule sets, held baskets, rollback)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pos_app.domain.birthday import Birthday
from pos_app.domain.card import CardKind, CardState, CardStatus
from pos_app.domain.catalog import Product
from pos_app.domain.coupons import (
    Coupon,
    CouponEntry,
    CouponEntryKind,
    CouponKind,
    CouponStatus,
    CouponTemplate,
)
from pos_app.domain.errors import NotFound, UnknownEventKind, UnknownMember
from pos_app.domain.ledger import LedgerLine
from pos_app.domain.member import MemberAccount
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.pricing import PricedLine
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule
from pos_app.domain.rules import default_rule_set
from pos_app.domain.sale import CompletedSale, MemberOnSale, SaleKind
from pos_app.domain.tenders import Tender, TenderKind
from pos_app.ports.store import UnitOfWork
from tests.pos_app.fake_uow import FakeStore
from tests.store_support import NOON, STANDARD_GOODS, make_shop

AT = NOON
MOBILE = "13912345678"


@dataclass
class Store:
    """A unit-of-work factory, a count-pass product and a jumper it holds, and a user."""

    uow: Callable[[], UnitOfWork]
    wash: Product
    reg: Product
    user_id: str = "u-cashier"


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        shop = make_shop(tmp_path / "till")
        shop.products(STANDARD_GOODS)
        with shop.uow() as uow:
            wash = uow.catalog.find_by_code("WASH10")
            reg = uow.catalog.find_by_code("REG100")
            user_id = uow.users.find_by_username("cashier").id
        assert wash is not None and reg is not None
        yield Store(shop.uow, wash, reg, user_id)
        shop.uow.engine.dispose()
    else:
        fake = FakeStore(default_rule_set(), AT)
        wash = Product("p-wash10", "WASH10", "洗车10次卡", 30_000, barcode="6900000000062",
                       category="服务/洗车/次卡", pass_uses=10, pass_valid_days=365)
        reg = Product("p-reg100", "REG100", "羊毛衫", 10_000, barcode="6900000000017",
                      category="服装/女装/针织衫")
        fake.add_products([wash, reg])
        yield Store(fake, wash, reg)


def member(member_id: str = "m1", name: str = "张伟", mobile: str | None = MOBILE,
           tier: str = "regular", birthday: Birthday | None = None) -> MemberAccount:
    return MemberAccount(member_id, name, mobile, tier, 0, 0, 0, 0, birthday=birthday)


def add(uow: UnitOfWork, member_id: str = "m1", card_no: str = "880000000001", *,
        name: str = "张伟", mobile: str | None = MOBILE, uid: str | None = None,
        at: datetime = AT) -> None:
    uow.accounts.add_member(member(member_id, name, mobile), at, None, None)
    uow.cards.add_card(CardState(card_no, CardKind.MAGSTRIPE, CardStatus.ACTIVE, member_id,
                                 uid=uid), at)


# -- accounts -------------------------------------------------------------------------------

def test_an_account_keeps_the_masked_mobile_and_the_birthdays_month_and_day(store):
    with store.uow() as uow:
        uow.accounts.add_member(member(birthday=Birthday.parse("1990-04-15", "solar")),
                                AT, "idhash", AT)
        uow.commit()
    with store.uow() as uow:
        a = uow.accounts.find_account("m1")
        assert a is not None
        assert (a.mobile, a.gender, a.created_at, a.has_pin) == ("139****5678", "", AT, False)
        assert a.birthday is not None and a.birthday.to_text().endswith("04-15")
        assert a.birthday.to_text() != "1990-04-15"
        assert (a.spendable_points, a.balance_fen) == (0, 0)
        assert uow.accounts.id_check_hash("m1") == "idhash"
        assert uow.accounts.find_account("nobody") is None


def test_a_member_is_found_by_the_full_mobile_never_by_the_masked_one(store):
    with store.uow() as uow:
        add(uow)
        assert uow.accounts.find_by_mobile(MOBILE).id == "m1"
        assert uow.accounts.find_by_mobile("139****5678") is None
        assert uow.accounts.find_by_mobile("13912345679") is None


def test_search_by_last_four_full_mobile_card_number_and_name_prefix(store):
    with store.uow() as uow:
        add(uow, "m1", "880000000001", name="张伟", mobile="13912345678")
        add(uow, "m2", "880000000002", name="张丽", mobile="13800005678")
        add(uow, "m3", "880000000003", name="李娜", mobile="13700001111")
        uow.commit()
    with store.uow() as uow:
        assert {a.id for a in uow.accounts.search("5678")} == {"m1", "m2"}
        assert [a.id for a in uow.accounts.search("13700001111")] == ["m3"]
        assert [a.id for a in uow.accounts.search("880000000002")] == ["m2"]
        assert {a.id for a in uow.accounts.search("张")} == {"m1", "m2"}
        assert [a.id for a in uow.accounts.search("张", limit=1)] in (["m1"], ["m2"])
        assert uow.accounts.search("  ") == []


def test_an_update_moves_the_mobile_lookup_and_refuses_unknown_fields(store):
    with store.uow() as uow:
        add(uow)
        uow.accounts.update_member("m1", AT, mobile="13600002222", name="张伟伟")
        uow.accounts.set_tier("m1", "gold", AT)
        uow.accounts.touch_purchase("m1", AT + timedelta(hours=1))
        assert uow.accounts.find_by_mobile(MOBILE) is None
        a = uow.accounts.find_by_mobile("13600002222")
        assert (a.id, a.name, a.mobile, a.tier_code) == ("m1", "张伟伟", "136****2222", "gold")
        assert a.last_purchase_at == AT + timedelta(hours=1)
        assert uow.accounts.members_above_tier("regular") == [("m1", "gold")]
        with pytest.raises(ValueError):
            uow.accounts.update_member("m1", AT, balance_paid_fen=1)


def test_a_pin_is_set_counted_and_cleared(store):
    with store.uow() as uow:
        add(uow)
        uow.accounts.set_pin("m1", "hash-1", AT)
        assert uow.accounts.find_account("m1").has_pin
        uow.accounts.record_pin_attempt("m1", 3, AT + timedelta(minutes=15))
        assert uow.accounts.pin_state("m1") == ("hash-1", 3, AT + timedelta(minutes=15))
        uow.accounts.set_pin("m1", None, AT)
        assert uow.accounts.pin_state("m1") == (None, 0, None)
        assert not uow.accounts.find_account("m1").has_pin
        with pytest.raises(UnknownMember):
            uow.accounts.pin_state("nobody")
        with pytest.raises(UnknownMember):
            uow.accounts.get_account("nobody")


# -- cards ----------------------------------------------------------------------------------

def test_cards_are_found_by_number_and_uid_and_listed_in_issue_order(store):
    with store.uow() as uow:
        add(uow, "m1", "880000000001", uid="04A1B2C3")
        uow.cards.add_card(CardState("880000000009", CardKind.IC, CardStatus.ACTIVE, "m1",
                                     generation=2, expires_on=date(2027, 11, 28)),
                           AT + timedelta(days=1))
        uow.commit()
    with store.uow() as uow:
        assert uow.cards.find_card(" 880000000001 ").member_id == "m1"
        assert uow.cards.find_card_by_uid("04a1b2c3").card_no == "880000000001"
        assert uow.cards.find_card("880000000404") is None
        assert uow.cards.card_id("880000000404") is None
        assert uow.cards.card_id("880000000001") is not None
        cards = uow.cards.cards_of("m1")
        assert [(c.card_no, c.generation, c.expires_on) for c in cards] == [
            ("880000000001", 1, None), ("880000000009", 2, date(2027, 11, 28))]


def test_a_status_change_records_when_and_in_which_shop(store):
    with store.uow() as uow:
        add(uow)
        uow.cards.set_card_status("880000000001", "lost", AT, uow.site.shop_id())
        uow.cards.set_card_expiry("880000000001", date(2027, 1, 1))
        c = uow.cards.find_card("880000000001")
        assert (c.status, c.status_changed_at, c.status_shop_name, c.expires_on) == (
            CardStatus.LOST, AT, uow.site.shop().name, date(2027, 1, 1))


def test_card_events_come_back_oldest_first_with_their_detail_as_stored(store):
    with store.uow() as uow:
        add(uow)
        uow.cards.add_card_event("880000000001", "m1", "reported_lost", AT + timedelta(hours=1),
                                 None, {"reason": "丢失", "on": date(2026, 11, 28)})
        uow.cards.add_card_event("880000000001", "m1", "issued", AT, None,
                                 {"join_receipt": "T01-261128-000007"})
        with pytest.raises(NotFound):
            uow.cards.add_card_event("880000000404", "m1", "issued", AT, None, {})
        uow.commit()
    with store.uow() as uow:
        events = uow.cards.card_events("m1")
        assert [(e[0], e[1], e[2], e[3]) for e in events] == [
            (AT, "880000000001", "issued", None),
            (AT + timedelta(hours=1), "880000000001", "reported_lost", None)]
        assert events[1][5] == {"reason": "丢失", "on": "2026-11-28"}
        assert uow.cards.find_card_event("reported_lost", "丢失")
        assert not uow.cards.find_card_event("issued", "丢失")
        assert uow.cards.joined_by_receipt("T01-261128-000007") == ["m1"]
        assert uow.cards.joined_by_receipt("T01-261128-000008") == []


# -- ledgers --------------------------------------------------------------------------------

def test_entries_move_the_cached_balances_and_sum_to_them(store):
    with store.uow() as uow:
        add(uow)
        uow.ledgers.add_points("m1", "opening", 1_000, 1_500, AT)
        uow.ledgers.add_points("m1", "earn", 300, 300, AT + timedelta(days=1))
        uow.ledgers.add_stored_value("m1", "topup", 100_000, 10_000, AT, tender="cash")
        uow.ledgers.add_stored_value("m1", "spend", -20_000, -2_000, AT + timedelta(days=2))
        uow.commit()
    with store.uow() as uow:
        a = uow.accounts.get_account("m1")
        cached = (a.spendable_points, a.accumulated_points, a.balance_paid_fen,
                  a.balance_bonus_fen)
        assert cached == (1_300, 1_800, 80_000, 8_000)
        assert uow.ledgers.ledger_sums("m1") == cached


def test_the_accumulation_since_a_moment_comes_back_per_kind(store):
    with store.uow() as uow:
        add(uow)
        uow.ledgers.add_points("m1", "earn", 100, 100, AT - timedelta(days=1))
        uow.ledgers.add_points("m1", "earn", 200, 200, AT)
        uow.ledgers.add_points("m1", "opening", 900, 900, AT)
        uow.ledgers.add_points("m1", "return", -50, -50, AT + timedelta(days=1))
        assert uow.ledgers.accumulated_by_kind_since("m1", AT) == {
            "earn": 200, "opening": 900, "return": -50}
        assert uow.ledgers.accumulated_by_kind_since("m2", AT) == {}
        assert sorted(uow.ledgers.accumulated_by_day("m1", AT)) == [
            (AT.date(), "earn", 200), (AT.date(), "opening", 900),
            ((AT + timedelta(days=1)).date(), "return", -50)]


def test_the_statement_is_newest_first_across_both_ledgers_and_limited(store):
    with store.uow() as uow:
        add(uow)
        uow.ledgers.add_points("m1", "earn", 100, 100, AT, note="a")
        uow.ledgers.add_stored_value("m1", "topup", 5_000, 0, AT + timedelta(minutes=1))
        uow.ledgers.add_points("m1", "gift", -180, 0, AT + timedelta(minutes=2))
        rows = uow.ledgers.ledger("m1", 2)
        assert rows == [
            LedgerLine(AT + timedelta(minutes=2), "points", "gift", None, "", spendable=-180),
            LedgerLine(AT + timedelta(minutes=1), "stored_value", "topup", None, "",
                       paid_fen=5_000)]
        assert uow.ledgers.ledger("m1", 10)[-1] == LedgerLine(AT, "points", "earn", None, "a",
                                                              spendable=100, accumulated=100)


# -- passes and benefits --------------------------------------------------------------------

def test_a_pass_counts_its_uses_and_knows_when_it_was_refunded(store):
    with store.uow() as uow:
        add(uow)
        first = uow.passes.add_pass("m1", store.wash, None, 10, 30_000, date(2027, 11, 28), AT)
        second = uow.passes.add_pass("m1", store.wash, None, 5, 15_000, None,
                                     AT + timedelta(days=1))
        uow.passes.add_pass_entry(first, "use", -1, None, AT)
        uow.passes.add_pass_entry(first, "use", -2, None, AT)
        uow.passes.add_pass_entry(second, "refund", -5, None, AT)
        uow.commit()
    with store.uow() as uow:
        p = uow.passes.get_pass(first)
        assert (p.member_id, p.product_id, p.name, p.uses_total, p.uses_left, p.price_fen,
                p.expires_on, p.refunded) == ("m1", store.wash.id, store.wash.name, 10, 7,
                                              30_000, date(2027, 11, 28), False)
        assert [(q.id, q.uses_left, q.refunded) for q in uow.passes.passes_of("m1")] == [
            (first, 7, False), (second, 0, True)]
        with pytest.raises(NotFound):
            uow.passes.get_pass("no-such-pass")


def test_a_benefit_is_given_once_per_period(store):
    with store.uow() as uow:
        add(uow)
        assert not uow.benefits.benefit_given("m1", "birthday_gift", "2026")
        uow.benefits.record_benefit("m1", "birthday_gift", "2026", AT, None, None)
        assert uow.benefits.benefit_given("m1", "birthday_gift", "2026")
        assert not uow.benefits.benefit_given("m1", "birthday_gift", "2027")


# -- catalog ----------------------------------------------------------------------------------

def test_a_product_is_found_by_sku_or_barcode_and_by_id(store):
    with store.uow() as uow:
        by_sku = uow.catalog.find_by_code(" REG100 ")
        by_barcode = uow.catalog.find_by_code("6900000000017")
        assert by_sku == by_barcode == store.reg
        assert (by_sku.sku, by_sku.name, by_sku.price_fen, by_sku.barcode, by_sku.category) == (
            "REG100", "羊毛衫", 10_000, "6900000000017", "服装/女装/针织衫")
        assert uow.catalog.get(store.reg.id) == store.reg
        assert uow.catalog.find_by_code("NOPE") is None
        with pytest.raises(NotFound):
            uow.catalog.get("no-such-product")


def test_products_are_searched_by_sku_and_name_prefix(store):
    with store.uow() as uow:
        assert [p.sku for p in uow.catalog.search("REG")] == ["REG100"]
        assert [p.sku for p in uow.catalog.search("羊毛")] == ["REG100"]
        assert uow.catalog.search("  ") == []
        assert uow.catalog.search("ZZZ") == []


# -- sales ------------------------------------------------------------------------------------

def _line(product: Product, line_no: int, qty: int, amount_fen: int) -> PricedLine:
    return PricedLine(line_no, product.id, product.sku, product.barcode, product.name,
                      product.kind, qty, product.price_fen, product.price_fen * qty,
                      amount_fen, (), True)


def _member_on_sale(points: int) -> MemberOnSale:
    return MemberOnSale("m1", "张伟", "139****5678", "880000000001", "regular", "普通", "Regular",
                        points, 0, 0, points, points, 0)


def _sale(sale_id: str, receipt_no: str, kind: SaleKind, lines: tuple[PricedLine, ...],
          at: datetime = AT, original: str | None = None, points: int = 0) -> CompletedSale:
    total = sum(line.amount_fen for line in lines)
    member = _member_on_sale(points) if points else None
    return CompletedSale(sale_id, receipt_no, kind, "S001", "T01", "收银员", at, 1, lines,
                         (Tender(TenderKind.CASH, total, total),), 0, 0, member=member,
                         original_receipt_no=original)


def test_a_sale_is_read_back_with_what_its_returns_took_from_each_line(store):
    with store.uow() as uow:
        add(uow)
        where = dict(shop_id=uow.site.shop_id(), till_id=uow.site.till_id(), shift_id=None,
                     user_id=store.user_id, member_id="m1", card_id=None)
        sale = _sale("s1", "T01-261128-000001", SaleKind.SALE,
                     (_line(store.reg, 1, 3, 30_000), _line(store.wash, 2, 1, 30_000)),
                     points=60)
        uow.sales.add(sale, points_shares={1: 30, 2: 30}, tier_upgraded_to="gold", **where)
        uow.commit()
    with store.uow() as uow:
        got = uow.sales.find_by_receipt(" T01-261128-000001 ")
        assert got is not None and got == uow.sales.find_by_id("s1")
        assert (got.id, got.kind, got.member_id, got.total_fen, got.points_earned,
                got.tier_upgraded_to, got.created_at) == (
            "s1", "sale", "m1", 60_000, 60, "gold", AT)
        assert got.snapshot == sale
        assert [(ln.line_no, ln.sku, ln.qty, ln.amount_fen, ln.points_share,
                 ln.returned_qty, ln.returned_amount_fen, ln.returned_points)
                for ln in got.lines] == [(1, "REG100", 3, 30_000, 30, 0, 0, 0),
                                         (2, "WASH10", 1, 30_000, 30, 0, 0, 0)]
        first_line = got.lines[0].line_id
        assert uow.sales.returns_of("s1") == []
        for n, (rid, receipt) in enumerate((("r1", "T01-261128-000002"),
                                            ("r2", "T01-261128-000003")), start=1):
            ret = _sale(rid, receipt, SaleKind.RETURN, (_line(store.reg, 1, 1, 10_000),),
                        at=AT + timedelta(minutes=n), original="T01-261128-000001")
            uow.sales.add(ret, points_shares={1: 10 + n}, original_line_ids={1: first_line},
                          original_sale_id="s1", **where)
        uow.commit()
    with store.uow() as uow:
        got = uow.sales.find_by_id("s1")
        assert [(ln.returned_qty, ln.returned_amount_fen, ln.returned_points)
                for ln in got.lines] == [(2, 20_000, 23), (0, 0, 0)]
        assert sorted(uow.sales.returns_of("s1")) == ["T01-261128-000002", "T01-261128-000003"]
        assert [s.id for s in uow.sales.member_history("m1")] == ["r2", "r1", "s1"]
        assert [s.id for s in uow.sales.member_history("m1", limit=1)] == ["r2"]
        assert uow.sales.find_by_receipt("T01-261128-000009") is None
        assert uow.sales.find_by_id("nope") is None


def test_a_sales_final_snapshot_and_reprints_are_kept(store):
    with store.uow() as uow:
        add(uow)
        sale = _sale("s1", "T01-261128-000001", SaleKind.SALE, (_line(store.reg, 1, 1, 10_000),))
        uow.sales.add(sale, shop_id=uow.site.shop_id(), till_id=uow.site.till_id(),
                      shift_id=None, user_id=store.user_id, member_id="m1", card_id=None,
                      points_shares={1: 10})
        final = replace(sale, member=_member_on_sale(10))
        uow.sales.update_snapshot(final)
        uow.commit()
    with store.uow() as uow:
        got = uow.sales.find_by_id("s1")
        assert (got.snapshot, got.points_earned) == (final, 10)
        assert [uow.sales.count_reprint("T01-261128-000001") for _ in range(2)] == [1, 2]
        with pytest.raises(NotFound):
            uow.sales.count_reprint("T01-261128-000009")


# -- promotions, coupons, points moves ----------------------------------------------------------

def test_promotions_current_newest_version_and_withdrawn(store):
    ends = AT + timedelta(days=1)
    save = Promotion("MJ200", 2, PromotionKind.SPEND_SAVE, "满200减20", threshold_fen=20_000,
                     save_fen=2_000, schedule=Schedule(end=ends))
    with store.uow() as uow:
        assert uow.promotions.put(save, AT)
        assert not uow.promotions.put(replace(save, version=1, name="旧"), AT)
        assert [p.name for p in uow.promotions.current(AT)] == ["满200减20"]
        assert uow.promotions.current(ends) == []
        uow.promotions.withdraw("MJ200", 3, AT)
        assert uow.promotions.current(AT) == []
        assert not uow.promotions.put(save, AT)        # older than the withdrawal


def test_a_coupon_is_issued_found_and_redeemed_once(store):
    template = CouponTemplate("T10", 2, "满100减10券", CouponKind.AMOUNT_OFF, amount_fen=1_000,
                              threshold_fen=10_000, valid_days=30)
    coupon = Coupon("C1", "T10", 2, "m1", AT, AT, AT + timedelta(days=30), "registration")
    with store.uow() as uow:
        add(uow)
        assert uow.promotions.find_coupon("C1") is None
        assert uow.promotions.put_template(template, AT)
        assert not uow.promotions.put_template(replace(template, version=1), AT)
        assert uow.promotions.template("T10") == template
        assert uow.promotions.template("T99") is None
        assert uow.promotions.add_coupon(coupon)
        assert not uow.promotions.add_coupon(coupon)
        uow.commit()
    with store.uow() as uow:
        found = uow.promotions.find_coupon("C1")
        assert found is not None and found[:2] == (coupon, template)
        assert found[2].status is CouponStatus.AVAILABLE
        assert [(c.code, s.status) for c, _t, s in uow.promotions.coupons_of("m1")] == [
            ("C1", CouponStatus.AVAILABLE)]
        used = CouponEntry("C1", CouponEntryKind.REDEEMED, AT + timedelta(hours=1), "S001",
                           "s1", 1_000)
        assert uow.promotions.add_entry("till:redeemed:C1:s1", used)
        assert not uow.promotions.add_entry("till:redeemed:C1:s1", used)
        state = uow.promotions.find_coupon("C1")[2]
        assert (state.status, state.redeemed) == (CouponStatus.REDEEMED, used)
        assert uow.promotions.coupons_of("m2") == []


def test_points_moves_are_the_spendable_entries_oldest_first(store):
    with store.uow() as uow:
        add(uow)
        uow.ledgers.add_points("m1", "earn", 100, 100, AT + timedelta(hours=1))
        uow.ledgers.add_points("m1", "opening", 50, 50, AT)
        uow.ledgers.add_points("m1", "adjustment", 0, 20, AT + timedelta(hours=2))
        uow.ledgers.add_points("m1", "expiry", -30, 0, AT + timedelta(hours=3))
        assert [(m.at, m.spendable, m.is_expiry) for m in uow.promotions.points_moves("m1")] == [
            (AT, 50, False), (AT + timedelta(hours=1), 100, False),
            (AT + timedelta(hours=3), -30, True)]


def test_the_coupon_exposure_is_what_this_till_redeemed_unconfirmed_by_head_office(store):
    def entry(code, kind, sale, value):
        return CouponEntry(code, kind, AT, "S001", sale, value)
    with store.uow() as uow:
        add(uow)
        uow.promotions.put_template(CouponTemplate("T10", 1, "十元券", CouponKind.AMOUNT_OFF,
                                                   amount_fen=1_000, valid_days=30), AT)
        for code in ("C1", "C2", "C3"):
            uow.promotions.add_coupon(Coupon(code, "T10", 1, "m1", AT, AT, None))
        assert uow.promotions.unconfirmed_redemptions_fen() == 0
        uow.promotions.add_entry("till:redeemed:C1:s1",
                                 entry("C1", CouponEntryKind.REDEEMED, "s1", 1_000))
        uow.promotions.add_entry("till:redeemed:C2:s2",
                                 entry("C2", CouponEntryKind.REDEEMED, "s2", 500))
        uow.promotions.add_entry("till:returned:C2:s3",
                                 entry("C2", CouponEntryKind.RETURNED, "s3", 500))
        uow.promotions.add_entry("hq:redeemed:C3:s4",      # head office's, not this till's
                                 entry("C3", CouponEntryKind.REDEEMED, "s4", 700))
        assert uow.promotions.unconfirmed_redemptions_fen() == 1_500
        uow.promotions.add_entry("hq:redeemed:C2:s2",      # head office confirms C2 on s2
                                 entry("C2", CouponEntryKind.REDEEMED, "s2", 500))
        assert uow.promotions.unconfirmed_redemptions_fen() == 1_000


def test_packages_are_listed_unless_withdrawn_and_their_sales_kept_until_refunded(store):
    gold = TopUpPackage("P1000", 1, "充1000送100", 100_000, 10_000, 500, (("T20", 2),), "gold")
    wash = TopUpPackage("P500W", 1, "充500送洗车", 50_000, 0, 200, (), None, "WASH10", 10_000)
    with store.uow() as uow:
        add(uow)
        assert uow.promotions.packages() == []
        uow.promotions.put_package(wash)
        uow.promotions.put_package(gold)
        uow.promotions.put_package(replace(gold, version=2, name="充1000送200"))
        uow.commit()
    with store.uow() as uow:
        assert uow.promotions.packages() == [replace(gold, version=2, name="充1000送200"), wash]
        uow.promotions.put_package(wash, withdrawn=True)
        assert [p.id for p in uow.promotions.packages()] == ["P1000"]
        assert uow.promotions.package_sale("s1") is None
        uow.promotions.add_package_sale("s1", gold, "m1", ["C1", "C2"], "regular", "cash", AT)
        uow.promotions.add_package_sale("s2", wash, "m1", [], "regular", "wechat",
                                        AT + timedelta(hours=1), passes=["pass-1"])
        uow.commit()
    with store.uow() as uow:
        assert uow.promotions.package_sale("s1") == (gold, "m1", ["C1", "C2"], "regular",
                                                     "cash", None, [])
        assert uow.promotions.package_sale("s2")[6] == ["pass-1"]
        assert uow.promotions.package_sales_of("m1") == [
            ("s2", wash, AT + timedelta(hours=1), None), ("s1", gold, AT, None)]
        assert uow.promotions.package_sales_of("m2") == []
        uow.promotions.mark_package_refunded("s1", AT + timedelta(days=1))
        uow.promotions.mark_package_refunded("nope", AT)
        uow.commit()
    with store.uow() as uow:
        assert uow.promotions.package_sale("s1")[5] == AT + timedelta(days=1)
        assert uow.promotions.package_sales_of("m1")[1][3] == AT + timedelta(days=1)


def test_the_expiry_job_finds_members_holding_points_and_coupons_past_their_window(store):
    template = CouponTemplate("T10", 1, "十元券", CouponKind.AMOUNT_OFF, amount_fen=1_000,
                              valid_days=7)
    week = AT + timedelta(days=7)
    with store.uow() as uow:
        add(uow, "m1", "880000000001")
        add(uow, "m2", "880000000002", mobile="13800002222")
        add(uow, "m3", "880000000003", mobile="13800003333")
        uow.ledgers.add_points("m1", "earn", 100, 100, AT)
        uow.ledgers.add_points("m2", "earn", 50, 50, AT)
        uow.ledgers.add_points("m2", "redeem", -50, 0, AT)     # holds none now
        uow.ledgers.add_points("m3", "earn", 0, 30, AT)        # accumulated only
        uow.promotions.put_template(template, AT)
        uow.promotions.add_coupon(Coupon("C1", "T10", 1, "m1", AT, AT, week))
        uow.promotions.add_coupon(Coupon("C2", "T10", 1, "m1", AT, AT, week + timedelta(days=1)))
        uow.promotions.add_coupon(Coupon("C3", "T10", 1, "m2", AT, AT, None))   # never lapses
        uow.promotions.add_coupon(Coupon("C4", "T10", 1, "m2", AT, AT, week))
        uow.promotions.add_entry("till:redeemed:C4:s1", CouponEntry(
            "C4", CouponEntryKind.REDEEMED, AT + timedelta(hours=1), "S001", "s1", 1_000))
        uow.commit()
    with store.uow() as uow:
        assert uow.promotions.members_with_points() == ["m1"]
        assert uow.promotions.expirable_coupons(week - timedelta(seconds=1)) == []
        due = uow.promotions.expirable_coupons(week)
        assert sorted((c.code, s.status) for c, s in due) == [
            ("C1", CouponStatus.AVAILABLE), ("C4", CouponStatus.REDEEMED)]
        assert sorted(c.code for c, _s in uow.promotions.expirable_coupons(
            week + timedelta(days=1))) == ["C1", "C2", "C4"]


# -- held baskets ---------------------------------------------------------------------------

def test_held_baskets_come_back_oldest_first_and_are_taken_once(store):
    with store.uow() as uow:
        till = uow.site.till_id()
        uow.shifts.hold("h2", till, "12:05:00", '{"items": [2]}', AT + timedelta(minutes=5))
        uow.shifts.hold("h1", till, "12:00:00", '{"items": [1]}', AT)
        uow.commit()
    with store.uow() as uow:
        assert uow.shifts.held(till) == [("h1", "12:00:00", AT),
                                         ("h2", "12:05:00", AT + timedelta(minutes=5))]
        assert [b[3] for b in uow.shifts.held_bodies(till)] == ['{"items": [1]}',
                                                                '{"items": [2]}']
        assert uow.shifts.take_held("h1") == '{"items": [1]}'
        with pytest.raises(NotFound):
            uow.shifts.take_held("h1")
        uow.commit()
    with store.uow() as uow:
        assert [h[0] for h in uow.shifts.held(till)] == ["h2"]
        uow.shifts.take_held("h2")                         # not committed: still held
    with store.uow() as uow:
        assert [h[0] for h in uow.shifts.held(till)] == ["h2"]


# -- numbers, outbox, rules, transactions ---------------------------------------------------

def test_receipt_and_document_numbers_count_per_till_and_series(store):
    with store.uow() as uow:
        till = uow.site.till().code
        day = AT.date()
        assert uow.sales.next_receipt_no(till, day) == f"{till}-261128-000001"
        assert uow.sales.next_receipt_no(till, day) == f"{till}-261128-000002"
        assert uow.sales.next_document_no(till, day, "K") == f"{till}-261128-K00001"
        assert uow.sales.next_document_no(till, day, "V") == f"{till}-261128-V00001"
        assert uow.sales.next_document_no(till, day, "K") == f"{till}-261128-K00002"


def test_the_outbox_numbers_without_gaps_and_refuses_unknown_kinds(store):
    with store.uow() as uow:
        first = uow.outbox.append("cash.moved", {"amount_fen": 100}, AT)
        assert uow.outbox.append("cash.moved", {"amount_fen": 200}, AT) == first + 1
        with pytest.raises(UnknownEventKind):
            uow.outbox.append("points.exploded", {}, AT)


def test_the_rule_set_in_force_is_the_newest_that_has_started(store):
    later = default_rule_set().with_changes(version=99)
    with store.uow() as uow:
        uow.rules.add(later, AT + timedelta(days=1), AT)
        uow.commit()
    with store.uow() as uow:
        assert uow.rules.current(AT).version != 99
        assert uow.rules.current(AT + timedelta(days=1)).version == 99


def test_work_not_committed_is_gone_and_committed_work_stays(store):
    with store.uow() as uow:
        add(uow, "m1", "880000000001")
        uow.commit()
    with store.uow() as uow:
        add(uow, "m2", "880000000002", mobile="13800002222")
        uow.ledgers.add_points("m1", "earn", 100, 100, AT)
    with store.uow() as uow:
        assert uow.accounts.find_account("m2") is None
        assert uow.cards.find_card("880000000002") is None
        assert uow.accounts.find_account("m1").spendable_points == 0
        add(uow, "m2", "880000000002", mobile="13800002222")
        uow.rollback()
        assert uow.accounts.find_account("m2") is None
