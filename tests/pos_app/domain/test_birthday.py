"""Solar and lunar (农历) birthdays, leap months included."""
from __future__ import annotations

from datetime import date

import pytest

from pos_app.domain.birthday import Birthday, Calendar
from pos_app.domain.errors import ValidationFailed


def test_solar_birthday_falls_on_its_day_every_year():
    b = Birthday.parse("1990-03-15", "solar")
    assert b.falls_on(date(2026, 3, 15))
    assert not b.falls_on(date(2026, 3, 16))


def test_leap_day_birthday_is_kept_on_28_february_in_common_years():
    b = Birthday.parse("2000-02-29", "solar")
    assert b.falls_on(date(2026, 2, 28))
    assert b.falls_on(date(2028, 2, 29))
    assert not b.falls_on(date(2028, 2, 28))


def test_lunar_birthday_moves_in_the_solar_calendar():
    # 农历四月十六 was 2023-06-03 and is 2024-05-23 (checked against the 2023/2024 almanac).
    b = Birthday.parse("1985-04-16", "lunar")
    assert b.falls_on(date(2023, 6, 3))
    assert b.falls_on(date(2024, 5, 23))
    assert not b.falls_on(date(2024, 6, 3))


def test_lunar_leap_month_birthday_uses_the_leap_month_when_the_year_has_it():
    # 2023 has a leap second month (闰二月 starts 2023-03-22); 2025 has 闰六月 instead.
    born_in_leap = Birthday.parse("2023-L02-01", "lunar")
    assert born_in_leap.falls_on(date(2023, 3, 22))
    # Ordinary 二月初一 2023 was 2023-02-20: a leap-month birthday is not that day.
    assert not born_in_leap.falls_on(date(2023, 2, 20))
    # In 2024 (no leap 2nd month) the ordinary 二月初一 (2024-03-10) is the day.
    assert born_in_leap.falls_on(date(2024, 3, 10))
    ordinary = Birthday.parse("1990-02-01", "lunar")
    assert ordinary.falls_on(date(2023, 2, 20))
    assert not ordinary.falls_on(date(2023, 3, 22))


def test_lunar_30th_is_kept_on_the_29th_in_a_short_month():
    # 2023 二月 (ordinary) has 30 days; 2024 二月 has 30 days too; 2023 闰二月 has 29 days.
    b = Birthday(Calendar.LUNAR, 2000, 2, 30, leap=True)
    assert b.falls_on(date(2023, 4, 19))  # 闰二月廿九 2023, the last day of that month


def test_bad_birthdays_are_refused_with_a_reason():
    with pytest.raises(ValidationFailed):
        Birthday.parse("1990-13-01", "solar")
    with pytest.raises(ValidationFailed):
        Birthday.parse("1990-02-30", "solar")
    with pytest.raises(ValidationFailed):
        Birthday.parse("1990-L02-01", "solar")
    with pytest.raises(ValidationFailed):
        Birthday.parse("yesterday", "lunar")


def test_birthday_text_round_trips():
    for text, cal in (("1990-04-16", "lunar"), ("2023-L02-01", "lunar"), ("1977-12-31", "solar")):
        assert Birthday.parse(text, cal).to_text() == text
