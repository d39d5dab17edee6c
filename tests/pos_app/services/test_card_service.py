"""Card lifecycle through the real card service on the in-memory unit of work: report lost,
unblock, member PINs and once-per-period benefits, and the lifecycle with the standard members:
registration, referral and joining by purchase, replacement, renewal and birthday gifts. What
stays in tests/db/services/test_cards.py checks that a refused action wrote nothing (row counts
of the store's tables after a rolled-back transaction), reads columns no port reads back, or
needs the shift's Z report."""
from __future__ import annotations

from datetime import datetime

import pytest

from pos_app.domain.card import CardKind, CardStatus
from pos_app.domain.errors import (
    BenefitAlreadyGiven,
    CardAlreadyBound,
    CardBlocked,
    CardReplaced,
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
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.cards import CardBinding, CardService, IdentityCheck, MemberForm
from tests.pos_app.fake_till import stocked
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


# -- the lifecycle with the standard members (tests/pos_app/fake_till.py), moved from
#    tests/db/services/test_cards.py with the same names and assertions ------------------------
FORM = MemberForm(name="周敏", mobile="139 1234 5678", gender="F", birthday="1992-08-15",
                  birthday_calendar="lunar", consent_messages=True, id_check="123456")
ID_OK = IdentityCheck(mobile="13912345678", answer="123456")


def _member_id(t, mobile):
    return t.account(mobile).id


def test_a_cashier_cannot_register_or_block_cards():
    t = stocked()
    with pytest.raises(PermissionDenied):
        t.cards.register(CASHIER, FORM, CardBinding("500001"))
    with pytest.raises(PermissionDenied):
        t.cards.report_lost(CASHIER, "100002",
                            IdentityCheck("13800002222", manager_confirmed=True))


def test_referrer_earns_50_points_when_the_new_card_is_issued():
    t = stocked()
    before = t.selling.member_by_card("100002").account.spendable_points
    t.cards.register(MANAGER, MemberForm("新会员", "13500001111", referrer_card_no="100002"),
                     CardBinding("500009"))
    after = t.selling.member_by_card("100002").account
    assert after.spendable_points == before + 50


def test_join_by_purchase_gives_gold_for_a_same_day_receipt_of_300():
    t = stocked()
    s = t.selling.new_session()
    s.add("3*REG100")
    sale = s.complete([TenderInput(TenderKind.CASH, 30_000)], CASHIER)
    slip = t.cards.register(MANAGER, MemberForm("王五", "13600001234"), CardBinding("500010"),
                            join_receipt_no=sale.receipt_no)
    assert slip.tier_name_zh == "金卡"
    with pytest.raises(ValidationFailed):   # a receipt joins once
        t.cards.register(MANAGER, MemberForm("赵六", "13600004321"), CardBinding("500011"),
                         join_receipt_no=sale.receipt_no)


def test_lost_card_is_refused_everywhere_in_the_shop_then_replaced_with_balance_moved():
    t = stocked()
    svc, selling = t.cards, t.selling
    svc.register(MANAGER, FORM, CardBinding("500001"))
    t.members.top_up(MANAGER, "500001", 50_000, TenderKind.CASH)
    with pytest.raises(IdentityNotConfirmed):
        svc.report_lost(MANAGER, "500001", IdentityCheck("13912345678", "999999"))
    svc.report_lost(MANAGER, "500001", ID_OK)
    with pytest.raises(CardBlocked) as err:
        selling.new_session().attach_card("500001")
    assert err.value.since is not None and err.value.shop_name == "示范百货"
    with pytest.raises(CardBlocked):
        t.members.top_up(MANAGER, "500001", 100, TenderKind.CASH)
    # Replace: the member keeps balance, points, tier; the old card is dead for good.
    with pytest.raises(CardAlreadyBound):
        svc.replace(MANAGER, "500001", CardBinding("100004"), ID_OK)   # someone's lost card
    slip = svc.replace(MANAGER, "500001", CardBinding("500101"), ID_OK)
    assert slip.old_card_no == "500001" and slip.balance_fen == 50_000
    with pytest.raises(CardReplaced):
        selling.new_session().attach_card("500001")
    with pytest.raises(CardStateConflict):
        svc.unblock(MANAGER, "500001", ID_OK)      # replaced cards never come back
    s = selling.new_session()
    s.add("REG100")
    s.attach_card("500101")
    sale = s.complete([TenderInput(TenderKind.STORED_VALUE, 10_000)], CASHIER)
    assert sale.member.balance_after_fen == 40_000
    cards = {c.card_no: c for c in t.members.profile(sale.member.member_id).cards}
    assert cards["500101"].generation == 2 and cards["500001"].status.value == "replaced"
    kinds = [h.kind for h in svc.history(sale.member.member_id)]
    assert kinds == ["issued", "lost", "replaced", "issued"]


def test_unblock_a_lost_card_that_turned_up():
    t = stocked()
    svc = t.cards
    svc.register(MANAGER, FORM, CardBinding("500001"))
    svc.report_lost(MANAGER, "500001", ID_OK)
    with pytest.raises(CardStateConflict):
        svc.report_lost(MANAGER, "500001", ID_OK)
    svc.unblock(MANAGER, "500001", ID_OK)
    assert t.selling.member_by_card("500001").card.status.value == "active"


def test_identity_check_without_an_answer_on_file_needs_the_manager_to_see_the_id():
    t = stocked()
    svc = t.cards
    with pytest.raises(IdentityNotConfirmed):
        svc.report_lost(MANAGER, "100002", IdentityCheck("13800002222"))
    with pytest.raises(IdentityNotConfirmed):
        svc.report_lost(MANAGER, "100002", IdentityCheck("13800009999", manager_confirmed=True))
    svc.report_lost(MANAGER, "100002", IdentityCheck("13800002222", manager_confirmed=True))


def test_renew_extends_from_the_later_of_today_and_expiry():
    t = stocked()
    slip = t.cards.renew(MANAGER, "100005", 365)       # expired 2025-12-31
    assert slip.expires_on == "2027-11-28"
    t.selling.new_session().attach_card("100005")


def test_member_pin_set_change_and_reset():
    t = stocked()
    svc = t.cards
    svc.register(MANAGER, FORM, CardBinding("500001"))
    svc.set_pin(MANAGER, "500001", "1357")
    with pytest.raises(IdentityNotConfirmed):
        svc.set_pin(MANAGER, "500001", "2468")
    svc.set_pin(MANAGER, "500001", "2468", old_pin="1357")
    svc.set_pin(MANAGER, "500001", "8642", identity=ID_OK)
    t.selling.verify_member_pin(_member_id(t, "13912345678"), "8642")


def test_benefits_are_handed_over_once():
    t = stocked()
    svc = t.cards
    assert svc.give_benefit(MANAGER, "100003", "quarterly") == "2026Q4"
    with pytest.raises(BenefitAlreadyGiven):
        svc.give_benefit(CASHIER, "100003", "quarterly")
    with pytest.raises(ValidationFailed):
        svc.give_benefit(CASHIER, "100002", "quarterly")   # Gold has no quarterly gift
    s = t.selling.new_session()
    assert s.attach_card("100003").badges.quarterly_gift is False


def test_birthday_gift_once_a_year_on_the_birthday():
    t = stocked()
    svc = t.cards
    svc.register(MANAGER, MemberForm("寿星", "13300001111", birthday="1990-11-28"),
                 CardBinding("500077", CardKind.MAGSTRIPE))
    view = t.selling.new_session().attach_card("500077")
    assert view.badges.birthday
    svc.give_benefit(CASHIER, "500077", "birthday")
    with pytest.raises(BenefitAlreadyGiven):
        svc.give_benefit(CASHIER, "500077", "birthday")
    assert not t.selling.new_session().attach_card("500077").badges.birthday


def test_replacing_an_expired_card_without_a_validity_rule_gives_a_perpetual_card():
    """No card_validity_days: a new card is perpetual (长期有效), so a replacement is too,
    never one that carries over the old card's past expiry."""
    t = stocked()
    with t.store() as uow:
        assert uow.cards.find_card("100005").expires_on is not None
    slip = t.cards.replace(MANAGER, "100005", CardBinding("500105"),
                           IdentityCheck("13800005555", manager_confirmed=True))  # expired 2025
    assert slip.expires_on is None
    assert t.selling.member_by_card("500105").card.expires_on is None
    t.selling.new_session().attach_card("500105")   # usable today
