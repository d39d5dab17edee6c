"""A whole shop day on a real store, with the Z report figures worked out by hand."""
from __future__ import annotations

from pos_app.domain.tenders import TenderInput, TenderKind
from tests.store_support import store_db

CASH, SV, WX = TenderKind.CASH, TenderKind.STORED_VALUE, TenderKind.WECHAT


def test_a_day_open_sell_return_pass_top_up_close(stocked):
    svc = stocked.services
    cashier = stocked.open_shift(float_fen=50_000)                       # float ¥500
    manager = stocked.manager

    s = svc.selling.new_session()
    s.add("2*REG100")                                                    # ¥200, no member
    sale1 = s.complete([TenderInput(CASH, 30_000)], cashier)             # cash 200, change 100
    assert sale1.change_fen == 10_000

    s.add("PROMO100")
    s.attach_card("100002")                                              # Gold: 70.40
    sale2 = s.complete([TenderInput(SV, 7_040)], cashier)
    assert sale2.total_fen == 7_040 and sale2.member.points_earned == 7

    s.add("SPECIAL50")
    s.add("REG100")
    s.attach_card("100003")                                              # Diamond: 50 + 80
    sale3 = s.complete([TenderInput(WX, 13_000, "wx-0001")], cashier)
    assert sale3.member.points_earned == 13

    s.attach_card("100001")
    s.add("WASH10")                                                      # pass ¥300
    sale4 = s.complete([TenderInput(CASH, 30_000)], cashier)
    s.attach_card("100001")
    pass_id = svc.members.profile(sale4.member.member_id).passes[0].id
    s.use_pass(pass_id)
    visit = s.complete([], cashier)
    assert visit.total_fen == 0 and visit.member.passes[0].uses_left == 9

    topup = svc.members.top_up(manager, "100001", 100_000, CASH)         # ¥1,000 + ¥100 bonus
    assert (topup.paid_fen, topup.bonus_fen) == (100_000, 10_000)

    ret = svc.returns.return_items(sale1.receipt_no, {1: 1}, cashier, manager)  # ¥100 cash back
    assert ret.total_fen == 10_000

    svc.shifts.move_cash(manager, -20_000, "银行存款")                     # pay-out ¥200

    z = svc.shifts.close(manager, counted_cash_fen=188_000)
    assert z.sales_count == 5
    assert z.sales_total_fen == 20_000 + 7_040 + 13_000 + 30_000 + 0
    assert z.returns_count == 1 and z.returns_total_fen == 10_000
    tenders = {t.kind: t.amount_fen for t in z.tenders}
    assert tenders == {CASH: 50_000, SV: 7_040, WX: 13_000}
    assert {t.kind: t.amount_fen for t in z.refunds_by_tender} == {CASH: 10_000}
    assert z.points_issued == 7 + 13 + 30           # the ¥300 pass earns 30 points
    assert z.stored_value_topped_up_fen == 100_000 and z.stored_value_bonus_fen == 10_000
    assert z.stored_value_spent_fen == 7_040
    assert z.pay_outs_fen == 20_000
    # Cash: float 500 + cash sales 500 - refund 100 + top-up 1,000 - pay-out 200 = 1,700.
    assert z.expected_cash_fen == 170_000
    assert z.cash_difference_fen == 18_000
    assert svc.shifts.current() is None


def test_opening_the_drawer_without_a_sale_needs_a_reason_and_is_audited(stocked):
    
    import pytest

    from db.store import DB_FILE
    from pos_app.domain.errors import ValidationFailed
    stocked.open_shift()
    with pytest.raises(ValidationFailed):
        stocked.services.shifts.record_no_sale(stocked.manager, "  ")
    stocked.services.shifts.record_no_sale(stocked.manager, "换零钱")
    db = store_db(stocked.data_dir / DB_FILE)
    rows = db.execute("SELECT a.detail, u.username FROM audit_log a JOIN users u ON u.id=a.user_id "
                      "WHERE a.action='drawer_opened_no_sale'").fetchall()
    assert rows == [('{"reason": "换零钱"}', "manager")]
