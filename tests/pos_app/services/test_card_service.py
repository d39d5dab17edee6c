"""Card lifecycle through the real card service on the in-memory unit of work: report lost,
unblock, member PINs and once-per-period benefits (tests/db/services/test_cards.py runs the
whole lifecycle, registration and fees included, on the SQLite store)."""
from __future__ import annotations

from datetime import datetime

import pytest

from pos_app.domain.card import CardStatus
from pos_app.domain.errors import (
    BenefitAlreadyGiven,
    CardBlocked,
    CardStateConflict,
    IdentityNotConfirmed,
    PermissionDenied,
    ValidationFailed,
    WrongPin,
)
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.rules import default_rule_set
from pos_app.ports.clock import FixedClock
from pos_app.services.auth import User
from pos_app.services.cards import CardService, IdentityCheck
from tests.pos_app.fake_uow import FakePinHasher, FakeStore

AT = datetime(2026, 11, 28, 12, 0)
MANAGER = User("u-manager", "manager", "店长", "manager")
CASHIER = User("u-cashier", "cashier", "收银员", "cashier")
MOBILE = "13912345678"
SEEN = IdentityCheck(MOBILE, manager_confirmed=True)   # no answer on file: the ID was shown


@pytest.fixture
def till() -> tuple[FakeStore, CardService]:
    store = FakeStore(default_rule_set(), AT)
    store.add_member("m1", "500001", MOBILE, tier="diamond", at=AT)
    return store, CardService(store, FixedClock(AT), UuidV7Source(), FakePinHasher())


def test_a_lost_card_is_blocked_once_and_unblocked_when_it_turns_up(till):
    store, cards = till
    cards.report_lost(MANAGER, "500001", SEEN)
    assert store.state.cards["500001"].state.status is CardStatus.LOST
    with pytest.raises(CardStateConflict):
        cards.report_lost(MANAGER, "500001", SEEN)
    with pytest.raises(CardBlocked):
        cards.set_pin(MANAGER, "500001", "1357")
    cards.unblock(MANAGER, "500001", SEEN)
    assert store.state.cards["500001"].state.status is CardStatus.ACTIVE
    assert [k for _seq, k, _p in store.state.outbox] == ["card.lost", "card.unblocked"]
    with store() as uow:
        assert [e[2] for e in uow.cards.card_events("m1")] == ["lost", "unblocked"]


def test_reporting_a_card_lost_needs_a_manager_and_the_members_own_mobile(till):
    store, cards = till
    with pytest.raises(PermissionDenied):
        cards.report_lost(CASHIER, "500001", SEEN)
    with pytest.raises(IdentityNotConfirmed):
        cards.report_lost(MANAGER, "500001", IdentityCheck("13800009999",
                                                           manager_confirmed=True))
    with pytest.raises(IdentityNotConfirmed):
        cards.report_lost(MANAGER, "500001", IdentityCheck(MOBILE))
    assert store.state.cards["500001"].state.status is CardStatus.ACTIVE
    assert store.state.outbox == []


def test_a_member_pin_is_set_changed_with_the_old_one_and_reset_with_the_identity(till):
    store, cards = till
    cards.set_pin(MANAGER, "500001", "1357")
    with pytest.raises(IdentityNotConfirmed):
        cards.set_pin(MANAGER, "500001", "2468")
    with pytest.raises(WrongPin):
        cards.set_pin(MANAGER, "500001", "2468", old_pin="9999")
    cards.set_pin(MANAGER, "500001", "2468", old_pin="1357")
    cards.set_pin(MANAGER, "500001", "8642", identity=SEEN)
    with store() as uow:
        assert FakePinHasher().verify(uow.accounts.pin_state("m1")[0], "8642")
        assert [e[5] for e in uow.cards.card_events("m1")] == [
            {"how": "set"}, {"how": "changed"}, {"how": "reset"}]


def test_the_diamond_quarterly_gift_is_handed_over_once_a_quarter(till):
    store, cards = till
    store.add_member("m2", "500002", "13800002222", tier="gold", at=AT)
    assert cards.give_benefit(MANAGER, "500001", "quarterly") == "2026Q4"
    with pytest.raises(BenefitAlreadyGiven):
        cards.give_benefit(CASHIER, "500001", "quarterly")
    with pytest.raises(ValidationFailed):
        cards.give_benefit(CASHIER, "500002", "quarterly")      # Gold has no quarterly gift
    assert [k for _seq, k, _p in store.state.outbox] == ["benefit.given"]
