"""Issue 11: each symptom, tried through the services as a new user would, now fixed, on the
SQLite store. The return symptoms (points on the kept goods, gift points back, a cancelled
member paid out, the refund never above what was paid) and the sale event's entries run on
the in-memory unit of work: tests/pos_app/services/test_ledger_symptoms_selling.py."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from pos_app.domain.errors import PinRequired, SpendDeclined, UnknownEventKind, ValidationFailed
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.headoffice import SpendAuthorisation, SpendOutcome
from pos_app.services.cards import CardBinding, IdentityCheck, MemberForm

CASH, SV = TenderKind.CASH, TenderKind.STORED_VALUE


def sell(shop, entries, card=None, tenders=None, gifts=(), pin=None):
    cashier = shop.services.shifts.current() and shop.cashier or shop.open_shift()
    s = shop.services.selling.new_session()
    if card:
        s.attach_card(card)
    for e in entries:
        s.add(e)
    for g in gifts:
        s.redeem_gift(g)
    total = s.view().total_fen
    return s.complete(tenders or ([TenderInput(CASH, total)] if total else []), cashier,
                      member_pin=pin)


def account(shop, mobile):
    with shop.uow() as uow:
        return uow.accounts.find_by_mobile(mobile)


def ret(shop, receipt, lines=None):
    return shop.services.returns.return_items(receipt, lines, shop.cashier, shop.manager)


def outbox(shop, kind):
    with shop.uow() as uow:
        from sqlalchemy import text
        return [json.loads(p) for p in uow.session.execute(text(
            "SELECT payload FROM outbox WHERE kind = :k ORDER BY device_seq"), {"k": kind}
        ).scalars()]


# -- stored value -----------------------------------------------------------------------------
def test_rule_withdrawal_forfeits_bonus_in_proportion(stocked):
    stocked.open_shift()
    members = stocked.services.members
    for _ in range(2):
        members.top_up(stocked.manager, "100001", 100_000, CASH)   # + ¥100 bonus
        members.refund_balance(stocked.manager, "100001", 100_000)
    acc = account(stocked, "13800001111")
    assert (acc.balance_paid_fen, acc.balance_bonus_fen) == (0, 0)
    # What head office is told is exactly what the till booked.
    last = outbox(stocked, "stored_value.refund_balance")[-1]
    assert [(e["kind"], e["paid_fen"], e["bonus_fen"]) for e in last["entries"]] == [
        ("refund_balance", -100_000, 0), ("wd_forfeit", 0, -10_000)]


class Recording:
    """A head office that declines (or approves) every spend and remembers the asks."""

    def __init__(self, outcome: SpendOutcome) -> None:
        self.outcome = outcome
        self.asked: list[tuple[str, int]] = []

    def authorise(self, member_id, card_no, stored_value_fen, points):
        self.asked.append((card_no, stored_value_fen))
        return SpendAuthorisation(self.outcome, "balance" if self.outcome is
                                  SpendOutcome.DECLINED else "", auth_id="A1")


def test_rule_every_stored_value_spend_goes_through_one_authorisation_path(stocked):
    from pos_app.domain.rules import default_rule_set
    stocked.set_rules(default_rule_set(2).with_changes(replacement_fee_fen=30_000,
                                                       annual_fee_fen=500))
    stocked.open_shift()
    hq = Recording(SpendOutcome.DECLINED)
    stocked.services.selling.authoriser = hq
    with stocked.uow() as uow:
        member = uow.accounts.find_by_mobile("13800003333")   # Diamond, ¥1,000 balance
        uow.accounts.set_pin(member.id, stocked.hasher.hash("246810"), stocked.clock.now())
        # A yearly card (延期 of a perpetual one is refused): it expires, so it can be renewed.
        uow.cards.set_card_expiry("100003", date(2027, 6, 30))
        uow.commit()
    ident = IdentityCheck("13800003333", manager_confirmed=True)
    cards = stocked.services.cards
    with pytest.raises(PinRequired):       # ¥300 from the balance needs the PIN, as a sale does
        cards.replace(stocked.manager, "100003", CardBinding("700003"), ident,
                      fee_tender=SV)
    with pytest.raises(SpendDeclined):     # and head office's answer
        cards.replace(stocked.manager, "100003", CardBinding("700003"), ident,
                      fee_tender=SV, member_pin="246810")
    assert hq.asked == [("100003", 30_000)]
    assert account(stocked, "13800003333").balance_fen == 100_000
    hq.outcome = SpendOutcome.APPROVED
    slip = cards.renew(stocked.manager, "100003", 365, fee_tender=SV)
    assert slip.fee_sale.tenders[0].reference == "A1"
    assert hq.asked[-1] == ("100003", 500)


def test_rule_a_withdrawal_goes_through_the_same_authorisation_path_as_a_sale(stocked):
    stocked.open_shift()
    hq = Recording(SpendOutcome.DECLINED)
    stocked.services.selling.authoriser = hq
    members = stocked.services.members
    with stocked.uow() as uow:
        member = uow.accounts.find_by_mobile("13800003333")   # Diamond, ¥1,000 paid-in
        uow.accounts.set_pin(member.id, stocked.hasher.hash("246810"), stocked.clock.now())
        uow.commit()
    with pytest.raises(PinRequired):       # ¥500 out of the balance needs the PIN
        members.refund_balance(stocked.manager, "100003", 50_000)
    with pytest.raises(SpendDeclined):     # and head office's answer
        members.refund_balance(stocked.manager, "100003", 50_000, member_pin="246810")
    assert hq.asked == [("100003", 50_000)]
    assert account(stocked, "13800003333").balance_fen == 100_000
    hq.outcome = SpendOutcome.APPROVED
    done = members.refund_balance(stocked.manager, "100003", 10_000)   # below the PIN amount
    assert hq.asked[-1] == ("100003", 10_000) and done.reference == "A1"
    assert outbox(stocked, "stored_value.refund_balance")[-1]["reference"] == "A1"
    assert account(stocked, "13800003333").balance_fen == 90_000


# -- join by purchase and tiers ---------------------------------------------------------------
def test_rule_join_by_purchase_counts_only_goods_that_earn_points(stocked):
    sale = sell(stocked, ["30*CARD100"])                 # ¥3,000 of shopping cards
    with pytest.raises(ValidationFailed):
        stocked.services.cards.register(stocked.manager, MemberForm("钱七", "13700007777"),
                                        CardBinding("600007"), join_receipt_no=sale.receipt_no)


def test_rule_join_by_purchase_takes_only_the_persons_own_receipt(stocked):
    sale = sell(stocked, ["4*REG100"], "100001")         # 张伟's receipt, ¥400
    with pytest.raises(ValidationFailed):
        stocked.services.cards.register(stocked.manager, MemberForm("钱七", "13700007777"),
                                        CardBinding("600007"), join_receipt_no=sale.receipt_no)


def test_rule_returned_joining_receipt_lowers_the_tier(stocked):
    sale = sell(stocked, ["4*REG100"])
    stocked.services.cards.register(stocked.manager, MemberForm("钱七", "13700007777"),
                                    CardBinding("600007"), join_receipt_no=sale.receipt_no)
    assert account(stocked, "13700007777").tier_code == "gold"
    ret(stocked, sale.receipt_no)
    assert account(stocked, "13700007777").tier_code == "regular"


def test_rule_a_returned_sale_that_crossed_8000_points_takes_diamond_back(stocked):
    stocked.members([{"card_no": "100009", "name": "周杰", "mobile": "13900009999",
                      "tier": "regular", "points": "0", "accumulated_points": "7990"}])
    sale = sell(stocked, ["2*REG100"], "100009")
    assert sale.member.upgraded_to == "diamond"
    ret(stocked, sale.receipt_no)
    acc = account(stocked, "13900009999")
    assert (acc.tier_code, acc.spendable_points, acc.accumulated_points) == ("regular", 0, 7990)


def test_rule_default_has_no_gold_points_threshold(stocked):
    stocked.members([{"card_no": "100010", "name": "吴刚", "mobile": "13900001010",
                      "tier": "regular", "accumulated_points": "1990"}])
    sale = sell(stocked, ["2*REG100"], "100010")
    assert sale.member.upgraded_to is None and sale.member.accumulated_after == 2_010


# -- cards and benefits -----------------------------------------------------------------------
def test_rule_birthday_once_per_occurrence(stocked):
    stocked.clock.at = datetime(2024, 1, 6, 10, 0)      # lunar 11-25
    cards = stocked.services.cards
    cards.register(stocked.manager, MemberForm("寿星", "13300001111", birthday="1990-11-25",
                                               birthday_calendar="lunar"),
                   CardBinding("500077"))
    cards.give_benefit(stocked.cashier, "500077", "birthday")
    stocked.clock.at = datetime(2024, 12, 25, 10, 0)    # lunar 11-25 again, same solar year
    assert stocked.services.selling.new_session().attach_card("500077").badges.birthday
    cards.give_benefit(stocked.cashier, "500077", "birthday")


def test_rule_replacement_card_gets_a_new_cards_validity(stocked):
    from pos_app.domain.rules import default_rule_set
    stocked.set_rules(default_rule_set(2).with_changes(card_validity_days=365))
    slip = stocked.services.cards.replace(
        stocked.manager, "100005", CardBinding("700005"),
        IdentityCheck("13800005555", manager_confirmed=True))    # expired 2025-12-31
    assert slip.expires_on == "2027-11-28"
    assert stocked.services.selling.new_session().attach_card("700005").member


def test_rule_held_basket_keeps_pass_visits_gifts_and_the_member(stocked):
    cashier = stocked.open_shift()
    sell(stocked, ["WASH10"], "100003")
    s = stocked.services.selling.new_session()
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
    sale = s.complete([TenderInput(CASH, 160)], cashier)
    assert sale.total_fen == 160
    with stocked.uow() as uow:
        assert uow.passes.get_pass(passes[0].id).uses_left == 9


# -- events -----------------------------------------------------------------------------------
def test_unknown_event_kinds_are_refused_at_the_outbox(stocked):
    with stocked.uow() as uow:
        with pytest.raises(UnknownEventKind):
            uow.outbox.append("sale.exploded", {}, stocked.clock.now())


def test_rule_tier_validity_rolling_window_daily_and_at_sale(stocked):
    from pos_app.domain.rules import default_rule_set
    stocked.set_rules(default_rule_set(2).with_changes(tier_validity_months=12))
    stocked.members([{"card_no": "100011", "name": "冯刚", "mobile": "13900001111",
                      "tier": "regular", "accumulated_points": "7990"}])
    sale = sell(stocked, ["2*REG100"], "100011")           # crosses 8,000: Diamond
    assert sale.member.upgraded_to == "diamond"
    # Daily review inside the window: 16 points earned in it do not keep Diamond (8,000),
    # and the imported Gold of 李娜 (no points in the window) lapses too.
    done = dict((m, to) for m, _from, to in stocked.services.members.review_tiers())
    assert account(stocked, "13900001111").tier_code == "regular"
    assert account(stocked, "13800002222").tier_code == "regular"
    assert set(done.values()) == {"regular"}
    # Without a window nothing is reviewed.
    stocked.set_rules(default_rule_set(3))
    assert stocked.services.members.review_tiers() == []


def test_rule_tier_validity_keeps_a_tier_earned_by_a_receipt_inside_the_window(stocked):
    from pos_app.domain.rules import default_rule_set
    stocked.set_rules(default_rule_set(2).with_changes(tier_validity_months=12))
    sale = sell(stocked, ["4*REG100"])
    stocked.services.cards.register(stocked.manager, MemberForm("钱七", "13700007777"),
                                    CardBinding("600007"), join_receipt_no=sale.receipt_no)
    stocked.services.members.review_tiers()
    assert account(stocked, "13700007777").tier_code == "gold"
    stocked.clock.at = stocked.clock.at.replace(year=stocked.clock.at.year + 1, day=29)
    stocked.services.members.review_tiers()
    assert account(stocked, "13700007777").tier_code == "regular"


# -- join by purchase at the till, multiplier points toward an upgrade ------------------------
def test_rule_the_join_badge_applies_the_tier_when_the_sale_completes(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.attach_card("100001")                     # 张伟, Regular
    s.add("30*CARD100")                          # shopping cards earn nothing: no badge
    assert s.view().badges.join_tier is None
    s.add("4*REG100")                            # ¥400 of goods that earn points
    assert s.view().badges.join_tier == "gold"
    total = s.view().total_fen
    sale = s.complete([TenderInput(CASH, total)], cashier)
    assert (sale.member.upgraded_to, sale.member.tier_before) == ("gold", "regular")
    assert account(stocked, "13800001111").tier_code == "gold"
    [payload] = outbox(stocked, "sale.completed")[-1:]
    assert [(e["tier"], e["note"]) for e in payload["entries"] if e["ledger"] == "tier"] == [
        ("gold", "regular:join_receipt")]
    # The receipt was used to join: it cannot be used again, by this member or anyone.
    with pytest.raises(ValidationFailed):
        stocked.services.cards.upgrade_by_receipt(stocked.manager, "100001", sale.receipt_no)
    with pytest.raises(ValidationFailed):
        stocked.services.cards.register(stocked.manager, MemberForm("钱七", "13700007777"),
                                        CardBinding("600007"), join_receipt_no=sale.receipt_no)
    # Returning goods but keeping ¥300 of them keeps Gold; going below it takes Gold back.
    ret(stocked, sale.receipt_no, {1: 30})
    ret(stocked, sale.receipt_no, {2: 1})
    assert account(stocked, "13800001111").tier_code == "gold"
    ret(stocked, sale.receipt_no, {2: 1})
    assert account(stocked, "13800001111").tier_code == "regular"


def test_rule_a_sale_below_the_join_amount_or_of_excluded_goods_keeps_the_tier(stocked):
    sale = sell(stocked, ["2*REG100", "30*CARD100"], "100001")
    assert sale.member.upgraded_to is None
    assert account(stocked, "13800001111").tier_code == "regular"


def test_rule_multiplier_points_count_toward_an_upgrade_in_the_same_sale(stocked):
    from tests.db.services.test_promotions_at_till import MEMBER_DAY, put
    put(stocked, MEMBER_DAY)
    cashier = stocked.open_shift()
    probe = stocked.services.selling.new_session()
    probe.attach_card("100002")                  # 李娜, Gold: what 3×REG100 earns her
    probe.add("3*REG100")
    base, extra = probe.view().points.total, probe.view().extra_points
    assert extra > 0
    stocked.members([{"card_no": "100021", "name": "陈晨", "mobile": "13900002121",
                      "tier": "gold", "points": "0",
                      "accumulated_points": str(8_000 - base - extra)}])
    s = stocked.services.selling.new_session()
    s.attach_card("100021")
    s.add("3*REG100")
    sale = s.complete([TenderInput(CASH, s.view().total_fen)], cashier)
    # Without the multiplier's points the member would stay Gold.
    assert sale.member.promo_points == extra and sale.member.accumulated_after == 8_000
    assert sale.member.upgraded_to == "diamond"
    payload = outbox(stocked, "sale.completed")[-1]
    kinds = [e["kind"] for e in payload["entries"]]
    assert kinds.index("promo_points") < kinds.index("tier_change")
    # A whole return takes the multiplier's points and the tier back.
    ret(stocked, sale.receipt_no)
    acc = account(stocked, "13900002121")
    assert (acc.tier_code, acc.accumulated_points) == ("gold", 8_000 - base - extra)


# -- tier validity told ahead ------------------------------------------------------------------
def test_rule_tier_validity_the_member_is_told_ahead_on_the_receipt_and_the_panel(stocked):
    from pos_app.domain.rules import default_rule_set
    from pos_app.domain.shop import ShopInfo
    from receipts.escpos import PROFILE_80MM_48
    from receipts.preview import preview_text
    from receipts.sale_receipt import render_sale_receipt
    stocked.set_rules(default_rule_set(2).with_changes(tier_validity_months=12,
                                                      tier_notice_days=30))
    stocked.clock.at = datetime(2025, 12, 10, 10, 0)
    joined = sell(stocked, ["31*REG100"], "100001")      # ¥3,100 receipt: Diamond, 320 points
    assert joined.member.upgraded_to == "diamond"
    assert joined.member.tier_lapse_on is None           # a year ahead: nothing to say yet
    stocked.clock.at = datetime(2026, 11, 28, 10, 0)     # the window keeps Diamond until 12-10
    s = stocked.services.selling.new_session()
    s.attach_card("100001")
    s.add("WATER")
    lapse = s.view().tier_lapse
    # On 12-11 the joining receipt and its 320 points leave the window: 8,000 points earned
    # in the window keep Diamond.
    assert (lapse.tier, lapse.lapse_on, lapse.keep_points) == ("diamond", date(2026, 12, 11),
                                                                8_000)
    sale = s.complete([TenderInput(CASH, s.view().total_fen)], stocked.cashier)
    assert (sale.member.tier_lapse_on, sale.member.tier_keep_points) == ("2026-12-11", 8_000)
    text = "\n".join(preview_text(render_sale_receipt(ShopInfo("S001", "示范百货"), sale,
                                                      PROFILE_80MM_48), 48))
    assert "钻石卡将于2026-12-11到期，再累计8000积分可保级" in text
    # Evaluated daily: the day before it still holds, on the day it lapses.
    stocked.clock.at = datetime(2026, 12, 10, 9, 0)
    stocked.services.members.review_tiers()
    assert account(stocked, "13800001111").tier_code == "diamond"
    stocked.clock.at = datetime(2026, 12, 11, 9, 0)
    stocked.services.members.review_tiers()
    assert account(stocked, "13800001111").tier_code == "regular"


# -- a return to a cancelled member -------------------------------------------------------------
def _cancelled_return(stocked, card, mobile, cancel_first):
    """Top up ¥1,000 (+¥100 bonus), buy ¥200 of goods paying ¥20 in points and ¥180 from the
    balance, then return it before or after cancelling: what the customer gets in cash."""
    members, cards = stocked.services.members, stocked.services.cards
    members.top_up(stocked.manager, card, 100_000, CASH)
    s = stocked.services.selling.new_session()
    s.attach_card(card)
    s.add("2*SPECIAL100")
    total = s.view().total_fen
    sale = s.complete([TenderInput(TenderKind.POINTS, 2_000), TenderInput(SV, total - 2_000)],
                      stocked.cashier)
    ident = IdentityCheck(mobile, manager_confirmed=True)
    if cancel_first:
        slip = cards.cancel(stocked.manager, card, ident, True)
        r = ret(stocked, sale.receipt_no)
    else:
        r = ret(stocked, sale.receipt_no)
        slip = cards.cancel(stocked.manager, card, ident, True)
    return sale, r, slip.refund_fen + sum(t.amount_fen for t in r.tenders
                                          if t.kind is CASH) * cancel_first


def test_rule_a_return_to_a_cancelled_member_pays_out_what_cancelling_would_have(stocked):
    """The customer is paid out in cash, never into the dead account; the points and bonus
    share are what the cancellation forfeits either way, said on the receipt."""
    from pos_app.domain.shop import ShopInfo
    from receipts.escpos import PROFILE_80MM_48
    from receipts.preview import preview_text
    from receipts.sale_receipt import render_sale_receipt
    stocked.open_shift()
    stocked.products([("SPECIAL100", "", "特价商品", "杂货", "100.00", "special", "")])
    stocked.members([{"card_no": "100031", "name": "甲", "mobile": "13900003131",
                      "tier": "regular", "points": "5000", "accumulated_points": "5000"},
                     {"card_no": "100032", "name": "乙", "mobile": "13900003232",
                      "tier": "regular", "points": "5000", "accumulated_points": "5000"}])
    sale, r, cash_after = _cancelled_return(stocked, "100031", "13900003131", True)
    _s, _r, cash_before = _cancelled_return(stocked, "100032", "13900003232", False)
    sv = next(t for t in sale.tenders if t.kind is SV)
    assert [(t.kind, t.amount_fen) for t in r.tenders] == [(CASH, sv.sv_paid_fen)]
    assert r.forfeited_fen == 2_000 + sv.sv_bonus_fen > 2_000
    assert cash_after == cash_before            # the order does not matter
    dead = account(stocked, "13900003131")
    assert (dead.balance_fen, dead.spendable_points) == (0, 0)
    text = "\n".join(preview_text(render_sale_receipt(ShopInfo("S001", "示范百货"), r,
                                                      PROFILE_80MM_48), 48))
    assert "会员已注销：积分及赠送金部分" in text and f"{r.forfeited_fen / 100:.2f}" in text
