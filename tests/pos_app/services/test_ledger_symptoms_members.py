"""Issue 11 symptoms of joining, tiers, benefits, cards, held baskets and stored-value spends,
on the in-memory unit of work (no SQLAlchemy, argon2 or Qt): the real selling, return, member
and card services and the domain ledger over the fake store (held to the SQLite repositories
by tests/db/test_repository_contract.py), stocked with the standard goods and members
(tests/pos_app/fake_till.py). Moved from tests/db/services/test_ledger_symptoms.py unchanged
in what they assert."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import PinRequired, SpendDeclined, ValidationFailed
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.headoffice import SpendAuthorisation, SpendOutcome
from pos_app.services.cards import CardBinding, IdentityCheck, MemberForm
from tests.pos_app.fake_till import CASHIER, MANAGER, Till, stocked

CASH, SV = TenderKind.CASH, TenderKind.STORED_VALUE

# tests/pos_app/services/test_promotion_service.py MEMBER_DAY: Saturdays, x2 points, cap 100.
MEMBER_DAY = Promotion("MD-SAT", 3, PromotionKind.MEMBER_DAY, "周六会员日",
                       schedule=Schedule(weekdays=frozenset({6})),
                       tier_rates=(("gold", 9_500), ("diamond", 9_500)),
                       points_multiplier_bp=20_000, points_cap=100)


class Recording:
    """A head office that declines (or approves) every spend and remembers the asks."""

    def __init__(self, outcome: SpendOutcome) -> None:
        self.outcome = outcome
        self.asked: list[tuple[str, int]] = []

    def authorise(self, member_id, card_no, stored_value_fen, points):
        self.asked.append((card_no, stored_value_fen))
        return SpendAuthorisation(self.outcome, "balance" if self.outcome is
                                  SpendOutcome.DECLINED else "", auth_id="A1")


# -- stored value -----------------------------------------------------------------------------
def test_rule_every_stored_value_spend_goes_through_one_authorisation_path():
    t = stocked(default_rule_set(2).with_changes(replacement_fee_fen=30_000, annual_fee_fen=500))
    hq = Recording(SpendOutcome.DECLINED)
    t.selling.authoriser = hq
    with t.store() as uow:
        member = uow.accounts.find_by_mobile("13800003333")   # Diamond, ¥1,000 balance
        uow.accounts.set_pin(member.id, t.hasher.hash("246810"), t.clock.now())
        # A yearly card (延期 of a perpetual one is refused): it expires, so it can be renewed.
        uow.cards.set_card_expiry("100003", date(2027, 6, 30))
        uow.commit()
    ident = IdentityCheck("13800003333", manager_confirmed=True)
    with pytest.raises(PinRequired):       # ¥300 from the balance needs the PIN, as a sale does
        t.cards.replace(MANAGER, "100003", CardBinding("700003"), ident, fee_tender=SV)
    with pytest.raises(SpendDeclined):     # and head office's answer
        t.cards.replace(MANAGER, "100003", CardBinding("700003"), ident, fee_tender=SV,
                        member_pin="246810")
    assert hq.asked == [("100003", 30_000)]
    assert t.account("13800003333").balance_fen == 100_000
    hq.outcome = SpendOutcome.APPROVED
    slip = t.cards.renew(MANAGER, "100003", 365, fee_tender=SV)
    assert slip.fee_sale.tenders[0].reference == "A1"
    assert hq.asked[-1] == ("100003", 500)


def test_rule_a_withdrawal_goes_through_the_same_authorisation_path_as_a_sale():
    t = stocked()
    hq = Recording(SpendOutcome.DECLINED)
    t.selling.authoriser = hq
    with t.store() as uow:
        member = uow.accounts.find_by_mobile("13800003333")   # Diamond, ¥1,000 paid-in
        uow.accounts.set_pin(member.id, t.hasher.hash("246810"), t.clock.now())
        uow.commit()
    with pytest.raises(PinRequired):       # ¥500 out of the balance needs the PIN
        t.members.refund_balance(MANAGER, "100003", 50_000)
    with pytest.raises(SpendDeclined):     # and head office's answer
        t.members.refund_balance(MANAGER, "100003", 50_000, member_pin="246810")
    assert hq.asked == [("100003", 50_000)]
    assert t.account("13800003333").balance_fen == 100_000
    hq.outcome = SpendOutcome.APPROVED
    done = t.members.refund_balance(MANAGER, "100003", 10_000)   # below the PIN amount
    assert hq.asked[-1] == ("100003", 10_000) and done.reference == "A1"
    assert t.outbox("stored_value.refund_balance")[-1]["reference"] == "A1"
    assert t.account("13800003333").balance_fen == 90_000


# -- join by purchase and tiers ---------------------------------------------------------------
def test_rule_join_by_purchase_counts_only_goods_that_earn_points():
    t = stocked()
    sale = t.sell(["30*CARD100"])                        # ¥3,000 of shopping cards
    with pytest.raises(ValidationFailed):
        t.cards.register(MANAGER, MemberForm("钱七", "13700007777"), CardBinding("600007"),
                         join_receipt_no=sale.receipt_no)


def test_rule_join_by_purchase_takes_only_the_persons_own_receipt():
    t = stocked()
    sale = t.sell(["4*REG100"], "100001")                # 张伟's receipt, ¥400
    with pytest.raises(ValidationFailed):
        t.cards.register(MANAGER, MemberForm("钱七", "13700007777"), CardBinding("600007"),
                         join_receipt_no=sale.receipt_no)


def test_rule_returned_joining_receipt_lowers_the_tier():
    t = stocked()
    sale = t.sell(["4*REG100"])
    t.cards.register(MANAGER, MemberForm("钱七", "13700007777"), CardBinding("600007"),
                     join_receipt_no=sale.receipt_no)
    assert t.account("13700007777").tier_code == "gold"
    t.ret(sale.receipt_no)
    assert t.account("13700007777").tier_code == "regular"


def test_rule_a_returned_sale_that_crossed_8000_points_takes_diamond_back():
    t = stocked()
    t.member("100009", "13900009999", "regular", 0, 7_990)
    sale = t.sell(["2*REG100"], "100009")
    assert sale.member.upgraded_to == "diamond"
    t.ret(sale.receipt_no)
    acc = t.account("13900009999")
    assert (acc.tier_code, acc.spendable_points, acc.accumulated_points) == ("regular", 0, 7990)


def test_rule_default_has_no_gold_points_threshold():
    t = stocked()
    t.member("100010", "13900001010", "regular", 0, 1_990)
    sale = t.sell(["2*REG100"], "100010")
    assert sale.member.upgraded_to is None and sale.member.accumulated_after == 2_010


def test_rule_the_join_badge_applies_the_tier_when_the_sale_completes():
    t = stocked()
    s = t.selling.new_session()
    s.attach_card("100001")                     # 张伟, Regular
    s.add("30*CARD100")                          # shopping cards earn nothing: no badge
    assert s.view().badges.join_tier is None
    s.add("4*REG100")                            # ¥400 of goods that earn points
    assert s.view().badges.join_tier == "gold"
    total = s.view().total_fen
    sale = s.complete([TenderInput(CASH, total)], CASHIER)
    assert (sale.member.upgraded_to, sale.member.tier_before) == ("gold", "regular")
    assert t.account("13800001111").tier_code == "gold"
    [payload] = t.outbox("sale.completed")[-1:]
    assert [(e["tier"], e["note"]) for e in payload["entries"] if e["ledger"] == "tier"] == [
        ("gold", "regular:join_receipt")]
    # The receipt was used to join: it cannot be used again, by this member or anyone.
    with pytest.raises(ValidationFailed):
        t.cards.upgrade_by_receipt(MANAGER, "100001", sale.receipt_no)
    with pytest.raises(ValidationFailed):
        t.cards.register(MANAGER, MemberForm("钱七", "13700007777"), CardBinding("600007"),
                         join_receipt_no=sale.receipt_no)
    # Returning goods but keeping ¥300 of them keeps Gold; going below it takes Gold back.
    t.ret(sale.receipt_no, {1: 30})
    t.ret(sale.receipt_no, {2: 1})
    assert t.account("13800001111").tier_code == "gold"
    t.ret(sale.receipt_no, {2: 1})
    assert t.account("13800001111").tier_code == "regular"


def test_rule_a_sale_below_the_join_amount_or_of_excluded_goods_keeps_the_tier():
    t = stocked()
    sale = t.sell(["2*REG100", "30*CARD100"], "100001")
    assert sale.member.upgraded_to is None
    assert t.account("13800001111").tier_code == "regular"


def test_rule_multiplier_points_count_toward_an_upgrade_in_the_same_sale():
    t = stocked()
    with t.store() as uow:
        uow.promotions.put(MEMBER_DAY, t.clock.now())
        uow.commit()
    probe = t.selling.new_session()
    probe.attach_card("100002")                  # 李娜, Gold: what 3×REG100 earns her
    probe.add("3*REG100")
    base, extra = probe.view().points.total, probe.view().extra_points
    assert extra > 0
    t.member("100021", "13900002121", "gold", 0, 8_000 - base - extra)
    s = t.selling.new_session()
    s.attach_card("100021")
    s.add("3*REG100")
    sale = s.complete([TenderInput(CASH, s.view().total_fen)], CASHIER)
    # Without the multiplier's points the member would stay Gold.
    assert sale.member.promo_points == extra and sale.member.accumulated_after == 8_000
    assert sale.member.upgraded_to == "diamond"
    payload = t.outbox("sale.completed")[-1]
    kinds = [e["kind"] for e in payload["entries"]]
    assert kinds.index("promo_points") < kinds.index("tier_change")
    # A whole return takes the multiplier's points and the tier back.
    t.ret(sale.receipt_no)
    acc = t.account("13900002121")
    assert (acc.tier_code, acc.accumulated_points) == ("gold", 8_000 - base - extra)


# -- tier validity ----------------------------------------------------------------------------
def test_rule_tier_validity_rolling_window_daily_and_at_sale():
    t = stocked()
    t.set_rules(default_rule_set(2).with_changes(tier_validity_months=12))
    t.member("100011", "13900001111", "regular", 0, 7_990)
    sale = t.sell(["2*REG100"], "100011")                   # crosses 8,000: Diamond
    assert sale.member.upgraded_to == "diamond"
    # Daily review inside the window: 16 points earned in it do not keep Diamond (8,000),
    # and the imported Gold of 李娜 (no points in the window) lapses too.
    done = dict((m, to) for m, _from, to in t.members.review_tiers())
    assert t.account("13900001111").tier_code == "regular"
    assert t.account("13800002222").tier_code == "regular"
    assert set(done.values()) == {"regular"}
    # Without a window nothing is reviewed.
    t.set_rules(default_rule_set(3))
    assert t.members.review_tiers() == []


def test_rule_tier_validity_keeps_a_tier_earned_by_a_receipt_inside_the_window():
    t = stocked()
    t.set_rules(default_rule_set(2).with_changes(tier_validity_months=12))
    sale = t.sell(["4*REG100"])
    t.cards.register(MANAGER, MemberForm("钱七", "13700007777"), CardBinding("600007"),
                     join_receipt_no=sale.receipt_no)
    t.members.review_tiers()
    assert t.account("13700007777").tier_code == "gold"
    t.clock.at = t.clock.at.replace(year=t.clock.at.year + 1, day=29)
    t.members.review_tiers()
    assert t.account("13700007777").tier_code == "regular"


def test_rule_tier_validity_the_member_is_told_ahead_on_the_receipt_and_the_panel():
    from pos_app.domain.shop import ShopInfo
    from receipts.escpos import PROFILE_80MM_48
    from receipts.preview import preview_text
    from receipts.sale_receipt import render_sale_receipt
    t = stocked()
    t.set_rules(default_rule_set(2).with_changes(tier_validity_months=12, tier_notice_days=30))
    t.clock.at = datetime(2025, 12, 10, 10, 0)
    joined = t.sell(["31*REG100"], "100001")             # ¥3,100 receipt: Diamond, 320 points
    assert joined.member.upgraded_to == "diamond"
    assert joined.member.tier_lapse_on is None           # a year ahead: nothing to say yet
    t.clock.at = datetime(2026, 11, 28, 10, 0)           # the window keeps Diamond until 12-10
    s = t.selling.new_session()
    s.attach_card("100001")
    s.add("WATER")
    lapse = s.view().tier_lapse
    # On 12-11 the joining receipt and its 320 points leave the window: 8,000 points earned
    # in the window keep Diamond.
    assert (lapse.tier, lapse.lapse_on, lapse.keep_points) == ("diamond", date(2026, 12, 11),
                                                                8_000)
    sale = s.complete([TenderInput(CASH, s.view().total_fen)], CASHIER)
    assert (sale.member.tier_lapse_on, sale.member.tier_keep_points) == ("2026-12-11", 8_000)
    text = "\n".join(preview_text(render_sale_receipt(ShopInfo("S001", "示范百货"), sale,
                                                      PROFILE_80MM_48), 48))
    assert "钻石卡将于2026-12-11到期，再累计8000积分可保级" in text
    # Evaluated daily: the day before it still holds, on the day it lapses.
    t.clock.at = datetime(2026, 12, 10, 9, 0)
    t.members.review_tiers()
    assert t.account("13800001111").tier_code == "diamond"
    t.clock.at = datetime(2026, 12, 11, 9, 0)
    t.members.review_tiers()
    assert t.account("13800001111").tier_code == "regular"


# -- cards and benefits -----------------------------------------------------------------------
def test_rule_birthday_once_per_occurrence():
    t = stocked()
    t.clock.at = datetime(2024, 1, 6, 10, 0)            # lunar 11-25
    t.cards.register(MANAGER, MemberForm("寿星", "13300001111", birthday="1990-11-25",
                                         birthday_calendar="lunar"), CardBinding("500077"))
    t.cards.give_benefit(CASHIER, "500077", "birthday")
    t.clock.at = datetime(2024, 12, 25, 10, 0)          # lunar 11-25 again, same solar year
    assert t.selling.new_session().attach_card("500077").badges.birthday
    t.cards.give_benefit(CASHIER, "500077", "birthday")


def test_rule_replacement_card_gets_a_new_cards_validity():
    t = stocked()
    t.set_rules(default_rule_set(2).with_changes(card_validity_days=365))
    slip = t.cards.replace(MANAGER, "100005", CardBinding("700005"),     # expired 2025-12-31
                           IdentityCheck("13800005555", manager_confirmed=True))
    assert slip.expires_on == "2027-11-28"
    assert t.selling.new_session().attach_card("700005").member


# -- held baskets -----------------------------------------------------------------------------
def test_rule_held_basket_keeps_pass_visits_gifts_and_the_member():
    t = stocked()
    t.sell(["WASH10"], "100003")
    s = t.selling.new_session()
    s.attach_card("100003")
    passes = s.view().passes
    s.use_pass(passes[0].id)
    s.redeem_gift("GIFT180")
    s.add("WATER")
    held = s.hold()
    view = s.recall(held)
    assert view.member is not None
    assert [line.reasons[0].kind.value if line.reasons else "" for line in view.lines] == [
        "pass", "gift", "tier"]
    assert view.total_fen == 160     # water only, Diamond 8折
    sale = s.complete([TenderInput(CASH, 160)], CASHIER)
    assert sale.total_fen == 160
    with t.store() as uow:
        assert uow.passes.get_pass(passes[0].id).uses_left == 9


# -- a return to a cancelled member -------------------------------------------------------------
def _cancelled_return(t: Till, card: str, mobile: str, cancel_first: bool):
    """Top up ¥1,000 (+¥100 bonus), buy ¥200 of goods paying ¥20 in points and ¥180 from the
    balance, then return it before or after cancelling: what the customer gets in cash."""
    t.members.top_up(MANAGER, card, 100_000, CASH)
    s = t.selling.new_session()
    s.attach_card(card)
    s.add("2*SPECIAL100")
    total = s.view().total_fen
    sale = s.complete([TenderInput(TenderKind.POINTS, 2_000), TenderInput(SV, total - 2_000)],
                      CASHIER)
    ident = IdentityCheck(mobile, manager_confirmed=True)
    if cancel_first:
        slip = t.cards.cancel(MANAGER, card, ident, True)
        r = t.ret(sale.receipt_no)
    else:
        r = t.ret(sale.receipt_no)
        slip = t.cards.cancel(MANAGER, card, ident, True)
    return sale, r, slip.refund_fen + sum(x.amount_fen for x in r.tenders
                                          if x.kind is CASH) * cancel_first


def test_rule_a_return_to_a_cancelled_member_pays_out_what_cancelling_would_have():
    """The customer is paid out in cash, never into the dead account; the points and bonus
    share are what the cancellation forfeits either way, said on the receipt."""
    from pos_app.domain.shop import ShopInfo
    from receipts.escpos import PROFILE_80MM_48
    from receipts.preview import preview_text
    from receipts.sale_receipt import render_sale_receipt
    t = stocked()
    t.store.add_products([Product("p-special100", "SPECIAL100", "特价商品", 10_000,
                                  kind=ProductKind.SPECIAL, category="杂货")])
    t.member("100031", "13900003131", "regular", 5_000, 5_000)
    t.member("100032", "13900003232", "regular", 5_000, 5_000)
    sale, r, cash_after = _cancelled_return(t, "100031", "13900003131", True)
    _s, _r, cash_before = _cancelled_return(t, "100032", "13900003232", False)
    sv = next(x for x in sale.tenders if x.kind is SV)
    assert [(x.kind, x.amount_fen) for x in r.tenders] == [(CASH, sv.sv_paid_fen)]
    assert r.forfeited_fen == 2_000 + sv.sv_bonus_fen > 2_000
    assert cash_after == cash_before            # the order does not matter
    dead = t.account("13900003131")
    assert (dead.balance_fen, dead.spendable_points) == (0, 0)
    text = "\n".join(preview_text(render_sale_receipt(ShopInfo("S001", "示范百货"), r,
                                                      PROFILE_80MM_48), 48))
    assert "会员已注销：积分及赠送金部分" in text and f"{r.forfeited_fen / 100:.2f}" in text
