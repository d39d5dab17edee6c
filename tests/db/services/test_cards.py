"""Card lifecycle: register, report lost, unblock, replace, renew, cancel, PINs, benefits."""
from __future__ import annotations


import pytest

from db.store import DB_FILE
from pos_app.domain.card import CardKind
from pos_app.domain.errors import (
    BenefitAlreadyGiven,
    CardAlreadyBound,
    CardBlocked,
    CardCancelled,
    CardReplaced,
    CardStateConflict,
    ConfirmationRequired,
    DuplicateMember,
    IdentityNotConfirmed,
    InsufficientBalance,
    PermissionDenied,
    ValidationFailed,
)
from pos_app.domain.tenders import TenderInput, TenderKind
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


def test_a_cashier_cannot_register_or_block_cards(stocked):
    with pytest.raises(PermissionDenied):
        stocked.services.cards.register(stocked.cashier, FORM, CardBinding("500001"))
    with pytest.raises(PermissionDenied):
        stocked.services.cards.report_lost(stocked.cashier, "100002",
                                           IdentityCheck("13800002222", manager_confirmed=True))


def test_referrer_earns_50_points_when_the_new_card_is_issued(stocked):
    before = stocked.services.selling.member_by_card("100002").account.spendable_points
    stocked.services.cards.register(stocked.manager, MemberForm(
        "新会员", "13500001111", referrer_card_no="100002"), CardBinding("500009"))
    after = stocked.services.selling.member_by_card("100002").account
    assert after.spendable_points == before + 50


