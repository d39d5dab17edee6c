"""The sync engine: push the outbox, then pull the streams, then wait; back off on failure.

Qt-free and thread-friendly: the UI runs `SyncEngine.run(stop)` on a worker thread and reads
`sync_status()` for the status bar. Delivery is at-least-once (an event leaves the backlog
only when head office acknowledges it); head office makes the effect at-most-once.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from pos_app.ports.clock import Clock, SystemTicker, Ticker
from pos_app.sync.events import STREAMS
from pos_app.sync.offline_time import CLOCK_TOLERANCE, offline_reading  # noqa: F401
from pos_app.sync.ports import (
    HeadOfficeClient,
    HeadOfficeUnreachable,
    NotEnrolled,
    SyncError,
    SyncRejected,
    SyncState,
    SyncStore,
)

log = logging.getLogger("pos.sync")

PUSH_BATCH = 500          # events per request: head office's maximum, seconds from any timeout
PULL_PAGE = 5000


class PushStalled(SyncError):
    """Head office keeps refusing or missing an event: the backlog cannot move past it."""

    def __init__(self, acked_seq: int, refused: list[dict]) -> None:
        super().__init__(acked_seq)
        self.acked_seq = acked_seq
        self.refused = refused


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    acked_seq: int
    pulled: dict[str, int]


class SyncEngine:
    def __init__(self, store: SyncStore, client: HeadOfficeClient, clock: Clock, *,
                 push_batch: int = PUSH_BATCH, pull_page: int = PULL_PAGE,
                 streams: tuple[str, ...] = STREAMS, ticker: Ticker | None = None) -> None:
        self.store = store
        self.ticker = ticker or SystemTicker()
        self.client = client
        self.clock = clock
        self.push_batch = push_batch
        self.pull_page = pull_page
        self.streams = streams

    def push(self) -> tuple[int, int]:
        """Push until the backlog is empty; returns (events sent, acked seq).

        Each event is settled by head office's answer for it: applied or replayed is
        delivered, refused is final and listed for a person, retry stays pending. The
        acked position only moves over settled events."""
        sent = 0
        while True:
            events = self.store.pending(self.push_batch)
            if not events:
                return sent, self.store.state().acked_seq
            reply = self.client.push(events)
            sent += len(events)
            asked = {e.id for e in events}
            moved = self.store.record_push([r for r in reply.results if r.get("id") in asked],
                                           reply.epoch, self.clock.now())
            if not moved:
                # Head office answered "retry later" for the whole batch: back off.
                raise PushStalled(self.store.state().acked_seq, reply.refused)

    def pull(self) -> dict[str, int]:
        """Pull every stream to its end, card status first; each page in one transaction.

        The next page is fetched while this one is applied (its cursor is known as soon as
        the page arrives); a crash loses nothing, as the stored cursor only moves with a page."""
        counts: dict[str, int] = {}
        note = getattr(self.client, "note_status", None)
        if note is not None:
            note(self.store.state().backlog, self.clock.now())
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as pool:
            for stream in self.streams:
                n = 0
                pending = pool.submit(self.client.pull, stream, self.store.cursor(stream),
                                      self.pull_page)
                while True:
                    page = pending.result()
                    if page.more:
                        pending = pool.submit(self.client.pull, stream, page.cursor,
                                              self.pull_page)
                    try:
                        self.store.apply_page(page, self.clock.now())
                    except BaseException:
                        if page.more:
                            pending.cancel()
                        raise
                    n += len(page.items)
                    if not page.more:
                        break
                counts[stream] = n
        return counts

    def run_once(self) -> SyncReport:
        """One full cycle; records the contact (or the failure) for the status bar."""
        try:
            sent, acked = self.push()
            pulled = self.pull()
        except SyncError as exc:
            self.store.record_contact(self.clock.now(), _describe(exc), self.ticker.reading())
            raise
        self.store.record_contact(self.clock.now(), None, self.ticker.reading())
        return SyncReport(sent, acked, pulled)

    def run(self, stop: threading.Event, interval_s: float = 30.0, backoff_max_s: float = 300.0,
            sleep: Callable[[float], bool] | None = None) -> None:
        """Cycle until `stop` is set: `interval_s` between good cycles, capped exponential
        backoff with jitter after failures (so a chain's tills do not retry in step)."""
        wait = sleep or stop.wait
        failures = 0
        while not stop.is_set():
            try:
                self.run_once()
                failures = 0
                delay = interval_s
            except NotEnrolled:
                log.error("head office refuses this till's key; enrol again (pos sync --enrol)")
                failures += 1
                delay = backoff_max_s
            except SyncError as exc:
                failures += 1
                delay = min(backoff_max_s, 2.0 ** min(failures, 16))
                delay *= random.uniform(0.5, 1.0)
                log.info("sync failed (%s); retrying in %.1f s", _describe(exc), delay)
            except Exception:  # a thread boundary: log, back off, keep the till selling
                log.exception("sync cycle crashed")
                failures += 1
                delay = min(backoff_max_s, 2.0 ** min(failures, 16))
            if wait(delay):
                return


def _describe(exc: Exception) -> str:
    if isinstance(exc, HeadOfficeUnreachable):
        return f"unreachable: {exc.reason}"[:200]
    if isinstance(exc, NotEnrolled):
        return "not enrolled"
    if isinstance(exc, PushStalled):
        return f"push stalled after {exc.acked_seq}"
    if isinstance(exc, SyncRejected):
        return f"rejected {exc.status}"
    return exc.__class__.__name__


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: 在线/离线, the backlog, when head office was last reached."""

    online: bool
    backlog: int
    last_success_at: datetime | None
    offline_since: datetime | None
    offline_too_long: bool
    last_error: str
    refused: int = 0            # events head office refused: the sync screen lists them
    clock_behind: bool = False  # the wall clock is earlier than a time this till has seen
    clock_ahead: bool = False   # the wall clock ran further than the monotonic ticker
    since_contact: timedelta | None = None   # by the stricter reading (offline_time.py)
    epoch: int = 1


def sync_status(store: SyncStore, clock: Clock, offline_warn_hours: int = 72,
                ticker: Ticker | None = None) -> SyncStatus:
    """A snapshot for the UI (e.g. "离线 · 待上传 37"); cheap enough to poll every second."""
    st: SyncState = store.state()
    limit_h = int(st.limits.get("max_offline_hours", offline_warn_hours))
    now = clock.now()
    online = st.last_success_at is not None and st.offline_since is None
    # The stricter reading: a clock that stepped back does not shorten the time offline.
    r = offline_reading(st, now, (ticker or SystemTicker()).reading())
    too_long = st.offline_since is not None and r.since_contact is not None and \
        r.since_contact > timedelta(hours=limit_h)
    return SyncStatus(online, st.backlog, st.last_success_at, st.offline_since, too_long,
                      st.last_error, st.refused, r.clock_behind, r.clock_ahead,
                      r.since_contact, st.epoch)


def sleep_seconds(s: float) -> bool:
    time.sleep(s)
    return False
