"""The cashier's top-up key (Ctrl+T, 充值) on the selling screen: the confirmation repeats the
amount, the bonus and the payment method; the rule set says who may (issue 13)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import Till, grab, log_in
from ui.card_dialogs import CardTopUpDialog
from ui.manager_auth_dialog import ManagerAuthDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def start(till: Till, qtbot) -> CardTopUpDialog:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    qtbot.waitExposed(till.window)
    till.window.activateWindow()
    selling.input.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.input)
    selling.attach_card("100002")                   # 李娜, balance ¥200
    till.wait_idle(qtbot)
    QTest.keyClick(selling.input, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(selling.dialog, CardTopUpDialog))
    dialog = selling.dialog
    dialog.amount.setText("1000.00")
    return dialog


def balance(till: Till) -> int:
    return till.shop.services.selling.member_by_card("100002").account.balance_fen


def test_one_enter_does_not_top_up_a_confirmation_repeats_amount_bonus_and_method(
        till: Till, qtbot) -> None:  # noqa: ANN001
    till.shop.set_rules(till.window.selling.session.rules.with_changes(topup_role="cashier"))
    till.window.selling.session = till.shop.services.selling.new_session()
    dialog = start(till, qtbot)
    selling = till.window.selling
    dialog.ok_button.click()
    box = selling.dialog
    assert isinstance(box, QMessageBox)
    text = box.text()
    assert "¥1000.00" in text and "¥100.00" in text and "¥1100.00" in text and "现金" in text
    assert balance(till) == 20_000                   # nothing booked yet
    grab(box, "top_up_confirm_zh")
    QTest.keyClick(box, Qt.Key.Key_Escape)          # back: nothing happens
    assert balance(till) == 20_000 and dialog.isVisible()
    dialog.ok_button.click()
    with qtbot.waitSignal(selling.topped_up, timeout=10_000):
        QTest.keyClick(selling.dialog, Qt.Key.Key_Return)
    assert balance(till) == 20_000 + 110_000
    assert "¥1300.00" in selling.money_panel.text()
    assert selling.view.member.account.balance_fen == 130_000


def test_where_the_rule_set_keeps_top_ups_for_managers_one_authorises_in_place(
        till: Till, qtbot) -> None:  # noqa: ANN001
    dialog = start(till, qtbot)
    selling = till.window.selling
    dialog.ok_button.click()
    QTest.keyClick(selling.dialog, Qt.Key.Key_Return)
    auth = selling.dialog
    assert isinstance(auth, ManagerAuthDialog)
    assert balance(till) == 20_000
    with qtbot.waitSignal(selling.topped_up, timeout=10_000):
        auth.submit("manager", "2222")
    assert balance(till) == 130_000


def test_the_key_without_a_member_says_to_swipe_first(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.keys["topup"].click()
    assert "会员卡" in selling.banner.text()
