"""Every member's tier history opens with the tier it came with and why: imported at head
office or by a till (`import`), registered at a till (`registered`, also after a stub), or,
for members from before the history was kept, the tier found by migration 0014 (`opening`).
The member page shows the reason. Real PostgreSQL, real HTTP."""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import select

from headoffice.console import members as member_pages
from headoffice.console.models import TierChangeRow
from headoffice.db import create_ho_engine
from headoffice.migrate import upgrade
from tests.headoffice.console.conftest import login
from tests.headoffice.hq_rig import enrol_till, sale_event
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA

pytestmark = [pytest.mark.postgres, pytest.mark.integration]
IMPORT_AT = datetime(2026, 11, 28, 4, 0, 0)   # HqClock's time


def _history(hq: Any) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with hq.sessions() as s:
        for r in s.scalars(select(TierChangeRow).order_by(TierChangeRow.id)):
            out.setdefault(r.member_id, []).append((r.from_tier, r.to_tier, r.reason, r.at))
    return out


def _tier_table(html: str) -> str:
    return re.search(r'<table class="list tiers">(.*?)</table>', html, re.S).group(1)


def test_members_imported_at_head_office_open_their_tier_history_as_imported(
        server: Any, hq: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    assert _history(hq) == {m["id"]: [(None, m["tier_code"], "import", IMPORT_AT)]
                            for m in HQ_MEMBERS}
    boss = login(server.url)
    page = boss.get(f"/console/members/{LI_NA}")
    assert page.status_code == 200
    table = _tier_table(page.text)
    assert "导入" in table and "没有等级变化记录" not in table


def _register(seq: int, member_id: str, tier: str, source: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"member": {"id": member_id, "name": f"会员{seq}",
                                          "mobile": f"1390000{seq:04d}", "tier_code": tier}}
    if source:
        payload["source"] = source
    return {"id": str(uuid.uuid4()), "device_seq": seq, "kind": "member.registered",
            "created_at": "2026-11-28T12:00:00", "payload": payload}


def test_a_till_s_imported_registered_and_stub_members_each_open_their_history(
        server: Any, hq: Any) -> None:
    key = enrol_till(hq, server.url, "S001", "T01")
    imported, registered, stub = (str(uuid.uuid4()) for _ in range(3))
    events = [_register(1, imported, "gold", source="import"),
              _register(2, registered, "regular"),
              # A sale of a member head office does not know yet makes a stub; the member's
              # registration arrives after it, with the stub's own tier.
              sale_event(3, member_id=stub),
              _register(4, stub, "regular")]
    r = httpx.post(f"{server.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                   json={"events": events})
    r.raise_for_status()
    assert [e["status"] for e in r.json()["results"]] == ["applied"] * 4, r.json()
    history = {m: [row[:3] for row in rows] for m, rows in _history(hq).items()}
    assert history == {imported: [(None, "gold", "import")],
                       registered: [(None, "regular", "registered")],
                       stub: [(None, "regular", "registered")]}


@pytest.fixture
def db_at_0013(pg_admin_dsn: str) -> Iterator[tuple[Any, str]]:
    name = f"hq_tier_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_admin_dsn.rpartition("/")[0] + "/" + name
    engine = create_ho_engine(url)
    upgrade(engine, "0013")
    yield engine, url
    engine.dispose()
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migration_0014_opens_the_history_of_every_member_without_an_opening_row(
        db_at_0013: tuple[Any, str]) -> None:
    engine, url = db_at_0013
    t0, t1, t2 = datetime(2026, 1, 5, 9), datetime(2026, 3, 1, 10), datetime(2026, 6, 1, 11)
    # imported: no history at all (imported at head office before this fix, or before 0007);
    # upgraded: imported before 0007, its later upgrade recorded; kept: a full history;
    # stub: a member head office only heard of from a sale.
    ids = {k: str(uuid.uuid4()) for k in ("imported", "upgraded", "kept", "stub")}
    with psycopg.connect(url) as conn:
        for key, tier, stub in (("imported", "gold", False), ("upgraded", "diamond", False),
                                ("kept", "gold", False), ("stub", "regular", True)):
            conn.execute("""INSERT INTO members (id, name, mobile, gender, birthday,
                birthday_calendar, consent_messages, tier_code, referrer_id, field_clocks,
                home_shop_id, stub, created_at, updated_at)
                VALUES (%s, %s, NULL, '', NULL, 'solar', false, %s, NULL, '{}', NULL, %s,
                        %s, %s)""", (ids[key], key, tier, stub, t0, t2))
        for key, before, after, at in (("upgraded", "gold", "diamond", t2),
                                       ("kept", None, "regular", t0),
                                       ("kept", "regular", "gold", t1)):
            conn.execute("INSERT INTO tier_changes (member_id, from_tier, to_tier, at) "
                         "VALUES (%s, %s, %s, %s)", (ids[key], before, after, at))
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(TierChangeRow.member_id, TierChangeRow.from_tier,
                                   TierChangeRow.to_tier, TierChangeRow.reason,
                                   TierChangeRow.at).order_by(TierChangeRow.id)).all()
    history: dict[str, list[tuple[Any, ...]]] = {}
    for m, *rest in rows:
        history.setdefault(m, []).append(tuple(rest))
    assert history == {
        ids["imported"]: [(None, "gold", "opening", t0)],
        ids["upgraded"]: [("gold", "diamond", "change", t2), (None, "gold", "opening", t0)],
        ids["kept"]: [(None, "regular", "opening", t0), ("regular", "gold", "change", t1)],
    }
    # The member page lists the filled-in opening row last, below the change it preceded.
    from sqlalchemy.orm import Session
    with Session(engine) as s:
        shown = member_pages.detail(s, ids["upgraded"])["tier_history"]
        assert [(c.from_tier, c.to_tier) for c in shown] == [("gold", "diamond"), (None, "gold")]


def test_a_registration_head_office_rejects_leaves_no_tier_history(
        server: Any, hq: Any) -> None:
    key = enrol_till(hq, server.url, "S001", "T01")
    good, bad = str(uuid.uuid4()), str(uuid.uuid4())
    refused = _register(2, bad, "gold")
    # The member row is written before the card is read; the card's unknown status then
    # rejects the event, and the push reruns event by event with a savepoint each.
    refused["payload"]["card"] = {"card_no": "770000000002", "status": "bogus"}
    r = httpx.post(f"{server.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                   json={"events": [_register(1, good, "regular"), refused]})
    r.raise_for_status()
    assert [e["status"] for e in r.json()["results"]] == ["applied", "refused"], r.json()
    assert set(_history(hq)) == {good}

