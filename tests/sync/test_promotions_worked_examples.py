"""The business texts' worked examples (issue 16) at a real till AND at a real head office
(PostgreSQL): each basket is priced by the till's SellingService and by the head-office console's
"try it" (the same domain functions), with the promotions head office published and the till
pulled; the returns are booked at the till and checked at head office after the sync.

- 折上折 unchanged: a counter promotion then the Gold discount, ¥100 → ¥70.40;
- a member day on a promoted item: ¥100 at 8折, Gold, member day 9.5折 → ¥66.88;
- 满减 with special-priced and excluded goods in the basket: only the regular goods count;
- a coupon plus a member day: the coupon comes off after every discount;
- a whole return of a coupon sale: the coupon comes back while valid, else stays used, and
  its value is never refunded as cash;
- a partial return of a 满减 sale: the saving the kept goods no longer earn is kept back.
"""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from headoffice.console import auth
from headoffice.models import SaleRow
from headoffice.promotions import MemberFilter
from headoffice.service import HeadOffice
from pos_app.domain.coupons import CouponKind, CouponStatus, CouponTemplate, coupon_state
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule, Scope
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.headoffice.console.conftest import PASSWORD, login
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, TillRig, make_till

pytestmark = pytest.mark.postgres

SUNDAY = Schedule(weekdays=frozenset({7}))      # the tills' clock starts the day before
COUNTER = Promotion("P-8", 1, PromotionKind.PRICE, "女装专柜8折", rate_bp=8_000,
                    scope=Scope(skus=frozenset({"REG100"})))
MEMBER_DAY = Promotion("MD", 1, PromotionKind.MEMBER_DAY, "周日会员日", schedule=SUNDAY,
                       tier_rates=(("gold", 9_500), ("diamond", 9_500)))
SPEND_SAVE = Promotion("MJ200", 1, PromotionKind.SPEND_SAVE, "满200减20",
                       threshold_fen=20_000, save_fen=2_000)
CLOTHES_150 = Promotion("MJ150", 1, PromotionKind.SPEND_SAVE, "服装满150减15",
                        threshold_fen=15_000, save_fen=1_500,
                        scope=Scope(categories=frozenset({"服装"})))
COUPON = CouponTemplate("GOLD20", 1, "满100减20", CouponKind.AMOUNT_OFF, amount_fen=2_000,
                        threshold_fen=10_000, valid_days=30)
# The till's goods as "try it" lines (price, kind, the product's own promotion, sku, category)
LINES = {"REG100": "100.00 sku REG100 cat 服装/女装/针织衫",
         "PROMO100": "100.00 promo 0.8 sku PROMO100 cat 服装/女装/衬衫",
         "SPECIAL50": "50.00 special sku SPECIAL50 cat 服装/配饰/围巾",
         "CARD100": "100.00 excluded sku CARD100 cat 服务/礼品卡/购物卡"}


def at_till(till: TillRig, basket: list[tuple[str, int]], card: str | None = None,
            coupon: str | None = None) -> int:
    s = till.shop.services.selling.new_session()
    for sku, qty in basket:
        s.add(f"{qty}*{sku}")
    if card:
        s.attach_card(card)
    if coupon:
        s.apply_coupon(coupon)
    return s.view().total_fen


def at_head_office(client: Any, basket: list[tuple[str, int]], tier: str = "",
                   template: str = "", at: str = "2026-11-28T12:00") -> tuple[int, int | None]:
    """(the draft column's total, the total after the coupon) from the console's try-it."""
    lines = "\n".join(f"{LINES[sku]} x{qty}" for sku, qty in basket)
    r = client.post("/console/promotions/try", data={
        "csrf": client.csrf, "try_basket": lines, "try_tier": tier,
        "try_at": at, "try_template": template})
    assert r.status_code == 200 and "e-try-" not in r.text, r.text[:500]
    draft = r.text.split('class="try-draft"')[1]
    total = re.search(r'class="num total"><strong>¥([\d,.]+)</strong>', draft).group(1)
    after = re.search(r'class="coupon-value">.*?<strong>¥([\d,.]+)</strong>', r.text, re.S)
    fen = lambda y: int(round(float(y.replace(",", "")) * 100))  # noqa: E731
    return fen(total), (fen(after.group(1)) if after else None)


@pytest.fixture
def chain(hq: HeadOffice, live: LiveServer, tmp_path: Path) -> tuple[HeadOffice, TillRig, Any]:
    hq.import_members(HQ_MEMBERS)
    for p in (COUNTER, MEMBER_DAY, SPEND_SAVE, CLOTHES_150):
        hq.publish_promotion(p)
    hq.publish_coupon_template(COUPON)
    hq.transaction(lambda s: auth.add_user(s, hq.clock(), hq.ids.new_id(), "maria", PASSWORD,
                                           "membership", None, "Maria", None))
    till = make_till(hq, live, tmp_path, "S001", "T01")
    till.sync()
    return hq, till, login(live.url, "maria")


def coupon_for_li_na(hq: HeadOffice, till: TillRig) -> str:
    """Head office issues 李娜 a GOLD20 coupon; the till pulls it; its code."""
    before = set(codes_of(till))
    hq.issue_coupons("GOLD20", MemberFilter(member_ids=frozenset({LI_NA})))
    till.sync()
    (code,) = set(codes_of(till)) - before
    return code


