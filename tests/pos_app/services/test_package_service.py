"""Top-up packages (储值套餐) through the package service on the in-memory unit of work with the
standard goods and members (tests/pos_app/fake_till.py): one top-up giving bonus money,
points, coupons and a tier, each on its own ledger, and a refund reversing each (issue 16).
Moved from tests/db/services/test_packages.py with the same names and assertions, reading the
fake's outbox instead of the store file."""
from __future__ import annotations

import pytest

from pos_app.domain.coupons import CouponKind, CouponStatus, CouponTemplate
from pos_app.domain.errors import ValidationFailed
from pos_app.domain.packages import PackageNotRefundable, PackagePart, TopUpPackage
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.pos_app.fake_till import CASHIER, MANAGER, Till
from tests.pos_app.fake_till import stocked as stocked_till


@pytest.fixture
def stocked() -> Till:
    return stocked_till()


TEMPLATE = CouponTemplate("T20", 1, "满100减20券", CouponKind.AMOUNT_OFF, amount_fen=2_000,
                          threshold_fen=10_000, valid_days=30)
GOLD_PACK = TopUpPackage("P1000", 1, "充1000送100+500分+2张券升金卡", 100_000, 10_000, 500,
                         (("T20", 2),), "gold")


def last_event(t: Till, kind: str) -> dict:
    """The payload of the last event of this kind in the outbox."""
    return [p for _seq, k, p in t.store.state.outbox if k == kind][-1]


def stock(shop) -> None:
    with shop.store() as uow:
        uow.promotions.put_template(TEMPLATE, shop.clock.now())
        uow.promotions.put_package(GOLD_PACK)
        uow.commit()


def sums(shop, card: str):
    with shop.store() as uow:
        acc = uow.accounts.find_account(uow.cards.find_card(card).member_id)
        assert uow.ledgers.ledger_sums(acc.id) == (acc.spendable_points, acc.accumulated_points,
                                                   acc.balance_paid_fen, acc.balance_bonus_fen)
        return acc


def test_a_package_is_one_top_up_with_every_part_on_its_ledger_and_refunds_each(stocked):
    stock(stocked)
    before = sums(stocked, "100001")            # 张伟, Regular, nothing on the card
    sold = stocked.packages.sell(MANAGER, "100001", "P1000", TenderKind.CASH)
    after = sums(stocked, "100001")
    assert (after.balance_paid_fen, after.balance_bonus_fen) == (100_000, 10_000)
    assert after.spendable_points == before.spendable_points + 500
    assert after.tier_code == "gold" and sold.upgraded_to == "gold"
    assert len(sold.coupons) == 2
    with stocked.store() as uow:
        held = uow.promotions.coupons_of(after.id)
    assert sorted(c.code for c, _, _ in held) == sorted(sold.coupons)
    event = last_event(stocked, "stored_value.topup")
    assert event["package"]["id"] == "P1000" and len(event["coupons_issued"]) == 2
    assert {e["ledger"] for e in event["entries"]} == {"stored_value", "points", "tier"}
    # use one coupon on a sale, then refund the package: that coupon's value stays out of
    # the cash, the other coupon is withdrawn, bonus, points and tier go back
    s = stocked.selling.new_session()
    s.add("2*REG100")
    s.attach_card("100001")
    s.apply_coupon(sold.coupons[0])
    s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], CASHIER)
    back = stocked.packages.refund(MANAGER, sold.sale_id)
    assert back.cash_fen == 100_000 - 2_000 and back.kept_fen == 2_000
    assert back.coupons_revoked == (sold.coupons[1],)
    final = sums(stocked, "100001")
    assert (final.balance_paid_fen, final.balance_bonus_fen) == (0, 0)
    assert final.tier_code == "regular"
    with stocked.store() as uow:
        assert uow.promotions.find_coupon(sold.coupons[1])[2].status is CouponStatus.EXPIRED
    with pytest.raises(PackageNotRefundable) as err:
        stocked.packages.refund(MANAGER, sold.sale_id)
    assert err.value.part is PackagePart.REFUNDED


WASH_PACK = TopUpPackage("P500W", 1, "充500送洗车10次+200分", 50_000, 0, 200, (),
                         None, "WASH10", 10_000)


def pass_of(shop, member_id: str, pass_id: str):
    with shop.store() as uow:
        return uow.passes.get_pass(pass_id)


