"""The chain-wide ledgers: append an entry, move the cached sums, book and recover receivables.

A late offline spend is always booked (the goods are gone). When it takes the balance below
zero the shortfall becomes a receivable and a flag; the member's next top-up recovers it.
Balance = sum of entries, always: the receivable is a record about the balance, not money.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from headoffice.models import (FlagRow, MemberAccountRow, MemberRow, PointsEntryRow,
                               ReceivableRow, StoredValueEntryRow)
from pos_app.domain.ids import UuidV7Source


@dataclass
class Booking:
    """Where an entry comes from: the shop/till of the API key, the event, the time."""

    shop_id: str | None
    till_id: str | None
    event_id: str | None
    at: datetime
    client_at: datetime | None = None


def flag(session: Session, kind: str, b: Booking, *, member_id: str | None = None,
         card_no: str | None = None, **detail: Any) -> None:
    session.execute(insert(FlagRow).values(
        kind=kind, shop_id=b.shop_id, till_id=b.till_id, member_id=member_id, card_no=card_no,
        event_id=b.event_id, detail=json.dumps(detail, sort_keys=True, default=str), at=b.at))


def ensure_member(session: Session, member_id: str, b: Booking) -> bool:
    """Make a stub member for an id head office has not seen (flagged); True if it existed."""
    if session.get(MemberRow, member_id) is not None:
        return True
    session.add(MemberRow(id=member_id, name="", mobile=None, gender="", birthday=None,
                          birthday_calendar="solar", consent_messages=False,
                          tier_code="regular", referrer_id=None, field_clocks="{}",
                          home_shop_id=b.shop_id, stub=True, created_at=b.at, updated_at=b.at))
    session.flush()
    session.add(MemberAccountRow(member_id=member_id, balance_paid_fen=0, balance_bonus_fen=0,
                                 spendable_points=0, accumulated_points=0, receivable_fen=0,
                                 version=0))
    session.flush()
    flag(session, "unknown_member", b, member_id=member_id)
    return False


def book_stored_value(session: Session, ids: UuidV7Source, b: Booking, member_id: str,
                      kind: str, paid: int, bonus: int, *, sale_id: str | None = None,
                      auth_id: str | None = None, offline: bool = False,
                      flagged: str = "") -> tuple[str, int]:
    """Book one entry; returns its id and the receivable it created (0 if none)."""
    entry_id = ids.new_id()
    session.execute(insert(StoredValueEntryRow).values(
        id=entry_id, member_id=member_id, shop_id=b.shop_id, till_id=b.till_id,
        event_id=b.event_id, kind=kind, paid_delta_fen=paid, bonus_delta_fen=bonus,
        sale_id=sale_id, auth_id=auth_id, offline=offline, flagged=flagged,
        client_at=b.client_at, booked_at=b.at, period=b.at.strftime("%Y-%m")))
    # One atomic UPDATE ... RETURNING: concurrent pushes for one member serialise on the row.
    paid_after, bonus_after, receivable = session.execute(
        update(MemberAccountRow).where(MemberAccountRow.member_id == member_id)
        .values(balance_paid_fen=MemberAccountRow.balance_paid_fen + paid,
                balance_bonus_fen=MemberAccountRow.balance_bonus_fen + bonus,
                version=MemberAccountRow.version + 1)
        .returning(MemberAccountRow.balance_paid_fen, MemberAccountRow.balance_bonus_fen,
                   MemberAccountRow.receivable_fen)).one()
    total_after = paid_after + bonus_after
    total_before = total_after - paid - bonus
    shortfall = max(0, -total_after) - max(0, -total_before)
    if shortfall > 0:
        session.execute(insert(ReceivableRow).values(
            member_id=member_id, shop_id=b.shop_id, event_id=b.event_id or entry_id,
            amount_fen=shortfall, recovered_fen=0, created_at=b.at))
        session.execute(update(MemberAccountRow).where(MemberAccountRow.member_id == member_id)
                        .values(receivable_fen=MemberAccountRow.receivable_fen + shortfall))
        flag(session, "overdraft", b, member_id=member_id, shortfall_fen=shortfall,
             balance_fen=total_after)
    elif shortfall < 0 and receivable > 0:
        _recover(session, member_id, min(-shortfall, receivable), b, entry_id)
    return entry_id, max(shortfall, 0)


def _recover(session: Session, member_id: str, amount: int, b: Booking, entry_id: str) -> None:
    """A top-up pays back open receivables, oldest first."""
    left = amount
    for r in session.scalars(select(ReceivableRow).where(
            ReceivableRow.member_id == member_id,
            ReceivableRow.recovered_fen < ReceivableRow.amount_fen)
            .order_by(ReceivableRow.id).with_for_update()):
        if left <= 0:
            break
        take = min(left, r.amount_fen - r.recovered_fen)
        r.recovered_fen += take
        r.recovered_by = b.event_id or entry_id
        if r.recovered_fen == r.amount_fen:
            r.recovered_at = b.at
        left -= take
    session.flush()
    session.execute(update(MemberAccountRow).where(MemberAccountRow.member_id == member_id)
                    .values(receivable_fen=MemberAccountRow.receivable_fen - (amount - left)))


def book_points(session: Session, ids: UuidV7Source, b: Booking, member_id: str, kind: str,
                spendable: int, accumulated: int, *, sale_id: str | None = None,
                flagged: str = "") -> str:
    entry_id = ids.new_id()
    session.execute(insert(PointsEntryRow).values(
        id=entry_id, member_id=member_id, shop_id=b.shop_id, event_id=b.event_id, kind=kind,
        spendable_delta=spendable, accumulated_delta=accumulated, sale_id=sale_id,
        flagged=flagged, booked_at=b.at))
    session.execute(update(MemberAccountRow).where(MemberAccountRow.member_id == member_id)
                    .values(spendable_points=MemberAccountRow.spendable_points + spendable,
                            accumulated_points=MemberAccountRow.accumulated_points + accumulated,
                            version=MemberAccountRow.version + 1))
    return entry_id


def ledger_check(session: Session, member_id: str) -> bool:
    """The cached sums equal the sums of the entries."""
    from sqlalchemy import func
    a = session.execute(select(MemberAccountRow.balance_paid_fen,
                               MemberAccountRow.balance_bonus_fen,
                               MemberAccountRow.spendable_points,
                               MemberAccountRow.accumulated_points)
                        .where(MemberAccountRow.member_id == member_id)).one_or_none()
    if a is None:
        return True
    paid, bonus = session.execute(select(
        func.coalesce(func.sum(StoredValueEntryRow.paid_delta_fen), 0),
        func.coalesce(func.sum(StoredValueEntryRow.bonus_delta_fen), 0))
        .where(StoredValueEntryRow.member_id == member_id)).one()
    sp, acc = session.execute(select(
        func.coalesce(func.sum(PointsEntryRow.spendable_delta), 0),
        func.coalesce(func.sum(PointsEntryRow.accumulated_delta), 0))
        .where(PointsEntryRow.member_id == member_id)).one()
    return tuple(a) == (paid, bonus, sp, acc)
