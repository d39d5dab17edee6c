"""Promotions and coupons through the till's own services (issue 16), on the in-memory unit of
work with the standard goods and members (tests/pos_app/fake_till.py). Moved from
tests/db/services/test_promotions_at_till.py with the same names and assertions; what stays
there is about the SQLite store itself (two stores in one process)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from pos_app.domain.coupons import (
    CouponKind,
    CouponNotUsable,
    CouponRefusal,
    CouponStatus,
    CouponTemplate,
    issue_coupon,
)
from pos_app.domain.pricing import ReasonKind
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule, Scope
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.pos_app.fake_till import CASHIER, MANAGER, Till
from tests.pos_app.fake_till import stocked as stocked_till

CASH = TenderKind.CASH
SATURDAYS = Schedule(weekdays=frozenset({6}))   # the fake till's day, as NOON, is a Saturday

MEMBER_DAY = Promotion("MD-SAT", 3, PromotionKind.MEMBER_DAY, "周六会员日",
                       schedule=SATURDAYS, tier_rates=(("gold", 9_500), ("diamond", 9_500)),
                       points_multiplier_bp=20_000, points_cap=100)
SPEND_SAVE = Promotion("MJ200", 1, PromotionKind.SPEND_SAVE, "满200减20", threshold_fen=20_000,
                       save_fen=2_000, scope=Scope(categories=frozenset({"服装"})))
TEMPLATE = CouponTemplate("T10", 1, "满100减10券", CouponKind.AMOUNT_OFF, amount_fen=1_000,
                          threshold_fen=10_000, valid_days=30,
                          scope=Scope(all_goods=True, exclude_categories=frozenset({"食品"})))


@pytest.fixture
def stocked() -> Till:
    return stocked_till()


def put(t: Till, *promotions, templates=(TEMPLATE,)):
    with t.store() as uow:
        for tpl in templates:
            uow.promotions.put_template(tpl, t.clock.now())
        for p in promotions:
            uow.promotions.put(p, t.clock.now())
        uow.commit()


def give_coupon(t: Till, card_no: str, seed: str = "seed-1") -> str:
    with t.store() as uow:
        member_id = uow.cards.find_card(card_no).member_id
        c = issue_coupon(TEMPLATE, seed, member_id, t.clock.now() - timedelta(days=1), "run:R1")
        uow.promotions.add_coupon(c)
        uow.commit()
    return c.code


def outbox_payloads(t: Till) -> list[dict]:
    return [p for _seq, kind, p in t.store.state.outbox if kind == "sale.completed"]


def test_member_day_spend_and_save_and_a_coupon_in_one_sale(stocked):
    put(stocked, MEMBER_DAY, SPEND_SAVE)
    code = give_coupon(stocked, "100002")
    cashier = CASHIER
    s = stocked.selling.new_session()
    s.add("REG100")                  # ¥100 regular
    s.add("PROMO100")                # ¥100 on its own 8折
    view = s.attach_card("100002")   # Gold, on the Saturday member day
    # REG100: 100 × 0.88 × 0.95 = 83.60; PROMO100: 80 × 0.88 × 0.95 = 66.88 -> 150.48 < 200
    assert [ln.amount_fen for ln in view.lines] == [8_360, 6_688]
    assert [o.code for o in view.coupons] == [code]
    view = s.apply_coupon(code)
    assert view.total_fen == 15_048 - 1_000
    assert [r.kind for r in view.lines[0].reasons] == [ReasonKind.TIER, ReasonKind.MEMBER_DAY,
                                                       ReasonKind.COUPON]
    assert view.coupons == () and view.extra_points == 14   # 140.48 × (2 - 1) -> 14
    sale = s.complete([TenderInput(CASH, 14_048)], cashier)
    assert {(p.promotion_id, p.version) for p in sale.promotions} >= {("MD-SAT", 3),
                                                                       ("product:PROMO100", 0)}
    assert [(c.code, c.value_fen, c.name) for c in sale.coupons] == [(code, 1_000, "满100减10券")]
    assert sale.member is not None and sale.member.promo_points == 14
    assert sale.member.points_earned == 14 + 14
    with stocked.store() as uow:
        _, _, state = uow.promotions.find_coupon(code)
        assert state.status is CouponStatus.REDEEMED and state.redeemed.sale_id == sale.sale_id
        account = uow.accounts.find_by_mobile("13800002222")
        assert uow.ledgers.ledger_sums(account.id)[0] == account.spendable_points
        assert uow.sales.find_by_receipt(sale.receipt_no).snapshot == sale
    payload = outbox_payloads(stocked)[-1]
    assert payload["coupon_entries"][0]["code"] == code
    assert payload["sale"]["promotions"] and payload["sale"]["coupons"][0]["code"] == code
    # the same coupon again: used here, today
    s2 = stocked.selling.new_session()
    s2.add("2*REG100")
    s2.attach_card("100002")
    with pytest.raises(CouponNotUsable) as err:
        s2.apply_coupon(code)
    assert err.value.reason is CouponRefusal.USED and err.value.shop == "S001"


def test_spend_and_save_with_special_and_excluded_goods_at_the_till(stocked):
    put(stocked, SPEND_SAVE)
    cashier = CASHIER
    s = stocked.selling.new_session()
    for code in ("REG100", "PROMO100", "SPECIAL50", "CARD100"):
        s.add(code)
    view = s.view()
    # 满200减20 covers 服装 regular goods only: 100 + 80 = 180 < 200: nothing off
    assert view.total_fen == 10_000 + 8_000 + 5_000 + 10_000
    view = s.add("REG100")
    # 280 >= 200: 20.00 shared over 100:80:100 -> 7.15, 5.70, 7.15 (largest remainder)
    basket_off = [sum(r.discount_fen for r in ln.reasons if r.kind is ReasonKind.BASKET)
                  for ln in view.lines]
    assert sum(basket_off) == 2_000 and basket_off[2] == basket_off[3] == 0
    sale = s.complete([TenderInput(CASH, 41_000)], cashier)
    assert sale.total_fen == 43_000 - 2_000
    assert [p.promotion_id for p in sale.promotions if p.kind == "basket"] == ["MJ200"]


def test_a_coupon_that_does_not_apply_says_why_and_leaves_the_basket_alone(stocked):
    put(stocked)
    code = give_coupon(stocked, "100002")
    s = stocked.selling.new_session()
    s.add("REG100")
    s.add("10*WATER")                        # food is excluded from this coupon
    s.attach_card("100002")
    with pytest.raises(CouponNotUsable) as err:
        s.apply_coupon(code)
    assert err.value.reason is CouponRefusal.EXCLUDED_GOODS
    assert err.value.shortfall_fen == 10_000 - 8_800 and err.value.skus == ("WATER",)
    assert s.coupon_codes == ()
    with pytest.raises(CouponNotUsable) as err:
        s.apply_coupon("CNOTACOUPON00X")
    assert err.value.reason is CouponRefusal.UNKNOWN
    s.add("REG100")
    view = s.apply_coupon(code)
    assert view.coupon_uses[0].value_fen == 1_000
    # removing a line below the threshold takes the coupon off again
    view = s.remove_line(3)
    assert view.coupon_uses == () and s.coupon_codes == ()


def test_spend_and_get_issues_a_coupon_to_the_member_with_the_sale(stocked):
    gift = Promotion("MS300", 1, PromotionKind.SPEND_GIFT, "满300送券", threshold_fen=30_000,
                     coupon_template_id="T10")
    put(stocked, gift)
    cashier = CASHIER
    s = stocked.selling.new_session()
    s.add("4*REG100")
    s.attach_card("100003")                  # Diamond: 400 × 0.8 = 320 >= 300
    sale = s.complete([TenderInput(CASH, 32_000)], cashier)
    assert len(sale.coupons_issued) == 1
    with stocked.store() as uow:
        member_id = uow.cards.find_card("100003").member_id
        held = uow.promotions.coupons_of(member_id)
    assert [c.code for c, _, _ in held] == list(sale.coupons_issued)
    assert held[0][0].source == "promotion:MS300"
    assert outbox_payloads(stocked)[-1]["coupons_issued"][0]["code"] == sale.coupons_issued[0]


def test_coupons_beyond_the_unconfirmed_allowance_are_refused_and_nothing_is_recorded(stocked):
    stocked.set_rules(stocked.selling.rules().with_changes(
        version=2, coupon_offline_limit_fen=1_500))
    put(stocked)
    first = give_coupon(stocked, "100002", "a")
    second = give_coupon(stocked, "100002", "b")
    cashier = CASHIER
    s = stocked.selling.new_session()
    s.add("2*REG100")
    s.attach_card("100002")
    s.apply_coupon(first)
    s.complete([TenderInput(CASH, 16_600)], cashier)
    s.add("2*REG100")
    s.attach_card("100002")
    s.apply_coupon(second)
    before = len(outbox_payloads(stocked))
    with pytest.raises(CouponNotUsable) as err:
        s.complete([TenderInput(CASH, 16_600)], cashier)
    assert err.value.reason is CouponRefusal.OFFLINE_LIMIT
    assert len(outbox_payloads(stocked)) == before
    with stocked.store() as uow:
        assert uow.promotions.find_coupon(second)[2].status is CouponStatus.AVAILABLE


def test_points_expiring_soon_are_on_the_panel_and_the_receipt(stocked):
    stocked.set_rules(stocked.selling.rules().with_changes(
        version=2, points_expiry="months", points_expiry_months=1))
    stocked.clock.at = stocked.clock.now() + timedelta(days=10)
    cashier = CASHIER
    s = stocked.selling.new_session()
    s.add("REG100")
    view = s.attach_card("100002")           # 990 opening points, earned a month ago less 10 days
    assert view.points_expiring == 990
    assert view.points_expiring_on == (stocked.clock.now() - timedelta(days=10)).date() \
        .replace(month=12, day=28)
    sale = s.complete([TenderInput(CASH, 8_800)], cashier)
    assert sale.member.points_expiring == 990


def test_returning_part_of_a_spend_and_save_sale_reallocates_the_saving(stocked):
    put(stocked, SPEND_SAVE)
    cashier = CASHIER
    s = stocked.selling.new_session()
    s.add("REG100")
    s.add("PROMO100")
    s.add("REG100")                  # 100 + 80 + 100 = 280 >= 200: 20.00 off
    sale = s.complete([TenderInput(CASH, 26_000)], cashier)
    assert sale.total_fen == 26_000
    returns = stocked.returns
    assert [ln.amount_fen for ln in sale.lines] == [9_286, 7_428, 9_286]
    # return one ¥100 jumper: the 180.00 kept is below 200, so the kept goods pay their full
    # price again and the refund is what the sale cost beyond them
    r1 = returns.return_items(sale.receipt_no, {3: 1}, cashier, MANAGER)
    assert r1.total_fen == 9_286 - (714 + 572) == 8_000
    r2 = returns.return_items(sale.receipt_no, None, cashier, MANAGER)
    assert r1.total_fen + r2.total_fen == sale.total_fen
    assert r2.total_fen == 18_000


def test_a_whole_return_gives_a_still_valid_coupon_back_and_never_its_value_in_cash(stocked):
    put(stocked)
    code = give_coupon(stocked, "100002")
    cashier = CASHIER
    s = stocked.selling.new_session()
    s.add("2*REG100")
    s.attach_card("100002")
    s.apply_coupon(code)
    sale = s.complete([TenderInput(CASH, 16_600)], cashier)
    ret = stocked.returns.return_items(sale.receipt_no, None, cashier, MANAGER)
    assert ret.total_fen == 16_600                # what was paid, not the coupon's value
    with stocked.store() as uow:
        assert uow.promotions.find_coupon(code)[2].status is CouponStatus.AVAILABLE
    assert outbox_payloads(stocked) and json.loads(json.dumps(
        _returned_payload(stocked)))["coupon_entries"][0]["kind"] == "returned"
    # past its window, a returned sale's coupon stays used
    code2 = give_coupon(stocked, "100002", "late")
    s.add("2*REG100")
    s.attach_card("100002")
    s.apply_coupon(code2)
    sale2 = s.complete([TenderInput(CASH, 16_600)], cashier)
    stocked.clock.at = stocked.clock.now() + timedelta(days=40)
    ret2 = stocked.returns.return_items(sale2.receipt_no, None, cashier,
                                                 MANAGER)
    assert ret2.total_fen == 16_600
    with stocked.store() as uow:
        assert uow.promotions.find_coupon(code2)[2].status is CouponStatus.REDEEMED


def _returned_payload(t: Till) -> dict:
    return [p for _seq, kind, p in t.store.state.outbox if kind == "sale.returned"][-1]


def test_a_whole_return_takes_back_the_multiplier_points_too(stocked):
    put(stocked, MEMBER_DAY)
    cashier = CASHIER
    with stocked.store() as uow:
        before = uow.accounts.find_by_mobile("13800002222")
    s = stocked.selling.new_session()
    s.add("3*REG100")
    s.attach_card("100002")
    sale = s.complete([TenderInput(CASH, 25_080)], cashier)
    assert sale.member.promo_points == 25
    stocked.returns.return_items(sale.receipt_no, {1: 1}, cashier, MANAGER)
    stocked.returns.return_items(sale.receipt_no, None, cashier, MANAGER)
    with stocked.store() as uow:
        after = uow.accounts.find_by_mobile("13800002222")
    assert (after.spendable_points, after.accumulated_points) == (
        before.spendable_points, before.accumulated_points)
