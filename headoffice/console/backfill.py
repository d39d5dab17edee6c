"""`pos-hq backfill`: rebuild what ingest keeps beside the events from the stored events, for
a database from before these tables existed (or to repair them). Idempotent.

- `daily_figures` and `daily_breakdown`: emptied and counted again from every applied event in
  the inbox, by the very `figures.note()` ingest calls;
- `member_passes` and `member_pass_entries`: emptied and booked again from the events' pass
  movements by `passes.book()` (no flags raised twice), then passes past their last day are
  closed as the daily run does;
- `tier_changes`: for members with no tier history yet, the changes the events show
  (registration, tier entries, member edits head office took) and the console's edits; then
  every member still without an opening row gets one (`open_histories`).

All in one transaction: a failure leaves the tables as they were."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text, tuple_
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


# Every member without an opening tier-history row gets one: the tier it had before its first
# recorded change, or its tier now if none was recorded, dated when head office first had it.
# Members imported at head office (no event tells of them), and members from before tier
# history was kept, are found here. Migration 0014 runs the same statement once.
OPEN_HISTORIES = text("""
INSERT INTO tier_changes (member_id, from_tier, to_tier, at, reason)
SELECT m.id, NULL, COALESCE(f.from_tier, m.tier_code),
       CASE WHEN f.at < m.created_at THEN f.at ELSE m.created_at END, 'opening'
FROM members m
LEFT JOIN tier_changes f ON f.id = (SELECT t.id FROM tier_changes t WHERE t.member_id = m.id
                                    ORDER BY t.at, t.id LIMIT 1)
WHERE NOT m.stub
  AND NOT EXISTS (SELECT 1 FROM tier_changes o
                  WHERE o.member_id = m.id AND o.from_tier IS NULL)""")


def open_histories(s: Session) -> int:
    """Give every member (not stubs) without an opening tier-history row one; how many."""
    return int(s.execute(OPEN_HISTORIES).rowcount or 0)


def _tier_moves(kind: str, payload: dict[str, Any], result: dict[str, Any]
                ) -> list[tuple[str, str, str]]:
    """(member id, tier, reason) an applied event set, in the order it set them."""
    if kind == "member.registered":
        m = payload.get("member") or {}
        why = "import" if payload.get("source") == "import" else "registered"
        return [(str(m["id"]), str(m.get("tier_code") or "regular"), why)] \
            if m.get("id") else []
    if kind == "member.updated":
        fields = payload.get("fields") or {}
        if "tier_code" in (result.get("taken") or []):
            return [(str(payload["member_id"]), str(fields["tier_code"]), "change")]
        return []
    return [(m.member_id, str(m.entry.tier), "change") for m in entries_of_event(kind, payload)
            if m.entry.ledger is LedgerName.TIER]


def backfill(s: Session, today: date, now: datetime, chunk: int = 2000) -> dict[str, int]:
    s.execute(delete(DailyFigureRow))
    s.execute(delete(DailyBreakdownRow))
    s.execute(delete(MemberPassEntryRow))
    s.execute(delete(MemberPassRow))
    have_history = set(s.scalars(select(TierChangeRow.member_id).distinct()))
    # member -> (when, tier, reason, tier before if known: a console edit's audit row says)
    tiers: dict[str, list[tuple[datetime, str, str, str | None]]] = defaultdict(list)
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
            for member_id, tier, why in _tier_moves(r.kind, payload, result):
                if member_id not in have_history:
                    tiers[member_id].append((r.received_at, tier, why, None))
        s.flush()
        last = (page[-1].received_at, page[-1].till_id, page[-1].epoch, page[-1].device_seq)
    for a in s.scalars(select(AuditRow).where(AuditRow.action == "member.edited")
                       .order_by(AuditRow.id)):
        after = json.loads(a.after or "null") or {}
        if "tier_code" in after and a.target not in have_history:
            before = (json.loads(a.before or "null") or {}).get("tier_code")
            tiers[a.target].append((a.at, str(after["tier_code"]), "change",
                                    str(before) if before else None))
    changes = []
    for member_id, seq in tiers.items():
        seq.sort(key=lambda x: x[0])
        # First known move an edit: it changed the tier the console saw (open_histories below
        # then opens the history with that tier). A till's edit or tier entry does not say
        # what it replaced, so such a first move stays the opening row it has always been.
        previous: str | None = seq[0][3] if seq[0][2] == "change" else None
        for at, tier, why, _before in seq:
            if tier != previous:
                changes.append({"member_id": member_id, "from_tier": previous, "to_tier": tier,
                                "at": at, "reason": why if previous is None else "change"})
                previous = tier
    if changes:
        s.execute(insert(TierChangeRow), changes)
    counts["tier_changes"] = len(changes) + open_histories(s)
    passes.expire(s, today, now)
    s.flush()
    counts["passes"] = s.scalar(select(func.count()).select_from(MemberPassRow)) or 0
    return counts
