"""Count passes (计次卡) at head office: a real till sells two passes, takes a visit off one
and refunds the other, then syncs; head office keeps both passes from those events and the
console's member page and the member page `/m` show them with their uses left and expiry;
the daily run closes a pass past its last day. PostgreSQL, real HTTP, a real till."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from headoffice import passes
from headoffice.models import FlagRow, MemberPassEntryRow
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.headoffice.console.conftest import add_user, login
from tests.headoffice.member_site.member_rig import MemberHq, text_of
from tests.sync.sync_rig import LI_NA, make_till

pytestmark = pytest.mark.postgres


def _entries(hq: Any, pass_id: str) -> list[tuple[str, int]]:
    with hq.sessions() as s:
        return [(e.kind, e.uses_delta) for e in passes.entries(s, pass_id)]


def test_a_tills_passes_sold_used_refunded_and_expired_are_kept_at_head_office(
        member_hq: MemberHq, tmp_path: Any) -> None:
    hq = member_hq.ho
    add_user(hq, "maria", "membership")
    till = make_till(hq, SimpleNamespace(url=member_hq.base), tmp_path, "S001", "T01")
    till.sync()
    s = till.shop.services.selling.new_session()
    s.attach_card("100002")
    s.add("2*WASH10")                                    # two 洗车10次卡, ¥300 each before the discount
    s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], till.cashier)
    s = till.shop.services.selling.new_session()
    s.attach_card("100002")
    held = [p for p in s.view().passes if p.uses_left > 0]
    assert len(held) == 2
    used, refunded = held[0].id, held[1].id
    s.use_pass(used)                                     # one visit, free
    s.complete([], till.cashier)
    till.shop.services.returns.refund_pass(refunded, till.cashier, till.shop.manager)
    till.sync()
    assert till.wiring.store.backlog() == 0

    assert _entries(hq, used) == [("sold", 10), ("use", -1)]
    assert _entries(hq, refunded) == [("sold", 10), ("refund", -10)]
    with hq.sessions() as db:
        view = {p["pass_id"]: p for p in passes.member_view(db, LI_NA, date(2026, 11, 28))}
        assert not db.scalars(select(FlagRow)).all()
    assert (view[used]["uses_left"], view[used]["status"], view[used]["expires_on"]) == \
        (9, "active", date(2027, 11, 28))
    assert (view[refunded]["uses_left"], view[refunded]["status"]) == (0, "refunded")
    assert view[used]["name"] == "洗车10次卡" and view[used]["price_fen"] == 26_400   # gold: 8.8折

    # The console's member page shows both, from head office's own pass table.
    maria = login(member_hq.base, "maria")
    page = text_of(maria.get(f"/console/members/{LI_NA}").text)
    assert "计次卡" in page and "9 / 10" in page and "已退" in page and "2027-11-28" in page

    # The member's own page shows the pass they can still use.
    web = member_hq.client()
    member_hq.sign_in(web, "13800002222")
    home = text_of(web.get("/m/").text)
    assert "洗车10次卡 剩 9 次 · 2027-11-28 到期" in home and home.count("洗车10次卡") == 1

    # A year on, the pass is past its last day: shown expired at once, closed by the daily run.
    hq.clock.at = datetime(2027, 11, 29, 4, 0, 0)
    page = text_of(login(member_hq.base, "maria").get(f"/console/members/{LI_NA}").text)
    assert "已过期" in page
    web = member_hq.client()
    member_hq.sign_in(web, "13800002222")
    assert "洗车10次卡" not in text_of(web.get("/m/").text)
    assert hq.run_daily_jobs(date(2027, 11, 29))["passes_expired"] == 1
    assert hq.run_daily_jobs(date(2027, 11, 29))["passes_expired"] == 0
    assert _entries(hq, used) == [("sold", 10), ("use", -1), ("expire", -9)]
    with hq.sessions() as db:
        assert db.scalars(select(MemberPassEntryRow.kind).where(
            MemberPassEntryRow.pass_id == refunded)).all() == ["sold", "refund"]
    till.close()
