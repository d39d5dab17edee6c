"""Promotions, coupons and points expiry across a real head office (PostgreSQL) and two
real tills (SQLite) syncing over HTTP (issue 16)."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from headoffice.models import PointsEntryRow
from headoffice.promotions import MemberFilter
from headoffice.service import HeadOffice
from pos_app.domain.coupons import (
    CouponEntryKind,
    CouponKind,
    CouponNotUsable,
    CouponRefusal,
    CouponStatus,
    CouponTemplate,
)
from pos_app.domain.points_expiry import expiry_due, expiry_policy_of
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule, Scope
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, WANG_FANG, make_till

pytestmark = pytest.mark.postgres

SATURDAY_MEMBER_DAY = Promotion("MD-SAT", 2, PromotionKind.MEMBER_DAY, "周六会员日",
                                schedule=Schedule(weekdays=frozenset({6})),
                                tier_rates=(("gold", 9_500), ("diamond", 9_500)),
                                points_multiplier_bp=20_000)
TEMPLATE = CouponTemplate("GOLD20", 1, "金卡满100减20", CouponKind.AMOUNT_OFF, amount_fen=2_000,
                          threshold_fen=10_000, valid_days=30, scope=Scope(all_goods=True),
                          per_member_limit=1)


def sell_with_coupon(till, card_no: str, code: str):
    s = till.shop.services.selling.new_session()
    s.add("2*REG100")
    s.attach_card(card_no)
    view = s.apply_coupon(code)
    return s.complete([TenderInput(TenderKind.CASH, view.total_fen)], till.cashier)


def test_head_office_promotions_and_issued_coupons_reach_every_till_and_price_the_same(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    hq.publish_promotion(SATURDAY_MEMBER_DAY)
    hq.publish_coupon_template(TEMPLATE)
    run_id, issued = hq.issue_coupons("GOLD20", MemberFilter(tiers=frozenset({"gold"})))
    assert issued == 1
    # a second run gives nobody a second coupon (one per member)
    assert hq.issue_coupons("GOLD20", MemberFilter(tiers=frozenset({"gold"})))[1] == 0
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S002", "T01")
    a.sync(), b.sync()
    views = []
    for till in (a, b):
        s = till.shop.services.selling.new_session()
        s.add("REG100")
        views.append(s.attach_card("100002"))
    # Gold on the Saturday member day: 100 × 0.88 × 0.95 = 83.60, the same at both tills
    assert [v.total_fen for v in views] == [8_360, 8_360]
    assert [len(v.coupons) for v in views] == [1, 1]
    assert views[0].coupons[0].code == views[1].coupons[0].code
    # withdrawn at head office: gone at the till after one pull
    hq.withdraw_promotion("MD-SAT")
    a.sync()
    s = a.shop.services.selling.new_session()
    s.add("REG100")
    assert s.attach_card("100002").total_fen == 8_800


def test_one_coupon_redeemed_at_two_offline_tills_is_booked_once_and_the_second_flagged(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    hq.publish_coupon_template(TEMPLATE)
    hq.issue_coupons("GOLD20", MemberFilter(member_ids=frozenset({LI_NA})))
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S002", "T01")
    a.sync(), b.sync()
    s = a.shop.services.selling.new_session()
    s.add("REG100")
    code = s.attach_card("100002").coupons[0].code
    a.offline(), b.offline()
    first = sell_with_coupon(a, "100002", code)
    b.shop.clock.at = b.shop.clock.now() + timedelta(minutes=5)
    second = sell_with_coupon(b, "100002", code)
    assert first.coupons[0].value_fen == second.coupons[0].value_fen == 2_000
    a.online(), b.online()
    a.sync(), b.sync()
    coupon, entries = hq.coupon(code)
    kinds = [(e.kind, e.sale_id) for e in entries]
    assert kinds.count((CouponEntryKind.REDEEMED, first.sale_id)) == 1
    assert (CouponEntryKind.DOUBLE_REDEEMED, second.sale_id) in kinds
    assert (CouponEntryKind.REDEEMED, second.sale_id) not in kinds
    [flagged] = [f for f in hq.flags("coupon_double_use")]
    assert flagged["detail"]["charged_to"] == "charge_shop"
    assert flagged["detail"]["value_fen"] == 2_000 and "S001" in flagged["detail"]["first"]
    # both tills learn the chain's state; nobody can use it a third time
    a.sync(), b.sync()
    for till in (a, b):
        with till.shop.uow() as uow:
            _, _, state = uow.promotions.find_coupon(code)
            assert state.status is CouponStatus.REDEEMED
            assert state.redeemed is not None
            assert uow.promotions.unconfirmed_redemptions_fen() == 0
        s = till.shop.services.selling.new_session()
        s.add("2*REG100")
        s.attach_card("100002")
        with pytest.raises(CouponNotUsable) as err:
            s.apply_coupon(code)
        assert err.value.reason is CouponRefusal.USED


def test_points_expiry_at_head_office_is_idempotent_and_what_the_till_computes(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    rules = replace(default_rule_set(), version=5, points_expiry="months",
                    points_expiry_months=1)
    hq.put_document("rule_sets", "5", {"effective_from": "2026-01-01T00:00:00",
                                       "rules": json.loads(rules.to_json())})
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    a.sell("100003", qty=3)                     # 王芳 earns 24 more points at the till
    a.sync()
    today = date(2027, 2, 1)                    # every lot is more than a month old
    with hq.sessions() as s:
        from headoffice.promotions import points_moves
        hq_due = expiry_due(points_moves(s, WANG_FANG), expiry_policy_of(rules), today)
    with a.shop.uow() as uow:
        till_due = expiry_due(uow.promotions.points_moves(WANG_FANG), expiry_policy_of(rules),
                              today)
    assert sum(d.points for d in hq_due) == sum(d.points for d in till_due) == 1_224
    first = hq.run_daily_jobs(today)
    assert first["points_expired"] >= 1_224
    assert hq.run_daily_jobs(today)["points_expired"] == 0
    assert hq.account(WANG_FANG)["spendable_points"] == 0
    with hq.sessions() as s:
        keys = list(s.scalars(select(PointsEntryRow.event_id).where(
            PointsEntryRow.member_id == WANG_FANG, PointsEntryRow.kind == "expiry")))
    assert keys and all(k.startswith(f"expiry:{WANG_FANG}:") for k in keys)
    a.sync()
    assert a.account(WANG_FANG)[2] == 0


def test_a_top_up_package_from_head_office_is_booked_the_same_at_both_ends(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    from pos_app.domain.packages import TopUpPackage
    hq.import_members(HQ_MEMBERS)
    hq.publish_coupon_template(TEMPLATE)
    hq.publish_package(TopUpPackage("P500", 1, "充500送50+200分+1张券+洗车10次", 50_000,
                                    5_000, 200, (("GOLD20", 1),), "diamond", "WASH10", 10_000))
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    assert [p.id for p in a.shop.services.packages.packages()] == ["P500"]
    a.shop.open_shift() if a.shop.services.shifts.current() is None else None
    sold = a.shop.services.packages.sell(a.shop.manager, "100002", "P500", TenderKind.CASH)
    a.sync()
    acct = hq.account(LI_NA)
    assert (acct["balance_paid_fen"], acct["balance_bonus_fen"]) == (10_000 + 50_000, 5_000)
    assert acct["spendable_points"] == 990 + 200
    coupon, entries = hq.coupon(sold.coupons[0])
    assert coupon is not None and coupon.source == "package:P500"
    with hq.sessions() as s:
        from headoffice.models import MemberRow
        assert s.get(MemberRow, LI_NA).tier_code == "diamond"
    a.sync()
    assert a.account(LI_NA)[:3] == (60_000, 5_000, 1_190)
    # the pass the package gave is kept at head office too, and closed by the refund
    from headoffice.models import MemberPassRow
    with hq.sessions() as s:
        p = s.get(MemberPassRow, sold.pass_id)
        assert (p.member_id, p.name, p.uses_left, p.price_fen, p.status) == (
            LI_NA, "洗车10次卡", 10, 10_000, "active")
    back = a.shop.services.packages.refund(a.shop.manager, sold.sale_id)
    assert back.pass_uses_revoked == 10 and back.cash_fen == 50_000
    a.sync()
    with hq.sessions() as s:
        assert s.get(MemberPassRow, sold.pass_id).status == "refunded"
        assert s.get(MemberRow, LI_NA).tier_code == "gold"
    acct = hq.account(LI_NA)
    assert (acct["balance_paid_fen"], acct["balance_bonus_fen"], acct["spendable_points"]) == (
        10_000, 0, 990)
    assert not hq.flags("bad_pass") and not hq.flags("unknown_pass")
