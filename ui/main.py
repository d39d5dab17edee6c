"""The composition root of the cashier app: logging, Qt, translations, settings, store, devices, window.

The only module of ui/ that may import db/, hardware/ and receipts/ (import-linter).
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QSettings,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication

from pos_app.bootstrap import Services
from pos_app.domain.sale import CompletedSale
from pos_app.domain.shop import ShopInfo
from pos_app.ports.clock import Clock
from pos_app.ports.printing import CashDrawer, PrinterFailure, ReceiptPrinter
from pos_app.settings import DeviceSettings, Settings, ShopSettings
from ui import i18n
from ui.background import Background
from ui.context import PrintResult, TillContext

log = logging.getLogger(__name__)

LOG_FILE = "pos.log"
UI_STATE_FILE = "ui-state.ini"
# db.store.DB_FILE, named here because importing db.store pulls in SQLAlchemy (slow start-up);
# tests/ui/test_app_start.py checks the two agree.
STORE_FILE = "pos.sqlite3"
# Set to 1: start, show the login screen, print "READY loginDialog" and quit (smoke tests).
SMOKE_ENV = "POS_SMOKE_EXIT"
SMOKE_LOGIN_ENV = "POS_SMOKE_LOGIN"   # "user:pin" of a demo store, for the first-login benchmark


def setup_logging(data_dir: Path, verbose: bool = False) -> Path:
    """A rotating log file in the data dir (5 x 2 MB). Card data and PINs are never logged."""
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for other in root.handlers:
        # The console (set up by the CLI) keeps to warnings; details go to the file.
        if not verbose and other.level == logging.NOTSET:
            other.setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # HTTP client libraries log every request URL at INFO/DEBUG; URLs are not ours to keep
    # in a till's log (a query string may carry a card number or mobile), so only their
    # warnings reach the file.
    for name in ("httpx", "httpcore", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return path


def shop_info(shop: ShopSettings) -> ShopInfo:
    """The receipt header and footer of the till's shop settings."""
    return ShopInfo(shop.shop_code, shop.shop_name, shop.address, shop.phone, shop.receipt_footer)


