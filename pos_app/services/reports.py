"""Manager reports: sales by dimension, member analysis, reminders, points liability (rules §9)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from lunar_python import Solar

from pos_app.domain.birthday import Birthday, Calendar
from pos_app.domain.errors import ValidationFailed
from pos_app.domain.rules import RuleSet, default_rule_set
from pos_app.ports.clock import Clock

DIMENSIONS = ("day", "cashier", "tender", "category", "product", "hour")


@dataclass(frozen=True)
class ReportRow:
    key: str
    count: int        # sales (or lines for product/category)
    qty: int
    amount_fen: int


@dataclass(frozen=True)
class MemberAnalysis:
    members: int
    active_members: int          # bought in the period
    new_members: int
    sales_count: int
    member_sales_count: int
    revenue_fen: int
    member_revenue_fen: int
    member_avg_ticket_fen: int   # 客单价
    non_member_avg_ticket_fen: int
    points_liability: int        # spendable points outstanding
    stored_value_liability_fen: int

    @property
    def member_share_of_sales_bp(self) -> int:
        return self.member_sales_count * 10_000 // self.sales_count if self.sales_count else 0

    @property
    def member_share_of_revenue_bp(self) -> int:
        return self.member_revenue_fen * 10_000 // self.revenue_fen if self.revenue_fen else 0


@dataclass(frozen=True)
class Reminder:
    kind: str          # birthday, low_balance, expiring, dormant, redeemable
    member_id: str
    name: str
    mobile: str | None
    detail: str        # e.g. the date of the birthday, the balance, the expiry
    consent: bool      # the member agreed to messages


class ReportQueries(Protocol):
    def __enter__(self) -> ReportQueries: ...
    def __exit__(self, *exc: object) -> None: ...
    def sales_by(self, dimension: str, start: datetime, end: datetime) -> list[ReportRow]: ...
    def member_figures(self, start: datetime, end: datetime) -> dict[str, int]: ...
    def birthdays_on(self, keys: list[tuple[str, str]], limit: int) -> list[Reminder]:
        """Members whose stored birthday (calendar, 'MM-DD' or 'LMM-DD') is among the keys."""
        ...
    def low_balance(self, below_fen: int, limit: int) -> list[Reminder]: ...
    def expiring(self, until: date, limit: int) -> list[Reminder]: ...
    def dormant(self, since: datetime, limit: int) -> list[Reminder]: ...
    def redeemable(self, points: int, limit: int) -> list[Reminder]: ...


class ReportQueriesFactory(Protocol):
    def __call__(self) -> ReportQueries: ...


class ReportService:
    """Read-only figures for managers; nothing here writes."""

    def __init__(self, queries: ReportQueriesFactory, clock: Clock,
                 rules: Callable[[], RuleSet] | None = None) -> None:
        self._q = queries
        self._clock = clock
        # Reminders read the rule set in force (the first gift step), never a fixed number.
        self._rules = rules or (lambda: default_rule_set())

    def sales(self, dimension: str, start: date, end: date) -> list[ReportRow]:
        """Sales (net of returns) from `start` to `end` inclusive, grouped by a dimension."""
        if dimension not in DIMENSIONS:
            raise ValidationFailed("by", f"report by one of {', '.join(DIMENSIONS)}")
        if end < start:
            raise ValidationFailed("to", "the end date is before the start date")
        with self._q() as q:
            return q.sales_by(dimension, _start(start), _start(end + timedelta(days=1)))

    def members(self, start: date, end: date) -> MemberAnalysis:
        with self._q() as q:
            f = q.member_figures(_start(start), _start(end + timedelta(days=1)))
        non_member_sales = f["sales_count"] - f["member_sales_count"]
        return MemberAnalysis(
            members=f["members"], active_members=f["active_members"],
            new_members=f["new_members"], sales_count=f["sales_count"],
            member_sales_count=f["member_sales_count"], revenue_fen=f["revenue_fen"],
            member_revenue_fen=f["member_revenue_fen"],
            member_avg_ticket_fen=(f["member_revenue_fen"] // f["member_sales_count"]
                                   if f["member_sales_count"] else 0),
            non_member_avg_ticket_fen=((f["revenue_fen"] - f["member_revenue_fen"])
                                       // non_member_sales if non_member_sales else 0),
            points_liability=f["points_liability"],
            stored_value_liability_fen=f["stored_value_liability_fen"])

    def reminders(self, days: int = 7, low_balance_fen: int = 5_000, expiring_days: int = 30,
                  dormant_days: int = 90, limit: int = 500) -> list[Reminder]:
        """Birthdays in the coming days (solar and lunar), low balances, cards expiring,
        dormant members and members who reached a redemption step."""
        if not 0 < days <= 366:
            raise ValidationFailed("days", "look ahead 1 to 366 days")
        today = self._clock.now().date()
        keys = birthday_keys(today, days)
        with self._q() as q:
            out = q.birthdays_on(keys, limit)
            out += q.low_balance(low_balance_fen, limit)
            out += q.expiring(today + timedelta(days=expiring_days), limit)
            out += q.dormant(_start(today - timedelta(days=dormant_days)), limit)
            out += q.redeemable(self._rules().ladder_first_points, limit)
        return out


def _start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def birthday_keys(today: date, days: int) -> list[tuple[str, str]]:
    """(calendar, stored month-day) pairs whose birthday falls in the next `days` days.

    Lunar birthdays are matched by computing each coming day's lunar date (leap months and
    short months handled as Birthday.falls_on does), so one indexed query finds them.
    """
    keys: set[tuple[str, str]] = set()
    for n in range(days):
        day = today + timedelta(days=n)
        keys.add(("solar", f"{day:%m-%d}"))
        if (day.month, day.day) == (2, 28) and not _is_leap(day.year):
            keys.add(("solar", "02-29"))
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        month, lday = lunar.getMonth(), lunar.getDay()
        for leap in (False, True):
            for d in {lday, 30} if lday == 29 else {lday}:
                candidate = Birthday(Calendar.LUNAR, None, abs(month), d, leap)
                if candidate.falls_on(day):
                    keys.add(("lunar", candidate.to_text()[5:]))
    return sorted(keys)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
