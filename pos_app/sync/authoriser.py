"""SpendAuthoriser over head office: online approval with a short timeout, else the offline
allowance (reference/offline-sync.md §3: per card min(balance, cap) and N uses per offline
period, a per-shop exposure cap, nothing after max_offline_hours without contact)."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from pos_app.ports.clock import Clock, SystemTicker, Ticker
from pos_app.ports.headoffice import SpendAuthorisation, SpendOutcome
from pos_app.sync.ports import (
    HeadOfficeClient,
    HeadOfficeUnreachable,
    NotEnrolled,
    SyncStore,
)

log = logging.getLogger("pos.sync")
from pos_app.sync.offline_time import offline_reading
DEFAULT_LIMITS = {"card_cap_fen": 50_000, "card_max_uses": 3, "card_points_cap": 5_000,
                  "shop_exposure_fen": 500_000, "max_offline_hours": 72}


class HeadOfficeSpendAuthoriser:
    def __init__(self, client: HeadOfficeClient | None, store: SyncStore, clock: Clock,
                 timeout_s: float = 3.0, retry_online_after_s: float = 20.0,
                 ticker: Ticker | None = None) -> None:
        self.client = client
        self.ticker = ticker or SystemTicker()
        self.store = store
        self.clock = clock
        self.timeout_s = timeout_s
        # After head office failed to answer, the next payments go straight to the offline
        # allowance for a while instead of each making the cashier wait out a timeout.
        self.retry_online_after_s = retry_online_after_s
        self._offline_until = 0.0
        self._failed_at: datetime | None = None

    def authorise(self, member_id: str, card_no: str, stored_value_fen: int,
                  points: int) -> SpendAuthorisation:
        if self.client is not None and self._worth_asking():
            try:
                r = self.client.authorise(member_id, card_no, stored_value_fen, points,
                                          self.timeout_s)
            except (HeadOfficeUnreachable, NotEnrolled) as exc:
                log.info("spend authorisation offline (%s)", exc.__class__.__name__)
                self._offline_until = time.monotonic() + self.retry_online_after_s
                self._failed_at = self.clock.now()
            else:
                if r.decision == "approved":
                    return SpendAuthorisation(SpendOutcome.APPROVED, "", r.auth_id)
                return SpendAuthorisation(SpendOutcome.DECLINED, r.reason)
        return self.offline(member_id, card_no, stored_value_fen, points)

    def _worth_asking(self) -> bool:
        if time.monotonic() >= self._offline_until or self._failed_at is None:
            return True
        last = self.store.state().last_success_at     # the sync worker got through since
        return last is not None and last > self._failed_at

    def offline(self, member_id: str, card_no: str, stored_value_fen: int,
                points: int) -> SpendAuthorisation:
        """Decide without head office and, if allowed, book the use of the allowance."""
        now = self.clock.now()
        # Time offline by the stricter reading: the monotonic ticker since the last contact
        # or the wall clock (never earlier than the latest time this till has seen),
        # whichever is longer. Allowances are counted per offline window (contacts with
        # head office), never by comparing clock times.
        self.store.note_wall_clock(now)
        st = self.store.state()
        limits = {**DEFAULT_LIMITS, **st.limits}
        r = offline_reading(st, now, self.ticker.reading())
        if r.clock_behind or r.clock_ahead:
            log.warning("the till's clock disagrees with the time since the last contact "
                        "(%s); using the stricter reading (%s)",
                        "behind" if r.clock_behind else "ahead", r.by)
        if r.since_contact is not None and r.since_contact > timedelta(
                hours=limits["max_offline_hours"]):
            return SpendAuthorisation(SpendOutcome.DECLINED, "offline_too_long")
        used_fen, used_pts, uses = self.store.offline_used(member_id)
        known_fen, known_pts = self.store.known_balance(member_id)
        left_fen = max(0, min(limits["card_cap_fen"] - used_fen, known_fen))
        left_pts = max(0, min(limits["card_points_cap"] - used_pts, known_pts))
        if uses >= limits["card_max_uses"]:
            return SpendAuthorisation(SpendOutcome.DECLINED, "offline_uses_exhausted",
                                      allowance_left_fen=left_fen, allowance_left_points=left_pts)
        if stored_value_fen > left_fen or points > left_pts:
            return SpendAuthorisation(SpendOutcome.DECLINED, "offline_allowance_exceeded",
                                      allowance_left_fen=left_fen, allowance_left_points=left_pts)
        if self.store.shop_offline_exposure() + stored_value_fen > limits["shop_exposure_fen"]:
            return SpendAuthorisation(SpendOutcome.DECLINED, "shop_exposure_exceeded",
                                      allowance_left_fen=left_fen, allowance_left_points=left_pts)
        self.store.record_offline_spend(member_id, card_no, stored_value_fen, points, now)
        return SpendAuthorisation(SpendOutcome.OFFLINE, "", None, stored_value_fen, points,
                                  left_fen - stored_value_fen, left_pts - points)
