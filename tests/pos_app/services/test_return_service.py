"""Returns against the original sale: money by the original tenders, points back, never twice;
on the in-memory unit of work with the standard goods and members (tests/pos_app/fake_till.py).
The manager's flag on a return that undoes an upgrade is a column no port reads back: that
test stays in tests/db/services/test_returns.py."""
from __future__ import annotations

import pytest

from pos_app.domain.errors import (
    PassNotUsable,
    PermissionDenied,
    RedemptionNotAllowed,
    ReturnExceedsSale,
    UnknownSale,
    ValidationFailed,
)
from pos_app.domain.sale import receipt_qr_payload
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.pos_app.fake_till import CASHIER, MANAGER, Till, stocked

CASH, SV = TenderKind.CASH, TenderKind.STORED_VALUE


def sell(t: Till, entries, card=None, tenders=None):
    """The goods first, then the card (as tests/db/services/test_returns.py sells)."""
    return t.sell(entries, card, tenders, card_first=False)


def test_whole_return_gives_money_back_by_the_original_tenders_and_takes_points_back():
    t = stocked()
    sale = sell(t, ["3*REG100"], "100002", [TenderInput(SV, 10_000), TenderInput(CASH, 16_400)])
    before = t.account("13800002222")
    ret = t.returns.return_items(sale.receipt_no, None, CASHIER, MANAGER)
    assert ret.kind.value == "return" and ret.original_receipt_no == sale.receipt_no
    refunds = {x.kind: x.amount_fen for x in ret.tenders}
    assert refunds == {SV: 10_000, CASH: 16_400}
    after = t.account("13800002222")
    assert after.balance_fen == before.balance_fen + 10_000
    assert after.spendable_points == before.spendable_points - 26
    assert after.accumulated_points == before.accumulated_points - 26
    assert ret.member.points_earned == -26


def test_partial_returns_never_give_back_more_than_was_sold():
    t = stocked()
    sale = sell(t, ["3*REG100"], "100002")
    r1 = t.returns.return_items(sale.receipt_no, {1: 1}, CASHIER, MANAGER)
    assert r1.total_fen == 8_800
    with pytest.raises(ReturnExceedsSale) as err:
        t.returns.return_items(sale.receipt_no, {1: 3}, CASHIER, MANAGER)
    assert err.value.returnable == 2
    r2 = t.returns.return_items(sale.receipt_no, {1: 2}, CASHIER, MANAGER)
    assert r1.total_fen + r2.total_fen == sale.total_fen
    points_back = -(r1.member.points_earned + r2.member.points_earned)
    assert points_back == sale.member.points_earned
    with pytest.raises(ReturnExceedsSale):
        t.returns.return_items(sale.receipt_no, None, CASHIER, MANAGER)


def test_returning_twice_is_refused_and_records_nothing():
    t = stocked()
    sale = sell(t, ["REG100"])
    t.returns.return_items(sale.receipt_no, None, CASHIER, MANAGER)
    before = t.store.state.clone()
    with pytest.raises(ReturnExceedsSale):
        t.returns.return_items(sale.receipt_no, None, CASHIER, MANAGER)
    after = t.store.state
    assert (after.sales, after.sale_lines, after.outbox, after.money, after.points) == (
        before.sales, before.sale_lines, before.outbox, before.money, before.points)


def test_a_return_needs_a_manager():
    t = stocked()
    sale = sell(t, ["REG100"])
    with pytest.raises(PermissionDenied):
        t.returns.return_items(sale.receipt_no, None, CASHIER, CASHIER)


def test_spendable_points_may_go_negative_after_a_return_and_block_redemption():
    t = stocked()
    t.member("200001", "13700001111")
    sale = sell(t, ["20*REG100"], "200001")   # ¥2,000 -> 200 + 10 bonus points
    assert sale.member.points_earned == 210
    with t.store() as uow:
        acc = uow.accounts.find_by_mobile("13700001111")
        uow.ledgers.add_points(acc.id, "redeem", -200, 0, t.clock.now(), note="test spend")
        uow.commit()
    ret = t.returns.return_items(sale.receipt_no, None, CASHIER, MANAGER)
    assert ret.member.points_earned == -210          # bonus reversed too
    assert t.account("13700001111").spendable_points == 10 - 210
    s = t.selling.new_session()
    s.attach_card("200001")
    with pytest.raises(RedemptionNotAllowed):
        s.redeem_gift("GIFT180")


def test_the_receipt_qr_payload_finds_the_sale():
    t = stocked()
    sale = sell(t, ["REG100"])
    found = t.returns.get_sale(receipt_qr_payload(sale.receipt_no))
    assert found.receipt_no == sale.receipt_no
    with pytest.raises(UnknownSale):
        t.returns.get_sale("POS:R:NOPE")


def test_a_count_pass_refund_pays_back_the_unused_share_and_closes_the_pass():
    t = stocked()
    s = t.selling.new_session()
    s.attach_card("100001")
    s.add("WASH10")
    sale = s.complete([TenderInput(CASH, 30_000)], CASHIER)
    pass_id = t.members.profile(sale.member.member_id).passes[0].id
    for _ in range(3):
        s.attach_card("100001")
        s.use_pass(pass_id)
        s.complete([], CASHIER)
    with pytest.raises(ValidationFailed):                   # a pass is not returned as goods
        t.returns.return_items(sale.receipt_no, None, CASHIER, MANAGER)
    refund = t.returns.refund_pass(pass_id, CASHIER, MANAGER)
    assert refund.total_fen == 21_000                       # 7 of 10 uses left of ¥300
    assert {x.kind: x.amount_fen for x in refund.tenders} == {CASH: 21_000}
    assert refund.member.points_earned == -21               # 30 points × 7/10
    assert t.members.profile(sale.member.member_id).passes[0].uses_left == 0
    with pytest.raises(PassNotUsable):
        t.returns.refund_pass(pass_id, CASHIER, MANAGER)
    s.attach_card("100001")
    with pytest.raises(PassNotUsable):
        s.use_pass(pass_id)


def test_rule_tier_downgrade_automatic_returns_the_tier_the_sale_found():
    t = stocked()
    t.member("100009", "13900009999", "gold", 100, 7_990)
    sale = sell(t, ["2*REG100"], "100009")
    assert sale.member.upgraded_to == "diamond"
    r = t.returns.return_items(sale.receipt_no, None, CASHIER, MANAGER)
    acc = t.account("13900009999")
    assert (acc.tier_code, acc.spendable_points, acc.accumulated_points) == ("gold", 100, 7990)
    assert r.member.tier_code == "gold"
