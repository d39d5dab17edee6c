"""The device layer's error hierarchy: each error carries what the UI needs to tell the cashier what to do."""
from __future__ import annotations

# Bad swipes are a domain concept (the wedge filter in ui/ parses them too), so
# the parser's error lives in the core; it is re-exported here so driver users
# find every error a reader can report in one place.
from pos_app.domain.errors import DeviceFailure
from pos_app.domain.magstripe import CardNumberUnavailable, TrackParseError

__all__ = [
    "CardNumberUnavailable",
    "DeviceError",
    "DeviceNotResponding",
    "PortLost",
    "PortUnavailable",
    "ProtocolError",
    "ReaderStatusError",
    "TrackParseError",
]


class DeviceError(DeviceFailure):
    """Base of every failure a serial device driver reports (the printer's are PrinterFailure
    and the IC reader's CardIoError: all three are the core's DeviceFailure)."""


class PortUnavailable(DeviceError):
    """The port could not be opened (unplugged, wrong name, in use by another program)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot open {self.url}: {self.reason}"


class PortLost(DeviceError):
    """An open port stopped working (cable pulled, USB adapter reset); the driver will try to reopen it."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return f"lost {self.url}: {self.reason}"


class DeviceNotResponding(DeviceError):
    """The device did not answer a command in time (wrong device, wrong baud rate, powered off)."""

    def __init__(self, url: str, command: bytes, timeout_s: float) -> None:
        super().__init__(url, command, timeout_s)
        self.url = url
        self.command = command
        self.timeout_s = timeout_s

    def __str__(self) -> str:
        return f"{self.url} did not answer {self.command.hex(' ')} within {self.timeout_s:g} s"


class ProtocolError(DeviceError):
    """The device sent bytes that do not fit its protocol; reason says what was wrong, never the card data."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


class ReaderStatusError(DeviceError):
    """A reader answered with a failure status byte (MSR605 '1' read error, '9' swipe too fast/slow, ...)."""

    def __init__(self, url: str, status: int, meaning: str) -> None:
        super().__init__(url, status, meaning)
        self.url = url
        self.status = status
        self.meaning = meaning

    def __str__(self) -> str:
        return f"{self.url}: status {chr(self.status)!r} ({self.meaning})"
