"""The ledger rules through the real member and card services on an in-memory unit of work:
fast enough for many hypothesis examples (the store-backed tests stay for the repositories)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from pos_app.domain.errors import CardStateConflict, PosError, UnknownEventKind
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.ledger import EntryKind
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderKind
from pos_app.ports.clock import FixedClock
from pos_app.services.auth import User
from pos_app.services.cards import CardService, IdentityCheck
from pos_app.services.members import MemberService
from tests.pos_app.fake_uow import FakePinHasher, FakeStore

AT = datetime(2026, 11, 28, 12, 0)
MANAGER = User("u-manager", "manager", "店长", "manager")
RULES = default_rule_set()


def services(rules=RULES):
    store = FakeStore(rules, AT)
    clock = FixedClock(AT)
    ids = UuidV7Source()
    return store, clock, MemberService(store, clock, ids), CardService(store, clock, ids,
                                                                       FakePinHasher())


def test_rule_withdrawal_forfeits_bonus_in_proportion_on_the_fake_store():
    store, _clock, members, _cards = services()
    store.add_member("m1", "C1", "13900000001", at=AT)
    members.top_up(MANAGER, "C1", 100_000, TenderKind.CASH)
    members.refund_balance(MANAGER, "C1", 50_000)
    a = store.state.accounts["m1"]
    assert (a.balance_paid_fen, a.balance_bonus_fen) == (50_000, 5_000)
    members.refund_balance(MANAGER, "C1", 50_000)
    a = store.state.accounts["m1"]
    assert (a.balance_paid_fen, a.balance_bonus_fen) == (0, 0)


class MoneyMachine(RuleBasedStateMachine):
    """Random top-ups, withdrawals and a cancel: bonus never leaves as cash, money out never
    exceeds money in, cached balances equal the sums, every event carries its entries."""

    @initialize(paid=st.integers(0, 100_000), bonus=st.integers(0, 10_000))
    def start(self, paid, bonus):
        self.store, self.clock, self.members, self.cards = services()
        bonus = bonus if paid else 0      # bonus money only ever comes with paid-in money
        self.store.add_member("m1", "C1", "13900000001", paid=paid, bonus=bonus, at=AT)
        self.money_in = paid

    @rule(amount=st.integers(1, 200_000))
    def top_up(self, amount):
        try:
            self.members.top_up(MANAGER, "C1", amount, TenderKind.CASH)
            self.money_in += amount
        except PosError:
            pass

    @rule(share=st.integers(1, 100))
    def withdraw(self, share):
        paid = self.store.state.accounts["m1"].balance_paid_fen
        before = len(self.store.state.money)
        try:
            self.members.refund_balance(MANAGER, "C1", max(paid * share // 100, 1))
        except PosError:
            assert len(self.store.state.money) == before     # nothing recorded half-done

    @rule()
    def cancel(self):
        try:
            self.cards.cancel(MANAGER, "C1", IdentityCheck("13900000001",
                                                           manager_confirmed=True), True)
        except (CardStateConflict, PosError):
            pass

    @rule()
    def next_day(self):
        self.clock.at += timedelta(days=1)

    @invariant()
    def nothing_leaks(self):
        st_ = self.store.state
        a = st_.accounts["m1"]
        sums = (a.spendable_points, a.accumulated_points, a.balance_paid_fen, a.balance_bonus_fen)
        assert self.store().ledgers.ledger_sums("m1") == sums
        out = [e for e in st_.money if e["kind"] in (EntryKind.WITHDRAW.value,
                                                     EntryKind.CANCEL_REFUND.value)]
        assert all(e["bonus_fen"] == 0 for e in out), "bonus left as cash"
        assert -sum(e["paid_fen"] for e in out) <= self.money_in
        assert a.balance_paid_fen >= 0 and a.balance_bonus_fen >= 0
        if a.balance_paid_fen == 0:
            assert a.balance_bonus_fen == 0, "bonus outlived the money that earned it"
        booked = sorted((e["kind"], e["paid_fen"], e["bonus_fen"]) for e in st_.money
                        if e["kind"] != "opening")
        carried = sorted((e["kind"], e["paid_fen"], e["bonus_fen"])
                         for _seq, _kind, p in st_.outbox for e in p.get("entries", ())
                         if e["ledger"] == "stored_value")
        assert booked == carried


TestMoneyMachine = MoneyMachine.TestCase
TestMoneyMachine.settings = settings(max_examples=60, stateful_step_count=20, deadline=None)


@settings(max_examples=40, deadline=None)
@given(accumulated=st.integers(0, 20_000), tier=st.sampled_from(["regular", "gold", "diamond"]),
       months=st.integers(1, 24))
def test_rule_tier_validity_review_never_raises_a_tier_and_follows_the_policy(
        accumulated, tier, months):
    rules = RULES.with_changes(tier_validity_months=months)
    store, clock, members, _cards = services(rules)
    store.add_member("m1", "C1", "13900000001", tier=tier, at=AT)
    uow = store()                                  # points earned today: inside any window
    uow.ledgers.add_points("m1", "earn", accumulated, accumulated, AT)
    uow.commit()
    members.review_tiers()
    after = store.state.accounts["m1"].tier_code
    assert rules.tier(after).rank <= rules.tier(tier).rank
    expected = "diamond" if accumulated >= 8_000 else "regular"
    if rules.tier(tier).rank > rules.tier(expected).rank:
        assert after == expected
    else:
        assert after == tier


def test_the_fake_outbox_refuses_unknown_kinds_like_the_real_one():
    store, *_ = services()
    with pytest.raises(UnknownEventKind):
        store().outbox.append("points.exploded", {}, AT)
