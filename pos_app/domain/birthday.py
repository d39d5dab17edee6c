"""Birthdays in the solar or the lunar (农历) calendar, leap months included."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lunar_python import LunarMonth, LunarYear, Solar

from pos_app.domain.errors import ValidationFailed


class Calendar(StrEnum):
    SOLAR = "solar"
    LUNAR = "lunar"


@dataclass(frozen=True)
class Birthday:
    """A member's birthday; for the lunar calendar month/day are lunar and `leap` marks 闰月."""

    calendar: Calendar
    year: int | None
    month: int
    day: int
    leap: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValidationFailed("birthday", "month must be 1-12")
        limit = 30 if self.calendar is Calendar.LUNAR else 31
        if not 1 <= self.day <= limit:
            raise ValidationFailed("birthday", f"day must be 1-{limit}")
        if self.leap and self.calendar is Calendar.SOLAR:
            raise ValidationFailed("birthday", "only lunar birthdays have leap months")

    def to_text(self) -> str:
        """Stored form: YYYY-MM-DD, with an 'L' before the month for a lunar leap month."""
        year = f"{self.year:04d}" if self.year else "0000"
        return f"{year}-{'L' if self.leap else ''}{self.month:02d}-{self.day:02d}"

    @staticmethod
    def parse(text: str, calendar_: Calendar | str) -> Birthday:
        """Parse '1990-04-15' (or '1990-L04-15' / '1990-闰04-15' for a lunar leap month)."""
        cal = Calendar(calendar_)
        parts = text.strip().replace("/", "-").split("-")
        if len(parts) != 3:
            raise ValidationFailed("birthday", f"expected YYYY-MM-DD, got {text!r}")
        y, m, d = parts
        leap = m.startswith(("L", "闰"))
        if leap:
            m = m[1:]
        try:
            year, month, day = int(y), int(m), int(d)
        except ValueError:
            raise ValidationFailed("birthday", f"expected YYYY-MM-DD, got {text!r}") from None
        bday = Birthday(cal, year or None, month, day, leap)
        if cal is Calendar.SOLAR and year:
            try:
                date(year, month, day)
            except ValueError:
                raise ValidationFailed("birthday", f"no such date {text!r}") from None
        return bday

    def falls_on(self, day: date) -> bool:
        """True if `day` is this birthday's anniversary in its calendar."""
        if self.calendar is Calendar.SOLAR:
            if self.month == 2 and self.day == 29 and not calendar.isleap(day.year):
                return (day.month, day.day) == (2, 28)
            return (day.month, day.day) == (self.month, self.day)
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        month = lunar.getMonth()          # negative for a leap month
        lunar_year = lunar.getYear()
        target = self._lunar_month_in(lunar_year)
        if month != target:
            return False
        days_in_month = LunarMonth.fromYm(lunar_year, target).getDayCount()
        # Born on the 30th of a long month: celebrated on the 29th when the month is short.
        return lunar.getDay() == min(self.day, days_in_month)

    def _lunar_month_in(self, lunar_year: int) -> int:
        # A birthday in a leap month is kept in that leap month in years that have it and
        # in the ordinary month of the same number otherwise (the common custom).
        if self.leap and LunarYear.fromYear(lunar_year).getLeapMonth() == self.month:
            return -self.month
        return self.month

    def occurrence_on(self, day: date) -> str | None:
        """The key of the birthday occurrence `day` is (YYYYMMDD), or None if it is not one.

        Benefits are once per occurrence, not per solar year: a lunar birthday can fall twice
        in one solar year (lunar 11-25 was 2024-01-06 and again 2024-12-25)."""
        return day.strftime("%Y%m%d") if self.falls_on(day) else None

