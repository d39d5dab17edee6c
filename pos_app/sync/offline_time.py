"""How long this till has been without head office, by the stricter of two readings.

The wall clock can be stepped either way (a flat CMOS battery, a cashier "fixing" the date);
the monotonic ticker cannot, but only compares within one boot. So the time since the last
contact is the longer of:
- the ticker's elapsed seconds since the contact, when the machine has not rebooted since;
- the wall clock's reading, never earlier than the latest time this till has seen.
A wall clock more than the tolerance behind either reading is reported (`clock_behind`); one
ahead of the ticker too (`clock_ahead`). Offline allowances themselves are counted per
offline window (contacts with head office), never by time; this reading only decides the
"no stored-value spending after max_offline_hours" rule and the status bar.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pos_app.sync.ports import SyncState

CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class OfflineReading:
    since_contact: timedelta | None   # None: never reached head office
    by: str                           # "ticker" or "wall": which reading was the longer
    clock_behind: bool
    clock_ahead: bool


def offline_reading(st: SyncState, now: datetime, tick: tuple[str, float] | None,
                    tolerance: timedelta = CLOCK_TOLERANCE) -> OfflineReading:
    behind = st.wall_high is not None and now < st.wall_high - tolerance
    if st.last_success_at is None:
        return OfflineReading(None, "wall", behind, False)
    latest = max(now, st.wall_high or now)
    wall = latest - st.last_success_at
    raw = now - st.last_success_at
    ticker = None
    if tick is not None and st.contact_boot and tick[0] == st.contact_boot \
            and st.contact_mono is not None:
        ticker = timedelta(seconds=max(0.0, tick[1] - st.contact_mono))
    ahead = False
    if ticker is not None:
        behind = behind or raw < ticker - tolerance
        ahead = raw > ticker + tolerance
        if ticker > wall:
            return OfflineReading(ticker, "ticker", behind, ahead)
    return OfflineReading(wall, "wall", behind, ahead)
