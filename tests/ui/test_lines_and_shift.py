"""Lines and the shift as cashiers meet them (issue 13): a repeated scan joins its line, F4
voids only after a confirmation (and a manager where the rule set says so), the recall list
says whose basket is whose, and closing the shift confirms, shows a shortage and lists held
baskets on a Z report that prints or saves as a PDF."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget

from tests.store_support import store_db
from tests.ui.conftest import Till, grab
from ui.manager_auth_dialog import ManagerAuthDialog
from ui.manager_dialog import ManagerDialog
from ui.recall_dialog import RecallDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

REG100, WATER = "6900000000017", "6900000000055"


def burst(widget: QWidget, text: str, delay_ms: int = 1) -> None:
    for ch in text:
        QTest.keyClick(widget, ch, Qt.KeyboardModifier.NoModifier, delay_ms)
    QTest.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, delay_ms)


def scan(till: Till, qtbot, code: str) -> None:  # noqa: ANN001
    selling = till.window.selling
    with qtbot.waitSignal(selling.view_shown, timeout=5_000):
        burst(selling.input, code)


def test_scanning_the_same_item_twice_makes_quantity_two(wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    for code in (REG100, WATER, REG100):
        scan(wired, qtbot, code)
    assert [(ln.sku, ln.qty) for ln in selling.model.lines] == [("REG100", 2), ("WATER", 1)]
    assert selling.selected_line_no() == 1          # the line that changed is selected


def test_the_setting_off_keeps_one_line_per_scan(wired: Till, qtbot) -> None:  # noqa: ANN001
    from pos_app.settings import with_section
    wired.ctx.settings = with_section(wired.ctx.settings, "shop", merge_repeated_scans=False)
    for code in (REG100, REG100):
        scan(wired, qtbot, code)
    assert [ln.qty for ln in wired.window.selling.model.lines] == [1, 1]


def test_f4_voids_a_line_only_after_a_confirmation_and_is_audited(wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    scan(wired, qtbot, REG100)
    scan(wired, qtbot, WATER)
    QTest.keyClick(selling.input, Qt.Key.Key_F4)
    box = selling.dialog
    assert isinstance(box, QMessageBox) and box.isVisible() and "矿泉水" in box.text()
    grab(box, "void_line_confirm_zh")
    QTest.keyClick(box, Qt.Key.Key_Escape)           # keep it
    wired.wait_idle(qtbot)
    assert selling.model.rowCount() == 2
    QTest.keyClick(selling.input, Qt.Key.Key_F4)
    box = selling.dialog
    with qtbot.waitSignal(selling.view_shown, timeout=5_000):
        QTest.keyClick(box, Qt.Key.Key_Return)        # confirm
    assert [ln.sku for ln in selling.model.lines] == ["REG100"]
    con = store_db(wired.shop.data_dir / "pos.sqlite3")
    rows = con.execute("SELECT target FROM audit_log WHERE action='line_voided'").fetchall()
    con.close()
    assert rows == [("WATER",)]


def test_where_the_rule_set_says_so_a_manager_authorises_a_void(wired: Till, qtbot) -> None:  # noqa: ANN001
    shop = wired.shop
    shop.set_rules(wired.window.selling.session.rules.with_changes(line_void_role="manager"))
    selling = wired.window.selling
    selling.session = shop.services.selling.new_session()
    scan(wired, qtbot, REG100)
    QTest.keyClick(selling.input, Qt.Key.Key_F4)
    QTest.keyClick(selling.dialog, Qt.Key.Key_Return)
    auth = selling.dialog
    assert isinstance(auth, ManagerAuthDialog)
    assert selling.model.rowCount() == 1             # nothing voided yet
    with qtbot.waitSignal(selling.view_shown, timeout=10_000):
        auth.submit("manager", "2222")
    assert selling.model.rowCount() == 0


def test_the_recall_list_shows_amount_items_and_member(wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    scan(wired, qtbot, ";100002?")
    scan(wired, qtbot, "3*" + REG100)
    QTest.keyClick(selling.input, Qt.Key.Key_F5)
    wired.wait_idle(qtbot)
    scan(wired, qtbot, WATER)
    QTest.keyClick(selling.input, Qt.Key.Key_F5)
    wired.wait_idle(qtbot)
    QTest.keyClick(selling.input, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: isinstance(selling.dialog, RecallDialog))
    rows = [selling.dialog.list.item(i).text() for i in range(selling.dialog.list.count())]
    assert "¥264.00" in rows[0] and "3" in rows[0] and "李娜" in rows[0]
    assert "¥2.00" in rows[1] and "1" in rows[1]
    grab(selling.dialog, "recall_list_zh")


def test_shift_close_confirms_highlights_a_shortage_and_lists_held_baskets(
        wired: Till, qtbot, tmp_path) -> None:  # noqa: ANN001
    selling = wired.window.selling
    scan(wired, qtbot, WATER)
    QTest.keyClick(selling.input, Qt.Key.Key_F5)     # a basket left on hold
    wired.wait_idle(qtbot)
    wired.window.open_manager()
    wired.window.dialog.submit("manager", "2222")
    wired.wait_idle(qtbot)
    manager = wired.window.dialog
    assert isinstance(manager, ManagerDialog)
    shift = manager.shift
    manager.tabs.setCurrentWidget(shift)
    shift.close_shift("490.00")                      # float ¥500: ¥10 short
    qtbot.waitUntil(lambda: shift.confirm_box is not None and shift.confirm_box.isVisible())
    box = shift.confirm_box
    assert "短款 ¥10.00" in box.text() and "挂单" in box.text()
    assert "短款 ¥10.00" in shift.difference.text() and "b71c1c" in shift.difference.styleSheet()
    assert shift.held_warning.isVisible()
    assert wired.shop.services.shifts.current() is not None   # nothing closed yet
    grab(manager, "shift_close_confirm_zh_1024")
    with qtbot.waitSignal(manager.shift_closed, timeout=10_000):
        box.defaultButton().click()
    report = shift.report
    assert report.cash_difference_fen == -1_000 and len(report.held_baskets) == 1
    assert "¥2.00" in shift.text.toPlainText()
    with qtbot.waitSignal(shift.printed, timeout=10_000):
        shift.print_button.click()
    qtbot.waitUntil(lambda: any("挂单未取" in t for t in wired.printer.printed_text()),
                    timeout=10_000)
    target = tmp_path / "z.pdf"
    with qtbot.waitSignal(shift.pdf_saved, timeout=20_000):
        shift.save_pdf(str(target))
    assert target.read_bytes().startswith(b"%PDF")
    grab(manager, "shift_closed_short_zh_1024")
