"""The reminder run (`pos-hq messages remind`): birthday greetings, low stored-value balance,
points about to lapse (under the rule set's expiry policy) and cards about to expire, each through MessagingService (consent, 回T退订, quiet hours,
frequency cap, message log). Running it twice on one day sends nothing new."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from headoffice.member_site.messaging import MessagingService
from headoffice.models import (CardRow, MemberAccountRow, MemberRow, MessageLogRow,
                               PointsEntryRow)
from pos_app.domain.money import format_yuan
from pos_app.services.reports import birthday_keys


def _already(s: Session, member_id: str, purpose: str, since: datetime) -> bool:
    return s.execute(select(MessageLogRow.id).where(
        MessageLogRow.member_id == member_id, MessageLogRow.purpose == purpose,
        MessageLogRow.at >= since).limit(1)).first() is not None


def _points_expiring(ho: Any, today: date, consenting: Any, limit: int
                     ) -> list[tuple[str, str, dict[str, str]]]:
    """Consenting members whose spendable points lapse within the rule set's notice period
    (points_expiry.expiring_soon, the same rule as the receipt and the member page)."""
    from headoffice.promotions import current_rules, points_moves
    from pos_app.domain.points_expiry import ExpiryMode, expiring_soon, expiry_policy_of
    out: list[tuple[str, str, dict[str, str]]] = []
    with ho.sessions() as s:
        rules = current_rules(s)
        policy = expiry_policy_of(rules)
        if policy.mode is ExpiryMode.NEVER:
            return out
        members = s.execute(
            select(MemberRow.id, MemberRow.mobile).where(
                consenting, MemberRow.id.in_(select(PointsEntryRow.member_id).distinct()))
            .order_by(MemberRow.id).limit(limit)).all()
        for member_id, mobile in members:
            points, first = expiring_soon(points_moves(s, member_id), policy, today,
                                          rules.points_expiry_notice_days)
            if points > 0 and first is not None:
                out.append((member_id, mobile, {"points": str(points),
                                                "date": first.isoformat()}))
    return out


def send_reminders(ho: Any, messaging: MessagingService, today: date,
                   low_balance_fen: int = 5_000, card_days: int = 30,
                   limit: int = 10_000) -> dict[str, dict[str, int]]:
    """One pass over today's reminders; returns {purpose: {status: count}}."""
    since = datetime.combine(today, datetime.min.time()) - timedelta(hours=8)  # China midnight
    out: dict[str, dict[str, int]] = {}

    def note(purpose: str, status: str) -> None:
        out.setdefault(purpose, {}).setdefault(status, 0)
        out[purpose][status] += 1

    def run(purpose: str, rows: list[tuple[str, str, dict[str, str]]]) -> None:
        for member_id, mobile, params in rows:
            def work(s: Session, member_id: str = member_id, mobile: str = mobile,
                     params: dict[str, str] = params) -> str:
                if _already(s, member_id, purpose, since):
                    return "already"
                return messaging.send(s, member_id, mobile, purpose, params).status
            note(purpose, ho.transaction(work))

    keys = birthday_keys(today, 1)
    with ho.sessions() as s:
        consenting = and_(MemberRow.consent_messages.is_(True), MemberRow.mobile.is_not(None),
                          MemberRow.stub.is_(False))
        birthdays = []
        for calendar, md in keys:
            birthdays += [(m.id, m.mobile, {"name": m.name}) for m in s.execute(
                select(MemberRow.id, MemberRow.mobile, MemberRow.name).where(
                    consenting, MemberRow.birthday_calendar == calendar,
                    MemberRow.birthday.like(f"%{md}")).limit(limit))]
        low = [(m.id, m.mobile, {"balance": format_yuan(m.total)}) for m in s.execute(
            select(MemberRow.id, MemberRow.mobile,
                   (MemberAccountRow.balance_paid_fen + MemberAccountRow.balance_bonus_fen)
                   .label("total"))
            .join(MemberAccountRow, MemberAccountRow.member_id == MemberRow.id)
            .where(consenting,
                   MemberAccountRow.balance_paid_fen + MemberAccountRow.balance_bonus_fen > 0,
                   MemberAccountRow.balance_paid_fen + MemberAccountRow.balance_bonus_fen
                   < low_balance_fen).limit(limit))]
        expiring = [(m.id, m.mobile, {"card": m.card_no[-4:], "date": m.expires_on.isoformat()})
                    for m in s.execute(
                        select(MemberRow.id, MemberRow.mobile, CardRow.card_no, CardRow.expires_on)
                        .join(CardRow, CardRow.member_id == MemberRow.id)
                        .where(consenting, CardRow.status == "active",
                               CardRow.expires_on >= today,
                               CardRow.expires_on <= today + timedelta(days=card_days))
                        .limit(limit))]
    run("birthday", birthdays)
    run("low_balance", low)
    run("points_expiring", _points_expiring(ho, today, consenting, limit))
    run("card_expiring", expiring)
    return out
