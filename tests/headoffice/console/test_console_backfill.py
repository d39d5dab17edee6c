"""`pos-hq backfill` on a database from before the figures, report figures, passes and tier
history were kept: emptied, they are rebuilt from the stored events (and the console's audited
edits) exactly as ingest kept them; a second run changes nothing. A real till's sales and
passes, pushed events and a console edit, on PostgreSQL."""
from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from headoffice.cli import main as pos_hq
from headoffice.console.models import DailyBreakdownRow, DailyFigureRow, TierChangeRow
from headoffice.models import MemberPassEntryRow, MemberPassRow
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.headoffice.console.conftest import login
from tests.headoffice.console.test_console_reports import _sale
from tests.headoffice.hq_rig import enrol_till
from tests.sync.sync_rig import HQ_MEMBERS, make_till

pytestmark = [pytest.mark.postgres, pytest.mark.integration]
NEW_MEMBER = "0190f000-0000-7000-8000-0000000000aa"


def _state(hq: Any) -> dict[str, Any]:
    with hq.sessions() as s:
        def rows(model: Any, cols: tuple[str, ...], order: Any) -> list[tuple]:
            return [tuple(getattr(r, c) for c in cols)
                    for r in s.scalars(select(model).order_by(*order))]
        fig_cols = tuple(c.name for c in DailyFigureRow.__table__.columns)
        return {
            "figures": rows(DailyFigureRow, fig_cols, (DailyFigureRow.day,
                                                       DailyFigureRow.shop_id)),
            "breakdown": rows(DailyBreakdownRow, tuple(
                c.name for c in DailyBreakdownRow.__table__.columns),
                (DailyBreakdownRow.day, DailyBreakdownRow.shop_id,
                 DailyBreakdownRow.dimension, DailyBreakdownRow.key)),
            "passes": rows(MemberPassRow, tuple(c.name for c in MemberPassRow.__table__.columns),
                           (MemberPassRow.id,)),
            "pass_entries": rows(MemberPassEntryRow, ("pass_id", "kind", "uses_delta",
                                                      "sale_id", "event_id", "shop_id", "at"),
                                 (MemberPassEntryRow.id,)),
            "tiers": rows(TierChangeRow, ("member_id", "from_tier", "to_tier", "at", "reason"),
                          (TierChangeRow.id,)),
        }


def test_backfill_rebuilds_figures_passes_and_tier_history_from_the_stored_events(
        server: Any, hq: Any, pg_url: str, tmp_path: Any, capsys: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    till = make_till(hq, server, tmp_path, "S001", "T01")
    till.sync()
    s = till.shop.services.selling.new_session()
    s.attach_card("100002")
    s.add("2*WASH10")
    s.add("REG100")
    s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], till.cashier)
    s = till.shop.services.selling.new_session()
    s.attach_card("100002")
    held = [p for p in s.view().passes if p.uses_left > 0]
    s.use_pass(held[0].id)
    s.complete([], till.cashier)
    till.shop.services.returns.refund_pass(held[1].id, till.cashier, till.shop.manager)
    till.sell()                                           # a non-member sale
    till.sync()
    key = enrol_till(hq, server.url, "S002", "T02")
    register = {"id": "reg-aa", "device_seq": 1, "kind": "member.registered",
                "created_at": "2026-11-28T12:00:00",
                "payload": {"member": {"id": NEW_MEMBER, "name": "赵六", "mobile": "13900001234",
                                       "tier_code": "regular"}}}
    r = httpx.post(f"{server.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                   json={"events": [register, _sale(2, "赵收银", [("TEA01", 2_000)],
                                                    [("cash", 2_000)])]})
    r.raise_for_status()
    boss = login(server.url)
    r = boss.post(f"/console/members/{NEW_MEMBER}/edit",
                  data={"csrf": boss.csrf, "name": "赵六", "mobile": "13900001234",
                        "tier_code": "gold", "birthday_calendar": "solar"})
    assert r.status_code in (200, 303), r.text[:300]
    kept = _state(hq)
    assert kept["figures"] and kept["breakdown"] and len(kept["passes"]) == 2
    new_member_history = [(t[1], t[2], t[4]) for t in kept["tiers"] if t[0] == NEW_MEMBER]
    assert new_member_history == [(None, "regular", "registered"), ("regular", "gold", "change")]
    imported = {m["id"] for m in HQ_MEMBERS}
    assert sorted((t[0], t[1], t[2], t[4]) for t in kept["tiers"] if t[0] in imported) == \
        sorted((m["id"], None, m["tier_code"], "import") for m in HQ_MEMBERS)

    # A database from before these tables: all of them empty.
    def wipe(s: Any) -> None:
        for model in (DailyFigureRow, DailyBreakdownRow, MemberPassEntryRow, MemberPassRow,
                      TierChangeRow):
            s.execute(delete(model))
    hq.transaction(wipe)
    assert not any(_state(hq).values())
    capsys.readouterr()
    assert pos_hq(["--db", pg_url, "backfill", "--day", "2026-11-28"]) == 0
    assert '"passes": 2' in capsys.readouterr().out
    rebuilt = _state(hq)
    for name in ("figures", "breakdown", "passes", "pass_entries"):
        assert rebuilt[name] == kept[name], name
    # Tier history: what the events and the console's edits show; members imported at head
    # office came from no event, so they get an opening row with their tier (the reason says
    # it was filled in, not that they were imported: nothing stored says so).
    assert [t for t in rebuilt["tiers"] if t[0] == NEW_MEMBER] == \
        [t for t in kept["tiers"] if t[0] == NEW_MEMBER]
    assert sorted(t for t in rebuilt["tiers"] if t[0] != NEW_MEMBER) == \
        sorted(t[:4] + ("opening",) for t in kept["tiers"] if t[0] in imported)
    # Idempotent: a second run gives the same tables.
    assert pos_hq(["--db", pg_url, "backfill", "--day", "2026-11-28"]) == 0
    assert _state(hq) == rebuilt
    till.close()
