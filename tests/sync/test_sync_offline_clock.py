"""Offline time counts from the last contact by a monotonic ticker, not the wall clock
(issue 12, item 4): a wall clock stepped back cannot stretch the offline window, one stepped
forward cannot be undone by stepping it back, and a till says when its clock disagrees.
Real till on SQLite against a real head office on PostgreSQL; clocks injected, no sleeps."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from headoffice.service import HeadOffice
from pos_app.ports.clock import FixedTicker
from pos_app.ports.headoffice import SpendOutcome
from pos_app.sync.engine import sync_status
from pos_app.sync.ports import SyncError
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, WANG_FANG, TillRig, make_till

pytestmark = pytest.mark.postgres

HOUR = 3600.0


def _till(hq: HeadOffice, live: LiveServer, tmp_path: Path) -> tuple[TillRig, FixedTicker]:
    hq.import_members(HQ_MEMBERS)                          # 王芳: ¥1,000; 72 h offline at most
    till = make_till(hq, live, tmp_path, "S001", "T01")
    ticker = FixedTicker(5 * HOUR)
    till.wiring.engine.ticker = ticker
    till.authoriser.ticker = ticker
    till.sync()                                            # the last contact: ticker 5 h
    till.offline()
    with pytest.raises(SyncError):
        till.sync()                                        # head office gone: offline since
    return till, ticker


def _spend(till: TillRig):
    return till.authoriser.authorise(WANG_FANG, "100003", 1_000, 0)


def test_a_wall_clock_stepped_back_does_not_stretch_the_offline_window(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    till, ticker = _till(hq, live, tmp_path)
    ticker.seconds += 10 * HOUR
    assert _spend(till).outcome == SpendOutcome.OFFLINE    # 10 h offline: allowed
    ticker.seconds += 63 * HOUR                            # 73 h by the ticker...
    till.shop.clock.at -= timedelta(days=2)                # ...while the wall says -2 days
    refused = _spend(till)
    assert (refused.outcome, refused.reason) == (SpendOutcome.DECLINED, "offline_too_long")
    st = sync_status(till.wiring.store, till.shop.clock, ticker=ticker)
    assert st.clock_behind and not st.clock_ahead
    assert st.since_contact == timedelta(hours=73) and st.offline_too_long
    till.close()


def test_a_wall_clock_stepped_forward_counts_and_stepping_it_back_does_not_undo_it(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    till, ticker = _till(hq, live, tmp_path)
    ticker.seconds += 1 * HOUR
    till.shop.clock.at += timedelta(hours=80)              # forward: the stricter reading
    assert _spend(till).reason == "offline_too_long"
    st = sync_status(till.wiring.store, till.shop.clock, ticker=ticker)
    assert st.clock_ahead and st.since_contact >= timedelta(hours=80)
    till.shop.clock.at -= timedelta(hours=80)              # and back: the time was seen
    assert _spend(till).reason == "offline_too_long"
    assert sync_status(till.wiring.store, till.shop.clock, ticker=ticker).clock_behind
    till.online()
    till.sync()                                            # head office reached: a new start
    st = sync_status(till.wiring.store, till.shop.clock, ticker=ticker)
    assert (st.clock_behind, st.clock_ahead, st.since_contact) == (False, False, timedelta(0))
    till.close()


def test_after_a_reboot_the_wall_clock_high_water_mark_still_holds(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    till, ticker = _till(hq, live, tmp_path)
    till.shop.clock.at += timedelta(hours=70)
    ticker.seconds += 70 * HOUR
    assert _spend(till).outcome == SpendOutcome.OFFLINE    # the wall clock seen: +70 h
    ticker.boot, ticker.seconds = "after-reboot", 60.0     # a reboot: ticker starts over
    till.shop.clock.at -= timedelta(days=3)                # and the CMOS clock is wrong
    assert _spend(till).outcome == SpendOutcome.OFFLINE    # 70 h seen: still within 72 h
    till.shop.clock.at += timedelta(days=3, hours=3)       # 73 h since the contact
    assert _spend(till).reason == "offline_too_long"
    till.close()
