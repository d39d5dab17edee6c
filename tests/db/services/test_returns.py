"""Returns against the original sale: money by the original tenders, points back, never twice."""
from __future__ import annotations

import pytest

from pos_app.domain.errors import (
    PermissionDenied,
    ReturnExceedsSale,
    UnknownSale,
    ValidationFailed,
)
from pos_app.domain.sale import receipt_qr_payload
from pos_app.domain.tenders import TenderInput, TenderKind

CASH, SV = TenderKind.CASH, TenderKind.STORED_VALUE


def sell(shop, entries, card=None, tenders=None):
    cashier = shop.services.shifts.current() and shop.cashier or shop.open_shift()
    s = shop.services.selling.new_session()
    for e in entries:
        s.add(e)
    if card:
        s.attach_card(card)
    total = s.view().total_fen
    return s.complete(tenders or [TenderInput(CASH, total)], cashier)


def account(shop, mobile):
    with shop.uow() as uow:
        return uow.accounts.find_by_mobile(mobile)


def test_whole_return_gives_money_back_by_the_original_tenders_and_takes_points_back(stocked):
    sale = sell(stocked, ["3*REG100"], "100002",
                [TenderInput(SV, 10_000), TenderInput(CASH, 16_400)])
    before = account(stocked, "13800002222")
    ret = stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier,
                                                stocked.manager)
    assert ret.kind.value == "return" and ret.original_receipt_no == sale.receipt_no
    refunds = {t.kind: t.amount_fen for t in ret.tenders}
    assert refunds == {SV: 10_000, CASH: 16_400}
    after = account(stocked, "13800002222")
    assert after.balance_fen == before.balance_fen + 10_000
    assert after.spendable_points == before.spendable_points - 26
    assert after.accumulated_points == before.accumulated_points - 26
    assert ret.member.points_earned == -26


def test_partial_returns_never_give_back_more_than_was_sold(stocked):
    sale = sell(stocked, ["3*REG100"], "100002")
    r1 = stocked.services.returns.return_items(sale.receipt_no, {1: 1}, stocked.cashier,
                                               stocked.manager)
    assert r1.total_fen == 8_800
    with pytest.raises(ReturnExceedsSale) as err:
        stocked.services.returns.return_items(sale.receipt_no, {1: 3}, stocked.cashier,
                                              stocked.manager)
    assert err.value.returnable == 2
    r2 = stocked.services.returns.return_items(sale.receipt_no, {1: 2}, stocked.cashier,
                                               stocked.manager)
    assert r1.total_fen + r2.total_fen == sale.total_fen
    points_back = -(r1.member.points_earned + r2.member.points_earned)
    assert points_back == sale.member.points_earned
    with pytest.raises(ReturnExceedsSale):
        stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier,
                                              stocked.manager)


def test_returning_twice_is_refused_and_records_nothing(stocked):
    sale = sell(stocked, ["REG100"])
    stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier, stocked.manager)
    with pytest.raises(ReturnExceedsSale):
        stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier,
                                              stocked.manager)


def test_a_return_needs_a_manager(stocked):
    sale = sell(stocked, ["REG100"])
    with pytest.raises(PermissionDenied):
        stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier,
                                              stocked.cashier)


def test_spendable_points_may_go_negative_after_a_return_and_block_redemption(stocked):
    from pos_app.domain.errors import RedemptionNotAllowed
    stocked.members([{"card_no": "200001", "name": "钱多", "mobile": "13700001111",
                      "tier": "regular", "points": "0"}])
    sale = sell(stocked, ["20*REG100"], "200001")   # ¥2,000 -> 200 + 10 bonus points
    assert sale.member.points_earned == 210
    with stocked.uow() as uow:
        acc = uow.accounts.find_by_mobile("13700001111")
        uow.ledgers.add_points(acc.id, "redeem", -200, 0, stocked.clock.now(), note="test spend")
        uow.commit()
    ret = stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier,
                                                stocked.manager)
    assert ret.member.points_earned == -210          # bonus reversed too
    assert account(stocked, "13700001111").spendable_points == 10 - 210
    s = stocked.services.selling.new_session()
    s.attach_card("200001")
    with pytest.raises(RedemptionNotAllowed):
        s.redeem_gift("GIFT180")


def test_a_tier_upgrade_caused_by_the_sale_is_flagged_for_the_manager(stocked):
    stocked.set_rules(stocked.services.selling.rules().with_changes(version=2,
                                                                     tier_downgrade="review"))
    stocked.members([{"card_no": "100009", "name": "周杰", "mobile": "13900009999",
                      "tier": "gold", "points": "100", "accumulated_points": "7990"}])
    sale = sell(stocked, ["2*REG100"], "100009")
    assert sale.member.upgraded_to == "diamond"
    stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier, stocked.manager)
    with stocked.uow() as uow:
        from sqlalchemy import text
        flags = uow.session.execute(text(
            "SELECT manager_flag FROM sales WHERE kind='return'")).scalars().all()
        audits = uow.session.execute(text(
            "SELECT count(*) FROM audit_log WHERE action='tier_review'")).scalar()
    assert flags and "diamond" in flags[0]
    assert audits == 1
    # Not undone silently: the member stays Diamond until a manager decides.
    assert account(stocked, "13900009999").tier_code == "diamond"


def test_the_receipt_qr_payload_finds_the_sale(stocked):
    sale = sell(stocked, ["REG100"])
    found = stocked.services.returns.get_sale(receipt_qr_payload(sale.receipt_no))
    assert found.receipt_no == sale.receipt_no
    with pytest.raises(UnknownSale):
        stocked.services.returns.get_sale("POS:R:NOPE")


def test_a_count_pass_refund_pays_back_the_unused_share_and_closes_the_pass(stocked):
    from pos_app.domain.errors import PassNotUsable
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.attach_card("100001")
    s.add("WASH10")
    sale = s.complete([TenderInput(CASH, 30_000)], cashier)
    pass_id = stocked.services.members.profile(sale.member.member_id).passes[0].id
    for _ in range(3):
        s.attach_card("100001")
        s.use_pass(pass_id)
        s.complete([], cashier)
    with pytest.raises(ValidationFailed):                   # a pass is not returned as goods
        stocked.services.returns.return_items(sale.receipt_no, None, cashier, stocked.manager)
    refund = stocked.services.returns.refund_pass(pass_id, cashier, stocked.manager)
    assert refund.total_fen == 21_000                       # 7 of 10 uses left of ¥300
    assert {t.kind: t.amount_fen for t in refund.tenders} == {CASH: 21_000}
    assert refund.member.points_earned == -21               # 30 points × 7/10
    assert stocked.services.members.profile(sale.member.member_id).passes[0].uses_left == 0
    with pytest.raises(PassNotUsable):
        stocked.services.returns.refund_pass(pass_id, cashier, stocked.manager)
    s.attach_card("100001")
    with pytest.raises(PassNotUsable):
        s.use_pass(pass_id)


def test_rule_tier_downgrade_automatic_returns_the_tier_the_sale_found(stocked):
    stocked.members([{"card_no": "100009", "name": "周杰", "mobile": "13900009999",
                      "tier": "gold", "points": "100", "accumulated_points": "7990"}])
    sale = sell(stocked, ["2*REG100"], "100009")
    assert sale.member.upgraded_to == "diamond"
    r = stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier,
                                              stocked.manager)
    acc = account(stocked, "13900009999")
    assert (acc.tier_code, acc.spendable_points, acc.accumulated_points) == ("gold", 100, 7990)
    assert r.member.tier_code == "gold"
