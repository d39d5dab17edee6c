"""A refused event resolved in head office's console worklist is resolved on the till that
sent it at its next pull (headoffice/refusals.py), audited on both sides; other tills are
untouched. Real tills on SQLite, real head office on PostgreSQL, the console over HTTP."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditRow as TillAuditRow
from headoffice.console.models import AuditRow as HqAuditRow
from headoffice.service import HeadOffice
from tests.headoffice.console.conftest import add_user, login
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, TillRig, make_till

pytestmark = pytest.mark.postgres


def refused_event(till: TillRig) -> str:
    """A cash movement far beyond any sane amount: head office refuses it for good."""
    with till.shop.uow() as uow:
        uow.outbox.append("cash.moved", {"amount_fen": 10 ** 15, "note": "typo"},
                          till.shop.clock.now())
        uow.commit()
    till.sync()
    [row] = till.wiring.store.refused_events()
    assert row["reason"] == "number_out_of_range"
    return row["id"]


def test_a_refusal_resolved_in_the_console_worklist_is_resolved_on_its_till_after_a_pull(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S001", "T02")
    a.sync(), b.sync()
    event_id = refused_event(a)
    [flag] = hq.flags("event_refused")
    assert flag["event_id"] == event_id
    add_user(hq, "boss", "admin")
    boss = login(live.url, "boss")
    page = boss.get("/console/worklist")
    assert page.status_code == 200 and "number_out_of_range" in page.text
    r = boss.post(f"/console/worklist/flag/{flag['id']}",
                  data={"csrf": boss.csrf, "comment": "typed ¥10万亿 by mistake; re-entered",
                        "resolve": "on"})
    assert r.status_code == 303, r.text[:300]
    assert a.wiring.store.state().refused == 1          # not before the till pulls
    a.sync(), b.sync()
    st = a.wiring.store.state()
    assert (st.refused, st.backlog) == (0, 0)
    [row] = a.wiring.store.refused_events(include_resolved=True)
    assert row["id"] == event_id and row["resolved_at"] is not None
    with a.shop.uow.engine.connect() as c:
        [audit] = c.execute(select(TillAuditRow.action, TillAuditRow.target, TillAuditRow.detail)
                            .where(TillAuditRow.action == "sync.refusal_resolved")).all()
    detail = json.loads(audit.detail)
    assert audit.target == event_id and detail["by"] == "head office"
    assert detail["user"] == "boss" and detail["reason"] == "number_out_of_range"
    assert "re-entered" not in audit.detail              # the comment stays at head office
    with hq.sessions() as s:
        actions = s.scalars(select(HqAuditRow.action).where(
            HqAuditRow.action == "flag.resolved")).all()
    assert actions == ["flag.resolved"]
    with b.shop.uow.engine.connect() as c:               # the other till: nothing to resolve
        assert c.execute(select(TillAuditRow.id).where(
            TillAuditRow.action == "sync.refusal_resolved")).all() == []
    a.close(), b.close()


def test_a_refusal_resolved_on_the_till_is_audited_with_the_manager_and_the_note(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    event_id = refused_event(a)
    manager = a.shop.manager
    assert a.wiring.store.resolve_refused(event_id, a.shop.clock.now(), manager.id,
                                          "re-entered by hand")
    assert not a.wiring.store.resolve_refused(event_id, a.shop.clock.now(), manager.id)
    with a.shop.uow.engine.connect() as c:
        [audit] = c.execute(select(TillAuditRow.user_id, TillAuditRow.detail)
                            .where(TillAuditRow.action == "sync.refusal_resolved")).all()
    assert audit.user_id == manager.id
    assert json.loads(audit.detail)["note"] == "re-entered by hand"
    assert len(hq.flags("event_refused")) == 1           # head office keeps its own flag
    a.close()
