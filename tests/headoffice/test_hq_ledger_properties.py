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
