"""Coupons: codes, the coupon ledger, what a coupon takes off and why it does not apply."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.coupons import (
    Coupon,
    CouponEntry,
    CouponEntryKind,
    CouponKind,
    CouponNotUsable,
    CouponRefusal,
    CouponStatus,
    CouponTemplate,
    apply_coupons,
    book_redemption,
    chargeback_for,
    coupon_code,
    coupon_code_from_scan,
    coupon_qr_payload,
    coupon_state,
    expiry_entries,
    is_coupon_code,
    issue_coupon,
    return_entry,
    usable_coupons,
)
from pos_app.domain.pricing import BasketItem, ReasonKind
from pos_app.domain.promotions import (
    Promotion,
    PromotionBook,
    PromotionKind,
    Schedule,
    Scope,
    price_with_promotions,
)
from pos_app.domain.rules import default_rule_set

RULES = default_rule_set()
GOLD = RULES.tier("gold")
WEDNESDAY = datetime(2026, 11, 25, 10, 0)
ISSUED = datetime(2026, 11, 1, 9, 0)

TWENTY_OFF_200 = CouponTemplate("T20", 1, "满200减20券", CouponKind.AMOUNT_OFF, amount_fen=2_000,
                                threshold_fen=20_000,
                                scope=Scope(all_goods=True,
                                            exclude_categories=frozenset({"烟酒"})),
                                valid_days=30)
PERCENT = CouponTemplate("T9", 1, "9折券", CouponKind.PERCENT_OFF, rate_bp=9_000, cap_fen=1_500,
                         valid_from=ISSUED, valid_until=datetime(2026, 12, 1), stackable=True)
FREE_TEA = CouponTemplate("TEA", 1, "免费奶茶", CouponKind.FREE_ITEM, free_sku="TEA",
                          valid_days=7, stackable=True)


def product(price_fen: int, sku: str, kind: ProductKind = ProductKind.REGULAR,
            category: str = "女装") -> Product:
    return Product(id=sku, sku=sku, name=sku, price_fen=price_fen, kind=kind, category=category)


def issued(template: CouponTemplate, seed: str = "s1", member: str | None = "M1",
           at: datetime = ISSUED) -> tuple[Coupon, list[CouponEntry]]:
    c = issue_coupon(template, seed, member, at, "run:R1")
    return c, [CouponEntry(c.code, CouponEntryKind.ISSUED, at)]


def use(items, coupons, tier=GOLD, at=WEDNESDAY, member="M1", promos=()):
    promoted = price_with_promotions(items, RULES, tier, at, "S001", PromotionBook(promos))
    rows = [(c, t, coupon_state(c.code, e), c.code) for c, t, e in coupons]
    return apply_coupons(promoted, items, rows, at, "S001", member)


def test_codes_are_unique_checked_and_scannable():
    codes = {coupon_code(f"seed-{i}") for i in range(5_000)}
    assert len(codes) == 5_000 and all(is_coupon_code(c) for c in codes)
    code = coupon_code("x")
    typo = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    assert not is_coupon_code(typo)
    assert coupon_code_from_scan(coupon_qr_payload(code)) == code


def test_amount_off_with_threshold_is_shared_across_the_lines_and_shown_on_each():
    c, e = issued(TWENTY_OFF_200)
    items = [BasketItem(product(15_000, "A"), 1), BasketItem(product(10_000, "B"), 1)]
    out, uses = use(items, [(c, TWENTY_OFF_200, e)], tier=None)
    assert out.total_fen == 25_000 - 2_000 and uses[0].value_fen == 2_000
    a, b = out.basket.lines
    assert [r.discount_fen for r in a.reasons if r.kind is ReasonKind.COUPON] == [1_200]
    assert [r.discount_fen for r in b.reasons if r.kind is ReasonKind.COUPON] == [800]
    assert a.reasons[-1].promotion_id == c.code and a.reasons[-1].label == "满200减20券"


def test_threshold_not_reached_says_by_how_much():
    c, e = issued(TWENTY_OFF_200)
    with pytest.raises(CouponNotUsable) as err:
        use([BasketItem(product(19_000, "A"), 1)], [(c, TWENTY_OFF_200, e)], tier=None)
    assert err.value.reason is CouponRefusal.BELOW_THRESHOLD and err.value.shortfall_fen == 1_000


def test_excluded_goods_do_not_count_and_the_refusal_names_them():
    c, e = issued(TWENTY_OFF_200)
    items = [BasketItem(product(15_000, "A"), 1),
             BasketItem(product(30_000, "WINE", category="烟酒/白酒"), 1),
             BasketItem(product(20_000, "SP", ProductKind.SPECIAL), 1)]
    with pytest.raises(CouponNotUsable) as err:
        use(items, [(c, TWENTY_OFF_200, e)], tier=None)
    assert err.value.reason is CouponRefusal.EXCLUDED_GOODS
    assert err.value.shortfall_fen == 5_000 and set(err.value.skus) == {"WINE", "SP"}


def test_expired_not_yet_valid_used_elsewhere_and_other_member_are_refused_with_why():
    c, e = issued(TWENTY_OFF_200)
    items = [BasketItem(product(30_000, "A"), 1)]
    with pytest.raises(CouponNotUsable) as err:
        use(items, [(c, TWENTY_OFF_200, e)], tier=None, at=ISSUED + timedelta(days=31))
    assert err.value.reason is CouponRefusal.EXPIRED
    used = [*e, CouponEntry(c.code, CouponEntryKind.REDEEMED, datetime(2026, 11, 20, 15),
                            "S002", "sale-1", 2_000)]
    with pytest.raises(CouponNotUsable) as err:
        use(items, [(c, TWENTY_OFF_200, used)], tier=None)
    assert err.value.reason is CouponRefusal.USED and err.value.shop == "S002"
    assert err.value.at == datetime(2026, 11, 20, 15)
    with pytest.raises(CouponNotUsable) as err:
        use(items, [(c, TWENTY_OFF_200, e)], tier=None, member="M2")
    assert err.value.reason is CouponRefusal.OTHER_MEMBER
    p, pe = issued(PERCENT)
    with pytest.raises(CouponNotUsable) as err:
        use(items, [(p, PERCENT, pe)], at=datetime(2026, 10, 31))
    assert err.value.reason is CouponRefusal.NOT_YET_VALID


def test_a_coupon_plus_a_member_day_the_coupon_comes_after_every_discount():
    day = Promotion("MD", 1, PromotionKind.MEMBER_DAY, "会员日", schedule=Schedule(
        weekdays=frozenset({3})), tier_rates=(("gold", 9_500),))
    c, e = issued(TWENTY_OFF_200)
    out, uses = use([BasketItem(product(30_000, "A"), 1)], [(c, TWENTY_OFF_200, e)],
                    promos=(day,))
    # 300.00 × 0.88 × 0.95 = 250.80, then 20.00 off
    assert out.total_fen == 25_080 - 2_000
    assert [r.kind for r in out.basket.lines[0].reasons] == [
        ReasonKind.TIER, ReasonKind.MEMBER_DAY, ReasonKind.COUPON]


def test_percent_coupon_is_capped_and_stacks_only_with_stackable_coupons():
    p, pe = issued(PERCENT, "p")
    t, te = issued(FREE_TEA, "t", at=datetime(2026, 11, 20))
    items = [BasketItem(product(30_000, "A"), 1), BasketItem(product(1_800, "TEA"), 2)]
    out, uses = use(items, [(t, FREE_TEA, te), (p, PERCENT, pe)], tier=None)
    assert [u.value_fen for u in uses] == [1_800, 1_500]
    assert out.total_fen == 33_600 - 1_800 - 1_500
    c, e = issued(TWENTY_OFF_200, "c")
    with pytest.raises(CouponNotUsable) as err:
        use(items, [(p, PERCENT, pe), (c, TWENTY_OFF_200, e)], tier=None)
    assert err.value.reason is CouponRefusal.NOT_STACKABLE
    with pytest.raises(CouponNotUsable) as err:
        use(items, [(p, PERCENT, pe), (p, PERCENT, pe)], tier=None)
    assert err.value.reason is CouponRefusal.ALREADY_IN_SALE


def test_offline_double_redemption_is_booked_once_and_the_second_flagged():
    c, e = issued(TWENTY_OFF_200)
    first = CouponEntry(c.code, CouponEntryKind.REDEEMED, datetime(2026, 11, 20, 10), "S001",
                        "sale-A", 2_000)
    second = CouponEntry(c.code, CouponEntryKind.REDEEMED, datetime(2026, 11, 20, 10, 5), "S002",
                         "sale-B", 2_000)
    ledger = list(e)
    ledger.append(book_redemption(ledger, first))
    booked = book_redemption(ledger, second)
    assert booked.kind is CouponEntryKind.DOUBLE_REDEEMED and "S001" in booked.note
    ledger.append(booked)
    state = coupon_state(c.code, ledger)
    assert state.status is CouponStatus.REDEEMED and state.redeemed == first
    assert state.flagged == (booked,)
    back = chargeback_for(booked, RULES.coupon_double_use)
    assert (back.shop, back.value_fen, back.charged_to.value) == ("S002", 2_000, "charge_shop")
    # a replay of the first sale's redemption is not a double use
    assert book_redemption(ledger, first) == first


def test_return_gives_a_valid_coupon_back_and_never_its_value_as_cash():
    c, e = issued(TWENTY_OFF_200)
    red = CouponEntry(c.code, CouponEntryKind.REDEEMED, datetime(2026, 11, 20), "S001", "s1",
                      2_000)
    state = coupon_state(c.code, [*e, red])
    back = return_entry(c, state, "s1", datetime(2026, 11, 25))
    assert back is not None and coupon_state(c.code, [*e, red, back]).status is \
        CouponStatus.AVAILABLE
    assert return_entry(c, state, "s1", ISSUED + timedelta(days=40)) is None
    assert return_entry(c, state, "other-sale", datetime(2026, 11, 25)) is None


def test_a_return_read_after_the_coupons_next_redemption_does_not_free_it_again():
    # Head office books entries of one push at one moment and reads them back by key, so
    # the return of sale s1 may come after s2's redemption: the coupon stays with s2.
    c, e = issued(TWENTY_OFF_200)
    at = datetime(2026, 11, 20)
    red1 = CouponEntry(c.code, CouponEntryKind.REDEEMED, at, "S001", "s1", 2_000)
    back1 = CouponEntry(c.code, CouponEntryKind.RETURNED, at, sale_id="s1")
    red2 = CouponEntry(c.code, CouponEntryKind.REDEEMED, at, "S001", "s2", 2_000)
    for order in ([red1, back1, red2], [red1, red2, back1]):
        state = coupon_state(c.code, [*e, *order])
        assert state.status is CouponStatus.REDEEMED and state.redeemed.sale_id == "s2"
    back2 = CouponEntry(c.code, CouponEntryKind.RETURNED, at, sale_id="s2")
    assert coupon_state(c.code, [*e, red1, red2, back1, back2]).status is \
        CouponStatus.AVAILABLE


def test_expiry_job_is_idempotent_and_usable_list_hides_used_and_expired():
    c1, e1 = issued(TWENTY_OFF_200, "a")
    c2, e2 = issued(PERCENT, "b")
    late = datetime(2026, 12, 5)
    ledger = [*e1, *e2]
    rows = [(c, coupon_state(c.code, ledger)) for c in (c1, c2)]
    first = expiry_entries(rows, late)
    assert {x.code for x in first} == {c1.code, c2.code}
    ledger += first
    assert expiry_entries([(c, coupon_state(c.code, ledger)) for c in (c1, c2)], late) == []
    fresh, fe = issued(TWENTY_OFF_200, "c", at=datetime(2026, 11, 20))
    listed = usable_coupons([(fresh, TWENTY_OFF_200, coupon_state(fresh.code, fe)),
                             (c1, TWENTY_OFF_200, coupon_state(c1.code, ledger))],
                            datetime(2026, 11, 25), "S001")
    assert [c.code for c, _ in listed] == [fresh.code]


def test_per_member_limit_is_enforced_at_issue():
    limited = CouponTemplate("L", 1, "限领一张", CouponKind.AMOUNT_OFF, amount_fen=500,
                             per_member_limit=1, valid_days=10)
    issue_coupon(limited, "x", "M1", ISSUED, "registration", held_of_template=0)
    with pytest.raises(CouponNotUsable) as err:
        issue_coupon(limited, "y", "M1", ISSUED, "registration", held_of_template=1)
    assert err.value.reason is CouponRefusal.LIMIT_REACHED


@given(st.lists(st.tuples(st.integers(1, 100_000), st.integers(1, 5)), min_size=1, max_size=6),
       st.integers(1, 50_000))
def test_a_coupon_never_takes_more_than_the_lines_it_covers(lines, amount):
    t = CouponTemplate("A", 1, "A", CouponKind.AMOUNT_OFF, amount_fen=amount)
    c, e = issued(t)
    items = [BasketItem(product(p, f"S{i}"), q) for i, (p, q) in enumerate(lines)]
    out, uses = use(items, [(c, t, e)], tier=None)
    assert all(ln.amount_fen >= 0 for ln in out.basket.lines)
    assert out.basket.subtotal_fen - out.total_fen == uses[0].value_fen == min(
        amount, out.basket.subtotal_fen)
