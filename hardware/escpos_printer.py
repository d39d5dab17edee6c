"""The ESC/POS receipt printer and the cash drawer wired to it, over serial, TCP, a device
file or a Windows print queue.

This driver writes the bytes `receipts/` rendered and adds only its own few commands:
status queries and the drawer pulse (Epson ESC/POS reference, transcribed in
reference/hardware-protocols.md §4.1-4.2). Every wait has a timeout, so a dead printer
costs the cashier seconds, never a frozen till.
"""
from __future__ import annotations

import logging
import os
import select
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit

import serial

from hardware.printer_errors import (BadStatusReply, CoverOpen, PaperOut, PrinterError,
                                     PrinterFault, PrinterOffline, PrinterTimeout,
                                     PrinterUnreachable, PrintInterrupted,
                                     UnsupportedPrinterUrl)
from pos_app.ports.printing import PrinterStatus

try:  # pywin32 exists only on Windows; the raw-queue transport needs it.
    import win32print  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the platform
    win32print = None

log = logging.getLogger(__name__)

# DLE EOT n: real-time status, answered even when offline or busy (Epson dle_eot).
DLE_EOT = b"\x10\x04"
# GS r 1: paper sensor status, *buffered*: the reply proves the job before it was
# processed, a "receipt delivered" acknowledgement DLE EOT can't give (Epson gs_lr).
GS_R_PAPER = b"\x1d\x72\x01"
GS_R_DRAWER = b"\x1d\x72\x02"
# Every DLE EOT reply has the fixed pattern 0xx1xx10 (bits 0,1,4,7 -> 0x12).
_STATUS_MASK, _STATUS_FIXED = 0x93, 0x12
_CHUNK = 4096


class Transport(Protocol):
    """A byte pipe to the printer; `can_read` is False for one-way pipes (USB file, spooler)."""

    can_read: bool

    def write(self, data: bytes) -> None: ...

    def read(self, size: int, timeout: float) -> bytes: ...

    def discard_input(self) -> None: ...

    def close(self) -> None: ...


