"""`pos-hq backfill`: rebuild what ingest keeps beside the events from the stored events, for
a database from before these tables existed (or to repair them). Idempotent.

- `daily_figures` and `daily_breakdown`: emptied and counted again from every applied event in
  the inbox, by the very `figures.note()` ingest calls;
- `member_passes` and `member_pass_entries`: emptied and booked again from the events' pass
  movements by `passes.book()` (no flags raised twice), then passes past their last day are
  closed as the daily run does;
- `tier_changes`: for members with no tier history yet, the changes the events show
  (registration, tier entries, member edits head office took) and the console's edits.

All in one transaction: a failure leaves the tables as they were."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_
from sqlalchemy.orm import Session

from headoffice import passes
from headoffice.console import figures
from headoffice.console.models import (
    AuditRow,
    DailyBreakdownRow,
    DailyFigureRow,
    TierChangeRow,
)
from headoffice.ledger import Booking
from headoffice.models import InboxRow, MemberPassEntryRow, MemberPassRow
from pos_app.domain.ledger import LedgerName, entries_of_event

PASS_KINDS = ("sale.completed", "sale.returned", "stored_value.topup",
              "stored_value.refund_balance")


def _tier_moves(kind: str, payload: dict[str, Any], result: dict[str, Any]
                ) -> list[tuple[str, str]]:
    """(member id, tier) an applied event set, in the order it set them."""
    if kind == "member.registered":
        m = payload.get("member") or {}
        return [(str(m["id"]), str(m.get("tier_code") or "regular"))] if m.get("id") else []
    if kind == "member.updated":
        fields = payload.get("fields") or {}
        if "tier_code" in (result.get("taken") or []):
            return [(str(payload["member_id"]), str(fields["tier_code"]))]
        return []
    return [(m.member_id, str(m.entry.tier)) for m in entries_of_event(kind, payload)
            if m.entry.ledger is LedgerName.TIER]


def backfill(s: Session, today: date, now: datetime, chunk: int = 2000) -> dict[str, int]:
    s.execute(delete(DailyFigureRow))
    s.execute(delete(DailyBreakdownRow))
    s.execute(delete(MemberPassEntryRow))
    s.execute(delete(MemberPassRow))
    have_history = set(s.scalars(select(TierChangeRow.member_id).distinct()))
    tiers: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    counts = {"events": 0, "passes": 0, "tier_changes": 0}
    q = (select(InboxRow.event_id, InboxRow.shop_id, InboxRow.till_id, InboxRow.kind,
                InboxRow.payload, InboxRow.result, InboxRow.client_at, InboxRow.received_at)
         .where(InboxRow.status != "rejected")
         .order_by(InboxRow.received_at, InboxRow.till_id, InboxRow.epoch, InboxRow.device_seq))
    # The inbox is read in pages by its order, so a large one never sits in memory at once.
    last: tuple[Any, ...] | None = None
    while True:
        page_q = q
        if last is not None:
            page_q = q.where(tuple_(InboxRow.received_at, InboxRow.till_id, InboxRow.epoch,
                                    InboxRow.device_seq) > tuple_(*last))
        page = s.execute(page_q.add_columns(InboxRow.epoch, InboxRow.device_seq)
                         .limit(chunk)).all()
        if not page:
            break
        for r in page:
            payload, result = json.loads(r.payload), json.loads(r.result or "{}")
            if result.get("status", "applied") != "applied":
                continue
            b = Booking(r.shop_id, r.till_id, r.event_id, r.received_at, r.client_at)
            counts["events"] += 1
            figures.note(s, b, r.kind, payload, result)
            if r.kind in PASS_KINDS:
                member_id = payload.get("member_id")
                passes.book(s, b, r.kind, payload, str(member_id) if member_id else None,
                            raise_flags=False)
            for member_id, tier in _tier_moves(r.kind, payload, result):
                if member_id not in have_history:
                    tiers[member_id].append((r.received_at, tier))
        s.flush()
        last = (page[-1].received_at, page[-1].till_id, page[-1].epoch, page[-1].device_seq)
    for a in s.scalars(select(AuditRow).where(AuditRow.action == "member.edited")
                       .order_by(AuditRow.id)):
        after = json.loads(a.after or "null") or {}
        if "tier_code" in after and a.target not in have_history:
            tiers[a.target].append((a.at, str(after["tier_code"])))
    changes = []
    for member_id, seq in tiers.items():
        previous: str | None = None
        for at, tier in sorted(seq, key=lambda x: x[0]):
            if tier != previous:
                changes.append({"member_id": member_id, "from_tier": previous, "to_tier": tier,
                                "at": at})
                previous = tier
    if changes:
        s.execute(insert(TierChangeRow), changes)
    counts["tier_changes"] = len(changes)
    passes.expire(s, today, now)
    s.flush()
    counts["passes"] = s.scalar(select(func.count()).select_from(MemberPassRow)) or 0
    return counts
