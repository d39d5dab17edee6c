"""Online spend authorisation: approve a stored-value or points spend against the chain-wide
balance less open holds, and hold it; and the offline spending limits every till pulls."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from headoffice.models import AuthorisationRow, CardRow, DocumentRow, MemberAccountRow

if TYPE_CHECKING:
    from headoffice.enrolment import TillIdentity
    from headoffice.service import HeadOffice

DEFAULT_LIMITS = {
    # Offline spending (reference/offline-sync.md §3): per card per offline period, a cap
    # and a count; per shop a total exposure; and no stored-value spending at all after
    # max_offline_hours without contact.
    "card_cap_fen": 50_000, "card_max_uses": 3, "card_points_cap": 5_000,
    "shop_exposure_fen": 500_000, "max_offline_hours": 72,
    "auth_hold_minutes": 10, "pull_interval_s": 30,
}


@dataclass(frozen=True)
class Decision:
    decision: str                # approved | declined
    reason: str = ""
    auth_id: str | None = None
    balance_fen: int = 0
    spendable_points: int = 0
    limits: dict[str, int] = field(default_factory=dict)


def read_limits(session: Session) -> dict[str, int]:
    """The offline limits in force: the settings document over the defaults."""
    row = session.execute(select(DocumentRow.body).where(
        DocumentRow.stream == "settings", DocumentRow.key == "offline_limits")
    ).scalar_one_or_none()
    return {**DEFAULT_LIMITS, **(json.loads(row) if row else {})}


def limits(ho: HeadOffice, s: Session | None = None) -> dict[str, int]:
    if s is not None:
        return read_limits(s)
    with ho.sessions() as session:
        return read_limits(session)


def authorise(ho: HeadOffice, who: TillIdentity, member_id: str, card_no: str,
              stored_value_fen: int, points: int) -> Decision:
    """Approve a spend against the chain-wide balance less holds, and hold it."""
    def work(s: Session) -> Decision:
        now = ho.clock()
        limits = read_limits(s)
        card = s.execute(select(CardRow.status, CardRow.member_id)
                         .where(CardRow.card_no == card_no)).first()
        acct = s.execute(select(MemberAccountRow).where(
            MemberAccountRow.member_id == member_id).with_for_update()).scalar_one_or_none()
        if card is None or acct is None or card.member_id != member_id:
            return Decision("declined", "unknown_card", limits=limits)
        if card.status != "active":
            return Decision("declined", f"card_{card.status}", limits=limits)
        held_fen, held_pts = s.execute(select(
            func.coalesce(func.sum(AuthorisationRow.stored_value_fen), 0),
            func.coalesce(func.sum(AuthorisationRow.points), 0)).where(
            AuthorisationRow.member_id == member_id, AuthorisationRow.consumed_by.is_(None),
            AuthorisationRow.expires_at > now)).one()
        balance = acct.balance_paid_fen + acct.balance_bonus_fen - int(held_fen)
        spendable = acct.spendable_points - int(held_pts)
        if stored_value_fen > balance:
            return Decision("declined", "insufficient_balance", balance_fen=balance,
                            spendable_points=spendable, limits=limits)
        if points > spendable:
            return Decision("declined", "insufficient_points", balance_fen=balance,
                            spendable_points=spendable, limits=limits)
        auth_id = ho.ids.new_id()
        s.add(AuthorisationRow(id=auth_id, member_id=member_id, card_no=card_no,
                               shop_id=who.shop_id, till_id=who.till_id,
                               stored_value_fen=stored_value_fen, points=points,
                               expires_at=now + timedelta(minutes=limits["auth_hold_minutes"]),
                               consumed_by=None, created_at=now))
        return Decision("approved", "", auth_id, balance - stored_value_fen,
                        spendable - points, limits)
    return ho.transaction(work)
