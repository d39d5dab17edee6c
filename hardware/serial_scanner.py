"""Serial (RS-232 or USB-CDC) barcode scanners: one code per line, ended by CR, LF or CRLF.

Scanners in serial mode send exactly what they would type in keyboard mode,
with the configured suffix (usually CR) but without the keyboard layout and
IME trouble (reference §6).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import serial

from hardware.errors import ProtocolError
from hardware.transports import Backoff, PortRunner, deliver, read_available
from pos_app.ports.input_devices import BarcodeHandler, DeviceState, ErrorHandler, StateHandler

__all__ = ["NullBarcodeScanner", "SerialBarcodeScanner", "decode_barcode"]

log = logging.getLogger(__name__)

# QR codes on Chinese goods and coupons can hold a few hundred bytes; a line
# longer than this is noise (wrong baud rate), not a code.
_MAX_LINE = 4096


def decode_barcode(raw: bytes) -> str:
    """Text of one scanned code: UTF-8 if it is valid UTF-8, else GB18030 (Chinese QR content), never raising."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


class SerialBarcodeScanner:
    """A scanner on a serial port that reports each non-empty line as one code."""

    def __init__(self, url: str, *, baudrate: int = 9600, backoff: Backoff | None = None) -> None:
        self.url = url
        self._runner = PortRunner(url, self._session, baudrate=baudrate, name=f"scanner@{url}", backoff=backoff)
        self._on_scan: BarcodeHandler | None = None

    @property
    def state(self) -> DeviceState:
        """Where the driver is (connecting, ready, offline, stopped)."""
        return self._runner.state

    def start(
        self,
        on_scan: BarcodeHandler,
        on_error: ErrorHandler | None = None,
        on_state: StateHandler | None = None,
    ) -> None:
        """Start reading in the background; a missing or vanished port is retried, not raised."""
        self._on_scan = on_scan
        self._runner.start(on_error, on_state)

    def stop(self) -> None:
        """Stop reading and release the port; returns once the driver's thread has ended."""
        self._runner.stop()

    def _session(self, port: serial.SerialBase, ready: Callable[[], None], stopping: threading.Event) -> None:
        ready()
        buffer = bytearray()
        while not stopping.is_set():
            data = read_available(port)
            if not data:
                continue
            buffer += data
            while True:
                cut = min((i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0), default=-1)
                if cut < 0:
                    break
                line = bytes(buffer[:cut]).strip(b" \t")
                del buffer[: cut + 1]
                # CRLF leaves an empty line between CR and LF: nothing was scanned.
                if line:
                    self._handle(line)
            if len(buffer) > _MAX_LINE:
                buffer.clear()
                self._runner.report(ProtocolError(self.url, f"more than {_MAX_LINE} bytes without a line end"))

    def _handle(self, line: bytes) -> None:
        log.debug("scan: %d bytes", len(line))
        if self._on_scan is not None:
            deliver(self.url, self._on_scan, decode_barcode(line))


class NullBarcodeScanner:
    """A till without a serial scanner: never reports a code (keyboard-mode scanners need no driver)."""

    def start(
        self,
        on_scan: BarcodeHandler,
        on_error: ErrorHandler | None = None,
        on_state: StateHandler | None = None,
    ) -> None:
        """Do nothing; there is no device."""

    def stop(self) -> None:
        """Do nothing; there is no device."""