class TcpTransport:
    """A raw socket to port 9100 (JetDirect/AppSocket), the usual network receipt printer."""

    can_read = True

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._timeout = timeout

    def write(self, data: bytes) -> None:
        self._sock.settimeout(self._timeout)
        self._sock.sendall(data)

    def read(self, size: int, timeout: float) -> bytes:
        self._sock.settimeout(timeout)
        try:
            data = self._sock.recv(size)
        except TimeoutError:
            return b""
        if not data:
            raise ConnectionResetError("printer closed the connection")
        return data

    def discard_input(self) -> None:
        self._sock.setblocking(False)
        try:
            while self._sock.recv(256):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            self._sock.settimeout(self._timeout)

    def close(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


class SerialTransport:
    """Any pyserial URL: COM3, /dev/ttyUSB0, socket://host:port, rfc2217://, loop://."""

    can_read = True

    def __init__(self, url: str, timeout: float, baudrate: int, flow: str) -> None:
        self._port = serial.serial_for_url(
            url, baudrate=baudrate, timeout=timeout, write_timeout=timeout,
            rtscts=flow == "rtscts", dsrdtr=flow == "dsrdtr", xonxoff=flow == "xonxoff")

    def write(self, data: bytes) -> None:
        self._port.write(data)
        self._port.flush()

    def read(self, size: int, timeout: float) -> bytes:
        self._port.timeout = timeout
        return bytes(self._port.read(size))

    def discard_input(self) -> None:
        self._port.reset_input_buffer()

    def close(self) -> None:
        self._port.close()


class DeviceFileTransport:
    """A character device (/dev/usb/lp0) or a file: write-only, so no status."""

    can_read = False

    def __init__(self, path: str, timeout: float) -> None:
        flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        if not path.startswith("/dev/"):
            flags |= os.O_CREAT | os.O_APPEND
        self._fd = os.open(path, flags, 0o644)
        self._timeout = timeout

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if sys.platform != "win32":
                # usblp blocks while the printer is out of paper; never wait forever.
                _, ready, _ = select.select([], [self._fd], [], self._timeout)
                if not ready:
                    raise TimeoutError("device not writable")
            try:
                n = os.write(self._fd, view)
            except BlockingIOError:
                continue
            view = view[n:]

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def discard_input(self) -> None:
        pass

    def close(self) -> None:
        os.close(self._fd)


class Win32RawTransport:
    """A Windows printer queue fed RAW bytes through the spooler (no status comes back)."""

    can_read = False

    def __init__(self, printer_name: str) -> None:
        if win32print is None:
            raise UnsupportedPrinterUrl(f"win32:{printer_name}", "pywin32 is not installed")
        self._name = printer_name
        self._handle = win32print.OpenPrinter(printer_name)

    def write(self, data: bytes) -> None:
        win32print.StartDocPrinter(self._handle, 1, ("Receipt", None, "RAW"))
        try:
            win32print.StartPagePrinter(self._handle)
            win32print.WritePrinter(self._handle, data)
            win32print.EndPagePrinter(self._handle)
        finally:
            win32print.EndDocPrinter(self._handle)

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def discard_input(self) -> None:
        pass

    def close(self) -> None:
        win32print.ClosePrinter(self._handle)


def open_transport(url: str, *, timeout: float = 3.0, baudrate: int = 9600,
                   flow: str = "none") -> Transport:
    """Open the printer at `url`: tcp://host[:9100], file:///path, /dev/usb/lpN, LPT1,
    \\\\server\\share, win32:Queue Name; anything else goes to pyserial's serial_for_url."""
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise UnsupportedPrinterUrl(url, "tcp:// needs a host")
        return TcpTransport(parts.hostname, parts.port or 9100, timeout)
    if parts.scheme == "file":
        path = unquote(parts.path)
        if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/... on Windows
            path = path[1:]
        return DeviceFileTransport(path, timeout)
    if url.startswith(("/dev/usb/lp", "/dev/lp")) or url.upper().startswith("LPT"):
        return DeviceFileTransport(url, timeout)
    if url.startswith("\\\\") and not url.startswith("\\\\.\\"):
        # \\server\share: a shared Windows printer written as a file (\\.\COM10 is serial).
        return DeviceFileTransport(url, timeout)
    if url.lower().startswith(("win32:", "win32://")):
        return Win32RawTransport(url.split(":", 1)[1].lstrip("/"))
    return SerialTransport(url, timeout, baudrate, flow)


@dataclass(frozen=True)
class DrawerConfig:
    """How the drawer hangs off the printer's DK port (reference §4.1-4.2)."""

    pin: int = 0                 # ESC p m: 0 = connector pin 2, 1 = pin 5
    on_ms: int = 100             # pulse on time (sent in 2 ms units)
    off_ms: int = 100
    sensor_wired: bool = False   # a drawer-open switch on pin 3
    open_when_high: bool = True  # the switch polarity depends on the drawer model


def drawer_pulse(config: DrawerConfig) -> bytes:
    """ESC p m t1 t2 (Epson esc_p): t1/t2 in units of 2 ms, 1..255."""
    if config.pin not in (0, 1):
        raise ValueError(f"drawer pin must be 0 or 1, not {config.pin}")
    t1 = min(max(config.on_ms // 2, 1), 255)
    t2 = min(max(config.off_ms // 2, 1), 255)
    return bytes((0x1B, 0x70, config.pin, t1, t2))


@dataclass(frozen=True)
class RawStatus:
    """The four DLE EOT bytes as the printer sent them (n = 1..4)."""

    printer: int
    offline_cause: int
    error_cause: int
    paper: int

    def to_status(self, drawer: DrawerConfig) -> PrinterStatus:
        # Bit meanings: reference §4.2 (Epson dle_eot).
        pin3_high = bool(self.printer & 0x04)
        drawer_open = (pin3_high == drawer.open_when_high) if drawer.sensor_wired else None
        return PrinterStatus(
            online=not self.printer & 0x08,
            cover_open=bool(self.offline_cause & 0x04),
            paper_out=bool(self.offline_cause & 0x20) or bool(self.paper & 0x60),
            paper_near_end=bool(self.paper & 0x0C),
            error=bool(self.offline_cause & 0x40) or bool(self.error_cause & 0x68),
            drawer_open=drawer_open)


class EscPosPrinter:
    """ReceiptPrinter and CashDrawer for one ESC/POS printer; one connection per job."""

    def __init__(self, url: str, *, timeout: float = 2.0, print_timeout: float = 15.0,
                 baudrate: int = 9600, flow: str = "none",
                 drawer: DrawerConfig | None = None, confirm_delivery: bool = True,
                 transport_factory: Callable[[], Transport] | None = None) -> None:
        self.url = url
        self.timeout = timeout
        self.print_timeout = print_timeout
        self.drawer = drawer or DrawerConfig()
        self.confirm_delivery = confirm_delivery
        self.last_status: PrinterStatus | None = None
        self._last_raw: RawStatus | None = None
        self._factory = transport_factory or (lambda: open_transport(
            url, timeout=timeout, baudrate=baudrate, flow=flow))
        self._lock = threading.Lock()

    # -- ReceiptPrinter ---------------------------------------------------------

    def status(self) -> PrinterStatus:
        """The printer's state now (known=False when the transport can't read)."""
        with self._lock, self._connect() as t:
            return self._status(t)

    def print_bytes(self, data: bytes) -> None:
        """Check status, send the job, wait for the printer to confirm it, check again.

        Raises CoverOpen / PaperOut / PrinterOffline / PrinterFault before sending when
        the printer can't print, PrintInterrupted when the link breaks mid-job and
        PrinterTimeout when it stops answering; the caller keeps the job for a reprint.
        """
        with self._lock, self._connect() as t:
            self._raise_unless_ready(self._status(t))
            self._send(t, data)
            if not t.can_read:
                return
            if self.confirm_delivery:
                self._confirm(t, len(data))
                self.last_status = self._status(t)  # near-end etc., for a warning only
            else:
                self._raise_unless_ready(self._status(t))

    # -- CashDrawer -------------------------------------------------------------

    def open(self) -> None:
        """Kick the drawer with ESC p and wait for the printer to have executed it.

        ESC p is buffered: an offline printer (cover open, no paper) keeps it and the
        drawer stays shut, so we check status first and confirm with GS r 2 after.
        """
        pulse = drawer_pulse(self.drawer)
        with self._lock, self._connect() as t:
            self._raise_unless_ready(self._status(t))
            self._send(t, pulse)
            if t.can_read:
                try:
                    t.write(GS_R_DRAWER)
                    reply = t.read(1, self.timeout)
                except (OSError, serial.SerialException) as exc:
                    raise PrinterUnreachable(self.url, f"drawer pulse not confirmed: {exc}") \
                        from exc
                if not reply:
                    self._raise_unless_ready(self._status(t))
                    raise PrinterTimeout(self.url, "drawer pulse (GS r 2)", self.timeout)

    def is_open(self) -> bool | None:
        """From the drawer switch on pin 3 (DLE EOT 1 bit 2), or None if none is wired."""
        if not self.drawer.sensor_wired:
            return None
        with self._lock, self._connect() as t:
            if not t.can_read:
                return None
            return self._status(t).drawer_open

    # -- internals --------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[Transport]:
        try:
            t = self._factory()
        except PrinterError:
            raise
        except (OSError, serial.SerialException, ValueError) as exc:
            raise PrinterUnreachable(self.url, str(exc) or type(exc).__name__) from exc
        try:
            yield t
        finally:
            try:
                t.close()
            except (OSError, serial.SerialException) as exc:  # closing a dead link
                log.debug("closing %s: %s", self.url, exc)

    def _send(self, t: Transport, data: bytes) -> None:
        sent = 0
        try:
            for start in range(0, len(data), _CHUNK):
                chunk = data[start:start + _CHUNK]
                t.write(chunk)
                sent += len(chunk)
        except (TimeoutError, serial.SerialTimeoutException) as exc:
            raise PrintInterrupted(self.url, sent, len(data), "write timed out") from exc
        except (OSError, serial.SerialException) as exc:
            raise PrintInterrupted(self.url, sent, len(data), str(exc)) from exc

    def _query(self, t: Transport, n: int) -> int:
        query = DLE_EOT + bytes((n,))
        try:
            t.discard_input()
            t.write(query)
            reply = t.read(1, self.timeout)
        except (OSError, serial.SerialException) as exc:
            raise PrinterUnreachable(self.url, f"status query failed: {exc}") from exc
        if not reply:
            raise PrinterTimeout(self.url, f"DLE EOT {n}", self.timeout)
        if reply[0] & _STATUS_MASK != _STATUS_FIXED:
            raise BadStatusReply(self.url, query, reply)
        return reply[0]

    def _status(self, t: Transport) -> PrinterStatus:
        if not t.can_read:
            return PrinterStatus(online=True, known=False)
        s1 = self._query(t, 1)
        s2 = self._query(t, 2)
        s3 = self._query(t, 3) if s2 & 0x40 else _STATUS_FIXED
        s4 = self._query(t, 4)
        self._last_raw = RawStatus(s1, s2, s3, s4)
        status = self._last_raw.to_status(self.drawer)
        self.last_status = status
        return status

    def _raise_unless_ready(self, status: PrinterStatus) -> None:
        if not status.known or status.ready:
            return
        if status.cover_open:
            raise CoverOpen(self.url, status)
        if status.paper_out:
            raise PaperOut(self.url, status)
        if status.error:
            unrecoverable = bool(self._last_raw and self._last_raw.error_cause & 0x20)
            raise PrinterFault(self.url, status, recoverable=not unrecoverable)
        raise PrinterOffline(self.url, status)

    def _confirm(self, t: Transport, total: int) -> None:
        try:
            t.write(GS_R_PAPER)
            reply = t.read(1, self.print_timeout)
        except (OSError, serial.SerialException) as exc:
            raise PrintInterrupted(self.url, total, total,
                                   f"link lost before the printer confirmed: {exc}") from exc
        if not reply:
            # A printer that stops mid-job (paper ran out, cover opened) holds GS r until
            # it recovers; the real-time status says why.
            self._raise_unless_ready(self._status(t))
            raise PrinterTimeout(self.url, "print confirmation (GS r 1)", self.print_timeout)
        if reply[0] & 0x0C == 0x0C:  # GS r 1: paper end (reference §4.2)
            status = self._status(t)
            raise PaperOut(self.url, status)


class NullPrinter:
    """A till without a printer: every job 'prints' nowhere; status says unknown."""

    def __init__(self) -> None:
        self.last_job: bytes | None = None  # for the "last receipt" preview only

    def print_bytes(self, data: bytes) -> None:
        self.last_job = bytes(data)

    def status(self) -> PrinterStatus:
        return PrinterStatus(online=True, known=False)


class NullDrawer:
    """A till without a drawer (or a drawer opened by key)."""

    def open(self) -> None:
        pass

    def is_open(self) -> bool | None:
        return None