class TillReceiptDesk:
    """ReceiptDesk for the screens: render with receipts/, print or queue with hardware/."""

    def __init__(self, services: Services, settings: Settings, printer: ReceiptPrinter,
                 drawer: CashDrawer, queue_dir: Path, configured: bool) -> None:
        from hardware.print_queue import PrintQueue
        from receipts.escpos import PROFILE_80MM_48, PROFILES
        from receipts.texts import ReceiptTexts

        self._services = services
        self._printer = printer
        self._drawer = drawer
        self._queue = PrintQueue(queue_dir)
        self._profile = replace(PROFILES.get(profile_name(settings.devices.printer_profile),
                                             PROFILE_80MM_48),
                                gb18030=settings.devices.printer_gb18030)
        self._texts = (ReceiptTexts.en() if settings.devices.receipt_language == "en"
                       else ReceiptTexts.zh_cn())
        self._configured = configured
        self._state = "ready" if configured else "none"
        self.last_error: Exception | None = None   # why the printer is in "problem" (status bar)
        self._last: CompletedSale | None = None
        self._last_bytes: bytes = b""
        self._lock = threading.Lock()
        self._settings: Callable[[], Settings] = lambda: settings

    def follow_settings(self, current: Callable[[], Settings]) -> None:
        """Take the shop header and footer from the till's settings as they are now
        (ctx.settings, which the settings screen replaces on Save)."""
        self._settings = current

    def _shop_info(self) -> ShopInfo:
        # One source of truth for what a customer reads: the shop section of the till's
        # settings, the same the screen shows. The database's shop row (written once at
        # `pos init`) only identifies the shop to head office.
        return shop_info(self._settings().shop)

    def _render(self, sale: CompletedSale) -> bytes:
        from receipts.sale_receipt import render_sale_receipt
        return render_sale_receipt(self._shop_info(), sale, self._profile, self._texts)

    def print_sale(self, sale: CompletedSale) -> PrintResult:
        from hardware.print_queue import print_or_queue
        data = self._render(sale)
        with self._lock:
            self._last, self._last_bytes = sale, data
            outcome = print_or_queue(self._printer, self._queue, data,
                                     f"{sale.kind.value} {sale.receipt_no}", sale.receipt_no)
        self._note(outcome.printed, outcome.error)
        if self._configured or not outcome.printed:
            log.info("receipt %s %s", sale.receipt_no, "printed" if outcome.printed else "queued")
        return PrintResult(outcome.printed and self._configured, outcome.error,
                           configured=self._configured)

    def print_slip(self, doc: object) -> PrintResult:
        """A card slip or a top-up slip (ctx.extra['print_slip'] for the card screen)."""
        from hardware.print_queue import print_or_queue
        from pos_app.domain.documents import TopUpDone
        from receipts.slips import render_card_slip, render_top_up
        if isinstance(doc, TopUpDone):
            data = render_top_up(self._shop_info(), doc, self._profile, self._texts)
        else:
            data = render_card_slip(self._shop_info(), doc, self._profile,  # type: ignore[arg-type]
                                    self._texts)
        receipt_no = getattr(doc, "receipt_no", None)
        with self._lock:
            self._last_bytes = data
            outcome = print_or_queue(self._printer, self._queue, data, f"slip {receipt_no}",
                                     receipt_no)
        self._note(outcome.printed, outcome.error)
        return PrintResult(outcome.printed and self._configured, outcome.error,
                           configured=self._configured)

    def print_z_report(self, report: object) -> PrintResult:
        """The shift (Z) report on the receipt printer (ctx.extra['print_z'])."""
        from hardware.print_queue import print_or_queue
        from receipts.slips import render_z_report
        data = render_z_report(self._shop_info(), report, self._profile,  # type: ignore[arg-type]
                               self._texts, printed_at=self._services.clock.now())
        with self._lock:
            self._last_bytes = data
            outcome = print_or_queue(self._printer, self._queue, data, "z report", None)
        self._note(outcome.printed, outcome.error)
        return PrintResult(outcome.printed and self._configured, outcome.error,
                           configured=self._configured)

    def z_report_pdf(self, report: object) -> bytes:
        """The shift (Z) report as an A4 PDF (ctx.extra['z_report_pdf']), no printer needed."""
        from receipts.pdf import z_report_pdf
        return z_report_pdf(self._shop_info(), report, self._texts,  # type: ignore[arg-type]
                            printed_at=self._services.clock.now())

    def _note(self, printed: bool, error: Exception | None) -> None:
        self._state = "ready" if printed else "problem"
        self.last_error = None if printed else error

    def refresh_state(self) -> str:
        """Ask a printer in trouble how it is now (DLE EOT), so the status bar clears itself once
        the paper is in or the cover shut; a printer without a problem is left alone."""
        if self._configured and self._state == "problem":
            try:
                status = self._printer.status()
            except PrinterFailure as exc:
                self.last_error = exc
            else:
                if status.ready:
                    self._state, self.last_error = "ready", None
        return self.printer_state()

    def reprint_waiting(self) -> int:
        try:
            printed = self._queue.retry_all(self._printer)
        except PrinterFailure as exc:
            self._state, self.last_error = "problem", exc
            raise
        self._state = "ready" if self._configured else "none"
        self.last_error = None
        return printed

    def reprint_last(self) -> PrintResult:
        if self._last is None:
            return PrintResult(False, configured=self._configured, nothing=True)
        receipt_no = self._last.receipt_no
        with self._services.uow() as uow:
            count = uow.sales.count_reprint(receipt_no)
            uow.commit()
        return self.print_sale(replace(self._last, reprint_count=count))

    def waiting(self) -> int:
        return len(self._queue)

    def open_drawer(self) -> None:
        self._drawer.open()

    def last_preview(self) -> list[str]:
        from receipts.preview import preview_text
        return preview_text(self._last_bytes, self._profile.columns) if self._last_bytes else []

    def last_pdf(self) -> bytes:
        from receipts.pdf import escpos_pdf
        return escpos_pdf(self._last_bytes, self._profile.columns) if self._last_bytes else b""

    def printer_state(self) -> str:
        return self._state if self._configured else ("problem" if self._state == "problem"
                                                      else "none")


