"""Issue 11 symptoms that live in the member and card services, on the in-memory unit of work
(no SQLAlchemy, no argon2): the real services and the domain ledger, a fake store. The
selling and return symptoms are in test_ledger_symptoms_selling.py, joining, tiers, benefits,
cards, held baskets and stored-value spends of the standard members in
test_ledger_symptoms_members.py, on the same fake."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from pos_app.domain.errors import (
    PinRequired,
    SpendDeclined,
    UnknownEventKind,
    WithdrawalRefused,
)
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.ledger import tier_lapse
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderKind
from pos_app.ports.clock import FixedClock
from pos_app.ports.headoffice import SpendAuthorisation, SpendOutcome
from pos_app.services.auth import User
from pos_app.services.cards import CardService
from pos_app.services.members import MemberService
from pos_app.services.selling import SellingService
from tests.pos_app.fake_uow import FakePinHasher, FakeStore

AT = datetime(2026, 11, 28, 12, 0)
MANAGER = User("u-manager", "manager", "店长", "manager")
CASH = TenderKind.CASH


class Recording:
    """A head office that declines (or approves) every spend and remembers the asks."""

    def __init__(self, outcome: SpendOutcome) -> None:
        self.outcome = outcome
        self.asked: list[tuple[str, int]] = []

    def authorise(self, member_id, card_no, stored_value_fen, points):
        self.asked.append((card_no, stored_value_fen))
        return SpendAuthorisation(self.outcome, "balance" if self.outcome is
                                  SpendOutcome.DECLINED else "", auth_id="A1")


def wired(rules=None, authoriser=None):
    store = FakeStore(rules or default_rule_set(2), AT)
    clock = FixedClock(AT)
    ids = UuidV7Source()
    hasher = FakePinHasher()
    selling = SellingService(store, clock, ids, hasher, authoriser)
    return (store, clock, MemberService(store, clock, ids, spend=selling),
            CardService(store, clock, ids, hasher, spend=selling))


def test_rule_withdrawal_twice_leaves_no_bonus_behind():
    store, _clock, members, _cards = wired()
    store.add_member("m1", "C1", "13900000001", at=AT)
    for _ in range(2):
        members.top_up(MANAGER, "C1", 100_000, CASH)     # + ¥100 bonus
        members.refund_balance(MANAGER, "C1", 100_000)
    a = store.state.accounts["m1"]
    assert (a.balance_paid_fen, a.balance_bonus_fen) == (0, 0)
    kind, payload = store.state.outbox[-1][1], store.state.outbox[-1][2]
    assert kind == "stored_value.refund_balance"
    assert [(e["kind"], e["paid_fen"], e["bonus_fen"]) for e in payload["entries"]] == [
        ("refund_balance", -100_000, 0), ("wd_forfeit", 0, -10_000)]


def test_rule_withdrawal_refused_while_bonus_remains_when_the_rule_set_says_so():
    store, _clock, members, _cards = wired(default_rule_set(2).with_changes(
        withdraw_bonus_policy="refuse_while_bonus"))
    store.add_member("m1", "C1", "13900000001", at=AT)
    members.top_up(MANAGER, "C1", 100_000, CASH)
    with pytest.raises(WithdrawalRefused):
        members.refund_balance(MANAGER, "C1", 10_000)


def test_rule_a_withdrawal_is_authorised_like_every_stored_value_spend():
    hq = Recording(SpendOutcome.DECLINED)
    store, _clock, members, _cards = wired(authoriser=hq)
    store.add_member("m1", "C1", "13900000001", paid=100_000, at=AT)
    with store() as uow:
        uow.accounts.set_pin("m1", FakePinHasher().hash("246810"), AT)
        uow.commit()
    with pytest.raises(PinRequired):
        members.refund_balance(MANAGER, "C1", 50_000)
    with pytest.raises(SpendDeclined):
        members.refund_balance(MANAGER, "C1", 50_000, member_pin="246810")
    assert hq.asked == [("C1", 50_000)]
    assert store.state.accounts["m1"].balance_fen == 100_000
    hq.outcome = SpendOutcome.APPROVED
    done = members.refund_balance(MANAGER, "C1", 50_000, member_pin="246810")
    assert done.reference == "A1" and store.state.accounts["m1"].balance_fen == 50_000


def test_unknown_event_kinds_are_refused_at_the_outbox():
    store, *_ = wired()
    with store() as uow, pytest.raises(UnknownEventKind):
        uow.outbox.append("sale.exploded", {}, AT)


def test_rule_tier_validity_daily_review_lowers_a_tier_the_window_no_longer_keeps():
    store, _clock, members, _cards = wired(default_rule_set(2).with_changes(
        tier_validity_months=12))
    store.add_member("m2", "100002", "13800002222", tier="gold", points=990,
                     accumulated=1_500, at=AT)            # imported Gold: nothing in the window
    done = members.review_tiers()
    assert done == [("m2", "gold", "regular")]
    assert store.state.accounts["m2"].tier_code == "regular"


def test_rule_tier_validity_told_ahead():
    rules = default_rule_set(2).with_changes(tier_validity_months=12, tier_notice_days=30)
    earned = [(date(2025, 12, 10), 8_100)]
    lapse = tier_lapse("diamond", date(2026, 11, 28), earned, [], rules)
    assert (lapse.lapse_on, lapse.keep_points) == (date(2026, 12, 11), 8_000)
    assert tier_lapse("diamond", date(2026, 11, 1), earned, [], rules) is None  # not yet
    assert tier_lapse("gold", date(2026, 11, 28), [], [(date(2025, 12, 1), "gold")],
                      rules).keep_points is None          # only a receipt keeps Gold
    assert tier_lapse("diamond", date(2026, 11, 28), earned, [],
                      default_rule_set(2)) is None         # no window, nothing to tell