def test_a_package_gives_a_count_pass_with_the_rest_and_a_refund_closes_its_unused_share(
        stocked):
    with stocked.store() as uow:
        uow.promotions.put_package(WASH_PACK)
        uow.commit()
    sold = stocked.packages.sell(MANAGER, "100001", "P500W",
                                          TenderKind.WECHAT)
    acc = sums(stocked, "100001")
    assert (acc.balance_paid_fen, acc.spendable_points) == (50_000, 200)
    p = pass_of(stocked, acc.id, sold.pass_id)
    assert (p.name, p.uses_total, p.uses_left, p.price_fen) == ("洗车10次卡", 10, 10, 10_000)
    assert p.expires_on == stocked.clock.now().date() + __import__("datetime").timedelta(
        days=365)
    assert [(x["op"], x["pass_id"], x["uses"], x["price_fen"])
            for x in last_event(stocked, "stored_value.topup")["passes"]] == [
        ("sold", sold.pass_id, 10, 10_000)]
    for _ in range(2):                                  # two car washes on the pass
        s = stocked.selling.new_session()
        s.attach_card("100001")
        s.use_pass(sold.pass_id)
        s.complete([], CASHIER)
    assert pass_of(stocked, acc.id, sold.pass_id).uses_left == 8
    assert sold.slip.package_pass == ("洗车10次卡", 10) and sold.slip.package_points == 200
    # the refund dialog's preview books nothing
    preview = stocked.packages.refund(MANAGER, sold.sale_id, dry_run=True)
    assert preview.cash_fen == 48_000
    assert pass_of(stocked, acc.id, sold.pass_id).uses_left == 8
    assert sums(stocked, "100001").balance_paid_fen == 50_000
    back = stocked.packages.refund(MANAGER, sold.sale_id)
    # the two visits used are worth 2/10 of the pass's ¥100: kept out of the cash
    assert (back.cash_fen, back.pass_used_fen, back.pass_uses_revoked) == (48_000, 2_000, 8)
    p = pass_of(stocked, acc.id, sold.pass_id)
    assert p.refunded and p.uses_left == 0
    final = sums(stocked, "100001")
    assert (final.balance_paid_fen, final.spendable_points) == (0, 0)


def test_a_package_refund_is_refused_naming_the_part_already_spent_and_changes_nothing(
        stocked):
    with stocked.store() as uow:
        uow.promotions.put_package(WASH_PACK)
        uow.commit()
    sold = stocked.packages.sell(MANAGER, "100001", "P500W", TenderKind.CASH)
    s = stocked.selling.new_session()
    s.add("REG100")
    s.attach_card("100001")
    s.complete([TenderInput(TenderKind.POINTS, 150),
                TenderInput(TenderKind.CASH, s.view().total_fen - 150)], CASHIER)
    before = sums(stocked, "100001")
    with pytest.raises(PackageNotRefundable) as err:
        stocked.packages.refund(MANAGER, sold.sale_id)
    assert (err.value.part, err.value.given) == (PackagePart.POINTS, 200)
    assert err.value.left < 200
    after = sums(stocked, "100001")
    assert (after.balance_paid_fen, after.spendable_points) == (before.balance_paid_fen,
                                                                before.spendable_points)
    assert not pass_of(stocked, after.id, sold.pass_id).refunded


def test_a_package_whose_coupons_are_not_here_yet_sells_nothing(stocked):
    with stocked.store() as uow:
        uow.promotions.put_package(GOLD_PACK)      # its template has not been pulled
        uow.commit()
    with pytest.raises(ValidationFailed):
        stocked.packages.sell(MANAGER, "100001", "P1000", TenderKind.CASH)
    acc = sums(stocked, "100001")
    assert (acc.balance_paid_fen, acc.spendable_points, acc.tier_code) == (0, 0, "regular")


def test_a_new_member_gets_the_rule_sets_welcome_coupon_in_the_registration(stocked):
    from pos_app.services.cards import CardBinding, MemberForm
    welcome = CouponTemplate("WELCOME", 1, "新会员10元券", CouponKind.AMOUNT_OFF,
                             amount_fen=1_000, threshold_fen=5_000, valid_days=30)
    with stocked.store() as uow:
        uow.promotions.put_template(welcome, stocked.clock.now())
        uow.commit()
    stocked.set_rules(stocked.selling.rules().with_changes(
        version=2, registration_coupon_template="WELCOME"))
    slip = stocked.cards.register(MANAGER, MemberForm("周敏", "13912345678"),
                                           CardBinding("500001"))
    with stocked.store() as uow:
        member_id = uow.cards.find_card("500001").member_id
        held = uow.promotions.coupons_of(member_id)
    assert [(c.template_id, c.source, s.status) for c, _, s in held] == [
        ("WELCOME", "registration", CouponStatus.AVAILABLE)]
    assert last_event(stocked, "member.registered")["coupons_issued"][0]["code"] == \
        held[0][0].code
    assert slip is not None
