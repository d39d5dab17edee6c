"""Keyboard-wedge swipes and scans reach the selling screen through the composition root's wiring."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.domain.tenders import TenderKind
from tests.ui.conftest import Till, devices_started, log_in
from tests.ui.keys import scanner_scans
from ui.device_wiring import start_devices
from ui.wedge import WedgeFilter

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

CODES = ["6900000000017", "6900000000024", "6900000000031", "6900000000055", "6900000000079"]


@pytest.fixture
def wired(till: Till, qtbot, qapp: QApplication) -> Iterator[Till]:  # noqa: ANN001
    """Devices as the app starts them, the wedge at its own timing."""
    with devices_started(till, qtbot, qapp) as t:
        yield t


def test_a_swipe_attaches_the_member_and_a_scan_adds_the_item(wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "6900000000017")
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, ";100002?")
    wired.wait_idle(qtbot)
    assert selling.view.member.account.name == "李娜"
    assert [ln.amount_fen for ln in selling.model.lines] == [8_800]
    assert selling.input.text() == ""     # the device's keys never reached the input line


def test_twenty_scans_in_a_burst_all_land_in_order(wired: Till, qtbot, qapp) -> None:  # noqa: ANN001
    """20 codes 10 ms apart, as a serial scanner's bridge delivers them (the wedge's own key
    timing is tested in test_wedge.py; here the screen and the background lane must keep up)."""
    from PySide6.QtCore import QTimer
    from pos_app.settings import with_section
    wedge = next(o for o in qapp.children() if isinstance(o, WedgeFilter))
    selling = wired.window.selling
    wired.ctx.settings = with_section(wired.ctx.settings, "shop", merge_repeated_scans=False)
    codes = [CODES[i % len(CODES)] for i in range(20)]
    # One repeating timer delivers the codes in turn. Twenty single-shot timers 10 ms apart
    # are coarse timers (up to 5 % early or late), so under load two of them could swap and
    # the *test* would deliver the codes out of order.
    pending = list(codes)
    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(10)

    def tick() -> None:
        wedge.barcode_scanned.emit(pending.pop(0))
        if not pending:
            ticker.stop()

    ticker.timeout.connect(tick)
    ticker.start()
    qtbot.waitUntil(lambda: selling.model.rowCount() == 20, timeout=10_000)
    wired.wait_idle(qtbot)
    assert [ln.barcode for ln in selling.model.lines] == codes


def test_the_customer_display_shows_the_item_then_the_change(till: Till, qtbot, qapp) -> None:  # noqa: ANN001
    from pos_app.settings import with_section
    from tests.simulators.display import Cd5220Screen, DisplayReceiver
    receiver = DisplayReceiver(Cd5220Screen())
    till.ctx.settings = with_section(till.ctx.settings, "devices", display_url=receiver.port,
                                     display_protocol="cd5220")
    log_in(till, qtbot)
    devices = start_devices(qapp, till.ctx, till.window)
    try:
        selling = till.window.selling
        selling.scan("6900000000017")
        till.wait_idle(qtbot)
        qtbot.waitUntil(lambda: "100.00" in " ".join(receiver.screen.lines), timeout=5000)
        selling.open_payment()
        with qtbot.waitSignal(selling.sale_completed, timeout=10_000):
            selling.dialog.quick_cash(25_000)
            selling.dialog.complete()
        # Paid 250.00, change 150.00 on the pole display.
        qtbot.waitUntil(lambda: "150.00" in " ".join(receiver.screen.lines), timeout=5000)
        assert "250.00" in " ".join(receiver.screen.lines)
    finally:
        for device in devices:
            if isinstance(device, WedgeFilter):
                qapp.removeEventFilter(device)
                device.deleteLater()
            elif hasattr(device, "close"):
                device.close()
        receiver.close()


def test_a_pin_field_pauses_wedge_capture(wired: Till, qtbot, qapp) -> None:  # noqa: ANN001
    wedge = next(o for o in qapp.children() if isinstance(o, WedgeFilter))
    selling = wired.window.selling
    wired.shop.services.cards.set_pin(wired.shop.manager, "100003", "2468")
    selling.scan("3*6900000000017")
    selling.attach_card("100003")
    wired.wait_idle(qtbot)
    selling.open_payment()
    pay = selling.dialog
    pay.add_tender(TenderKind.STORED_VALUE)
    qtbot.waitUntil(lambda: pay.pin_edit.isVisible())
    pay.activateWindow()
    pay.pin_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pay.pin_edit)
    assert not wedge.enabled
    pay.amount.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pay.amount)
    assert wedge.enabled


def test_scans_wait_while_the_payment_dialog_is_open(wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    selling.scan("6900000000017")
    wired.wait_idle(qtbot)
    selling.open_payment()
    with qtbot.waitSignal(selling.status_message):
        selling.scan("6900000000024")
    wired.wait_idle(qtbot)
    assert selling.model.rowCount() == 1 and selling.view.total_fen == 10_000


def test_a_receipt_qr_scanned_in_the_returns_dialog_finds_the_sale(wired: Till, qtbot) -> None:  # noqa: ANN001
    from ui.manager_auth_dialog import ManagerAuthDialog
    from ui.returns_dialog import ReturnsDialog
    selling = wired.window.selling
    selling.scan("6900000000017")
    wired.wait_idle(qtbot)
    selling.open_payment()
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        selling.dialog.quick_cash(None)
        selling.dialog.complete()
    receipt_no = selling.last_sale.receipt_no
    selling.open_return_dialog()
    auth = selling.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "2222")
    wired.wait_idle(qtbot)
    returns = selling.dialog
    assert isinstance(returns, ReturnsDialog)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is returns)
    returns.activateWindow()
    returns.receipt.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is returns.receipt)
    scanner_scans(returns.receipt, f"POS:R:{receipt_no}")
    wired.wait_idle(qtbot)
    qtbot.waitUntil(lambda: returns.sale is not None, timeout=5000)
    assert returns.sale.receipt_no == receipt_no
    assert selling.model.rowCount() == 0          # the scan never reached the basket
