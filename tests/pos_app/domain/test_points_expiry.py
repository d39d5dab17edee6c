"""Points expiry: oldest points first, the daily job, and what is shown ahead (issue 16)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.errors import ValidationFailed
from pos_app.domain.points_expiry import (
    ExpiryMode,
    ExpiryPolicy,
    PointsMove,
    expiring_soon,
    expiry_due,
    expiry_policy_of,
    lots_of,
)
from pos_app.domain.rules import default_rule_set

TWELVE = ExpiryPolicy(ExpiryMode.MONTHS, 12)
NEXT_YEAR = ExpiryPolicy(ExpiryMode.END_OF_NEXT_YEAR)


def move(y: int, m: int, d: int, n: int, expiry: bool = False) -> PointsMove:
    return PointsMove(datetime(y, m, d, 12), n, expiry)


def test_last_day_for_each_mode():
    assert ExpiryPolicy().last_day(date(2026, 3, 15)) is None
    assert TWELVE.last_day(date(2026, 3, 15)) == date(2027, 3, 15)
    assert ExpiryPolicy(ExpiryMode.MONTHS, 1).last_day(date(2026, 1, 31)) == date(2026, 2, 28)
    assert NEXT_YEAR.last_day(date(2026, 1, 1)) == date(2027, 12, 31)
    assert expiry_policy_of(default_rule_set()).mode is ExpiryMode.NEVER
    with pytest.raises(ValidationFailed):
        default_rule_set().with_changes(points_expiry="sometimes")


def test_spending_takes_the_oldest_points_first_so_the_newer_ones_live_longer():
    moves = [move(2025, 1, 10, 100), move(2025, 6, 1, 50), move(2025, 8, 1, -120)]
    lots, debt = lots_of(moves, TWELVE)
    assert debt == 0 and [(lot.earned_on, lot.left) for lot in lots] == [(date(2025, 6, 1), 30)]
    assert expiry_due(moves, TWELVE, date(2026, 6, 2))[0].points == 30
    assert expiry_due(moves, TWELVE, date(2026, 6, 1)) == []


def test_the_daily_job_is_idempotent_and_keyed_by_member_and_day():
    moves = [move(2025, 1, 10, 100), move(2025, 3, 1, 40), move(2025, 4, 1, -30)]
    due = expiry_due(moves, TWELVE, date(2026, 3, 5))
    assert [(d.last_day, d.points) for d in due] == [(date(2026, 1, 10), 70),
                                                     (date(2026, 3, 1), 40)]
    assert due[0].key("M1") == "expiry:M1:2026-01-10"
    after = moves + [PointsMove(datetime(2026, 3, 5, 1), -d.points, True) for d in due]
    assert expiry_due(after, TWELVE, date(2026, 3, 5)) == []
    assert expiry_due(after, TWELVE, date(2026, 3, 6)) == []


def test_end_of_next_year_and_never():
    moves = [move(2025, 2, 1, 80), move(2026, 5, 1, 20)]
    assert expiry_due(moves, NEXT_YEAR, date(2026, 12, 31)) == []
    assert [(d.last_day, d.points) for d in expiry_due(moves, NEXT_YEAR, date(2027, 1, 1))] == \
        [(date(2026, 12, 31), 80)]
    assert expiry_due(moves, ExpiryPolicy(), date(2040, 1, 1)) == []


def test_points_expiring_soon_for_the_receipt_and_reminders():
    moves = [move(2025, 12, 20, 60), move(2026, 6, 1, 10)]
    assert expiring_soon(moves, TWELVE, date(2026, 12, 1), 30) == (60, date(2026, 12, 20))
    assert expiring_soon(moves, TWELVE, date(2026, 11, 1), 30) == (0, None)


def test_a_negative_balance_is_paid_off_by_the_next_points_first():
    moves = [move(2025, 1, 1, 10), move(2025, 2, 1, -30), move(2025, 3, 1, 50)]
    lots, debt = lots_of(moves, TWELVE)
    assert debt == 0 and [lot.left for lot in lots] == [30]


@given(st.lists(st.tuples(st.integers(0, 900), st.integers(-200, 300)), min_size=1,
                max_size=30), st.integers(0, 1_500))
def test_expiry_never_takes_more_than_the_balance_and_running_twice_adds_nothing(raw, day_no):
    base = date(2025, 1, 1).toordinal()
    moves = [PointsMove(datetime.combine(date.fromordinal(base + d), datetime.min.time()), n)
             for d, n in sorted(raw) if n]
    today = date.fromordinal(base + day_no)
    balance = sum(m.spendable for m in moves)
    due = expiry_due(moves, TWELVE, today)
    assert sum(d.points for d in due) <= max(balance, 0)
    booked = moves + [PointsMove(datetime.combine(today, datetime.min.time()), -d.points, True)
                      for d in due]
    assert expiry_due(booked, TWELVE, today) == []
