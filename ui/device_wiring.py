"""The device wiring of the app: keyboard wedge, serial card reader and scanner, PC/SC reader and
customer display started from the till's settings, their callbacks re-emitted as Qt signals on
the GUI thread, and the devices tab's bounded checks (which borrow a running driver's port).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from pos_app.domain.sale import CompletedSale
from pos_app.settings import DeviceSettings, Settings
from ui.context import PortLending, TillContext
from ui.receipt_desk import printer_test_page

log = logging.getLogger(__name__)


def display_baudrate(devices: DeviceSettings) -> int | None:
    """The customer display's baud rate; None lets the model choose its own. 9600 is the
    setting's default, and an 8-digit LED display left at it runs at its usual 2400."""
    if devices.display_protocol == "led8" and devices.display_baudrate == 9600:
        return None
    return devices.display_baudrate



class PortLeases:
    """Serial ports the running drivers hold open. A device test borrows one: the driver stops,
    the test runs, a new driver starts. Otherwise the driver would swallow the test's answer
    (an MSR605 reset would also cancel the driver's pending read) and on Windows a COM port
    opens only once."""

    def __init__(self) -> None:
        self._owners: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {}
        self._lock = threading.Lock()

    def hold(self, url: str, stop: Callable[[], None], restart: Callable[[], None]) -> None:
        with self._lock:
            self._owners[url] = (stop, restart)

    @contextmanager
    def borrow(self, url: str) -> Iterator[None]:
        with self._lock:
            owner = self._owners.get(url.strip()) if url.strip() else None
            if owner is None:
                yield
                return
            stop, restart = owner
            stop()
            try:
                yield
            finally:
                try:
                    restart()
                except Exception:  # noqa: BLE001 - the test's result still counts; say it
                    log.exception("device on %s not restarted after its test", url)


def make_device_checks(settings: Callable[[], Settings],
                       leases: PortLeases | None = None) -> Callable[[str, DeviceSettings], Any]:
    """ctx.device_checks for the devices tab: one bounded test of a device as shown on
    the screen (not yet saved), answered with hardware.device_check.CheckResult."""
    ports = leases or PortLeases()

    def run(device: str, d: DeviceSettings) -> Any:
        from hardware import device_check as dc
        if device == "printer":
            return dc.check_printer(d.printer_url, printer_test_page(settings(), d))
        if device == "drawer":
            return dc.check_drawer(d.printer_url, d.drawer_pin)
        if device == "msr":
            with ports.borrow(d.msr_url):
                return dc.check_msr(d.msr_url, d.msr_protocol, d.msr_baudrate)
        if device == "scanner":
            with ports.borrow(d.scanner_url):
                return dc.check_scanner(d.scanner_url, d.scanner_baudrate)
        if device == "display":
            with ports.borrow(d.display_url):
                return dc.check_customer_display(d.display_protocol, d.display_url,
                                                 display_baudrate(d) or 0,
                                                 led8_lights=d.display_led8_lights)
        if device == "pcsc":
            return dc.check_pcsc_reader(d.pcsc_reader)
        raise ValueError(f"unknown device {device!r}")
    return run


def serial_ports() -> list[tuple[str, str]]:
    """The serial ports present now, (name, description), for the devices tab's port lists."""
    from hardware.device_check import serial_port_names
    return serial_port_names()


def pcsc_readers() -> list[str] | None:
    """The PC/SC readers connected now, or None when the service (or pyscard) is missing."""
    try:
        from hardware.device_check import pcsc_reader_names
        from hardware.pcsc_errors import IcCardError
    except ImportError:
        log.warning("PC/SC support (pyscard) is not installed")
        return None
    try:
        return pcsc_reader_names()
    except IcCardError as exc:
        log.info("PC/SC readers not listed: %r", exc)
        return None


class DeviceBridge(QObject):
    """IC card taps from the PC/SC watcher thread, re-emitted on the GUI thread."""

    uid_tapped = Signal(str)
    state_changed = Signal(str)


def start_devices(app: QApplication, ctx: TillContext, window: QObject) -> list[object]:
    """Keyboard wedge always; serial reader/scanner and PC/SC reader when configured."""
    from pos_app.domain.magstripe import CardNumberRule
    from ui.wedge import SerialInputBridge, install_wedge_filter
    d = ctx.settings.devices
    selling = window.selling  # type: ignore[attr-defined]
    rule = CardNumberRule(track=d.card_track, field=d.card_field, start=d.card_start,
                          length=d.card_length or None)
    wedge = install_wedge_filter(app, rule, gap_ms=d.wedge_gap_ms, end_idle_ms=d.wedge_end_idle_ms,
                                 min_barcode_length=d.wedge_min_barcode_length,
                                 prefixes=(d.wedge_prefix,) if d.wedge_prefix else ())
    wedge.card_swiped.connect(selling.attach_card)
    wedge.barcode_scanned.connect(selling.scan)
    wedge.swipe_failed.connect(selling.swipe_failed)
    ctx.pause_capture = lambda paused: wedge.set_enabled(not paused)
    ctx.wedge = wedge
    keep: list[object] = [wedge]
    state = {"reader": "none"}
    ctx.reader_state = lambda: state["reader"]
    if d.msr_url or d.scanner_url:
        bridge = SerialInputBridge(rule, app)
        bridge.card_swiped.connect(selling.attach_card)
        bridge.barcode_scanned.connect(selling.scan)
        bridge.swipe_failed.connect(selling.swipe_failed)
        bridge.device_state.connect(lambda name, s: state.__setitem__("reader", s))
        if hasattr(window, "on_device_state"):
            bridge.device_state.connect(window.on_device_state)  # queued: window is a QObject
        leases = ctx.port_leases
        if d.msr_url:
            from hardware.serial_msr import MagTekSerialReader, Msr605Reader
            reader_cls = Msr605Reader if d.msr_protocol == "msr605" else MagTekSerialReader
            _lend(leases, d.msr_url, lambda: reader_cls(d.msr_url, baudrate=d.msr_baudrate),
                  lambda reader: bridge.attach_reader("msr", reader))
        if d.scanner_url:
            from hardware.serial_scanner import SerialBarcodeScanner
            _lend(leases, d.scanner_url,
                  lambda: SerialBarcodeScanner(d.scanner_url, baudrate=d.scanner_baudrate),
                  lambda scanner: bridge.attach_scanner("scanner", scanner))
        keep.append(bridge)
    if d.display_url:
        keep.append(start_customer_display(ctx, selling))
    if d.pcsc_reader:
        try:
            keep += start_ic_reader(app, ctx, selling, state, window)
        except Exception:  # noqa: BLE001 - no PC/SC stack: the till still sells
            log.exception("IC card reader not started")
    return keep


