"""Points expiry (积分有效期): lots, oldest first, and the daily expiry entries.

Rule-set options (`points_expiry`): "never", "months" (points earned on 2026-03-15 with
`points_expiry_months` = 12 can be spent until 2027-03-15 and lapse after it) or
"end_of_next_year" (points earned in 2026 lapse after 2027-12-31). Every positive spendable entry is a lot dated when it was booked; every
negative spendable entry (a redemption, points as cash, a return, an expiry) takes the
oldest points first. The daily job writes one EXPIRY entry per member and expiry day for the
points of lots past their date still unspent. It is a pure function of the ledger: run twice
it writes nothing the second time, and head office and the till, holding the same entries,
write the same entries (each keyed by member and expiry day, booked once on either side).
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from pos_app.domain.errors import ValidationFailed
from pos_app.domain.rules import RuleSet


class ExpiryMode(StrEnum):
    NEVER = "never"
    MONTHS = "months"
    END_OF_NEXT_YEAR = "end_of_next_year"


@dataclass(frozen=True)
class ExpiryPolicy:
    mode: ExpiryMode = ExpiryMode.NEVER
    months: int = 24

    def __post_init__(self) -> None:
        if self.mode is ExpiryMode.MONTHS and self.months <= 0:
            raise ValidationFailed("points_expiry_months", "a positive number of months")

    def last_day(self, earned_on: date) -> date | None:
        """The last day points earned on `earned_on` can be spent (None: never lapse)."""
        if self.mode is ExpiryMode.NEVER:
            return None
        if self.mode is ExpiryMode.END_OF_NEXT_YEAR:
            return date(earned_on.year + 1, 12, 31)
        month0 = earned_on.month - 1 + self.months
        year, month = earned_on.year + month0 // 12, month0 % 12 + 1
        day = min(earned_on.day, calendar.monthrange(year, month)[1])
        return date(year, month, day)


@dataclass(frozen=True)
class PointsMove:
    """One spendable-points entry as the expiry job sees it."""

    at: datetime
    spendable: int
    is_expiry: bool = False


@dataclass(frozen=True)
class Lot:
    earned_on: date
    last_day: date | None
    left: int


def lots_of(moves: Iterable[PointsMove], policy: ExpiryPolicy) -> tuple[list[Lot], int]:
    """The lots still holding points, oldest first, and any debt (negative balance) that
    future points pay off first."""
    lots: list[list] = []   # [earned_on, last_day, left]
    debt = 0
    for m in sorted(moves, key=lambda x: x.at):
        if m.spendable > 0:
            n = m.spendable
            pay = min(debt, n)
            debt -= pay
            n -= pay
            if n:
                d = m.at.date()
                lots.append([d, policy.last_day(d), n])
        elif m.spendable < 0:
            need = -m.spendable
            for lot in lots:
                if not need:
                    break
                take = min(lot[2], need)
                lot[2] -= take
                need -= take
            lots = [lot for lot in lots if lot[2] > 0]
            debt += need
    return [Lot(a, b, c) for a, b, c in lots], debt


@dataclass(frozen=True)
class ExpiryDue:
    last_day: date
    points: int

    def key(self, member_id: str) -> str:
        """The one id of this expiry at the till and at head office."""
        return f"expiry:{member_id}:{self.last_day.isoformat()}"


def expiry_due(moves: Sequence[PointsMove], policy: ExpiryPolicy, today: date
               ) -> list[ExpiryDue]:
    """What the daily job books for one member on `today`: the unspent points of every lot
    whose last day is before today, one entry per last day."""
    lots, _ = lots_of(moves, policy)
    out: dict[date, int] = {}
    for lot in lots:
        if lot.last_day is not None and lot.last_day < today:
            out[lot.last_day] = out.get(lot.last_day, 0) + lot.left
    return [ExpiryDue(d, n) for d, n in sorted(out.items())]


def expiring_soon(moves: Sequence[PointsMove], policy: ExpiryPolicy, today: date,
                  days: int = 30) -> tuple[int, date | None]:
    """(points that lapse within `days` days from today, the first such day) for the
    receipt, the member panel and the reminder list."""
    lots, _ = lots_of(moves, policy)
    horizon = today + timedelta(days=days)
    soon = [lot for lot in lots if lot.last_day is not None and today <= lot.last_day <= horizon]
    if not soon:
        return 0, None
    return sum(lot.left for lot in soon), min(lot.last_day for lot in soon if lot.last_day)


def expiry_policy_of(rules: RuleSet) -> ExpiryPolicy:
    """The expiry policy of a rule set."""
    return ExpiryPolicy(ExpiryMode(rules.points_expiry), rules.points_expiry_months)
