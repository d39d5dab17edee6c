"""Payment and money on screen (issue 13): limits as typed, keys, 抹零 from the core, the change
and the refund shown large, members without a PIN, and an honest print status."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pos_app.domain.tenders import TenderKind
from tests.ui.conftest import Till, grab, log_in
from tests.ui.keys import scanner_scans
from ui.device_wiring import start_devices
from ui.payment_dialog import PaymentDialog
from ui.wedge import WedgeFilter

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def type_keys(text: str) -> None:
    """A person typing into whatever has the focus now."""
    for ch in text:
        QTest.keyClick(QApplication.focusWidget(), ch, Qt.KeyboardModifier.NoModifier, 60)
    QTest.qWait(150)      # a person's pause: the wedge filter lets the last key go


def open_pay(till: Till, qtbot, codes: list[str], card: str | None = None) -> PaymentDialog:  # noqa: ANN001
    selling = till.window.selling
    for code in codes:
        selling.scan(code)
    if card:
        selling.attach_card(card)
    till.wait_idle(qtbot)
    selling.open_payment()
    qtbot.waitUntil(lambda: isinstance(selling.dialog, PaymentDialog))
    pay = selling.dialog
    pay.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pay.amount)
    return pay


def test_stored_value_is_capped_at_the_balance_as_typed_and_focus_stays_on_the_amount(
        wired: Till, qtbot) -> None:  # noqa: ANN001
    # Gold member 李娜: balance ¥200; 3 x ¥100 at 8.8折 = ¥264.
    pay = open_pay(wired, qtbot, ["3*6900000000017"], card="100002")
    assert "¥200.00" in pay.wallet_label.text()
    pay.amount.selectAll()
    type_keys("300")
    QTest.keyClick(pay.amount, Qt.Key.Key_F2)
    assert [(t.kind, t.amount_fen) for t in pay.tenders] == [(TenderKind.STORED_VALUE, 20_000)]
    assert "¥200.00" in pay.message.text()
    assert QApplication.focusWidget() is pay.amount
    type_keys("70")                         # the next amount goes where the cashier types
    assert pay.amount.text() == "70"


def test_points_show_and_enforce_one_limit_from_one_function(wired: Till, qtbot) -> None:  # noqa: ANN001
    # Diamond member 王芳: 1,200 points = ¥12.00; ¥80.00 due, points may pay 20% = ¥16.00.
    pay = open_pay(wired, qtbot, ["6900000000017"], card="100003")
    limit = pay.limit(TenderKind.POINTS)
    assert limit == 1_200
    assert "¥12.00" in pay.wallet_label.text()
    pay.amount.selectAll()
    type_keys("30")
    QTest.keyClick(pay.amount, Qt.Key.Key_F6)
    assert [(t.kind, t.amount_fen) for t in pay.tenders] == [(TenderKind.POINTS, 1_200)]
    assert "¥12.00" in pay.message.text()
    QTest.keyClick(pay.amount, Qt.Key.Key_F6)           # nothing more: said, not refused later
    assert len(pay.tenders) == 1
    with qtbot.waitSignal(pay.completed, timeout=10_000):
        QTest.keyClick(pay.amount, Qt.Key.Key_Return)   # the rest in cash
        QTest.keyClick(pay.amount, Qt.Key.Key_Return)   # and complete
    assert pay.sale.total_fen == 8_000


def test_del_on_the_keyboard_removes_the_last_tender(wired: Till, qtbot) -> None:  # noqa: ANN001
    pay = open_pay(wired, qtbot, ["6900000000017"], card="100002")
    pay.amount.selectAll()
    type_keys("8")
    QTest.keyClick(pay.amount, Qt.Key.Key_F2)
    assert len(pay.tenders) == 1
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert pay.tenders == []
    assert pay.amount.text() == "88.00"
    assert QApplication.focusWidget() is pay.amount


def test_cash_rounding_is_what_the_core_computed_and_the_change_stays_until_the_next_scan(
        wired: Till, qtbot) -> None:  # noqa: ANN001
    shop = wired.shop
    shop.products([("ODD", "6900000000109", "牛肉干", "食品/零食/肉干", "12.34", "regular", "")])
    shop.set_rules(wired.window.selling.session.rules.with_changes(cash_rounding_to_jiao=True))
    selling = wired.window.selling
    selling.session = shop.services.selling.new_session()
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "6900000000109")
    pay = open_pay(wired, qtbot, [])
    assert pay.amount.text() == "12.30"              # 抹零: cash due is ¥12.30
    assert pay.rounding_label.text() == "¥0.04" and pay.rounding_label.isVisible()
    quick = [b.text() for b in pay.quick_buttons]
    assert quick[1:] == ["¥20", "¥50", "¥100"]
    pay.amount.selectAll()
    type_keys("20")
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        QTest.keyClick(pay.amount, Qt.Key.Key_Return)    # cash ¥20: one Enter pays
    assert pay.change_label.text() == "¥7.70"
    sale = selling.last_sale
    assert sale.change_fen == 770 and sale.rounding_fen == 4
    assert selling.money_panel.isVisible()
    assert "¥7.70" in selling.money_panel.text() and "¥20.00" in selling.money_panel.text()
    grab(wired.window, "sale_change_shown_zh_1024")
    selling.input.setFocus()
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "6900000000017")       # the next customer's first scan
    assert not selling.money_panel.isVisible()


def test_a_quick_cash_note_pays_and_shows_the_change(wired: Till, qtbot) -> None:  # noqa: ANN001
    pay = open_pay(wired, qtbot, ["6900000000017"], card="100002")        # ¥88.00
    assert [b.text() for b in pay.quick_buttons][1:] == ["¥90", "¥100"]
    pay.quick_buttons[2].click()
    assert pay.change_label.text() == "¥12.00"


def test_a_member_without_a_pin_is_told_at_once_and_a_manager_authorises(
        wired: Till, qtbot) -> None:  # noqa: ANN001
    from ui.manager_auth_dialog import ManagerAuthDialog
    # Diamond, balance ¥1000, imported without a PIN; 3 x ¥80 = ¥240 > the ¥200 threshold.
    pay = open_pay(wired, qtbot, ["3*6900000000017"], card="100003")
    QTest.keyClick(pay.amount, Qt.Key.Key_F2)
    assert not pay.pin_edit.isVisible()
    assert pay.no_pin_button.isVisible() and "¥200.00" in pay.message.text()
    assert not pay.complete_button.isEnabled()
    grab(pay, "payment_no_pin_zh")
    pay.no_pin_button.click()
    auth = pay.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "2222")
    qtbot.waitUntil(lambda: pay.complete_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(pay.completed, timeout=10_000):
        QTest.keyClick(pay.amount, Qt.Key.Key_Return)
    assert pay.sale.total_fen == 24_000
    from tests.store_support import store_db
    con = store_db(wired.shop.data_dir / "pos.sqlite3")
    detail = con.execute("SELECT detail FROM audit_log WHERE action = 'sale' AND target = ?",
                         (pay.sale.receipt_no,)).fetchone()[0]
    con.close()
    assert wired.shop.manager.id in detail and "pin_waived_by" in detail


def test_the_rule_set_can_ask_for_a_pin_to_be_set_there_and_then(wired: Till, qtbot) -> None:  # noqa: ANN001
    shop = wired.shop
    shop.set_rules(wired.window.selling.session.rules.with_changes(no_pin_stored_value="set_pin"))
    wired.window.selling.session = shop.services.selling.new_session()
    wired.ctx.user = shop.manager          # a manager at the till: no extra authorisation
    pay = open_pay(wired, qtbot, ["3*6900000000017"], card="100003")
    QTest.keyClick(pay.amount, Qt.Key.Key_F2)
    assert pay.no_pin_button.isVisible()
    pay.no_pin_button.click()
    pin_dialog = pay.dialog
    pin_dialog.new_pin.setText("2468")
    pin_dialog.repeat.setText("2468")
    pin_dialog.submit()
    qtbot.waitUntil(lambda: pay.pin_edit.isVisible(), timeout=10_000)
    pay.pin_edit.setText("2468")
    with qtbot.waitSignal(pay.completed, timeout=10_000):
        pay.complete()
    assert pay.sale.total_fen == 24_000


def test_a_return_shows_cash_back_card_back_and_the_new_balance_large(till: Till, qtbot) -> None:  # noqa: ANN001
    from ui.returns_dialog import ReturnsDialog
    log_in(till, qtbot)
    selling = till.window.selling
    pay = open_pay(till, qtbot, ["2*6900000000017"], card="100002")  # ¥176
    pay.amount.setText("100.00")
    pay.add_tender(TenderKind.STORED_VALUE)
    pay.quick_cash(None)
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        pay.complete()
    receipt_no = selling.last_sale.receipt_no
    selling.open_return_dialog()
    selling.dialog.submit("manager", "2222")
    till.wait_idle(qtbot)
    returns = selling.dialog
    assert isinstance(returns, ReturnsDialog)
    returns.find(f"POS:R:{receipt_no}")
    till.wait_idle(qtbot)
    returns.set_quantity(1, 2)
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        returns.book()
    text = selling.money_panel.text()
    assert selling.money_panel.isVisible()
    assert "现金" in text and "¥76.00" in text
    assert "会员卡" in text and "¥100.00" in text
    assert "余额" in text and "¥200.00" in text       # ¥200 - ¥100 + ¥100 back
    grab(till.window, "return_money_zh_1024")


def test_no_printer_says_nothing_was_printed_and_offers_preview_and_pdf(
        stocked, qtbot, tmp_path, zh_translator) -> None:  # noqa: ANN001
    from pos_app.settings import Settings, with_section
    from ui.main import build_context
    from ui.main_window import MainWindow
    settings = with_section(Settings(), "shop", shop_name="示范百货", till_code="T01")
    ctx = build_context(stocked.data_dir, stocked.services, settings, "zh_CN")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    till = Till(stocked, ctx, window, None)  # type: ignore[arg-type]
    log_in(till, qtbot)
    selling = window.selling
    qtbot.waitExposed(window)
    window.activateWindow()
    selling.input.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.input)
    with qtbot.waitSignal(selling.print_finished, timeout=5_000) as nothing:
        QTest.keyClick(selling.input, Qt.Key.Key_F9)      # F9 before any sale: says so
    assert nothing.args[0].nothing and "没有" in selling.banner.text()
    pay = open_pay(till, qtbot, ["6900000000017"])
    with qtbot.waitSignal(selling.print_finished, timeout=15_000) as done:
        pay.quick_cash(None)
        pay.complete()
    assert not done.args[0].printed and not done.args[0].configured
    assert "已打印" not in selling.banner.text() and "未设置" in selling.banner.text()
    assert selling.pdf_button.isVisible() and selling.preview_button.isVisible()
    grab(window, "no_printer_zh_1024")
    target = tmp_path / "receipt.pdf"
    with qtbot.waitSignal(selling.pdf_saved, timeout=15_000):
        selling.save_receipt_pdf(str(target))
    assert target.read_bytes().startswith(b"%PDF")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.input)
    with qtbot.waitSignal(selling.print_finished, timeout=5_000) as again:
        QTest.keyClick(selling.input, Qt.Key.Key_F9)
    assert not again.args[0].printed and "未设置" in selling.banner.text()
    ctx.background.wait(10_000)
    QApplication.processEvents()


def test_the_change_stays_on_screen_and_pole_display_until_the_next_scan(
        till: Till, qtbot, qapp) -> None:  # noqa: ANN001
    from pos_app.settings import with_section
    from tests.simulators.display import Cd5220Screen, DisplayReceiver
    receiver = DisplayReceiver(Cd5220Screen())
    till.ctx.settings = with_section(till.ctx.settings, "devices", display_url=receiver.port,
                                     display_protocol="cd5220")
    log_in(till, qtbot)
    devices = start_devices(qapp, till.ctx, till.window)
    try:
        selling = till.window.selling
        pay = open_pay(till, qtbot, ["6900000000017"])                  # ¥100.00
        with qtbot.waitSignal(selling.print_finished, timeout=15_000):
            pay.quick_cash(25_000)
            QTest.keyClick(pay.amount, Qt.Key.Key_Return)
        # After the receipt, both still say what to hand back.
        assert selling.money_panel.isVisible() and "¥150.00" in selling.money_panel.text()
        qtbot.waitUntil(lambda: "150.00" in " ".join(receiver.screen.lines), timeout=5000)
        qtbot.wait(300)
        assert "150.00" in " ".join(receiver.screen.lines)
        with qtbot.waitSignal(selling.view_shown, timeout=5000):
            selling.scan("6900000000055")                               # the next customer
        assert not selling.money_panel.isVisible()
        qtbot.waitUntil(lambda: "150.00" not in " ".join(receiver.screen.lines), timeout=5000)
    finally:
        for device in devices:
            if isinstance(device, WedgeFilter):
                qapp.removeEventFilter(device)
                device.deleteLater()
            elif hasattr(device, "close"):
                device.close()
        receiver.close()
