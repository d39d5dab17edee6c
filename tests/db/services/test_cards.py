"""Card lifecycle on the SQLite store, where it needs the store itself: a refused action writes
nothing (row counts after the rolled-back transaction), registration keeps the consent time (a
column no port reads back), cancelling and fees show in the shift's Z report. The rest of the
lifecycle runs on the in-memory unit of work: tests/pos_app/services/test_card_service.py."""
from __future__ import annotations

import pytest

from db.store import DB_FILE
from pos_app.domain.errors import (
    CardAlreadyBound,
    CardCancelled,
    ConfirmationRequired,
    DuplicateMember,
    InsufficientBalance,
    ValidationFailed,
)
from pos_app.domain.tenders import TenderKind
from pos_app.services.cards import CardBinding, IdentityCheck, MemberForm
from tests.store_support import store_db


def rows(shop, table):
    return store_db(shop.data_dir / DB_FILE).execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def everything(shop):
    return {t: rows(shop, t) for t in ("members", "cards", "card_events", "points_entries",
                                       "stored_value_entries", "audit_log", "outbox")}


FORM = MemberForm(name="周敏", mobile="139 1234 5678", gender="F", birthday="1992-08-15",
                  birthday_calendar="lunar", consent_messages=True, id_check="123456")
ID_OK = IdentityCheck(mobile="13912345678", answer="123456")


def test_register_issues_a_card_audits_and_queues_it(stocked):
    svc = stocked.services.cards
    slip = svc.register(stocked.manager, FORM, CardBinding("500001"))
    assert slip.card_no == "500001" and slip.tier_name_zh == "普通会员"
    m = stocked.services.selling.member_by_card("500001")
    # The till keeps the masked mobile (the full number goes to head office in the event).
    assert (m.account.name, m.account.mobile, m.account.consent_messages) == ("周敏", "139****5678", True)
    assert m.account.birthday.calendar.value == "lunar" and m.account.birthday.year is None
    db = store_db(stocked.data_dir / DB_FILE)
    assert db.execute("SELECT consent_at FROM members WHERE mobile_masked='139****5678'").fetchone()[0]
    assert db.execute("SELECT kind FROM outbox ORDER BY device_seq DESC LIMIT 1").fetchone()[0] == \
        "member.registered"


def test_one_mobile_or_card_cannot_belong_to_two_members(stocked):
    svc = stocked.services.cards
    before = everything(stocked)
    with pytest.raises(DuplicateMember) as err:
        svc.register(stocked.manager, MemberForm("别人", "13800002222"), CardBinding("500002"))
    assert err.value.value_masked == "138****2222" and err.value.other_member_name_masked == "李**"
    with pytest.raises(CardAlreadyBound) as err2:
        svc.register(stocked.manager, MemberForm("别人", "13700000000"), CardBinding("100002"))
    assert err2.value.owner_masked == "李**"
    with pytest.raises(ValidationFailed):
        svc.register(stocked.manager, MemberForm("别人", "1234"), CardBinding("500003"))
    assert everything(stocked) == before


def test_cancel_refunds_paid_in_only_and_forfeits_points_and_bonus(stocked):
    svc = stocked.services.cards
    stocked.open_shift()
    stocked.services.members.top_up(stocked.manager, "100003", 100_000, TenderKind.CASH)  # +100 bonus
    with pytest.raises(ConfirmationRequired):
        svc.cancel(stocked.manager, "100003", IdentityCheck("13800003333", manager_confirmed=True), False)
    slip = svc.cancel(stocked.manager, "100003",
                      IdentityCheck("13800003333", manager_confirmed=True), True)
    assert slip.refund_fen == 200_000
    with pytest.raises(CardCancelled):
        stocked.services.selling.new_session().attach_card("100003")
    profile = stocked.services.members.profile(_member_id(stocked, "13800003333"))
    assert profile.account.balance_fen == 0 and profile.account.spendable_points == 0
    z = stocked.services.shifts.z_report()
    assert z.stored_value_refunded_fen == 200_000
    assert z.expected_cash_fen == 50_000 + 100_000 - 200_000


def _member_id(shop, mobile):
    with shop.uow() as uow:
        return uow.accounts.find_by_mobile(mobile).id


def test_refund_of_balance_is_paid_in_only(stocked):
    stocked.open_shift()
    stocked.services.members.top_up(stocked.manager, "100002", 100_000, TenderKind.CASH)
    before = everything(stocked)
    with pytest.raises(InsufficientBalance):
        stocked.services.members.refund_balance(stocked.manager, "100002", 120_001)
    assert everything(stocked) == before
    done = stocked.services.members.refund_balance(stocked.manager, "100002", 120_000)
    # The bonus went with the paid-in money that brought it in (issue 11): none stays behind.
    assert done.balance_paid_after_fen == 0 and done.balance_bonus_after_fen == 0


def test_card_replacement_and_annual_fees_are_sales_in_the_same_transaction(stocked):
    from pos_app.domain.errors import ShiftNotOpen
    from pos_app.domain.rules import default_rule_set
    # A yearly card (an annual fee goes with a validity): 延期 extends it.
    stocked.set_rules(default_rule_set(2).with_changes(card_fee_fen=1_000, annual_fee_fen=5_000,
                                                       replacement_fee_fen=2_000,
                                                       card_validity_days=365))
    svc = stocked.services.cards
    before = everything(stocked)
    with pytest.raises(ShiftNotOpen):      # no shift: no fee can be taken, so no card either
        svc.register(stocked.manager, FORM, CardBinding("500001"))
    assert everything(stocked) == before
    stocked.open_shift()
    slip = svc.register(stocked.manager, FORM, CardBinding("500001"))
    assert slip.fee_fen == 6_000 and slip.fee_sale is not None
    assert slip.fee_sale.total_fen == 6_000 and slip.fee_sale.lines[0].sku == "FEE-CARD"
    assert slip.fee_sale.lines[0].earns_points is False
    stocked.services.members.top_up(stocked.manager, "500001", 10_000, TenderKind.CASH)
    slip = svc.replace(stocked.manager, "500001", CardBinding("500002"), ID_OK,
                       fee_tender=TenderKind.STORED_VALUE)
    assert slip.fee_sale.tenders[0].kind is TenderKind.STORED_VALUE
    assert slip.balance_fen == 8_000
    slip = svc.renew(stocked.manager, "500002", 365)
    assert slip.fee_sale.total_fen == 5_000
    z = stocked.services.shifts.z_report()
    assert z.sales_total_fen == 6_000 + 2_000 + 5_000
    assert z.expected_cash_fen == 50_000 + 6_000 + 10_000 + 5_000
