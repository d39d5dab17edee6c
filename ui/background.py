"""The one way screens run slow work off the GUI thread: QThreadPool tasks that report back by signals.

Two lanes. The "till" lane has a single thread, so the selling session's calls run one
after the other in the order they were asked for (20 scans in a burst land in order)
and the session is never touched by two threads at once. The "device" lane runs
printing and other device I/O, so a printer that times out never holds up the next scan.
Results come back as queued signals on the GUI thread; background code never touches widgets.
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """One per Background, living on the GUI thread as long as it does: pool threads emit its
    signals with the task's number, so the slots run queued on the GUI thread.

    A relay per task, handed to the pool thread, crashed the process now and then (a
    segmentation fault inside emit): the GUI thread could run the result and delete that
    relay while the pool thread was still inside emit(), and the pool thread could drop the
    last reference to it and destroy a GUI-thread object there. This one is never handed
    over and never deleted while a task can still emit."""

    done = Signal(int, object)
    failed = Signal(int, object)


class _Task(QRunnable):
    def __init__(self, number: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._number = number
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - thread boundary: hand it to the GUI thread
            if not _expected(exc):
                log.exception("background task failed")
            self._relay.failed.emit(self._number, exc)
            return
        self._relay.done.emit(self._number, result)


def _alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a method of a widget that was closed and deleted meanwhile."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _expected(exc: Exception) -> bool:
    from pos_app.domain.errors import PosError     # device errors too (DeviceFailure)
    return isinstance(exc, PosError)


@dataclass
class _Pending:
    lane: str
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None


class Background(QObject):
    """run(fn, on_done, on_error) on a lane; `busy` counts unfinished tasks (tests wait on `idle`)."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {"till": QThreadPool(self), "device": QThreadPool(self)}
        self._pools["till"].setMaxThreadCount(1)
        self._pools["device"].setMaxThreadCount(2)
        # Made after the pools: children are destroyed in the order they were made, so the
        # pools wait for their tasks before the relay those tasks emit on goes.
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._numbers = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
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
        number = next(self._numbers)
        self._pending[number] = _Pending(lane, on_done, on_error)
        self._busy[lane] += 1
        self._pools[lane].start(_Task(number, fn, self._relay))

    @Slot(int, object)
    def _on_done(self, number: int, result: Any) -> None:
        pending = self._pending.pop(number)
        try:
            if pending.on_done is not None and _alive(pending.on_done):
                pending.on_done(result)
        finally:
            self._finish(pending.lane)

    @Slot(int, object)
    def _on_failed(self, number: int, exc: Exception) -> None:
        pending = self._pending.pop(number)
        try:
            if pending.on_error is not None and _alive(pending.on_error):
                pending.on_error(exc)
            else:
                log.error("background task failed without a handler: %r", exc)
        finally:
            self._finish(pending.lane)

    def _finish(self, lane: str) -> None:
        self._busy[lane] -= 1
        if self.busy == 0:
            self.idle.emit()

    def wait(self, msecs: int = 30_000) -> None:
        """Block until every pool is empty (shutdown and tests only)."""
        for pool in self._pools.values():
            pool.waitForDone(msecs)
