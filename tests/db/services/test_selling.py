"""Selling on a real SQLite store where the store itself is what is checked: a refused sale
writes nothing and a completed one writes every row in one transaction (row counts of the
store's tables), a card blocked in the store after the swipe, and a sale with no open shift
(the fake keeps one open). Pricing, members, PINs, gifts, passes, held baskets and head
office's authorisation run on the in-memory unit of work:
tests/pos_app/services/test_selling_service.py."""
from __future__ import annotations

import pytest

from db.store import DB_FILE
from pos_app.domain.errors import (
    CardBlocked,
    EmptySale,
    InsufficientBalance,
    PaymentMismatch,
    ShiftNotOpen,
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


