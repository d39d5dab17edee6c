"""What every screen is handed by the composition root: services, the background helper, ports."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance

from pos_app.bootstrap import Services
from pos_app.domain.input_routing import CardNumberFormat, InputRouter, RoutedInput
from pos_app.domain.documents import CardSlip, StoredValueSlip, ZReport
from pos_app.domain.sale import CompletedSale
from pos_app.services.auth import User
from pos_app.services.ic_cards import IcCardService
from pos_app.services.member_profile import MemberProfileService
from pos_app.settings import DeviceSettings, Settings
from ui.background import Background
from ui.card_ic import IcCardDesk


@dataclass(frozen=True)
class PrintResult:
    """A print attempt: printed, or kept for reprint with the printer's error."""

    printed: bool
    error: Exception | None = None
    # False: no receipt printer is set up, so nothing reached paper (preview or PDF instead).
    configured: bool = True
    # Nothing to print (F9 before any receipt).
    nothing: bool = False


class ReceiptDesk(Protocol):
    """Receipts and the drawer as the screens see them; every method may block (device lane)."""

    def print_sale(self, sale: CompletedSale) -> PrintResult:
        """Render and print a finished sale; on failure keep it for reprint."""
        ...

    def reprint_waiting(self) -> int:
        """Print every waiting job oldest first; return how many printed (raise on failure)."""
        ...

    def reprint_last(self) -> PrintResult:
        """Print the last receipt again, marked as a reprint."""
        ...

    def waiting(self) -> int:
        """How many receipts wait for reprint."""
        ...

    def open_drawer(self) -> None:
        ...

    def last_preview(self) -> list[str]:
        """The last printed (or queued) receipt as text lines for the screen."""
        ...

    def printer_state(self) -> str:
        """'ready', 'problem', 'none' (no printer configured)."""
        ...

    def last_pdf(self) -> bytes:
        """The last receipt as an 80 mm PDF page (empty when there is none)."""
        ...


class InputSignals(Protocol):
    """The keyboard wedge or a serial bridge: a swiped card number, a scanned barcode."""

    card_swiped: SignalInstance
    barcode_scanned: SignalInstance


class IcTapSignals(Protocol):
    """The PC/SC reader's taps on the GUI thread: the chip's UID in hex."""

    uid_tapped: SignalInstance


class PortLending(Protocol):
    """Serial ports the running drivers hold; a device test borrows one (ui/device_wiring.py)."""

    def hold(self, url: str, stop: Callable[[], None], restart: Callable[[], None]) -> None: ...


# One report sheet to an .xlsx file: (path, title, headers, rows, money_columns).
XlsxExport = Callable[..., None]
# One bounded test of a device as shown on the devices tab: (device, settings) -> CheckResult.
DeviceCheck = Callable[[str, DeviceSettings], Any]


@dataclass
class TillContext:
    """The till as the screens use it; built once by the app shell (ui/main.py build_context),
    the devices added by ui/device_wiring.py. Tests build it the same way and may replace a
    field with their own (a printer simulator's slip printer, a fake wedge)."""

    services: Services
    background: Background
    settings: Settings
    data_dir: Path
    receipts: ReceiptDesk
    language: str = "zh_CN"
    # ('online' | 'offline' | 'offline_too_long' | 'none' (not enrolled), events to upload)
    sync_state: Callable[[], tuple[str, int]] = lambda: ("none", 0)
    reader_state: Callable[[], str] = lambda: "none"
    save_settings: Callable[[Settings], None] = lambda s: None
    # Pause (True) or resume keyboard-wedge capture: a PIN typed on a fast PIN pad must
    # never be taken for a scan (set by ui/device_wiring.py when the wedge filter is installed).
    pause_capture: Callable[[bool], None] = lambda paused: None
    user: User | None = None
    # What a scanned/swiped/typed string is (ui/main.py gives it the store's lookups; other
    # features add recognisers with router.add_recogniser).
    router: InputRouter = field(default_factory=InputRouter)
    # Printing beyond sales (the receipt desk): card and top-up slips, the shift (Z) report on
    # paper and as an A4 PDF, the printer's live state for the status bar. None: not wired.
    print_slip: Callable[[CardSlip | StoredValueSlip], PrintResult] | None = None
    print_z: Callable[[ZReport], PrintResult] | None = None
    z_report_pdf: Callable[[ZReport], bytes] | None = None
    printer_status: Callable[[], str] | None = None
    export_xlsx: XlsxExport | None = None
    # The devices tab: bounded checks, the PC/SC readers and serial ports present now.
    device_checks: DeviceCheck | None = None
    pcsc_readers: Callable[[], list[str] | None] | None = None
    serial_ports: Callable[[], list[tuple[str, str]]] | None = None
    port_leases: PortLending | None = None
    # Input devices (set by ui/device_wiring.py): the wedge (or serial bridge), IC taps, and
    # the IC card desk (reader + service) when the till holds a sector key.
    wedge: InputSignals | None = None
    ic_taps: IcTapSignals | None = None
    ic_service: IcCardService | None = None
    ic_cards: IcCardDesk | None = None
    # The head-office link of an enrolled till (wiring.HeadOfficeLink: engine, store, clock,
    # offline_warn_hours, worker; the sync and restore screens), None when not enrolled.
    headoffice: Any = None
    # The restore screen: what a backup holds, putting it in place (db/restore.py), and
    # starting the app again on the restored store.
    describe_backup: Callable[..., Any] | None = None
    restore_database: Callable[..., Any] | None = None
    restart: Callable[[], None] | None = None
    # A member's full profile from head office (ui/member_profile_dialog.py makes one from the
    # settings when none is given).
    member_profiles: MemberProfileService | None = None

    def route(self, text: str, *, selling: bool = True, lookups: bool = True) -> RoutedInput:
        """Route input with the card-number shape from the current settings (may block: call
        it on the background lane)."""
        d = self.settings.devices
        self.router.card_format = CardNumberFormat.parse(d.card_prefixes, d.card_lengths)
        return self.router.route(text, selling=selling, lookups=lookups)
