"""One test per device for the settings screen: try a configuration, say in a few words how it went.

Each check opens the device the way its driver does, does one small real thing (a status
query and a test page, a drawer pulse, the MSR605 communication test, a text on the
customer display, a look at the PC/SC reader) and closes it again. Every wait is bounded,
so a wrong address costs the manager seconds, never a frozen till. A result carries a key
the UI translates and a few plain values (a reader name, a reason), never card data: the
IC check says whether a card is on the reader, not which.

The printer test page is rendered by the caller (receipts/ may not be imported here).
"""
from __future__ import annotations

import glob
import logging
import time
from dataclasses import dataclass

import serial

from hardware.errors import PortUnavailable
from hardware.escpos_printer import DrawerConfig, EscPosPrinter
from hardware.printer_errors import (
    BadStatusReply,
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterFault,
    PrinterOffline,
    PrinterTimeout,
    PrinterUnreachable,
    PrintInterrupted,
    UnsupportedPrinterUrl,
)
from hardware.serial_msr import CMD_COMM_TEST, CMD_RESET, COMM_TEST_OK
from hardware.transports import open_serial, read_available

__all__ = [
    "CheckResult",
    "check_customer_display",
    "check_drawer",
    "check_msr",
    "check_pcsc_reader",
    "check_printer",
    "check_scanner",
    "pcsc_reader_names",
    "serial_port_names",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class CheckResult:
    """How a device test went: `key` names the outcome (the UI's text), `values` fill it in."""

    ok: bool
    key: str
    values: tuple[str, ...] = ()


def _ok(key: str, *values: str) -> CheckResult:
    return CheckResult(True, key, tuple(values))


def _fail(key: str, *values: str) -> CheckResult:
    return CheckResult(False, key, tuple(values))


def _printer_failure(exc: PrinterError) -> CheckResult:
    # Most specific first: PrinterTimeout and PrintInterrupted are kinds of unreachable.
    if isinstance(exc, CoverOpen):
        return _fail("cover_open")
    if isinstance(exc, PaperOut):
        return _fail("paper_out")
    if isinstance(exc, PrinterFault):
        return _fail("printer_fault")
    if isinstance(exc, PrinterOffline):
        return _fail("printer_offline")
    if isinstance(exc, BadStatusReply):
        return _fail("bad_status_reply", exc.reply.hex(" "))
    if isinstance(exc, UnsupportedPrinterUrl):
        return _fail("unsupported_url", exc.reason)
    if isinstance(exc, PrinterTimeout):
        return _fail("no_answer")
    if isinstance(exc, PrintInterrupted):
        return _fail("interrupted")
    if isinstance(exc, PrinterUnreachable):
        return _fail("unreachable", exc.reason)
    return _fail("printer_error", str(exc))


def check_printer(url: str, test_page: bytes, *, timeout: float = DEFAULT_TIMEOUT_S,
                  baudrate: int = 9600) -> CheckResult:
    """DLE EOT status, then the test page; ok only if the printer confirmed it printed."""
    if not url.strip():
        return _fail("not_configured")
    printer = EscPosPrinter(url.strip(), timeout=timeout, print_timeout=max(timeout, 5.0),
                            baudrate=baudrate)
    try:
        status = printer.status()
        if not status.known:
            # A USB device file or a spooler queue: nothing answers, so all we can do is print.
            printer.print_bytes(test_page)
            return _ok("printed_no_status")
        printer.print_bytes(test_page)  # checks the status again and names what is wrong
    except PrinterError as exc:
        log.info("printer test on %s failed: %s", url, exc)
        return _printer_failure(exc)
    last = printer.last_status
    if last is not None and last.paper_near_end:
        return _ok("printed_paper_low")
    return _ok("printed")


def check_drawer(url: str, pin: int = 0, *, timeout: float = DEFAULT_TIMEOUT_S,
                 baudrate: int = 9600) -> CheckResult:
    """Kick the drawer through the printer (ESC p, confirmed by GS r 2)."""
    if not url.strip():
        return _fail("not_configured")
    try:
        drawer = DrawerConfig(pin=pin)
        EscPosPrinter(url.strip(), timeout=timeout, baudrate=baudrate, drawer=drawer).open()
    except ValueError as exc:  # a pin other than 0/1
        return _fail("bad_setting", str(exc))
    except PrinterError as exc:
        log.info("drawer test on %s failed: %s", url, exc)
        return _printer_failure(exc)
    return _ok("drawer_opened")


def _open_port(url: str, baudrate: int, timeout: float) -> serial.SerialBase | CheckResult:
    if not url.strip():
        return _fail("not_configured")
    try:
        return open_serial(url.strip(), baudrate, timeout=min(timeout, 0.1),
                           write_timeout=timeout)
    except PortUnavailable as exc:
        log.info("port test on %s failed: %s", url, exc.reason)
        return _fail("port_unavailable", exc.reason)


def check_msr(url: str, protocol: str, baudrate: int = 9600, *,
              timeout: float = DEFAULT_TIMEOUT_S) -> CheckResult:
    """A serial card reader: MSR605 must answer the communication test; MagTek only sends swipes,
    so an open port is all it can show."""
    port = _open_port(url, baudrate, timeout)
    if isinstance(port, CheckResult):
        return port
    try:
        if protocol != "msr605":
            return _ok("port_open")
        # MSR605 manual §8: reset, ESC e -> ESC y, reset (leave the reader idle).
        port.reset_input_buffer()
        port.write(CMD_RESET + CMD_COMM_TEST)
        deadline = time.monotonic() + timeout
        received = b""
        while time.monotonic() < deadline:
            received += read_available(port)
            if COMM_TEST_OK in received:
                port.write(CMD_RESET)
                return _ok("reader_answered")
        return _fail("no_answer")
    except (serial.SerialException, OSError) as exc:
        return _fail("port_unavailable", str(exc))
    finally:
        _close(port)


def check_scanner(url: str, baudrate: int = 9600, *,
                  timeout: float = DEFAULT_TIMEOUT_S) -> CheckResult:
    """A serial scanner sends codes unasked: the port opening is the test (then scan a code)."""
    port = _open_port(url, baudrate, timeout)
    if isinstance(port, CheckResult):
        return port
    _close(port)
    return _ok("port_open_scan")


DISPLAY_TEST_TEXT = "测试 TEST"


def check_customer_display(model: str, url: str, baudrate: int = 0, *,
                           timeout: float = DEFAULT_TIMEOUT_S, led8_lights: str = "ascii") -> CheckResult:
    """Show a test text (VFDs: 'TEST' and a total of 0.00; the LED price display: 0.00)."""
    from hardware.customer_display import SerialCustomerDisplay, open_customer_display
    if not url.strip():
        return _fail("not_configured")
    try:
        display = open_customer_display(model, url.strip(), baudrate=baudrate or None,
                                        led8_lights=led8_lights)
    except ValueError:
        return _fail("bad_setting", model)
    if not isinstance(display, SerialCustomerDisplay):
        return _fail("not_configured")
    # The display's own thread retries a missing port forever; open it once here for a clear error.
    probe = _open_port(url, baudrate or 9600, timeout)
    if isinstance(probe, CheckResult):
        display.close()
        return probe
    _close(probe)
    try:
        if model == "led8":
            display.show_total(0)
        else:
            display.show_idle(f"{DISPLAY_TEST_TEXT}\nTOTAL 0.00")
        if not display.flush(timeout):
            return _fail("no_answer")
    finally:
        display.close()
    return _ok("display_shown")


def _close(port: serial.SerialBase) -> None:
    try:
        port.close()
    except Exception:  # noqa: BLE001 - a dead port may fail to close; it is gone either way
        log.debug("closing a tested port failed", exc_info=True)


# --- serial ports -------------------------------------------------------------------------

# Stable udev names of USB serial adapters; the bare ttyUSBn can change between boots.
SERIAL_LINK_GLOBS = ("/dev/serial/by-id/*",)


def serial_port_names(extra_globs: tuple[str, ...] = SERIAL_LINK_GLOBS) -> list[tuple[str, str]]:
    """The serial ports present now as (name to put in the settings, description), names sorted.

    pyserial's list of the machine's ports (COM3 on Windows, /dev/ttyUSB0, /dev/ttyS0 ... on
    Linux), plus the names matching extra_globs (udev links), which a manager may prefer."""
    from serial.tools import list_ports
    found: dict[str, str] = {}
    for info in list_ports.comports():
        description = info.description if info.description and info.description != "n/a" else ""
        found[info.device] = description
    for pattern in extra_globs:
        for path in glob.glob(pattern):
            found.setdefault(path, "")
    return sorted(found.items())


# --- PC/SC --------------------------------------------------------------------------------

def pcsc_reader_names() -> list[str]:
    """The readers pcscd offers now; raises PcscUnavailable when the service is not running."""
    from hardware.pcsc_reader import list_readers, pcsc_context
    with pcsc_context() as ctx:
        return list_readers(ctx)


def check_pcsc_reader(wanted: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> CheckResult:
    """The configured reader (name or prefix; empty = the first) is connected, and a card is on
    it or not. The card is not read: no UID is shown or logged."""
    from smartcard import scard

    from hardware.pcsc_errors import IcCardError, PcscUnavailable
    from hardware.pcsc_reader import list_readers, pcsc_context, resolve_reader
    try:
        with pcsc_context() as ctx:
            readers = list_readers(ctx)
            if not readers:
                return _fail("no_readers")
            name = resolve_reader(readers, wanted.strip() or None)
            if name is None:
                return _fail("reader_not_found", wanted.strip())
            # Both a zero timeout and pcsc-lite's first answer for an UNAWARE state are
            # immediate; the timeout bounds a service that hangs.
            hresult, states = scard.SCardGetStatusChange(
                ctx, int(timeout * 1000), [(name, scard.SCARD_STATE_UNAWARE)])
            if hresult != scard.SCARD_S_SUCCESS:
                return _fail("pcsc_error", f"0x{hresult & 0xFFFFFFFF:08X}")
            state = states[0][1]
    except PcscUnavailable:
        return _fail("pcsc_unavailable")
    except IcCardError as exc:
        return _fail("pcsc_error", type(exc).__name__)
    present = bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE
    return _ok("card_present" if present else "no_card", name)
