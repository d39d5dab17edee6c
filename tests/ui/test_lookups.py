"""Member look-up by the mobile's last four digits and by a surname, product look-up by
pinyin initials, typed the way a cashier types them (issue 13)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import Till, grab, log_in
from ui.member_search_dialog import MemberSearchDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise\\(\\)", "grabbing the keyboard")]


def open_member_search(till: Till, qtbot) -> MemberSearchDialog:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    qtbot.waitExposed(till.window)
    till.window.activateWindow()
    selling.input.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.input)
    QTest.keyClick(selling.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(selling.dialog, MemberSearchDialog))
    dialog = selling.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.query)
    return dialog


def test_the_last_four_digits_of_the_mobile_find_the_member(till: Till, qtbot) -> None:  # noqa: ANN001
    dialog = open_member_search(till, qtbot)
    QTest.keyClicks(dialog.query, "3333", Qt.KeyboardModifier.NoModifier, 80)
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5_000)
    assert "王芳" in dialog.results.item(0).text()
    grab(dialog, "member_search_last4_zh")
    with qtbot.waitSignal(till.window.selling.view_shown, timeout=5_000):
        QTest.keyClick(dialog.results, Qt.Key.Key_Return)
    assert till.window.selling.view.member.account.name == "王芳"


def test_a_one_character_surname_finds_the_member(till: Till, qtbot) -> None:  # noqa: ANN001
    dialog = open_member_search(till, qtbot)
    from PySide6.QtGui import QInputMethodEvent
    commit = QInputMethodEvent("", [])
    commit.setCommitString("李")                 # what a Chinese input method commits
    QApplication.sendEvent(dialog.query, commit)
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5_000)
    assert "李娜" in dialog.results.item(0).text()


def test_pinyin_initials_typed_on_the_item_line_offer_the_product(till: Till, qtbot) -> None:  # noqa: ANN001
    till.shop.products([("JERKY", "6900000000109", "牛肉干", "食品/零食/肉干", "12.34", "regular",
                         "")])
    log_in(till, qtbot)
    selling = till.window.selling
    qtbot.waitExposed(till.window)
    till.window.activateWindow()
    selling.input.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.input)
    QTest.keyClicks(selling.input, "nrg", Qt.KeyboardModifier.NoModifier, 80)
    qtbot.waitUntil(lambda: selling.completer.popup().isVisible(), timeout=5_000)
    assert selling.completer.completionModel().rowCount() >= 1
    first = selling.completer.completionModel().index(0, 0).data()
    assert first.startswith("牛肉干")
    grab(till.window, "pinyin_lookup_zh_1024")
    with qtbot.waitSignal(selling.view_shown, timeout=5_000):
        QTest.keyClick(selling.completer.popup(), Qt.Key.Key_Down)
        QTest.keyClick(selling.completer.popup(), Qt.Key.Key_Return)
    assert [ln.sku for ln in selling.model.lines] == ["JERKY"]
