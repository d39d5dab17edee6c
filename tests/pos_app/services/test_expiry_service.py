"""The till's daily expiry job and the reminder list (issue 16), on the in-memory unit of work
with the standard goods and members (tests/pos_app/fake_till.py). Moved from
tests/db/services/test_expiry_at_till.py with the same names and assertions."""
from __future__ import annotations

from datetime import timedelta

from pos_app.domain.coupons import CouponKind, CouponStatus, CouponTemplate, issue_coupon
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.pos_app.fake_till import CASHIER, stocked


def test_points_lapse_oldest_first_once_and_the_reminder_lists_them_ahead():
    t = stocked()
    t.set_rules(t.selling.rules().with_changes(version=2, points_expiry="months",
                                               points_expiry_months=1))
    expiry = t.expiry
    start = t.clock.now()
    # 王芳 (990 + 1200 opening points are 李娜's and 王芳's) — 25 days on, both are due soon
    t.clock.at = start + timedelta(days=25)
    soon = {x.name: (x.points, x.last_day) for x in expiry.expiring()}
    assert soon["李娜"] == (990, (start + timedelta(days=30)).date())
    assert soon["王芳"] == (1_200, (start + timedelta(days=30)).date())
    # 李娜 spends 100 points as cash today: the oldest points go first
    s = t.selling.new_session()
    s.add("REG100")
    s.attach_card("100002")
    s.complete([TenderInput(TenderKind.POINTS, 100), TenderInput(TenderKind.CASH, 8_700)],
               CASHIER)
    t.clock.at = start + timedelta(days=32)
    run = expiry.run()
    assert run.points == (990 - 100) + 1_200 and run.members == 2
    assert expiry.run().points == 0                       # the same day again: nothing
    with t.store() as uow:
        li = uow.accounts.find_by_mobile("13800002222")
        assert uow.ledgers.ledger_sums(li.id)[0] == li.spendable_points == 8   # this sale's
    # what is left: the 8 points this sale earned, lapsing a month after the sale
    assert [(x.name, x.points, x.last_day) for x in expiry.expiring()] == [
        ("李娜", 8, (start + timedelta(days=25 + 31)).date())]


def test_coupons_past_their_window_expire_once():
    t = stocked()
    tpl = CouponTemplate("T", 1, "十元券", CouponKind.AMOUNT_OFF, amount_fen=1_000, valid_days=7)
    with t.store() as uow:
        uow.promotions.put_template(tpl, t.clock.now())
        member_id = uow.cards.find_card("100002").member_id
        c = issue_coupon(tpl, "x", member_id, t.clock.now(), "run")
        uow.promotions.add_coupon(c)
        uow.commit()
    assert t.expiry.run().coupons == 0
    t.clock.at = t.clock.now() + timedelta(days=8)
    assert t.expiry.run().coupons == 1
    assert t.expiry.run().coupons == 0
    with t.store() as uow:
        assert uow.promotions.find_coupon(c.code)[2].status is CouponStatus.EXPIRED
