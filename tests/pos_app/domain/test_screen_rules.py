"""Rules the screens ask the core about instead of working out themselves: who confirms a
manual discount, which card actions a card's status allows today, whether and for how much a
count pass can be refunded."""
from __future__ import annotations

from datetime import date

import pytest

from pos_app.domain.card import CardAction, CardKind, CardState, CardStatus
from pos_app.domain.ledger import pass_refund_fen, pass_refundable
from pos_app.domain.rules import default_rule_set

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(("rate_bp", "role", "needed"), [
    (10_000, None, "cashier"),       # no discount at all: nobody to ask
    (9_000, "cashier", "manager"),   # a cashier's own limit is 0 by default
    (8_000, "cashier", "manager"),   # 20% off is a manager's limit
    (7_900, "cashier", "admin"),     # beyond a manager's limit
    (8_000, "manager", "cashier"),   # within the asker's own limit: confirmed as asked
    (5_000, "admin", "cashier"),
    (4_900, "admin", "admin"),
])
def test_a_manual_discount_is_confirmed_by_the_least_role_whose_limit_covers_it(
        rate_bp: int, role: str | None, needed: str) -> None:
    assert default_rule_set().role_for_discount(rate_bp, role) == needed


def card(status: CardStatus, expires_on: date | None = None) -> CardState:
    return CardState("100002", CardKind.MAGSTRIPE, status, "m1", expires_on=expires_on)


def test_an_active_card_past_its_last_day_is_treated_as_expired_and_cannot_be_used(
        ) -> None:
    old = card(CardStatus.ACTIVE, expires_on=date(2026, 6, 14))
    assert old.status_on(TODAY) is CardStatus.EXPIRED
    assert [a for a in CardAction if old.allows(a, TODAY)] == [
        CardAction.REPORT_LOST, CardAction.REPLACE, CardAction.RENEW, CardAction.CANCEL]
    assert card(CardStatus.ACTIVE, expires_on=TODAY).status_on(TODAY) is CardStatus.ACTIVE


def test_a_lost_card_can_be_unblocked_replaced_or_cancelled_but_never_used() -> None:
    lost = card(CardStatus.LOST)
    assert [a for a in CardAction if lost.allows(a, TODAY)] == [
        CardAction.UNBLOCK, CardAction.REPLACE, CardAction.CANCEL]


def test_a_count_pass_refunds_its_unused_share_rounded_half_up_and_only_once() -> None:
    assert pass_refund_fen(10_000, 1, 3) == 3_333
    assert pass_refund_fen(100, 1, 8) == 13          # 12.5 fen rounds up
    assert pass_refund_fen(10_000, 0, 3) == 0
    assert pass_refundable(2, refunded=False)
    assert not pass_refundable(0, refunded=False)
    assert not pass_refundable(2, refunded=True)
