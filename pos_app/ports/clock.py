"""Time as the core sees it: injected, so tests and reports use a fixed clock."""
from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current local wall-clock time (naive, the till's local time)."""
        ...


class SystemClock:
    """The machine's wall clock, local time, second precision."""

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)


class FixedClock:
    """A clock that says what it is told; tests move it by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class Ticker(Protocol):
    """A clock that only moves forward: elapsed time that a wall-clock step cannot change."""

    def reading(self) -> tuple[str, float]:
        """(boot id, seconds): seconds only grow within one boot id; compare two readings
        only when their boot ids are equal."""
        ...


_PROCESS_BOOT = f"process:{os.getpid()}:{time.time_ns()}"


def _boot_id() -> str:
    try:   # Linux: one id per boot, so readings compare across restarts of the app
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            return "boot:" + f.read().strip()
    except OSError:   # elsewhere: comparable within this process only
        return _PROCESS_BOOT


class SystemTicker:
    """time.monotonic() with the boot it belongs to."""

    def __init__(self) -> None:
        self.boot = _boot_id()

    def reading(self) -> tuple[str, float]:
        return self.boot, time.monotonic()


class FixedTicker:
    """A ticker tests move by hand (`seconds += ...`, or a new `boot` after a restart)."""

    def __init__(self, seconds: float = 1000.0, boot: str = "test-boot") -> None:
        self.seconds = seconds
        self.boot = boot

    def reading(self) -> tuple[str, float]:
        return self.boot, self.seconds


class IdSource(Protocol):
    def new_id(self) -> str:
        """A new globally unique id string."""
        ...
