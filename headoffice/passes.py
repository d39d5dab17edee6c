"""Count passes (计次卡) at head office, kept from the tills' events.

A till sells a pass on a sale, takes a visit off it on a later sale and refunds its unused
share on a return; each of those events carries the pass movements it made (`passes`: a list
of `{"op": "sold"|"use"|"refund", "pass_id", ...}`; an older till's pass refund names only
`pass_id`). `book()` applies them in the push transaction: `member_passes` holds each pass
with its uses left and status, `member_pass_entries` the append-only movements. The daily run
(`expire()`) closes passes whose last day has passed, with an `expire` entry for the uses that
lapsed. The console's member page and the member page `/m` read `member_view()`."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from headoffice.ledger import Booking
from headoffice.models import MemberPassEntryRow, MemberPassRow, ShopRow

STATUSES = ("active", "used_up", "refunded", "expired")


def moves_of(kind: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The pass movements one event stands for (empty for most events)."""
    moves = payload.get("passes")
    if isinstance(moves, list):
        return [m for m in moves if isinstance(m, dict)]
    if kind == "sale.returned" and payload.get("pass_id"):
        return [{"op": "refund", "pass_id": payload["pass_id"]}]
    return []


def _entry(session: Session, b: Booking, pass_id: str, kind: str, delta: int,
           sale_id: str | None) -> None:
    session.add(MemberPassEntryRow(pass_id=pass_id, kind=kind, uses_delta=delta,
                                   sale_id=sale_id, event_id=b.event_id, shop_id=b.shop_id,
                                   at=b.at))


def book(session: Session, b: Booking, kind: str, payload: dict[str, Any],
         member_id: str | None, raise_flags: bool = True) -> list[str]:
    """Apply one sale event's pass movements; returns the flags it raised (recorded unless
    `raise_flags` is false: a rebuild from stored events, whose flags exist already)."""
    flags: list[str] = []
    if not raise_flags:
        def flag(*_a: Any, **_k: Any) -> None:
            return None
    else:
        from headoffice.ledger import flag
    sale_id = str((payload.get("sale") or {}).get("sale_id") or "")[:36] or None
    for m in moves_of(kind, payload):
        op, pass_id = str(m["op"]), str(m["pass_id"])[:36]
        row = session.get(MemberPassRow, pass_id, with_for_update=True)
        if op == "sold":
            uses = int(m["uses"])
            if row is not None or uses <= 0 or not member_id:
                flag(session, "bad_pass", b, member_id=member_id, pass_id=pass_id, op=op)
                flags.append("bad_pass")
                continue
            expires = m.get("expires_on")
            session.add(MemberPassRow(
                id=pass_id, member_id=member_id, shop_id=b.shop_id, till_id=b.till_id,
                sale_id=sale_id, sku=str(m.get("sku") or "")[:40],
                name=str(m.get("name") or m.get("sku") or "")[:120], uses_total=uses,
                uses_left=uses, price_fen=int(m.get("price_fen") or 0),
                expires_on=date.fromisoformat(expires) if expires else None, status="active",
                sold_at=b.client_at or b.at, updated_at=b.at))
            session.flush()
            _entry(session, b, pass_id, "sold", uses, sale_id)
            continue
        if row is None:
            # A pass sold before its till sent pass movements: nothing to take the use off.
            flag(session, "unknown_pass", b, member_id=member_id, pass_id=pass_id, op=op)
            flags.append("unknown_pass")
            continue
        if op == "use":
            n = int(m.get("uses") or 1)
            if row.status != "active" or row.uses_left < n:
                # The visit happened at the till; head office books it and reviews it.
                flag(session, "pass_overused", b, member_id=row.member_id, pass_id=pass_id,
                     status=row.status, uses_left=row.uses_left)
                flags.append("pass_overused")
            row.uses_left -= n
            if row.status == "active" and row.uses_left <= 0:
                row.status = "used_up"
            _entry(session, b, pass_id, "use", -n, sale_id)
        elif op == "refund":
            _entry(session, b, pass_id, "refund", -max(row.uses_left, 0), sale_id)
            row.uses_left = min(row.uses_left, 0)
            row.status = "refunded"
        else:
            raise ValueError(f"unknown pass movement {op!r}")
        row.updated_at = b.at
    return flags


def expire(session: Session, today: date, now: datetime) -> int:
    """Close the passes whose last day is before `today`: an `expire` entry for the uses
    left. Idempotent (a closed pass is not active any more)."""
    rows = list(session.scalars(select(MemberPassRow).where(
        MemberPassRow.status == "active", MemberPassRow.expires_on < today)
        .with_for_update()))
    for row in rows:
        session.add(MemberPassEntryRow(pass_id=row.id, kind="expire",
                                       uses_delta=-max(row.uses_left, 0), sale_id=None,
                                       event_id=None, shop_id=None, at=now))
        session.execute(update(MemberPassRow).where(MemberPassRow.id == row.id).values(
            uses_left=min(row.uses_left, 0), status="expired", updated_at=now))
    return len(rows)


def member_view(session: Session, member_id: str, today: date) -> list[dict[str, Any]]:
    """A member's passes, newest first: uses left, expiry and status as of `today` (a pass
    past its last day reads as expired before the daily run has closed it)."""
    rows = session.execute(
        select(MemberPassRow, ShopRow.name).outerjoin(ShopRow, ShopRow.id == MemberPassRow.shop_id)
        .where(MemberPassRow.member_id == member_id)
        .order_by(MemberPassRow.sold_at.desc())).all()
    out = []
    for p, shop in rows:
        status = p.status
        if status == "active" and p.expires_on is not None and p.expires_on < today:
            status = "expired"
        out.append({"pass_id": p.id, "name": p.name, "sku": p.sku,
                    "uses_left": max(p.uses_left, 0) if status in ("active", "used_up") else 0,
                    "uses_total": p.uses_total, "expires_on": p.expires_on, "status": status,
                    "price_fen": p.price_fen, "shop": shop or "", "sold_at": p.sold_at})
    return out


def entries(session: Session, pass_id: str) -> list[MemberPassEntryRow]:
    return list(session.scalars(select(MemberPassEntryRow)
                                .where(MemberPassEntryRow.pass_id == pass_id)
                                .order_by(MemberPassEntryRow.id)))
