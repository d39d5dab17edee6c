"""Selling on a real SQLite store: pricing with members, tenders, ledgers, atomic commits."""
from __future__ import annotations


import pytest

from db.store import DB_FILE
from pos_app.domain.errors import (
    CardBlocked,
    CardExpired,
    DiscountOverLimit,
    EmptySale,
    InsufficientBalance,
    InvalidQuantity,
    PaymentMismatch,
    PinRequired,
    RedemptionNotAllowed,
    ShiftNotOpen,
    UnknownCard,
    UnknownProduct,
    WrongPin,
)
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.store_support import store_db

CASH = TenderKind.CASH
SV = TenderKind.STORED_VALUE


def counts(shop) -> dict[str, int]:
    db = store_db(shop.data_dir / DB_FILE)
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("sales", "sale_lines", "tenders", "points_entries",
                      "stored_value_entries", "outbox")}


def test_gold_member_sale_with_promotion_special_and_cash_plus_stored_value(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.add("6900000000024")          # 真丝衬衫 ¥100 on 8折 promotion
    s.add("2*REG100")               # 2 × ¥100 regular
    s.add("SPECIAL50")              # ¥50 special
    view = s.attach_card("100002")  # Gold: 8.8折 on regular goods
    assert [ln.amount_fen for ln in view.lines] == [7_040, 17_600, 5_000]
    assert view.total_fen == 29_640
    assert view.points.total == 29
    sale = s.complete([TenderInput(SV, 10_000), TenderInput(CASH, 20_000)], cashier)
    assert sale.total_fen == 29_640 and sale.change_fen == 360
    m = sale.member
    assert m is not None
    assert (m.points_earned, m.spendable_after, m.accumulated_after) == (29, 1_019, 1_529)
    assert m.balance_after_fen == 10_000
    # Ledgers agree with the cached balances.
    with stocked.uow() as uow:
        account = uow.accounts.find_by_mobile("13800002222")
        assert uow.ledgers.ledger_sums(account.id) == (
            account.spendable_points, account.accumulated_points,
            account.balance_paid_fen, account.balance_bonus_fen)
        stored = uow.sales.find_by_receipt(sale.receipt_no)
        assert stored.snapshot == sale


def test_non_member_earns_nothing_and_pays_the_promotion_price(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.add("PROMO100")
    sale = s.complete([TenderInput(CASH, 8_000)], cashier)
    assert sale.total_fen == 8_000 and sale.member is None


def test_lost_card_is_refused_with_when_and_where(stocked):
    s = stocked.services.selling.new_session()
    with pytest.raises(CardBlocked) as err:
        s.attach_card("100004")
    assert err.value.shop_name == "示范百货"
    assert s.member is None


def test_expired_card_is_refused(stocked):
    with pytest.raises(CardExpired):
        stocked.services.selling.new_session().attach_card("100005")


def test_card_reported_lost_after_the_swipe_cannot_pay(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.add("REG100")
    s.attach_card("100002")
    with stocked.uow() as uow:
        uow.session.execute(__import__("sqlalchemy").text(
            "UPDATE cards SET status='lost' WHERE card_no='100002'"))
        uow.commit()
    before = counts(stocked)
    with pytest.raises(CardBlocked):
        s.complete([TenderInput(SV, 8_800)], cashier)
    assert counts(stocked) == before


def test_insufficient_balance_says_how_much_is_missing_and_records_nothing(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.add("3*REG100")
    s.attach_card("100002")  # balance ¥200, total 3 × 88 = ¥264
    before = counts(stocked)
    with pytest.raises(InsufficientBalance) as err:
        s.complete([TenderInput(SV, 26_400)], cashier)
    assert err.value.missing_fen == 6_400
    assert counts(stocked) == before


def test_stored_value_above_the_threshold_needs_the_member_pin(stocked):
    cashier = stocked.open_shift()
    with stocked.uow() as uow:
        member = uow.accounts.find_by_mobile("13800003333")
        uow.accounts.set_pin(member.id, stocked.hasher.hash("246810"), stocked.clock.now())
        uow.commit()
    s = stocked.services.selling.new_session()
    s.add("4*REG100")
    s.attach_card("100003")  # Diamond: 4 × 80 = ¥320 > ¥200 threshold
    with pytest.raises(PinRequired):
        s.complete([TenderInput(SV, 32_000)], cashier)
    with pytest.raises(WrongPin) as err:
        s.complete([TenderInput(SV, 32_000)], cashier, member_pin="000000")
    assert err.value.tries_left == 4
    sale = s.complete([TenderInput(SV, 32_000)], cashier, member_pin="246810")
    assert sale.member.balance_after_fen == 100_000 - 32_000


def test_member_pin_locks_after_five_wrong_tries(stocked):
    from pos_app.domain.errors import AccountLocked
    with stocked.uow() as uow:
        member = uow.accounts.find_by_mobile("13800003333")
        uow.accounts.set_pin(member.id, stocked.hasher.hash("246810"), stocked.clock.now())
        uow.commit()
    for _ in range(4):
        with pytest.raises(WrongPin):
            stocked.services.selling.verify_member_pin(member.id, "111111")
    with pytest.raises(AccountLocked):
        stocked.services.selling.verify_member_pin(member.id, "111111")
    with pytest.raises(AccountLocked):
        stocked.services.selling.verify_member_pin(member.id, "246810")


@pytest.mark.parametrize("entry, error", [("0*REG100", InvalidQuantity),
                                          ("99999*REG100", InvalidQuantity),
                                          ("NOSUCH", UnknownProduct)])
def test_bad_entries_are_typed_errors_and_leave_the_basket_alone(stocked, entry, error):
    s = stocked.services.selling.new_session()
    s.add("REG100")
    with pytest.raises(error):
        s.add(entry)
    assert len(s.view().lines) == 1


def test_unknown_card_is_a_typed_error(stocked):
    with pytest.raises(UnknownCard):
        stocked.services.selling.new_session().attach_card("999999")


def test_paying_more_than_due_with_a_card_or_wallet_is_refused(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.add("REG100")
    before = counts(stocked)
    with pytest.raises(PaymentMismatch):
        s.complete([TenderInput(TenderKind.WECHAT, 10_001, "wx1")], cashier)
    with pytest.raises(PaymentMismatch):
        s.complete([TenderInput(CASH, 9_999)], cashier)
    assert counts(stocked) == before


def test_empty_sale_and_closed_shift_are_refused(stocked):
    s = stocked.services.selling.new_session()
    with pytest.raises(EmptySale):
        s.complete([TenderInput(CASH, 100)], stocked.cashier)
    s.add("WATER")
    with pytest.raises(ShiftNotOpen):
        s.complete([TenderInput(CASH, 200)], stocked.cashier)


def test_a_sale_commits_every_row_in_one_transaction(stocked):
    cashier = stocked.open_shift()
    before = counts(stocked)
    s = stocked.services.selling.new_session()
    s.add("REG100")
    s.add("WATER")
    s.attach_card("100002")
    s.complete([TenderInput(SV, 5_000), TenderInput(TenderKind.ALIPAY, 3_976, "ali-778")], cashier)
    after = counts(stocked)
    assert after["sales"] == before["sales"] + 1
    assert after["sale_lines"] == before["sale_lines"] + 2
    assert after["tenders"] == before["tenders"] + 2
    assert after["points_entries"] == before["points_entries"] + 1
    assert after["stored_value_entries"] == before["stored_value_entries"] + 1
    assert after["outbox"] == before["outbox"] + 1


def test_manual_discount_is_limited_by_role(stocked):
    s = stocked.services.selling.new_session()
    s.add("REG100")
    with pytest.raises(DiscountOverLimit):
        s.discount_line(1, 9_000, stocked.cashier)
    view = s.discount_line(1, 9_000, stocked.manager)
    assert view.total_fen == 9_000
    with pytest.raises(DiscountOverLimit):
        s.discount_sale(7_000, stocked.manager)


def test_gift_redemption_takes_the_ladder_step_and_shows_the_next_one(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.attach_card("100003")             # 1,200 spendable points
    with pytest.raises(RedemptionNotAllowed) as err:
        s.redeem_gift("GIFT350")        # ¥350 needs the 1,500 step
    assert err.value.needed_points == 1_500
    with pytest.raises(RedemptionNotAllowed):
        s.redeem_gift("SPECIAL50")
    view = s.redeem_gift("GIFT180")
    assert view.total_fen == 0
    sale = s.complete([], cashier)
    assert sale.member.points_redeemed == 1_000
    assert sale.member.spendable_after == 200
    assert sale.member.next_step_points == 800


def test_hold_and_recall_keep_the_basket_and_the_member(stocked):
    s = stocked.services.selling.new_session()
    s.add("2*REG100")
    s.attach_card("100002")
    held_id = s.hold("客人去取钱")
    assert s.is_empty
    assert [h[1] for h in s.held()] == ["客人去取钱"]
    view = s.recall(held_id)
    assert view.total_fen == 17_600
    assert view.member is not None and view.member.card.card_no == "100002"
    assert s.held() == []


def test_a_sale_that_reaches_8000_points_upgrades_to_diamond(stocked):
    stocked.members([{"card_no": "100009", "name": "周杰", "mobile": "13900009999",
                      "tier": "gold", "points": "100", "accumulated_points": "7990"}])
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.add("2*REG100")
    s.attach_card("100009")
    sale = s.complete([TenderInput(CASH, 17_600)], cashier)
    assert sale.member.upgraded_to == "diamond"
    assert stocked.services.selling.member_by_card("100009").account.tier_code == "diamond"


def test_count_pass_is_sold_used_once_per_visit_and_refused_when_used_up(stocked):
    cashier = stocked.open_shift()
    s = stocked.services.selling.new_session()
    s.attach_card("100001")
    s.add("WASH10")
    sale = s.complete([TenderInput(CASH, 30_000)], cashier)
    assert sale.member.passes[0].uses_left == 10
    pass_id = s._svc.member_by_card("100001")  # noqa: SLF001 - just to reach the member id
    with stocked.uow() as uow:
        passes = uow.passes.passes_of(pass_id.account.id)
    s.attach_card("100001")
    view = s.use_pass(passes[0].id)
    assert view.lines[0].amount_fen == 0
    sale = s.complete([], cashier)
    assert sale.member.passes[0].uses_left == 9
    assert sale.lines[0].reasons[0].kind.value == "pass"


class RecordingAuthoriser:
    """A head office that answers as told and remembers what it was asked (the port's contract)."""

    def __init__(self, outcome: str, reason: str = "", auth_id: str | None = None) -> None:
        from pos_app.ports.headoffice import SpendAuthorisation, SpendOutcome
        self.answer = SpendAuthorisation(SpendOutcome(outcome), reason, auth_id)
        self.asked: list[tuple[str, str, int, int]] = []

    def authorise(self, member_id, card_no, stored_value_fen, points):
        self.asked.append((member_id, card_no, stored_value_fen, points))
        return self.answer


def test_head_office_declining_a_stored_value_spend_records_nothing(stocked):
    from pos_app.domain.errors import SpendDeclined
    cashier = stocked.open_shift()
    stocked.services.selling.authoriser = RecordingAuthoriser("declined", "card_lost")
    s = stocked.services.selling.new_session()
    s.add("REG100")
    s.attach_card("100002")
    before = counts(stocked)
    with pytest.raises(SpendDeclined) as err:
        s.complete([TenderInput(SV, 8_800)], cashier)
    assert err.value.reason == "card_lost"
    assert counts(stocked) == before


def test_an_approved_spend_carries_the_authorisation_and_cash_needs_none(stocked):
    cashier = stocked.open_shift()
    auth = RecordingAuthoriser("approved", auth_id="HO-42")
    stocked.services.selling.authoriser = auth
    s = stocked.services.selling.new_session()
    s.add("2*REG100")
    s.attach_card("100002")
    sale = s.complete([TenderInput(SV, 10_000), TenderInput(TenderKind.POINTS, 500),
                       TenderInput(CASH, 7_100)], cashier)
    assert auth.asked[0][1:] == ("100002", 10_000, 500)
    assert {t.kind: t.reference for t in sale.tenders}[SV] == "HO-42"
    s.add("REG100")
    s.complete([TenderInput(CASH, 10_000)], cashier)
    assert len(auth.asked) == 1


def test_an_absurd_price_is_refused_before_it_joins_the_basket(stocked):
    from pos_app.domain.errors import AmountTooLarge
    stocked.products([("HUGE", "6999999999999", "镶钻手表", "服装/配饰/表", "99999999.00",
                       "regular", "")])
    s = stocked.services.selling.new_session()
    s.add("REG100")
    with pytest.raises(AmountTooLarge):
        s.add("HUGE")
    assert len(s.view().lines) == 1