def _lend(leases: PortLending | None, url: str, make: Callable[[], Any],
          attach: Callable[[Any], None]) -> None:
    """Start a serial driver and let device tests borrow its port (stop it, start a new one)."""
    current = {"driver": make()}
    attach(current["driver"])
    if leases is not None:
        def restart() -> None:
            current["driver"] = make()
            attach(current["driver"])
        leases.hold(url, lambda: current["driver"].stop(), restart)


def start_ic_reader(app: QApplication, ctx: TillContext, selling: object,
                    state: dict[str, str], window: QObject | None = None) -> list[object]:
    """The PC/SC reader: taps attach the member (chip checked when the till holds a sector key
    and so has the IC card service, wiring.open_till), the card screen gets the reader for
    issuing and replacing chips."""
    from hardware.pcsc_reader import PcscIcCardReader
    from ui.card_ic import ReaderIcCardDesk
    d, sec = ctx.settings.devices, ctx.settings.security
    bridge = DeviceBridge(app)
    ctx.ic_taps = bridge
    last_tap: dict[str, object] = {}
    keys_set = bool(sec.mifare_sector_key)
    reader = PcscIcCardReader(d.pcsc_reader, sec.mifare_sector,
                              bytes.fromhex(sec.mifare_sector_key) if keys_set else bytes(6))
    service = ctx.ic_service if keys_set else None
    if service is not None:
        ctx.ic_cards = ReaderIcCardDesk(service, reader,
                                        lambda: last_tap.get("tap"))  # type: ignore

    def on_tap(tap: object) -> None:          # the watcher's thread
        last_tap["tap"] = tap
        uid = getattr(tap, "uid", None)
        if uid:
            bridge.uid_tapped.emit(uid.hex())

    def on_removed(_reader: str) -> None:
        last_tap.pop("tap", None)

    bridge.uid_tapped.connect(
        lambda uid: selling.attach_tap(  # type: ignore[attr-defined]
            uid, (lambda: service.member_for_tap(last_tap["tap"], reader))  # type: ignore
            if service is not None and "tap" in last_tap else None))
    bridge.state_changed.connect(lambda s: state.__setitem__("reader", s))
    if hasattr(window, "on_device_state"):
        bridge.state_changed.connect(window.on_device_state)  # type: ignore[union-attr]
    reader.start(on_tap, on_removed,
                 lambda st: bridge.state_changed.emit(str(getattr(st.state, "value", st.state))))
    return [bridge, reader]


def start_customer_display(ctx: TillContext, selling: object) -> object:
    """The pole display follows the selling screen: last item, total, change; idle text after."""
    from hardware.customer_display import open_customer_display
    d = ctx.settings.devices
    holder = _DisplayHolder(lambda: open_customer_display(d.display_protocol, d.display_url,
                                                          baudrate=display_baudrate(d),
                                                          led8_lights=d.display_led8_lights))
    seen = {"lines": 0}

    def on_view(view: object) -> None:
        lines = view.lines  # type: ignore[attr-defined]
        if not lines:
            holder.display.show_idle(ctx.settings.shop.shop_name)
        elif len(lines) > seen["lines"]:
            holder.display.show_item(lines[-1].name, lines[-1].amount_fen)
        else:
            holder.display.show_total(view.total_fen)  # type: ignore[attr-defined]
        seen["lines"] = len(lines)

    def on_sale(sale: CompletedSale) -> None:
        paid = sum(t.received_fen or t.amount_fen for t in sale.tenders)
        holder.display.show_payment(paid, sale.change_fen)
        seen["lines"] = 0

    selling.view_shown.connect(on_view)  # type: ignore[attr-defined]
    selling.sale_completed.connect(on_sale)  # type: ignore[attr-defined]
    if ctx.port_leases is not None:
        ctx.port_leases.hold(d.display_url, holder.close, holder.reopen)
    return holder


class _DisplayHolder:
    """The customer display in use; a device test closes it and a new one takes its place."""

    def __init__(self, open_display: Callable[[], Any]) -> None:
        self._open = open_display
        self.display = open_display()

    def close(self) -> None:
        self.display.close()

    def reopen(self) -> None:
        self.display = self._open()