def profile_name(setting: str) -> str:
    """The receipts.escpos.PROFILES key for a printer_profile setting ('58mm-32' is '58mm')."""
    return "58mm" if setting == "58mm-32" else setting


def display_baudrate(devices: DeviceSettings) -> int | None:
    """The customer display's baud rate; None lets the model choose its own. 9600 is the
    setting's default, and an 8-digit LED display left at it runs at its usual 2400."""
    if devices.display_protocol == "led8" and devices.display_baudrate == 9600:
        return None
    return devices.display_baudrate


def printer_test_page(settings: Settings, devices: DeviceSettings) -> bytes:
    """A short Chinese test page for the settings screen's printer test (GBK, sizes, cut)."""
    from datetime import datetime

    from receipts.escpos import PROFILE_80MM_48, PROFILES
    from receipts.texts import ReceiptTexts
    from receipts.writer import ReceiptWriter
    profile = PROFILES.get(profile_name(devices.printer_profile), PROFILE_80MM_48)
    shop = settings.shop
    w = ReceiptWriter(profile, ReceiptTexts.zh_cn())
    w.title("打印测试")
    w.center(shop.shop_name)
    w.sep()
    w.field("门店 / 收银台", f"{shop.shop_code} / {shop.till_code}")
    w.field("纸宽 / 每行字数", f"{profile.name} / {profile.columns}")
    w.text("中文测试：会员卡 积分 储值 找零 ￥12.34")
    w.text("ASCII 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    w.sep()
    w.center(datetime.now().strftime("%Y-%m-%d %H:%M:%S"))
    return w.finish()


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
    """ctx.extra['device_checks'] for the devices tab: one bounded test of a device as shown on
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


def make_printer(settings: Settings) -> tuple[ReceiptPrinter, CashDrawer, bool]:
    """The configured ESC/POS printer (and its drawer), or null devices when none is set."""
    from hardware.escpos_printer import (
        DrawerConfig,
        EscPosPrinter,
        NullDrawer,
        NullPrinter,
    )
    url = settings.devices.printer_url.strip()
    if not url:
        return NullPrinter(), NullDrawer(), False
    printer = EscPosPrinter(url, drawer=DrawerConfig(pin=settings.devices.drawer_pin))
    return printer, printer, True


def outbox_counter(data_dir: Path):  # noqa: ANN201 - a small closure
    """Events not yet acknowledged by head office (a read-only query; WAL lets it run beside writes)."""
    from db.store import DB_FILE
    path = data_dir / DB_FILE

    def pending() -> int:
        from db.cipher import connect_raw, key_for_file
        con = connect_raw(path, key_for_file(path), read_only=True, timeout=0.05)
        try:
            return int(con.execute("SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL")
                       .fetchone()[0])
        finally:
            con.close()
    return pending


def _not_enrolled(pending: Any) -> Any:
    return lambda: ("none", pending())


def build_context(data_dir: Path, services: Services, settings: Settings, language: str,
                  printer: ReceiptPrinter | None = None, drawer: CashDrawer | None = None,
                  background: Background | None = None) -> TillContext:
    """Everything the screens need; tests call it with their own store and printer."""
    from pos_app.settings import save_settings
    if printer is None:
        printer, default_drawer, configured = make_printer(settings)
        drawer = drawer or default_drawer
    else:
        configured = True
        if drawer is None:
            from hardware.escpos_printer import NullDrawer
            drawer = NullDrawer()
    desk = TillReceiptDesk(services, settings, printer, drawer, data_dir / "print-queue",
                           configured)
    ctx = TillContext(services=services, background=background or Background(),
                      settings=settings, data_dir=data_dir, receipts=desk, language=language,
                      sync_state=_not_enrolled(outbox_counter(data_dir)),
                      save_settings=lambda s: save_settings(data_dir, s))
    from pos_app.domain.input_routing import CardNumberFormat
    from pos_app.services.input_routing import store_router
    ctx.router = store_router(services.uow, CardNumberFormat.parse(
        settings.devices.card_prefixes, settings.devices.card_lengths))
    desk.follow_settings(lambda: ctx.settings)
    # Contracts of the card and reports screens (ui/card_screens.py, ui/reports_screen.py).
    ctx.extra["print_slip"] = desk.print_slip
    ctx.extra["print_z"] = desk.print_z_report
    ctx.extra["z_report_pdf"] = desk.z_report_pdf
    ctx.extra["export_xlsx"] = export_xlsx
    # The devices tab (ui/device_settings.py) and the status bar's live printer state.
    leases = PortLeases()
    ctx.extra["port_leases"] = leases
    ctx.extra["device_checks"] = make_device_checks(lambda: ctx.settings, leases)
    ctx.extra["pcsc_readers"] = pcsc_readers
    ctx.extra["serial_ports"] = serial_ports
    ctx.extra["printer_status"] = desk.refresh_state
    return ctx


def export_xlsx(path: str | Path, title: str, headers: list[str], rows: list[list[object]],
                money_columns: list[int] | tuple[int, ...] = ()) -> None:
    """One report sheet to an .xlsx file (receipts/spreadsheet.py renders, this writes)."""
    from receipts.spreadsheet import render_xlsx
    data = render_xlsx(title, headers, rows, money_columns)  # type: ignore[arg-type]
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


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
    ctx.extra["wedge"] = wedge
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
        leases = ctx.extra.get("port_leases")
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


def _lend(leases: object, url: str, make: Callable[[], Any],
          attach: Callable[[Any], None]) -> None:
    """Start a serial driver and let device tests borrow its port (stop it, start a new one)."""
    current = {"driver": make()}
    attach(current["driver"])
    if isinstance(leases, PortLeases):
        def restart() -> None:
            current["driver"] = make()
            attach(current["driver"])
        leases.hold(url, lambda: current["driver"].stop(), restart)


@dataclass
class SyncWorker:
    """The head-office sync engine on its own thread while the app runs (ARCHITECTURE §4.5)."""

    engine: Any          # pos_app.sync.engine.SyncEngine
    store: Any           # db.sync_store.SqlSyncStore
    client: Any          # pos_app.sync.http_client.HttpHeadOfficeClient
    clock: Clock
    interval_s: int
    offline_warn_hours: int

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self.engine.run(self._stop, interval_s=self.interval_s)
        except Exception:  # noqa: BLE001 - thread boundary: the till sells on without sync
            log.exception("sync worker stopped")

    def state(self) -> tuple[str, int]:
        """('online' | 'offline' | 'offline_too_long' | 'clock_behind', events waiting) or
        ('refused', events head office refused) for the status bar."""
        from pos_app.sync.engine import sync_status
        st = sync_status(self.store, self.clock, self.offline_warn_hours)
        if st.refused:            # a person must look: pos sync --refused lists them
            return "refused", st.refused
        if st.clock_behind:
            return "clock_behind", st.backlog
        if st.offline_too_long:
            return "offline_too_long", st.backlog
        return ("online" if st.online else "offline"), st.backlog

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        self.client.close()


def make_card_codec(ctx: TillContext, v1_key: bytes | None) -> object:
    """How this till signs and checks IC member records: its certified key (if enrolled) and
    the certificates pulled from head office; the v1 key only during the migration window."""
    from db.till_key_store import SqlIssuerStore
    from pos_app.secrets import SecretStoreUnavailable, open_secret_store
    from pos_app.services.ic_cards import CardCodec
    from pos_app.till_identity import load_till_signer
    try:
        signer = load_till_signer(open_secret_store(ctx.data_dir))
    except SecretStoreUnavailable as exc:
        log.warning("no credential store, so no till signing key: %s", exc.reason)
        signer = None
    store = SqlIssuerStore(ctx.services.uow.engine, v1_key)  # type: ignore[attr-defined]
    return CardCodec(store.verifier, signer=signer, v1_key=v1_key)


def start_ic_reader(app: QApplication, ctx: TillContext, selling: object,
                    state: dict[str, str], window: QObject | None = None) -> list[object]:
    """The PC/SC reader: taps attach the member (chip checked when keys are set), the card
    screen gets the reader for issuing and replacing chips."""
    from hardware.pcsc_reader import PcscIcCardReader
    from pos_app.services.ic_cards import IcCardService
    from ui.card_ic import ReaderIcCardDesk
    d, sec = ctx.settings.devices, ctx.settings.security
    bridge = DeviceBridge(app)
    ctx.extra["ic_taps"] = bridge
    last_tap: dict[str, object] = {}
    keys_set = bool(sec.mifare_sector_key)
    reader = PcscIcCardReader(d.pcsc_reader, sec.mifare_sector,
                              bytes.fromhex(sec.mifare_sector_key) if keys_set else bytes(6))
    service: IcCardService | None = None
    if keys_set:
        # The chain master key only checks (and, on a till not yet certified, writes) v1
        # cards during the migration window; certified tills sign v2 with their own key.
        service = IcCardService(ctx.services.uow, ctx.services.clock, ctx.services.ids,
                                ctx.services.cards, ctx.services.checkout,
                                make_card_codec(ctx, bytes.fromhex(sec.card_master_key)
                                                if sec.card_master_key else None))  # type: ignore[arg-type]
        ctx.extra["ic_cards"] = ReaderIcCardDesk(service, reader,
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


def open_services(data_dir: Path) -> tuple[Services, Settings, SyncWorker | None]:
    """The till's services (pos_app/wiring.py) and, when enrolled, the sync worker thread."""
    from pos_app.wiring import open_till

    till = open_till(data_dir)
    sync: SyncWorker | None = None
    link = till.headoffice
    if link is not None:
        s = till.settings.sync
        sync = SyncWorker(link.engine, link.store, link.client, till.services.clock,
                          s.interval_s, s.offline_warn_hours)
    return till.services, till.settings, sync


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
    leases = ctx.extra.get("port_leases")
    if isinstance(leases, PortLeases):
        leases.hold(d.display_url, holder.close, holder.reopen)
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


def check_qt_binding() -> None:
    """Say in the log when the Qt binding is one known to abort the app after a while."""
    import PySide6
    if PySide6.__version__.startswith("6.12.0") and sys.version_info < (3, 12):
        # tests/ui/test_qt_binding.py: every Qt call loses a reference to None/True here.
        log.error("PySide6 %s on Python %d.%d loses references on every Qt call and will "
                  "abort the app; install PySide6-Essentials<6.12 or use Python >= 3.12",
                  PySide6.__version__, *sys.version_info[:2])


def load_bundled_fonts() -> list[str]:
    """Fonts shipped inside a packaged app (a CJK font for machines without one)."""
    from PySide6.QtGui import QFontDatabase
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    families: list[str] = []
    for font in sorted((base / "fonts").glob("*.tt[cf]")) if (base / "fonts").is_dir() else []:
        font_id = QFontDatabase.addApplicationFont(str(font))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


class _Boot:
    """Opens the store on a thread while the login screen is already up."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._result: tuple[Services, Settings, SyncWorker | None] | None = None

    def start(self) -> None:
        threading.Thread(target=self._run, name="open-store", daemon=True).start()

    def _run(self) -> None:
        try:
            self._result = open_services(self._data_dir)
        except BaseException as exc:  # noqa: BLE001 - reported when the cashier logs in
            self.error = exc
        finally:
            self.ready.set()

    def result(self) -> tuple[Services, Settings, SyncWorker | None]:
        self.ready.wait()
        if self.error is not None:
            raise self.error
        assert self._result is not None
        return self._result

    def login(self, username: str, pin: str) -> Any:
        """The login dialog's check (runs on the background lane).

        While the store is still opening, a right PIN of a user with a clean record is
        accepted from the users table directly (sqlite3 + the same Argon2 check, nothing
        written), so the first login does not wait for SQLAlchemy and Alembic. Anything
        else (a wrong PIN, failed attempts to reset, a locked account) goes through the
        store's AuthService, which counts and audits it."""
        if not self.ready.is_set():
            user = quick_login(self._data_dir, username, pin)
            if user is not None:
                return user
        return self.result()[0].auth.login(username, pin)


def quick_users(data_dir: Path) -> list[Any]:
    """The users for the login list, read with sqlite3 before SQLAlchemy is even imported."""
    from pos_app.services.auth import User
    path = data_dir / STORE_FILE
    if not path.exists():
        return []
    try:
        from db.cipher import connect_raw, key_for_file
        con = connect_raw(path, key_for_file(path), read_only=True, timeout=0.5)
        try:
            rows = con.execute("SELECT id, username, display_name, role FROM users "
                               "WHERE active ORDER BY username").fetchall()
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - sqlite3/sqlcipher3 errors, a missing key: the store opens later and says why
        log.warning("user list not readable before the store opens", exc_info=True)
        return []
    return [User(*row) for row in rows]


def quick_login(data_dir: Path, username: str, pin: str) -> Any:
    """The user if `pin` is right and the account has no failed attempts or lock to deal with;
    None to let AuthService decide (it records failures). Reads only; never logs the PIN."""
    from db.pin_hasher import Argon2PinHasher
    from pos_app.services.auth import User
    path = data_dir / STORE_FILE
    if not path.exists():
        return None
    try:
        from db.cipher import connect_raw, key_for_file
        con = connect_raw(path, key_for_file(path), read_only=True, timeout=0.5)
        try:
            row = con.execute("SELECT id, username, display_name, role, pin_hash, failed_attempts,"
                              " locked_until FROM users WHERE active AND username = ?",
                              (username,)).fetchone()
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - sqlite3/sqlcipher3 errors, a missing key: AuthService decides
        log.debug("quick login unavailable", exc_info=True)
        return None
    if row is None or row[5] or row[6] is not None:
        return None
    if not Argon2PinHasher().verify(row[4], pin):
        return None
    return User(*row[:4])


def _fatal(exc: BaseException, data_dir: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.error_messages import describe
    title, text = describe(exc)
    detail = QCoreApplication.translate(
        "Startup", "The till could not start. The details are in %1.").replace(
        "%1", str(data_dir / "logs" / LOG_FILE))
    if os.environ.get(SMOKE_ENV):
        print(f"FAILED {type(exc).__name__}", flush=True)
        return
    QMessageBox.critical(None, title, text + "\n\n" + detail)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """A bug in a slot: log the traceback, show the cashier a sentence, keep the till running."""
    log.error("unhandled exception", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
    from ui.error_messages import show_error
    show_error(QApplication.activeWindow(), exc)


def main(data_dir: Path, argv: list[str] | None = None) -> int:
    """Start the till app on `data_dir`; returns the exit code."""
    started = time.perf_counter()
    setup_logging(data_dir)
    log.info("starting, data dir %s", data_dir)
    # The store (SQLAlchemy, Alembic, the schema check) starts opening first, on a thread,
    # while Qt and the login screen load: by the time a PIN is typed it is usually ready.
    boot = _Boot(data_dir)
    boot.start()
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("membership-pos")
    from ui.type_scale import apply_app_font
    apply_app_font(app)
    check_qt_binding()
    fonts = load_bundled_fonts()
    if fonts:
        log.info("bundled fonts: %s", ", ".join(fonts))
    i18n.install(app, i18n.choose_language(""))   # Chinese until the settings say otherwise
    try:
        from pos_app.settings import load_settings
        settings = load_settings(data_dir)
    except Exception as exc:  # noqa: BLE001 - app boundary: explain, log, stop
        log.exception("the till's settings could not be read")
        _fatal(exc, data_dir)
        return 1
    language = i18n.choose_language(settings.language)
    i18n.uninstall(app)
    i18n.install(app, language)
    sys.excepthook = _excepthook

    # The login screen comes first; the store (SQLAlchemy, Alembic, the schema check) opens
    # on a thread meanwhile, so a cashier can type while the rest starts (cold start < 2 s).
    background = Background()
    shop = settings.shop
    from ui.login_dialog import LoginDialog
    login = LoginDialog(f"{shop.shop_name} · {shop.till_code}", quick_users(data_dir),
                        background, boot.login)
    login.show()
    log.info("login screen shown after %.0f ms", (time.perf_counter() - started) * 1000)
    if os.environ.get(SMOKE_ENV):
        # Packaging checks and the cold-start benchmark: say when the login screen is up, then
        # wait for the store (a broken store must still fail the check) and quit.
        def smoke_done() -> None:
            print(f"SHOWN {login.objectName()}", flush=True)
            print(f"LANGUAGE {language} {login.login_button.text()}", flush=True)
            boot.ready.wait(60)
            if boot.error is not None:
                log.error("the store could not be opened", exc_info=boot.error)
                print(f"FAILED {type(boot.error).__name__}", flush=True)
                app.exit(1)
                return
            print(f"READY {login.objectName()}", flush=True)
            app.quit()
        smoke_login = os.environ.get(SMOKE_LOGIN_ENV, "")
        if smoke_login:
            # The first-login benchmark: "type" user and PIN the moment the window shows and
            # say how long until the PIN was accepted (benchmarks/ui_latency.py).
            def smoke_login_now() -> None:
                print(f"SHOWN {login.objectName()}", flush=True)
                username, _, pin = smoke_login.partition(":")
                typed = time.perf_counter()

                def accepted(_user: object) -> None:
                    print(f"LOGGED_IN {time.perf_counter() - typed:.3f}", flush=True)
                    boot.ready.wait(60)
                    print("FAILED" if boot.error else f"READY {login.objectName()}", flush=True)
                    app.quit()

                login.logged_in.connect(accepted)
                login.user_box.setCurrentIndex(max(login.user_box.findData(username), 0))
                login.pin_edit.setText(pin)
                login.login_button.click()
            QTimer.singleShot(0, smoke_login_now)
        else:
            QTimer.singleShot(0, smoke_done)
    else:
        smoke_login = ""
    state: dict[str, object] = {}

    def on_logged_in(user: object) -> None:
        services, _settings, sync = boot.result()
        ctx = build_context(data_dir, services, settings, language, background=background)
        if sync is not None:
            ctx.sync_state = sync.state
            sync.start()
        from ui.main_window import MainWindow
        ui_state = QSettings(str(data_dir / UI_STATE_FILE), QSettings.Format.IniFormat)
        window = MainWindow(ctx, ui_state)
        state.update(window=window, ctx=ctx, sync=sync,
                     devices=start_devices(app, ctx, window))
        window.show_initial()
        window.continue_login(user)  # type: ignore[arg-type]

    def on_login_rejected() -> None:
        if "window" not in state:
            app.quit()

    if not smoke_login:
        login.logged_in.connect(on_logged_in)
    login.rejected.connect(on_login_rejected)
    code = app.exec()
    devices = list(state.get("devices", []))  # type: ignore[call-overload]
    if state.get("sync") is not None:
        devices.append(state["sync"])
    for device in devices:
        stop = getattr(device, "stop", None) or getattr(device, "close", None)
        if callable(stop):
            try:
                stop()
            except Exception:  # noqa: BLE001 - shutting down anyway
                log.exception("device did not stop cleanly")
    background.wait(5_000)
    return int(code)


if __name__ == "__main__":
    from pos_app.settings import resolve_data_dir  # noqa: I001
    sys.exit(main(resolve_data_dir(sys.argv[1] if len(sys.argv) > 1 else None)))
