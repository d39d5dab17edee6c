"""The domain ledger: each business event's entries, worked out once (issue 11)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.birthday import Birthday
from pos_app.domain.card import CardAction, CardStatus, allowed, member_closed, transition
from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import CardStateConflict, InsufficientBalance, UnknownEventKind
from pos_app.domain.ledger import (
    EVENT_KINDS,
    Balances,
    Entry,
    EntryKind,
    LedgerName,
    WithdrawalRefused,
    balances_of,
    cancel_entries,
    check_event_kind,
    entries_of_event,
    entries_payload,
    gift_return_entries,
    join_eligible_fen,
    join_tier,
    kept_eligible_fen,
    refund_due_fen,
    return_points_entries,
    sale_entries,
    tier_after_loss,
    tier_by_points,
    tier_deserved,
    top_up_entries,
    upgrade_entries,
    withdrawal_entries,
)
from pos_app.domain.points import PointsEarned, points_for_spend
from pos_app.domain.pricing import BasketItem, price_line
from pos_app.domain.rules import RuleSet, default_rule_set

RULES = default_rule_set()


def test_entry_kinds_fit_the_ledger_columns():
    assert all(len(k.value) <= 16 for k in EntryKind)


def test_an_entry_of_the_wrong_ledger_is_refused():
    with pytest.raises(Exception):
        Entry(LedgerName.STORED_VALUE, EntryKind.EARN, paid_fen=1, bonus_fen=1)


# -- stored value -----------------------------------------------------------------------------
def test_rule_withdrawal_forfeits_bonus_in_proportion():
    # Top up ¥1,000 (bonus ¥100), withdraw the ¥1,000 paid-in: the ¥100 bonus goes with it.
    b = balances_of(top_up_entries(100_000, RULES))
    assert (b.paid_fen, b.bonus_fen) == (100_000, 10_000)
    b = b.after(withdrawal_entries(100_000, b.paid_fen, b.bonus_fen, RULES))
    assert (b.paid_fen, b.bonus_fen) == (0, 0)


def test_withdrawing_half_the_paid_in_forfeits_half_the_bonus():
    entries = withdrawal_entries(50_000, 100_000, 10_000, RULES)
    assert [(e.kind, e.paid_fen, e.bonus_fen) for e in entries] == [
        (EntryKind.WITHDRAW, -50_000, 0), (EntryKind.WITHDRAW_FORFEIT, 0, -5_000)]


@given(st.lists(st.tuples(st.booleans(), st.integers(1, 200_000)), max_size=12))
def test_repeated_topups_and_withdrawals_never_cash_out_bonus(ops):
    b = Balances()
    cash_out = cash_in = 0
    for topup, amount in ops:
        if topup:
            b = b.after(top_up_entries(amount, RULES))
            cash_in += amount
        elif b.paid_fen > 0:
            amount = min(amount, b.paid_fen)
            b = b.after(withdrawal_entries(amount, b.paid_fen, b.bonus_fen, RULES))
            cash_out += amount
        assert b.paid_fen >= 0 and b.bonus_fen >= 0
        assert cash_out <= cash_in
        if b.paid_fen == 0:
            assert b.bonus_fen == 0


def test_rule_withdrawal_refused_while_bonus_remains_when_the_rule_set_says_so():
    rules = RULES.with_changes(withdraw_bonus_policy="refuse_while_bonus")
    with pytest.raises(WithdrawalRefused):
        withdrawal_entries(1_000, 100_000, 10_000, rules)
    assert withdrawal_entries(1_000, 100_000, 0, rules)[0].paid_fen == -1_000


def test_a_withdrawal_beyond_the_paid_in_balance_is_refused():
    with pytest.raises(InsufficientBalance):
        withdrawal_entries(100_001, 100_000, 10_000, RULES)


def test_cancel_pays_out_paid_in_and_forfeits_bonus_and_points():
    b = Balances(5_000, 700, 120, 900)
    after = b.after(cancel_entries(b))
    assert (after.paid_fen, after.bonus_fen, after.spendable, after.accumulated) == (0, 0, 0, 900)


# -- points on sales and returns --------------------------------------------------------------
def test_sale_entries_earn_bonus_gift_points_cash_and_spend():
    s = sale_entries(210_000, [("GIFT", 1_000)], 300, [(4_000, 400)], RULES)
    kinds = [(e.kind, e.spendable, e.accumulated, e.paid_fen, e.bonus_fen) for e in s.entries]
    assert kinds == [(EntryKind.EARN, 210, 210, 0, 0), (EntryKind.BONUS, 10, 10, 0, 0),
                     (EntryKind.GIFT, -1_000, 0, 0, 0), (EntryKind.POINTS_CASH, -300, 0, 0, 0),
                     (EntryKind.SPEND, 0, 0, -4_000, -400)]


def _returns_in_order(units: int, unit_fen: int, order: list[int]) -> list[int]:
    """Return `order` units at a time; the points held after each return."""
    sale_eligible = units * unit_fen
    earned = points_for_spend(sale_eligible, RULES)
    taken = PointsEarned(0, 0)
    kept_units = units
    held = []
    for n in order:
        kept_units -= n
        kept = kept_eligible_fen(sale_eligible, sale_eligible, kept_units * unit_fen)
        entries = return_points_entries(earned, taken, kept, RULES)
        taken = PointsEarned(
            taken.base - sum(e.spendable for e in entries if e.kind is EntryKind.RETURN),
            taken.bonus - sum(e.spendable for e in entries if e.kind is EntryKind.BONUS_REVERSAL))
        held.append(earned.total - taken.total)
    return held


def test_rule_points_recomputed_on_kept_amount_single_unit_returns_take_points_back():
    # 10 units of ¥9.90: 9 points; returning them one by one used to take back nothing.
    held = _returns_in_order(10, 990, [1] * 10)
    assert held[-1] == 0
    assert held == [points_for_spend(990 * k, RULES).total for k in range(9, -1, -1)]


def test_rule_points_recomputed_on_kept_amount_bonus_on_the_right_side_of_200():
    # ¥2,100 of goods in 21 units: 210 + 10 bonus. Keeping ¥2,000 keeps the bonus (200 points);
    # keeping ¥1,900 loses it.
    held = _returns_in_order(21, 10_000, [1, 1])
    assert held == [210, 190]


@given(units=st.integers(1, 30), unit_fen=st.integers(1, 30_000), data=st.data())
def test_any_sequence_of_partial_returns_is_cumulatively_exact(units, unit_fen, data):
    order: list[int] = []
    left = units
    while left:
        n = data.draw(st.integers(1, left))
        order.append(n)
        left -= n
    held = _returns_in_order(units, unit_fen, order)
    kept = units
    for n, h in zip(order, held, strict=True):
        kept -= n
        assert h == points_for_spend(kept * unit_fen, RULES).total
    assert held[-1] == 0


def test_rule_returned_gift_line_gives_points_back():
    b = Balances(spendable=1_500, accumulated=1_500)
    b = b.after(sale_entries(0, [("GIFT", 1_000)], 0, [], RULES).entries)
    b = b.after(gift_return_entries([1_000]))
    assert (b.spendable, b.accumulated) == (1_500, 1_500)


def test_rule_refund_never_exceeds_what_was_paid_with_cash_rounding_and_gift_lines():
    # Lines ¥10.05 + ¥20.03 + a free gift; 抹零 made the customer pay ¥30.00.
    paid, total = 3_000, 3_008
    first = refund_due_fen(paid, total, 0, 1_005)
    second = refund_due_fen(paid, total, 1_005, 2_003)
    assert first + second == paid
    assert first <= 1_005 and second <= 2_003


@given(st.lists(st.integers(1, 50_000), min_size=1, max_size=8), st.integers(0, 99),
       st.permutations(range(8)))
def test_refunds_in_any_order_add_up_to_what_was_paid(lines, cut, perm):
    total = sum(lines)
    paid = max(total - cut, 0)
    done = 0
    refunded = 0
    for i in [p for p in perm if p < len(lines)]:
        refunded += refund_due_fen(paid, total, done, lines[i])
        done += lines[i]
        assert refunded <= paid
    assert refunded == paid


# -- tiers ------------------------------------------------------------------------------------
def test_rule_default_has_no_gold_points_threshold():
    assert RULES.tier("gold").upgrade_points is None
    assert tier_by_points(7_999, RULES).code == "regular"
    assert tier_by_points(8_000, RULES).code == "diamond"
    assert upgrade_entries("regular", 2_500, RULES) == ()


def test_rule_join_by_purchase_counts_only_goods_that_earn_points():
    # ¥3,000 of shopping cards (excluded goods) and ¥100 of goods: no tier at all.
    eligible = join_eligible_fen([(False, 300_000), (True, 10_000)])
    assert join_tier(None, eligible, RULES) is None
    assert join_tier(None, join_eligible_fen([(True, 300_000)]), RULES).code == "diamond"


def test_rule_tier_downgrade_automatic_review_and_off():
    diamond = RULES.tier("diamond")
    lower = tier_deserved(7_999, None, RULES)
    auto = tier_after_loss("diamond", lower, RULES, "return")
    assert [e.tier for e in auto.entries] == ["regular"]
    review = tier_after_loss("diamond", lower, RULES.with_changes(tier_downgrade="review"),
                             "return")
    assert review.entries == () and review.review
    off = tier_after_loss("diamond", lower, RULES.with_changes(tier_downgrade="off"), "return")
    assert off.entries == () and off.review   # kept, but never silently
    assert tier_after_loss("diamond", diamond, RULES, "return").entries == ()


def test_a_kept_joining_receipt_keeps_its_tier():
    assert tier_deserved(0, RULES.tier("gold"), RULES).code == "gold"


def test_unknown_rule_options_are_refused():
    with pytest.raises(Exception):
        RULES.with_changes(tier_downgrade="sometimes")
    assert RuleSet.from_json(RULES.to_json()) == RULES


# -- pricing ----------------------------------------------------------------------------------
def _product(price: int, promo: int | None) -> Product:
    return Product("p", "SKU", "x", price, ProductKind.REGULAR, promo_rate_bp=promo)


def test_rule_promotion_price_is_a_shelf_price():
    day = date(2026, 11, 28)
    gold, diamond = RULES.tier("gold"), RULES.tier("diamond")
    assert price_line(1, BasketItem(_product(12_002, 8_000), 1), RULES, None, day
                      ).amount_fen == 9_602
    assert price_line(1, BasketItem(_product(12_002, 8_000), 1), RULES, gold, day
                      ).amount_fen == 8_450
    assert price_line(1, BasketItem(_product(10_000, 8_000), 1), RULES, gold, day
                      ).amount_fen == 7_040
    # Per unit, then x quantity: 3 x ¥0.99 on 8折 is 3 x ¥0.79 = ¥2.37.
    assert price_line(1, BasketItem(_product(99, 8_000), 3), RULES, None, day
                      ).amount_fen == 237
    assert price_line(1, BasketItem(_product(10_000, None), 1), RULES, diamond, day
                      ).amount_fen == 8_000


# -- birthdays --------------------------------------------------------------------------------
def test_rule_birthday_once_per_occurrence_lunar_twice_in_one_solar_year():
    b = Birthday.parse("1990-11-25", "lunar")
    first, second = b.occurrence_on(date(2024, 1, 6)), b.occurrence_on(date(2024, 12, 25))
    assert first and second and first != second
    assert b.occurrence_on(date(2024, 12, 24)) is None


# -- card status machine ----------------------------------------------------------------------
def test_card_status_machine_is_the_one_judge():
    assert transition("C", CardStatus.ACTIVE, CardAction.REPORT_LOST) is CardStatus.LOST
    assert transition("C", CardStatus.LOST, CardAction.UNBLOCK) is CardStatus.ACTIVE
    assert transition("C", CardStatus.EXPIRED, CardAction.RENEW) is CardStatus.ACTIVE
    with pytest.raises(CardStateConflict):
        transition("C", CardStatus.REPLACED, CardAction.UNBLOCK)
    with pytest.raises(CardStateConflict):
        transition("C", CardStatus.CANCELLED, CardAction.REPLACE)
    assert not allowed(CardStatus.LOST, CardAction.USE)
    assert member_closed([CardStatus.CANCELLED, CardStatus.CANCELLED])
    # A replaced card cannot be cancelled (the machine): a member whose old card was replaced
    # and whose new one was cancelled is closed (a return pays out, never into that account).
    assert member_closed([CardStatus.CANCELLED, CardStatus.REPLACED])
    assert not member_closed([CardStatus.REPLACED, CardStatus.ACTIVE])
    assert not member_closed([])


def test_head_office_moves_are_the_machines_moves():
    from pos_app.domain.card import TRANSITIONS, status_after_event
    for action, moves in TRANSITIONS.items():
        for status in CardStatus:
            got = status_after_event(status, action)
            if status in moves:
                assert got is (moves[status] or status)
                assert got is transition("C", status, action)
            else:
                assert got is None
    # blocked beats active: a card past its date is reported lost
    assert status_after_event(CardStatus.EXPIRED, CardAction.REPORT_LOST) is CardStatus.LOST


def test_a_till_merges_head_office_card_status_through_the_status_machine():
    """The till's merge of head office's card status (db/sync_store.py) asks the machine:
    a forward move wins whatever the clocks, a way back only on head office's newer word,
    and nothing leads out of replaced or cancelled."""
    from pos_app.domain.card import merged_status
    A, E, L, R, C = (CardStatus.ACTIVE, CardStatus.EXPIRED, CardStatus.LOST,
                     CardStatus.REPLACED, CardStatus.CANCELLED)
    for newer in (False, True):
        # lost at one shop stops the card everywhere, even on an older or crossing word
        assert merged_status(A, L, newer=newer) is L
        assert merged_status(E, L, newer=newer) is L
        assert merged_status(A, E, newer=newer) is E
        for local in (A, E, L):
            assert merged_status(local, R, newer=newer) is R
            assert merged_status(local, C, newer=newer) is C
        for status in CardStatus:
            assert merged_status(status, status, newer=newer) is status
        # a replaced or cancelled card never comes back
        for dead in (R, C):
            for back in (A, E, L):
                assert merged_status(dead, back, newer=newer) is dead
    # 解挂 and renewal (the ways back) only on head office's newer word
    assert merged_status(L, A, newer=False) is L
    assert merged_status(L, A, newer=True) is A
    assert merged_status(E, A, newer=False) is E
    assert merged_status(E, A, newer=True) is A
    assert merged_status(L, E, newer=True) is E       # unblocked there, then past its date
    assert merged_status(L, E, newer=False) is L
    # both dead: head office's newer word
    assert merged_status(R, C, newer=True) is C and merged_status(C, R, newer=True) is R
    assert merged_status(R, C, newer=False) is R and merged_status(C, R, newer=False) is C


def test_the_ways_back_are_the_only_moves_that_lift_a_block():
    from pos_app.domain.card import TRANSITIONS, WAYS_BACK
    blocked = (CardStatus.LOST, CardStatus.EXPIRED)
    lifts = {action for action, moves in TRANSITIONS.items()
             if any(moves.get(s) is CardStatus.ACTIVE for s in blocked)}
    assert lifts == set(WAYS_BACK) == {CardAction.UNBLOCK, CardAction.RENEW}


# -- events -----------------------------------------------------------------------------------
def test_a_v2_event_carries_the_entries_and_is_read_back_as_given():
    entries = sale_entries(210_000, [], 0, [(1_000, 100)], RULES).entries
    payload = {"sale": {}, "member_id": "m1", **entries_payload("m1", entries)}
    got = entries_of_event("sale.completed", payload)
    assert [m.entry for m in got] == list(entries)
    assert {m.member_id for m in got} == {"m1"}


def test_a_v1_event_is_still_read():
    payload = {"member_id": "m1", "sale": {"member": {"points_earned": 22, "points_redeemed": 0},
                                           "tenders": [{"kind": "stored_value", "sv_paid_fen": 90,
                                                        "sv_bonus_fen": 10}]}}
    got = balances_of(m.entry for m in entries_of_event("sale.completed", payload))
    assert (got.paid_fen, got.bonus_fen, got.spendable, got.accumulated) == (-90, -10, 22, 22)


def test_unknown_event_kinds_are_refused_with_a_typed_error():
    with pytest.raises(UnknownEventKind):
        check_event_kind("sale.exploded")
    assert check_event_kind("member.pin_set") in EVENT_KINDS


def test_the_z_report_counts_points_given_by_sales_and_points_taken_as_payment_or_gifts():
    from pos_app.domain.ledger import POINTS_ISSUED_KINDS, POINTS_REDEEMED_KINDS, sum_of_kinds
    by_kind = {"earn": 300, "bonus": 50, "promo_points": 40, "points_cash": -200, "gift": -180,
               "return": -100, "opening": 1_000}
    assert sum_of_kinds(by_kind, POINTS_ISSUED_KINDS) == 350
    assert -sum_of_kinds(by_kind, POINTS_REDEEMED_KINDS) == 380


def test_balances_brought_over_never_count_towards_a_tier_window():
    from pos_app.domain.ledger import earned_in_window
    assert earned_in_window({"earn": 500, "opening": 9_000, "sync": 3_000, "return": -100}) == 400


def test_a_v3_payload_names_the_amounts_and_a_v2_payload_reads_the_same():
    entries = sale_entries(210_000, [("GIFT", 1_000)], 300, [(4_000, 400)], RULES).entries
    v3 = {"sale": {}, **entries_payload("m1", entries)}
    assert v3["v"] == 3
    assert [sorted(set(e) - {"note"}) for e in v3["entries"]] == [
        ["accumulated", "kind", "ledger", "spendable"]] * 4 + [
        ["bonus_fen", "kind", "ledger", "paid_fen"]]
    v2 = {**v3, "v": 2, "entries": [
        {"ledger": e["ledger"], "kind": e["kind"], "note": e.get("note", ""),
         "first": e.get("spendable", e.get("paid_fen", 0)),
         "second": e.get("accumulated", e.get("bonus_fen", 0))} for e in v3["entries"]]}
    assert [m.entry for m in entries_of_event("sale.completed", v2)] == list(entries)
    assert [m.entry for m in entries_of_event("sale.completed", v3)] == list(entries)


def test_an_entry_moves_only_its_own_ledger():
    with pytest.raises(Exception):
        Entry(LedgerName.POINTS, EntryKind.EARN, paid_fen=10)
    with pytest.raises(Exception):
        Entry(LedgerName.STORED_VALUE, EntryKind.SPEND, spendable=10)
