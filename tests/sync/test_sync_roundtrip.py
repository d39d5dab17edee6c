"""A till's outbox reaches head office exactly once; head office's members reach the till."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from headoffice.ledger import ledger_check
from headoffice.models import InboxRow, PointsEntryRow, SaleRow, StoredValueEntryRow
from headoffice.service import HeadOffice
from pos_app.sync.ports import HeadOfficeUnreachable
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, make_till

pytestmark = pytest.mark.postgres


def hq_counts(hq: HeadOffice) -> dict[str, int]:
    with hq.sessions() as s:
        return {n: s.scalar(select(func.count()).select_from(t)) for n, t in
                (("sales", SaleRow), ("sv", StoredValueEntryRow), ("points", PointsEntryRow),
                 ("inbox", InboxRow))}


def test_a_new_till_pulls_the_members_and_its_sales_reach_head_office(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    report = a.sync()
    assert report.pulled["members"] == 3 and report.pulled["cards"] == 3
    assert a.account(LI_NA) == (10_000, 0, 990, 1500)
    sale = a.sell("100002", sv_fen=5_000)          # Gold: ¥88, ¥50 from the balance
    assert sale.member.points_earned == 8
    report = a.sync()
    assert report.acked_seq == a.wiring.store.state().acked_seq >= 2
    assert a.wiring.store.backlog() == 0
    acct = hq.account(LI_NA)
    assert (acct["balance_paid_fen"], acct["spendable_points"]) == (5_000, 998)
    assert a.account(LI_NA) == (5_000, 0, 998, 1508)
    with hq.sessions() as s:
        assert ledger_check(s, LI_NA)


def test_a_response_lost_after_head_office_committed_books_everything_once(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    a.sell("100002", sv_fen=5_000)
    before = hq_counts(hq)
    a.faults.plan = ["drop_response"]              # the push commits, its answer is lost
    with pytest.raises(HeadOfficeUnreachable):
        a.sync()
    assert a.wiring.store.backlog() == 1           # the sale: not acknowledged
    a.sync()
    after = hq_counts(hq)
    assert after["sales"] == before["sales"] + 1
    assert after["sv"] == before["sv"] + 1 and after["points"] == before["points"] + 1
    assert hq.account(LI_NA)["balance_paid_fen"] == 5_000
    assert a.account(LI_NA)[0] == 5_000
    assert a.wiring.store.backlog() == 0