def test_join_by_purchase_gives_gold_for_a_same_day_receipt_of_300(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.add("3*REG100")
    sale = s.complete([TenderInput(TenderKind.CASH, 30_000)], cashier)
    slip = stocked.services.cards.register(stocked.manager, MemberForm("王五", "13600001234"),
                                           CardBinding("500010"), join_receipt_no=sale.receipt_no)
    assert slip.tier_name_zh == "金卡"
    with pytest.raises(ValidationFailed):   # a receipt joins once
        stocked.services.cards.register(stocked.manager, MemberForm("赵六", "13600004321"),
                                        CardBinding("500011"), join_receipt_no=sale.receipt_no)


def test_lost_card_is_refused_everywhere_in_the_shop_then_replaced_with_balance_moved(stocked):
    svc, selling = stocked.services.cards, stocked.services.selling
    svc.register(stocked.manager, FORM, CardBinding("500001"))
    stocked.open_shift()
    stocked.services.members.top_up(stocked.manager, "500001", 50_000, TenderKind.CASH)
    with pytest.raises(IdentityNotConfirmed):
        svc.report_lost(stocked.manager, "500001", IdentityCheck("13912345678", "999999"))
    svc.report_lost(stocked.manager, "500001", ID_OK)
    with pytest.raises(CardBlocked) as err:
        selling.new_session().attach_card("500001")
    assert err.value.since is not None and err.value.shop_name == "示范百货"
    with pytest.raises(CardBlocked):
        stocked.services.members.top_up(stocked.manager, "500001", 100, TenderKind.CASH)
    # Replace: the member keeps balance, points, tier; the old card is dead for good.
    with pytest.raises(CardAlreadyBound):
        svc.replace(stocked.manager, "500001", CardBinding("100004"), ID_OK)   # someone's lost card
    slip = svc.replace(stocked.manager, "500001", CardBinding("500101"), ID_OK)
    assert slip.old_card_no == "500001" and slip.balance_fen == 50_000
    with pytest.raises(CardReplaced):
        selling.new_session().attach_card("500001")
    with pytest.raises(CardStateConflict):
        svc.unblock(stocked.manager, "500001", ID_OK)      # replaced cards never come back
    s = selling.new_session()
    s.add("REG100")
    s.attach_card("500101")
    sale = s.complete([TenderInput(TenderKind.STORED_VALUE, 10_000)], stocked.cashier)
    assert sale.member.balance_after_fen == 40_000
    cards = {c.card_no: c for c in stocked.services.members.profile(sale.member.member_id).cards}
    assert cards["500101"].generation == 2 and cards["500001"].status.value == "replaced"
    kinds = [h.kind for h in svc.history(sale.member.member_id)]
    assert kinds == ["issued", "lost", "replaced", "issued"]


def test_unblock_a_lost_card_that_turned_up(stocked):
    svc = stocked.services.cards
    svc.register(stocked.manager, FORM, CardBinding("500001"))
    svc.report_lost(stocked.manager, "500001", ID_OK)
    with pytest.raises(CardStateConflict):
        svc.report_lost(stocked.manager, "500001", ID_OK)
    svc.unblock(stocked.manager, "500001", ID_OK)
    assert stocked.services.selling.member_by_card("500001").card.status.value == "active"


def test_identity_check_without_an_answer_on_file_needs_the_manager_to_see_the_id(stocked):
    svc = stocked.services.cards
    with pytest.raises(IdentityNotConfirmed):
        svc.report_lost(stocked.manager, "100002", IdentityCheck("13800002222"))
    with pytest.raises(IdentityNotConfirmed):
        svc.report_lost(stocked.manager, "100002", IdentityCheck("13800009999", manager_confirmed=True))
    svc.report_lost(stocked.manager, "100002", IdentityCheck("13800002222", manager_confirmed=True))


def test_renew_extends_from_the_later_of_today_and_expiry(stocked):
    svc = stocked.services.cards
    slip = svc.renew(stocked.manager, "100005", 365)       # expired 2025-12-31
    assert slip.expires_on == "2027-11-28"
    stocked.services.selling.new_session().attach_card("100005")


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


def test_member_pin_set_change_and_reset(stocked):
    svc = stocked.services.cards
    svc.register(stocked.manager, FORM, CardBinding("500001"))
    svc.set_pin(stocked.manager, "500001", "1357")
    with pytest.raises(IdentityNotConfirmed):
        svc.set_pin(stocked.manager, "500001", "2468")
    svc.set_pin(stocked.manager, "500001", "2468", old_pin="1357")
    svc.set_pin(stocked.manager, "500001", "8642", identity=ID_OK)
    member_id = _member_id(stocked, "13912345678")
    stocked.services.selling.verify_member_pin(member_id, "8642")


def test_benefits_are_handed_over_once(stocked):
    svc = stocked.services.cards
    assert svc.give_benefit(stocked.manager, "100003", "quarterly") == "2026Q4"
    with pytest.raises(BenefitAlreadyGiven):
        svc.give_benefit(stocked.cashier, "100003", "quarterly")
    with pytest.raises(ValidationFailed):
        svc.give_benefit(stocked.cashier, "100002", "quarterly")   # Gold has no quarterly gift
    s = stocked.services.selling.new_session()
    assert s.attach_card("100003").badges.quarterly_gift is False


def test_birthday_gift_once_a_year_on_the_birthday(stocked):
    svc = stocked.services.cards
    svc.register(stocked.manager, MemberForm("寿星", "13300001111", birthday="1990-11-28"),
                  CardBinding("500077", CardKind.MAGSTRIPE))
    view = stocked.services.selling.new_session().attach_card("500077")
    assert view.badges.birthday
    svc.give_benefit(stocked.cashier, "500077", "birthday")
    with pytest.raises(BenefitAlreadyGiven):
        svc.give_benefit(stocked.cashier, "500077", "birthday")
    assert not stocked.services.selling.new_session().attach_card("500077").badges.birthday


def test_replacing_an_expired_card_without_a_validity_rule_gives_a_perpetual_card(stocked):
    """No card_validity_days: a new card is perpetual (长期有效), so a replacement is too,
    never one that carries over the old card's past expiry."""
    with stocked.uow() as uow:
        assert uow.cards.find_card("100005").expires_on is not None
    slip = stocked.services.cards.replace(
        stocked.manager, "100005", CardBinding("500105"),
        IdentityCheck("13800005555", manager_confirmed=True))      # expired 2025-12-31
    assert slip.expires_on is None
    assert stocked.services.selling.member_by_card("500105").card.expires_on is None
    stocked.services.selling.new_session().attach_card("500105")   # usable today


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
