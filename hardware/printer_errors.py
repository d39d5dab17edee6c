"""Typed errors of the ESC/POS printer and drawer driver; each carries what the UI needs."""
from __future__ import annotations

from pos_app.ports.printing import PrinterFailure, PrinterProblem, PrinterStatus


class PrinterError(PrinterFailure):
    """A printer problem at `url` (the configured device, never card data)."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url


class PrinterUnreachable(PrinterError):
    """The port or host could not be opened or answered nothing: cable, power, IP address."""

    problem = PrinterProblem.NO_ANSWER

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, f"unreachable ({reason})")
        self.reason = reason


class PrinterTimeout(PrinterUnreachable):
    """The printer stopped answering during `operation` (after `seconds`)."""

    def __init__(self, url: str, operation: str, seconds: float) -> None:
        super().__init__(url, f"no answer to {operation} within {seconds:g}s")
        self.operation = operation
        self.seconds = seconds


class PrintInterrupted(PrinterError):
    """The connection broke after `sent` of `total` bytes: part of the job may have printed."""

    problem = PrinterProblem.NO_ANSWER

    def __init__(self, url: str, sent: int, total: int, reason: str) -> None:
        super().__init__(url, f"interrupted after {sent}/{total} bytes ({reason})")
        self.sent = sent
        self.total = total
        self.reason = reason


class PrinterNotReady(PrinterError):
    """The printer answered but can't print; `status` is what it reported."""

    def __init__(self, url: str, status: PrinterStatus, message: str) -> None:
        super().__init__(url, message)
        self.status = status


class PrinterOffline(PrinterNotReady):
    """Offline for a reason the status bytes don't name (e.g. waiting for the feed button)."""

    problem = PrinterProblem.OFFLINE

    def __init__(self, url: str, status: PrinterStatus) -> None:
        super().__init__(url, status, "offline")


class CoverOpen(PrinterNotReady):
    problem = PrinterProblem.COVER_OPEN

    def __init__(self, url: str, status: PrinterStatus) -> None:
        super().__init__(url, status, "cover open")


class PaperOut(PrinterNotReady):
    problem = PrinterProblem.PAPER_OUT

    def __init__(self, url: str, status: PrinterStatus) -> None:
        super().__init__(url, status, "paper out")


class PrinterFault(PrinterNotReady):
    """Cutter jam or another mechanical/unrecoverable error (DLE EOT 3); `recoverable` says
    whether clearing it (close the cover, remove the jam) brings the printer back."""

    problem = PrinterProblem.FAULT

    def __init__(self, url: str, status: PrinterStatus, recoverable: bool) -> None:
        super().__init__(url, status, "recoverable error" if recoverable
                         else "unrecoverable error")
        self.recoverable = recoverable


class BadStatusReply(PrinterError):
    """A status reply that doesn't follow the ESC/POS bit pattern: not an ESC/POS printer,
    a wrong baud rate, or a serial line mixing ASB bytes into the answer."""

    def __init__(self, url: str, query: bytes, reply: bytes) -> None:
        super().__init__(url, f"unexpected status reply {reply.hex(' ')} to {query.hex(' ')}")
        self.query = query
        self.reply = reply


class UnsupportedPrinterUrl(PrinterError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, f"unsupported printer address ({reason})")
        self.reason = reason
