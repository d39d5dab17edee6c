"""Ports for the till's input devices and its customer display (see ARCHITECTURE.md §7).

Readers and scanners run their own threads and call plain callbacks from
them; the device wiring (ui/device_wiring.py) turns those calls into Qt signals.
Keyboard-wedge devices need no driver: ui/wedge.py recognises their bursts.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol

from pos_app.domain.magstripe import Swipe

__all__ = [
    "BarcodeHandler",
    "BarcodeScanner",
    "CustomerDisplay",
    "DeviceState",
    "ErrorHandler",
    "MagCardReader",
    "StateHandler",
    "SwipeHandler",
]


class DeviceState(enum.Enum):
    """Where a device driver is: opening its port, ready for input, offline (retrying), or stopped."""

    CONNECTING = "connecting"
    READY = "ready"
    OFFLINE = "offline"
    STOPPED = "stopped"


SwipeHandler = Callable[[Swipe], None]
BarcodeHandler = Callable[[str], None]
# Receives the driver's typed errors (a bad swipe, a lost port); never card data.
ErrorHandler = Callable[[Exception], None]
StateHandler = Callable[[DeviceState], None]


class MagCardReader(Protocol):
    """A magnetic-stripe reader that reports each swipe once, from its own thread, until stopped."""

    def start(
        self,
        on_swipe: SwipeHandler,
        on_error: ErrorHandler | None = None,
        on_state: StateHandler | None = None,
    ) -> None:
        """Start reading in the background; a missing or vanished port is retried, not raised."""
        ...

    def stop(self) -> None:
        """Stop reading and release the port; returns once the driver's thread has ended."""
        ...


class BarcodeScanner(Protocol):
    """A barcode scanner that reports each scanned code once, from its own thread, until stopped."""

    def start(
        self,
        on_scan: BarcodeHandler,
        on_error: ErrorHandler | None = None,
        on_state: StateHandler | None = None,
    ) -> None:
        """Start reading in the background; a missing or vanished port is retried, not raised."""
        ...

    def stop(self) -> None:
        """Stop reading and release the port; returns once the driver's thread has ended."""
        ...


class CustomerDisplay(Protocol):
    """The display facing the customer; best effort: it never raises and never blocks the sale."""

    def show_item(self, name: str, price_fen: int) -> None:
        """Show the item just added and its price."""
        ...

    def show_total(self, total_fen: int) -> None:
        """Show the amount due."""
        ...

    def show_payment(self, paid_fen: int, change_fen: int) -> None:
        """Show what the customer paid and the change due."""
        ...

    def show_idle(self, message: str) -> None:
        """Show a greeting between sales (displays that only show numbers go dark)."""
        ...
