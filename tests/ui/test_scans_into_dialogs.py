"""A keyboard-wedge scanner or card reader used in a dialog over the selling screen: the burst
lands in a field that takes scans, never in the basket behind, never in an amount.

Found by hand under Xvfb: a manager scanning a member's card number into the members
screen's search field (a fast digit burst plus Enter, as xdotool types it) saw nothing
happen; the wedge held the burst back as a scan and the selling screen, behind the manager
dialog, dropped it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication

from pos_app.domain.coupons import coupon_qr_payload, issue_coupon
from tests.ui.conftest import Till
from tests.ui.keys import reader_types, scanner_scans
from tests.ui.test_coupons_at_the_till import SPEND_SAVE, TEMPLATE
from tests.ui.test_manager_screens import open_manager
from ui.card_dialogs import CardTopUpDialog
from ui.coupon_dialog import CouponDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def focus(widget, qtbot) -> None:  # noqa: ANN001
    widget.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_a_card_scanned_and_a_card_swiped_into_the_members_search_find_the_member(
        wired: Till, qtbot) -> None:  # noqa: ANN001, F811
    manager = open_manager(wired, qtbot)
    screen = manager.members
    focus(screen.query, qtbot)
    scanner_scans(screen.query, "100002")              # bare digits and Enter
    qtbot.waitUntil(lambda: screen.results.count() == 1, timeout=10_000)
    assert screen.query.text() == "100002"
    assert "李娜" in screen.results.item(0).text()
    screen.query.clear()
    screen.results.clear()
    reader_types(screen.query, ";100003?\r")            # a magnetic swipe with sentinels
    qtbot.waitUntil(lambda: screen.results.count() == 1, timeout=10_000)
    assert screen.query.text() == "100003"              # the number, not the track data
    assert "王芳" in screen.results.item(0).text()
    assert wired.window.selling.model.lines == ()       # nothing reached the basket behind


def test_a_product_scanned_into_the_products_search_finds_it(
        wired: Till, qtbot) -> None:  # noqa: ANN001, F811
    manager = open_manager(wired, qtbot)
    manager.tabs.setCurrentWidget(manager.products)
    screen = manager.products
    focus(screen.query, qtbot)
    scanner_scans(screen.query, "6900000000017")
    qtbot.waitUntil(lambda: screen.query.text() == "6900000000017", timeout=10_000)
    wired.wait_idle(qtbot)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
    assert screen.table.item(0, 0).text() == "REG100"
    assert wired.window.selling.model.lines == ()


def test_a_coupon_scanned_into_the_coupon_dialog_is_applied(wired: Till, qtbot) -> None:  # noqa: ANN001, F811
    shop = wired.shop
    with shop.uow() as uow:
        uow.promotions.put_template(TEMPLATE, shop.clock.now())
        uow.promotions.put(SPEND_SAVE, shop.clock.now())
        member_id = uow.cards.find_card("100002").member_id
        c = issue_coupon(TEMPLATE, "ui-scan", member_id, shop.clock.now() - timedelta(days=1),
                         "run")
        uow.promotions.add_coupon(c)
        uow.commit()
    selling = wired.window.selling
    scanner_scans(selling.input, "6900000000017")
    scanner_scans(selling.input, "6900000000017")
    wired.wait_idle(qtbot)
    selling.attach_card("100002")
    wired.wait_idle(qtbot)
    selling.open_coupon_dialog()
    dialog = selling.dialog
    assert isinstance(dialog, CouponDialog)
    focus(dialog.code, qtbot)
    scanner_scans(dialog.code, coupon_qr_payload(c.code))
    qtbot.waitUntil(lambda: selling.view is not None and
                    [u.code for u in selling.view.coupon_uses] == [c.code], timeout=10_000)


def test_a_scan_into_the_top_up_amount_is_not_typed_as_an_amount(
        wired: Till, qtbot) -> None:  # noqa: ANN001, F811
    selling = wired.window.selling
    wired.shop.set_rules(selling.session.rules.with_changes(topup_role="cashier"))
    selling.session = wired.shop.services.selling.new_session()
    selling.attach_card("100002")
    wired.wait_idle(qtbot)
    selling.open_top_up()
    qtbot.waitUntil(lambda: isinstance(selling.dialog, CardTopUpDialog), timeout=10_000)
    dialog = selling.dialog
    dialog.amount.clear()
    focus(dialog.amount, qtbot)
    scanner_scans(dialog.amount, "6900000000017")
    wired.wait_idle(qtbot)
    QApplication.processEvents()
    assert dialog.amount.text() == "" and dialog.isVisible()
    assert selling.model.lines == ()


def test_a_receipt_scanned_into_the_managers_pin_field_is_not_counted_as_a_wrong_pin(
        wired: Till, qtbot) -> None:  # noqa: ANN001, F811
    """F7 asks a manager first; the cashier scanned the receipt at once, into the PIN field
    (seen under Xvfb): it said "wrong PIN, 4 tries left". Six scans now lock no one out."""
    from ui.manager_auth_dialog import ManagerAuthDialog
    selling = wired.window.selling
    selling.open_return_dialog()
    qtbot.waitUntil(lambda: isinstance(wired.window.selling.dialog, ManagerAuthDialog) or
                    isinstance(wired.window.dialog, ManagerAuthDialog), timeout=10_000)
    dialog = next(d for d in (selling.dialog, wired.window.dialog)
                  if isinstance(d, ManagerAuthDialog))
    focus(dialog.pin_edit, qtbot)
    for _ in range(6):
        scanner_scans(dialog.pin_edit, "T01-261203-000001")
        qtbot.waitUntil(lambda: "不是密码" in dialog.message.text() or
                        "扫码" in dialog.message.text(), timeout=10_000)
        assert dialog.isVisible()
        dialog.message.clear()
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
    dialog.submit("manager", "2222")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
