"""Property: whatever order tills' events arrive in, balance = sum of entries, and the open
receivable is exactly what the balance is below zero."""
from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from headoffice.enrolment import TillIdentity
from headoffice.ledger import ledger_check
from headoffice.models import ReceivableRow
from headoffice.push import PushedEvent
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import sale_event

pytestmark = pytest.mark.postgres

ops = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["spend", "topup", "return"]),
                         st.integers(1, 12_000)), min_size=1, max_size=12)


@pytest.fixture
def tills(hq: HeadOffice) -> list[TillIdentity]:
    out = []
    for n in range(3):
        hq.add_shop(f"S00{n}", f"shop {n}")
        out.append(hq.enrol(hq.add_till(f"S00{n}", "T01")).identity)
    return out


def _event(seq: int, member_id: str, kind: str, amount: int) -> PushedEvent:
    if kind == "topup":
        return PushedEvent(str(uuid.uuid4()), seq, "stored_value.topup", {
            "entry_id": str(uuid.uuid4()), "member_id": member_id, "card_no": "C1",
            "paid_fen": amount, "bonus_fen": amount // 10, "tender": "cash", "reference": "",
            "receipt_no": f"T{seq}", "shift_id": None})
    ev = sale_event(seq, member_id=member_id, card_no="C1", sv_fen=amount, total_fen=amount)
    if kind == "return":
        ev["kind"] = "sale.returned"
        ev["payload"]["sale"]["kind"] = "return"
    return PushedEvent(ev["id"], seq, ev["kind"], ev["payload"], ev["created_at"])


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(opening=st.integers(0, 20_000), plan=ops, data=st.data())
def test_for_any_arrival_order_the_balance_is_the_sum_of_entries(
        hq: HeadOffice, tills: list[TillIdentity], opening: int, plan: list[Any],
        data: st.DataObject):
    member_id = str(uuid.uuid4())
    hq.import_members([{"id": member_id, "name": "会员", "paid_fen": opening}])
    seqs = getattr(hq, "_test_seqs", None) or defaultdict(int)
    hq._test_seqs = seqs  # type: ignore[attr-defined]
    events = []
    expected = opening
    for till, kind, amount in plan:
        seqs[till] += 1
        ev = _event(seqs[till], member_id, kind, amount)
        events.append((till, ev))
        expected += {"spend": -amount, "return": amount, "topup": amount + amount // 10}[kind]
    for till, ev in data.draw(st.permutations(events)):
        hq.push(tills[till], [ev])
    acct = hq.account(member_id)
    balance = acct["balance_paid_fen"] + acct["balance_bonus_fen"]
    assert balance == expected
    assert acct["receivable_fen"] == max(0, -balance)
    with hq.sessions() as s:
        assert ledger_check(s, member_id)
        open_fen = s.scalar(select(func.coalesce(func.sum(
            ReceivableRow.amount_fen - ReceivableRow.recovered_fen), 0)).where(
            ReceivableRow.member_id == member_id))
    assert open_fen == acct["receivable_fen"]


def test_a_batch_settles_against_the_balance_committed_while_it_was_worked_out(hq: HeadOffice):
    """A push works its batch out on balances read without a lock and settles when it
    writes (headoffice/ledger.py, deferred). Here another till's ¥100 spend commits while
    this batch's ¥100 spend is worked out on the ¥50 it read: the batch must settle against
    -¥50, booking a ¥100 receivable and flag, not ¥50, and must not write back the sums it
    read (a lost update would leave balance ≠ sum of entries)."""
    from datetime import datetime

    from headoffice.ledger import Booking, Ledger

    member = str(uuid.uuid4())
    hq.import_members([{"id": member, "name": "会员", "card_no": "900001", "paid_fen": 5_000}])
    at = datetime(2026, 11, 28, 12, 0)
    with hq.sessions() as a_session, a_session.begin():
        late = Ledger(a_session, hq.ids, deferred=True)
        late.preload({member}, set(), set())
        result: dict[str, Any] = {"flags": []}
        late.stored_value(Booking(None, None, "late", at), member, "spend", -10_000, 0,
                          result=result)
        assert result == {"flags": []}                   # not settled yet
        with hq.sessions() as b_session, b_session.begin():   # the other till, meanwhile
            other = Ledger(b_session, hq.ids)
            other.preload({member}, set(), set())
            other.stored_value(Booking(None, None, "first", at), member, "spend", -10_000, 0)
            other.flush()
        late.flush()
    assert result == {"flags": ["overdraft"], "receivable_fen": 10_000}
    account = hq.account(member)
    assert (account["balance_paid_fen"], account["receivable_fen"]) == (-15_000, 15_000)
    with hq.sessions() as s:
        assert ledger_check(s, member)
        assert s.scalar(select(func.sum(ReceivableRow.amount_fen))
                        .where(ReceivableRow.member_id == member)) == 15_000
