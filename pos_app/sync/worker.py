"""The background thread the cashier app runs sync on (never the GUI thread)."""
from __future__ import annotations

import logging
import threading

from pos_app.sync.engine import SyncEngine

log = logging.getLogger("pos.sync")


class SyncWorker:
    """Runs `SyncEngine.run` on a daemon thread; `wake()` syncs now (e.g. after a sale)."""

    def __init__(self, engine: SyncEngine, interval_s: float = 30.0,
                 backoff_max_s: float = 300.0) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self.backoff_max_s = backoff_max_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread; again after `stop()` too (a restore that failed resumes sync)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pos-sync", daemon=True)
        self._thread.start()

    def _wait(self, seconds: float) -> bool:
        self._wake.wait(seconds)
        self._wake.clear()
        return self._stop.is_set()

    def _run(self) -> None:
        self.engine.run(self._stop, interval_s=self.interval_s,
                        backoff_max_s=self.backoff_max_s, sleep=self._wait)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the thread to finish its current request and end; waits up to timeout_s."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
