"""Ports for the receipt printer and the cash drawer (ARCHITECTURE.md §4 step 4, §7).

A device failure never undoes a sale: callers print after the commit and, when
printing fails, keep the job for a reprint (hardware/print_queue.py) and tell the
cashier. Drivers raise subclasses of `PrinterFailure` carrying what went wrong.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from pos_app.domain.errors import DeviceFailure

__all__ = ["CashDrawer", "PrinterFailure", "PrinterProblem", "PrinterStatus", "ReceiptPrinter"]


class PrinterProblem(Enum):
    """What is wrong with the printer, as far as the cashier can act on it."""

    COVER_OPEN = "cover_open"
    PAPER_OUT = "paper_out"
    NO_ANSWER = "no_answer"      # unreachable, timed out, or the connection broke mid-job
    OFFLINE = "offline"          # answered, offline for a reason its status does not name
    FAULT = "fault"              # cutter jam or another mechanical error
    FAILED = "failed"            # anything else: it could not print


class PrinterFailure(DeviceFailure):
    """Base of every printer/drawer error a driver raises; `problem` (a class attribute or set
    per instance) tells the UI what to say."""

    problem: PrinterProblem = PrinterProblem.FAILED


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer reported; `drawer_open` is None when no drawer sensor is wired."""

    online: bool
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    error: bool = False               # cutter or mechanical error (ESC/POS DLE EOT 3)
    drawer_open: bool | None = None
    known: bool = True                # False: the transport cannot read status (USB file, spooler)

    @property
    def ready(self) -> bool:
        return self.online and not (self.cover_open or self.paper_out or self.error)


class ReceiptPrinter(Protocol):
    """A printer that prints a whole rendered job or raises; it never hangs past its timeout."""

    def print_bytes(self, data: bytes) -> None:
        """Print `data` as one job; raise a PrinterFailure subclass if it may not have printed."""
        ...

    def status(self) -> PrinterStatus:
        """The printer's state now; raise PrinterFailure if it can't be reached."""
        ...


class CashDrawer(Protocol):
    """The cash drawer (usually kicked through the receipt printer)."""

    def open(self) -> None:
        """Send the opening pulse; raise PrinterFailure if it could not be sent."""
        ...

    def is_open(self) -> bool | None:
        """True/False from the drawer sensor, or None when no sensor is wired or readable."""
        ...
