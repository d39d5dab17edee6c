"""The payment dialog's rules as the cashier meets them: member tenders, PIN, points, errors."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from pos_app.domain.tenders import TenderKind
from tests.ui.conftest import Till, log_in
from ui.payment_dialog import PaymentDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def pay_dialog(till: Till, qtbot, codes: list[str], card: str | None = None) -> PaymentDialog:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    for code in codes:
        selling.scan(code)
    if card:
        selling.attach_card(card)
    till.wait_idle(qtbot)
    selling.open_payment()
    qtbot.waitUntil(lambda: isinstance(selling.dialog, PaymentDialog))
    return selling.dialog


def test_member_tenders_are_off_without_a_member(till: Till, qtbot) -> None:  # noqa: ANN001
    pay = pay_dialog(till, qtbot, ["6900000000017"])
    assert not pay.tender_buttons[TenderKind.STORED_VALUE].isEnabled()
    assert not pay.tender_buttons[TenderKind.POINTS].isEnabled()
    pay.add_tender(TenderKind.STORED_VALUE)
    assert pay.tenders == []


def test_a_card_payment_never_takes_more_than_is_due(till: Till, qtbot) -> None:  # noqa: ANN001
    pay = pay_dialog(till, qtbot, ["6900000000017"])
    pay.amount.setText("500.00")
    pay.add_tender(TenderKind.WECHAT)
    assert [t.amount_fen for t in pay.tenders] == [10_000]
    assert pay.change_fen == 0 and pay.complete_button.isEnabled()


def test_stored_value_above_the_threshold_asks_for_the_member_pin(till: Till, qtbot) -> None:  # noqa: ANN001
    # Diamond member, balance ¥1000, 3 x ¥100 at 8折 = ¥240 > the ¥200 PIN threshold.
    till.shop.services.cards.set_pin(till.shop.manager, "100003", "2468")
    pay = pay_dialog(till, qtbot, ["3*6900000000017"], card="100003")
    pay.add_tender(TenderKind.STORED_VALUE)
    assert pay.pin_edit.isVisible() and not pay.no_pin_button.isVisible()
    pay.complete()                      # no PIN typed: the core asks for it
    till.wait_idle(qtbot)
    assert pay.isVisible() and pay.message.text()
    pay.pin_edit.setText("1234")        # a wrong PIN
    pay.complete()
    till.wait_idle(qtbot)
    assert pay.isVisible() and pay.sale is None and "密码" in pay.message.text()
    pay.pin_edit.setText("2468")
    with qtbot.waitSignal(pay.completed, timeout=10_000):
        pay.complete()
    assert pay.sale.total_fen == 24_000


def test_points_pay_part_of_the_sale_as_cash(till: Till, qtbot) -> None:  # noqa: ANN001
    pay = pay_dialog(till, qtbot, ["6900000000017"], card="100003")   # ¥80.00 for Diamond
    pay.amount.setText("10.00")         # 1000 points
    pay.add_tender(TenderKind.POINTS)
    pay.quick_cash(None)
    with qtbot.waitSignal(pay.completed, timeout=10_000):
        pay.complete()
    till.wait_idle(qtbot)
    sale = pay.sale
    points = [t for t in sale.tenders if t.kind is TenderKind.POINTS]
    assert points and points[0].points_used == 1_000
    account = till.shop.services.members.profile(sale.member.member_id).account
    assert account.spendable_points == 1_200 - 1_000 + 7   # ¥70 cash earns 7 points


def test_an_unknown_code_says_what_to_do_in_chinese(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan("NOSUCHCODE")
    till.wait_idle(qtbot)
    boxes = [b for b in selling.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "NOSUCHCODE" in boxes[0].text() and "品名" in boxes[0].text()
    assert boxes[0].windowTitle() == "未知商品"


def test_the_keyboard_alone_pays_f_keys_for_tenders_and_enter_to_finish(till: Till, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    pay = pay_dialog(till, qtbot, ["6900000000017"], card="100002")   # ¥88.00 for Gold
    pay.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pay.amount)
    pay.amount.setText("8.00")
    QTest.keyClick(pay.amount, Qt.Key.Key_F2)           # stored value ¥8.00
    QTest.keyClick(pay.amount, Qt.Key.Key_F1)           # cash: the rest (typed amount is the rest)
    assert [(t.kind, t.amount_fen) for t in pay.tenders] == [
        (TenderKind.STORED_VALUE, 800), (TenderKind.CASH, 8_000)]
    with qtbot.waitSignal(pay.completed, timeout=10_000):
        QTest.keyClick(pay.amount, Qt.Key.Key_Return)
