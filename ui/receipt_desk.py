"""The receipt desk of the app: finished sales, slips and shift reports rendered with receipts/
and printed (or queued for reprint) with hardware/; the drawer; report sheets to .xlsx.

Wired by the app shell (ui/main.py); the screens see it as ui.context.ReceiptDesk.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pos_app.bootstrap import Services
from pos_app.domain.sale import CompletedSale
from pos_app.domain.shop import ShopInfo
from pos_app.ports.printing import CashDrawer, PrinterFailure, ReceiptPrinter
from pos_app.settings import DeviceSettings, Settings, ShopSettings
from ui.context import PrintResult

log = logging.getLogger(__name__)


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
        """A card slip or a top-up slip (ctx.print_slip for the card screens)."""
        from hardware.print_queue import print_or_queue
        from pos_app.domain.documents import StoredValueSlip
        from receipts.slips import render_card_slip, render_stored_value_slip
        if isinstance(doc, StoredValueSlip):
            data = render_stored_value_slip(self._shop_info(), doc, self._profile, self._texts)
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
        """The shift (Z) report on the receipt printer (ctx.print_z)."""
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
        """The shift (Z) report as an A4 PDF (ctx.z_report_pdf), no printer needed."""
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
        count = self._services.selling.record_reprint(self._last.receipt_no)
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


def export_xlsx(path: str | Path, title: str, headers: list[str], rows: list[list[object]],
                money_columns: list[int] | tuple[int, ...] = ()) -> None:
    """One report sheet to an .xlsx file (receipts/spreadsheet.py renders, this writes)."""
    from receipts.spreadsheet import render_xlsx
    data = render_xlsx(title, headers, rows, money_columns)  # type: ignore[arg-type]
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def open_receipt_desk(data_dir: Path, services: Services, settings: Settings,
                      printer: ReceiptPrinter | None = None,
                      drawer: CashDrawer | None = None) -> TillReceiptDesk:
    """The desk over the configured printer, or over `printer` (tests hand their simulator's)."""
    if printer is None:
        printer, default_drawer, configured = make_printer(settings)
        drawer = drawer or default_drawer
    else:
        configured = True
        if drawer is None:
            from hardware.escpos_printer import NullDrawer
            drawer = NullDrawer()
    return TillReceiptDesk(services, settings, printer, drawer, data_dir / "print-queue",
                           configured)
