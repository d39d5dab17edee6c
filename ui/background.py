"""The one way screens run slow work off the GUI thread: QThreadPool tasks that report back by signals.

Two lanes. The "till" lane has a single thread, so the selling session's calls run one
after the other in the order they were asked for (20 scans in a burst land in order)
and the session is never touched by two threads at once. The "device" lane runs
printing and other device I/O, so a printer that times out never holds up the next scan.
Results come back as queued signals on the GUI thread; background code never touches widgets.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits its signals, so the slots run queued there."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[Exception], None] | None,
                 finish: Callable[[_Relay], None]) -> None:
        super().__init__()
        self._on_done_cb = on_done
        self._on_error_cb = on_error
        self._finish = finish
        self.done.connect(self._on_relay_done)
        self.failed.connect(self._on_relay_failed)

    @Slot(object)
    def _on_relay_done(self, result: Any) -> None:
        try:
            if self._on_done_cb is not None and _alive(self._on_done_cb):
                self._on_done_cb(result)
        finally:
            self._finish(self)

    @Slot(object)
    def _on_relay_failed(self, exc: Exception) -> None:
        try:
            if self._on_error_cb is not None and _alive(self._on_error_cb):
                self._on_error_cb(exc)
            else:
                log.error("background task failed without a handler: %r", exc)
        finally:
            self._finish(self)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - thread boundary: hand it to the GUI thread
            if not _expected(exc):
                log.exception("background task failed")
            self._relay.failed.emit(exc)
            return
        self._relay.done.emit(result)


def _alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a method of a widget that was closed and deleted meanwhile."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _expected(exc: Exception) -> bool:
    from pos_app.domain.errors import PosError     # device errors too (DeviceFailure)
    return isinstance(exc, PosError)


class Background(QObject):
    """run(fn, on_done, on_error) on a lane; `busy` counts unfinished tasks (tests wait on `idle`)."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {"till": QThreadPool(self), "device": QThreadPool(self)}
        self._pools["till"].setMaxThreadCount(1)
        self._pools["device"].setMaxThreadCount(2)
        self._relays: dict[_Relay, str] = {}
        self._busy = {"till": 0, "device": 0}

    @property
    def busy(self) -> int:
        """Tasks not finished yet, on every lane."""
        return sum(self._busy.values())

    def busy_in(self, lane: str) -> int:
        return self._busy[lane]

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None, lane: str = "till") -> None:
        """Call fn() on a pool thread; then on_done(result) or on_error(exc) on the GUI thread."""
        relay = _Relay(on_done, on_error, self._finish)
        self._relays[relay] = lane
        self._busy[lane] += 1
        self._pools[lane].start(_Task(fn, relay))

    def _finish(self, relay: _Relay) -> None:
        lane = self._relays.pop(relay)
        relay.deleteLater()
        self._busy[lane] -= 1
        if self.busy == 0:
            self.idle.emit()

    def wait(self, msecs: int = 30_000) -> None:
        """Block until every pool is empty (shutdown and tests only)."""
        for pool in self._pools.values():
            pool.waitForDone(msecs)
