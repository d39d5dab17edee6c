"""Business days: head office keeps UTC; shops count days in the chain's time zone."""
from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def business_tz() -> ZoneInfo:
    return ZoneInfo(os.environ.get("POS_HQ_TZ", "Asia/Shanghai"))


def business_day(now_utc: datetime) -> date:
    return now_utc.replace(tzinfo=UTC).astimezone(business_tz()).date()


def local_time(at_utc: datetime | None) -> str:
    if at_utc is None:
        return ""
    return at_utc.replace(tzinfo=UTC).astimezone(business_tz()).strftime("%Y-%m-%d %H:%M")


def period_starts(today: date) -> dict[str, date]:
    return {"today": today, "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1)}
