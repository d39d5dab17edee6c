"""Time as the core sees it: injected, so tests and reports use a fixed clock."""
from __future__ import annotations

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


class IdSource(Protocol):
    def new_id(self) -> str:
        """A new globally unique id string."""
        ...