def codes_of(till: TillRig) -> list[str]:
    with till.shop.uow() as uow:
        return [c.code for c, _t, _s in uow.promotions.coupons_of(LI_NA)]


def hq_status(hq: HeadOffice, code: str) -> CouponStatus:
    _coupon, entries = hq.coupon(code)
    return coupon_state(code, entries).status


def hq_total(hq: HeadOffice, receipt_no: str) -> int:
    with hq.sessions() as s:
        return s.scalar(select(SaleRow.paid_fen).where(SaleRow.receipt_no == receipt_no))


def test_the_worked_examples_price_the_same_at_the_till_and_at_head_office(chain) -> None:
    hq, till, console = chain
    # 折上折 unchanged: 100 × 0.8 (counter) × 0.88 (Gold) = 70.40, and 80.00 for a non-member
    assert at_till(till, [("REG100", 1)], "100002") == 7_040
    assert at_head_office(console, [("REG100", 1)], "gold")[0] == 7_040
    assert at_till(till, [("REG100", 1)]) == at_head_office(console, [("REG100", 1)])[0] \
        == 8_000
    # 满减 with special-priced and excluded goods: 80 + 2 × 80 (counter and own promotions)
    # = 240 counts: 20 off (满200) and 15 off (服装满150); the scarf (特价) and the gift card
    # (excluded) pay in full
    basket = [("REG100", 1), ("PROMO100", 2), ("SPECIAL50", 1), ("CARD100", 1)]
    till_total = at_till(till, basket)
    assert till_total == at_head_office(console, basket)[0]
    assert till_total in (24_000 - 2_000 + 5_000 + 10_000, 24_000 - 1_500 + 5_000 + 10_000,
                          24_000 - 3_500 + 5_000 + 10_000)
    # Sunday, the member day
    code = coupon_for_li_na(hq, till)
    till.shop.clock.at += timedelta(days=1)
    sunday = "2026-11-29T12:00"
    # a member day on a promoted item: 100 × 0.8 (its own promotion) × 0.88 × 0.95 = 66.88
    assert at_till(till, [("PROMO100", 1)], "100002") == 6_688
    assert at_head_office(console, [("PROMO100", 1)], "gold", at=sunday)[0] == 6_688
    # a coupon plus a member day: 2 × 80 × 0.88 × 0.95 = 133.76 (no 满减 reached), then the
    # coupon's 20.00 → 113.76, at the till and in head office's try-it alike
    assert at_till(till, [("REG100", 2)], "100002", code) == 13_376 - 2_000
    assert at_head_office(console, [("REG100", 2)], "gold", "GOLD20", at=sunday) == (
        13_376, 13_376 - 2_000)


def test_returns_of_coupon_and_spend_and_save_sales_at_the_till_and_head_office(chain) -> None:
    hq, till, _console = chain
    cashier, manager = till.cashier, till.shop.manager
    returns = till.shop.services.returns

    def sell(basket: list[tuple[str, int]], card: str | None = None,
             coupon: str | None = None):  # noqa: ANN202
        s = till.shop.services.selling.new_session()
        for sku, qty in basket:
            s.add(f"{qty}*{sku}")
        if card:
            s.attach_card(card)
        if coupon:
            s.apply_coupon(coupon)
        return s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], cashier)

    # a coupon sale returned whole while the coupon is valid: it comes back, at head office too
    code = coupon_for_li_na(hq, till)
    sale = sell([("REG100", 2)], "100002", code)
    till.sync()
    assert hq_status(hq, code) is CouponStatus.REDEEMED
    back = returns.return_items(sale.receipt_no, None, cashier, manager)
    # 2 × 80 × 0.88 = 140.80, less the coupon: 120.80 paid and 120.80 back, never the 20.00
    assert back.total_fen == sale.total_fen == 12_080
    till.sync()
    assert hq_status(hq, code) is CouponStatus.AVAILABLE
    assert [abs(hq_total(hq, r.receipt_no)) for r in (sale, back)] == [12_080, 12_080]
    # ... and past its window: it stays used, and still only what was paid comes back
    sale = sell([("REG100", 2)], "100002", code)
    till.sync()
    till.shop.clock.at += timedelta(days=31)
    hq.clock.at += timedelta(days=31)
    back = returns.return_items(sale.receipt_no, None, cashier, manager)
    assert back.total_fen == sale.total_fen
    till.sync()
    assert hq_status(hq, code) is CouponStatus.REDEEMED
    with till.shop.uow() as uow:
        assert uow.promotions.find_coupon(code)[2].status is CouponStatus.REDEEMED

    # a 满减 sale returned in part: 2 jumpers (2 × 80 = 160 ≥ 150: 15 off, 145.00 paid);
    # returning one leaves 80 < 150, so the kept jumper pays its 80 again: 65.00 back
    sale = sell([("REG100", 2)])
    assert sale.total_fen == 14_500
    first = returns.return_items(sale.receipt_no, {1: 1}, cashier, manager)
    assert first.total_fen == 14_500 - 8_000
    rest = returns.return_items(sale.receipt_no, None, cashier, manager)
    assert first.total_fen + rest.total_fen == sale.total_fen
    till.sync()
    # head office books the same figures from the till's events
    assert [abs(hq_total(hq, r.receipt_no)) for r in (sale, first, rest)] == [
        14_500, 6_500, 8_000]
