"""Complete cashier flows through the real windows (offscreen), asserted on screen and in the store."""
from __future__ import annotations

import pytest

from pos_app.domain.tenders import TenderKind
from tests.simulators.tcp_printer import PrinterState
from tests.ui.conftest import Till, grab, log_in
from ui.login_dialog import LoginDialog, OpenShiftDialog
from ui.manager_auth_dialog import ManagerAuthDialog
from ui.payment_dialog import PaymentDialog
from tests.store_support import store_db

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

REG100, PROMO100, SPECIAL50 = "6900000000017", "6900000000024", "6900000000031"
GOLD_CARD, LOST_CARD = "100002", "100004"


def scan_three_and_gold(till: Till, qtbot) -> None:  # noqa: ANN001
    selling = till.window.selling
    for code in (REG100, PROMO100, SPECIAL50):
        selling.scan(code)
    selling.attach_card(GOLD_CARD)
    till.wait_idle(qtbot)


def test_login_opens_a_shift_when_none_is_open(till: Till, qtbot) -> None:  # noqa: ANN001
    assert till.shop.services.shifts.current() is None
    log_in(till, qtbot)
    shift = till.shop.services.shifts.current()
    assert shift is not None and shift.opening_float_fen == 50_000
    assert till.window.selling.isEnabled()
    assert "李收银" in till.window.status["cashier"].text()


def test_gold_member_pays_with_cash_and_stored_value_and_the_receipt_prints(
        till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    scan_three_and_gold(till, qtbot)

    # On screen: three lines priced for Gold (8.8折, promotion stacked, special not discounted).
    assert [ln.amount_fen for ln in selling.model.lines] == [8_800, 7_040, 5_000]
    assert selling.member_panel.title.text() == "李娜"
    assert selling.member_panel.value("mobile") == "138****2222"
    assert selling.member_panel.value("balance") == "¥200.00"
    assert selling.due_label.text() == "¥208.40"
    reasons = [selling.model.data(selling.model.index(r, 5)) for r in range(3)]
    assert reasons[0] == "会员8.8折" and reasons[1] == "促销8折+会员8.8折" and reasons[2] == "特价"
    grab(till.window, "selling_member_basket_1024x768")

    selling.submit_input("")          # Enter on an empty input line pays
    qtbot.waitUntil(lambda: isinstance(selling.dialog, PaymentDialog))
    pay = selling.dialog
    assert isinstance(pay, PaymentDialog)
    pay.amount.setText("100.00")
    pay.add_tender(TenderKind.STORED_VALUE)
    assert pay.remaining_fen == 10_840
    pay.quick_cash(20_000 - 10_000)   # ¥100 note
    pay.quick_cash(5_000)             # and a ¥50 note
    assert pay.change_fen == 15_000 - 10_840
    assert pay.change_label.text() == "¥41.60"
    grab(pay, "payment_dialog")
    with qtbot.waitSignal(selling.print_finished, timeout=15_000) as printed:
        pay.complete()
    assert printed.args[0].printed
    sale = selling.last_sale
    assert sale is not None and sale.total_fen == 20_840 and sale.change_fen == 4_160

    # In the store: the sale, the stored-value spend and the points earned.
    stored = till.shop.services.returns.get_sale(sale.receipt_no)
    assert stored.total_fen == 20_840 and stored.member_id is not None
    account = till.shop.services.members.profile(stored.member_id).account
    assert account.balance_fen == 10_000
    assert account.spendable_points == 990 + 20
    # On paper: the fake printer decoded the receipt with its number.
    assert any(sale.receipt_no in line for line in till.printer.printed_text())
    # The screen is ready for the next customer.
    assert selling.model.rowCount() == 0 and selling.view.member is None
    assert "¥41.60" in selling.banner.text()


def test_a_printer_out_of_paper_never_blocks_the_next_customer(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    till.printer.state = PrinterState.PAPER_OUT
    selling = till.window.selling
    selling.scan(REG100)
    till.wait_idle(qtbot)
    selling.open_payment()
    pay = selling.dialog
    with qtbot.waitSignal(selling.print_finished, timeout=15_000) as printed:
        pay.quick_cash(None)
        pay.complete()
    assert not printed.args[0].printed
    assert till.ctx.receipts.waiting() == 1
    assert "F9" in selling.banner.text()
    till.window.poll_status()
    till.wait_idle(qtbot)
    assert "F9" in till.window.status["printer"].text()
    # The sale is in the store all the same, and the next scan is taken at once.
    assert till.shop.services.returns.get_sale(selling.last_sale.receipt_no)
    selling.scan(SPECIAL50)
    till.wait_idle(qtbot)
    assert selling.model.rowCount() == 1
    # Paper back: F9 prints the waiting receipt.
    till.printer.state = PrinterState.ONLINE
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        selling.reprint()
    assert till.ctx.receipts.waiting() == 0


def test_hold_and_recall_bring_the_basket_and_member_back(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    scan_three_and_gold(till, qtbot)
    selling.hold()
    till.wait_idle(qtbot)
    assert selling.model.rowCount() == 0
    assert len(selling.session.held()) == 1
    selling.open_recall_dialog()
    till.wait_idle(qtbot)
    selling.dialog.choose(0)
    till.wait_idle(qtbot)
    assert selling.model.rowCount() == 3
    assert selling.view.member is not None and selling.view.member.account.name == "李娜"
    assert selling.view.total_fen == 20_840
    assert selling.session.held() == []


def test_a_lost_card_is_shown_with_the_reason_and_never_priced_as_a_member(
        till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan(REG100)
    selling.attach_card(LOST_CARD)
    till.wait_idle(qtbot)
    assert selling.member_panel.problem.isVisible()
    assert "挂失" in selling.member_panel.problem.text()
    assert selling.view.member is None
    assert selling.model.lines[0].amount_fen == 10_000


def test_a_cashier_discount_is_authorised_by_a_manager_in_place(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan(REG100)
    till.wait_idle(qtbot)
    selling.discount("0.9", 1)
    auth = selling.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "0000")      # wrong PIN: refused, nothing changes
    till.wait_idle(qtbot)
    assert auth.isVisible() and auth.message.text()
    assert selling.model.lines[0].amount_fen == 10_000
    auth.submit("manager", "2222")
    till.wait_idle(qtbot)
    assert not auth.isVisible()
    assert selling.model.lines[0].amount_fen == 9_000
    assert "手工9折" in selling.model.data(selling.model.index(0, 5))
    # The cashier stays logged in: the manager only authorised.
    assert till.ctx.user.username == "cashier"


def test_a_return_refunds_by_the_original_tenders(till: Till, qtbot) -> None:  # noqa: ANN001
    from ui.returns_dialog import ReturnsDialog
    log_in(till, qtbot)
    selling = till.window.selling
    scan_three_and_gold(till, qtbot)
    selling.open_payment()
    pay = selling.dialog
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        pay.amount.setText("50.00")
        pay.add_tender(TenderKind.STORED_VALUE)
        pay.quick_cash(None)
        pay.complete()
    receipt_no = selling.last_sale.receipt_no
    selling.open_return_dialog()
    auth = selling.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "2222")
    till.wait_idle(qtbot)
    returns = selling.dialog
    assert isinstance(returns, ReturnsDialog)
    returns.find(f"POS:R:{receipt_no}")    # the QR payload, as scanned
    till.wait_idle(qtbot)
    assert returns.table.rowCount() == 3
    returns.set_quantity(1, 1)             # the wool sweater comes back
    grab(returns, "returns_dialog")
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        returns.book()
    refund = selling.last_sale
    assert refund.kind.value == "return" and refund.original_receipt_no == receipt_no
    assert refund.total_fen == 8_800
    stored = till.shop.services.returns.get_sale(receipt_no)
    assert stored.lines[0].returned_qty == 1


def test_shift_close_shows_the_z_report_and_closes_the_shift(till: Till, qtbot) -> None:  # noqa: ANN001
    from ui.manager_dialog import ManagerDialog
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan(REG100)
    till.wait_idle(qtbot)
    selling.open_payment()
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        selling.dialog.quick_cash(None)
        selling.dialog.complete()
    till.window.open_manager()
    auth = till.window.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "2222")
    till.wait_idle(qtbot)
    manager = till.window.dialog
    assert isinstance(manager, ManagerDialog)
    manager.shift.close_shift("600.00")
    qtbot.waitUntil(lambda: manager.shift.confirm_box is not None)
    assert "现金相符" in manager.shift.confirm_box.text()
    with qtbot.waitSignal(manager.shift_closed, timeout=10_000):
        manager.shift.confirm_box.defaultButton().click()
    report = manager.shift.report
    assert report is not None and report.expected_cash_fen == 60_000
    assert report.cash_difference_fen == 0
    assert "¥600.00" in manager.shift.text.toPlainText()
    assert till.shop.services.shifts.current() is None
    manager.tabs.setCurrentWidget(manager.shift)
    grab(manager, "manager_z_report")
    assert not selling.isEnabled()
    manager.reject()                       # closing the screens leads to the next login
    qtbot.waitUntil(lambda: isinstance(till.window.dialog, LoginDialog))


def test_login_with_a_wrong_pin_says_so_and_stays_on_the_login(till: Till, qtbot) -> None:  # noqa: ANN001
    dialog = till.window.start()
    dialog.user_box.setCurrentIndex(dialog.user_box.findData("cashier"))
    dialog.pin_edit.setText("9999")
    dialog.login_button.click()
    till.wait_idle(qtbot)
    assert dialog.isVisible() and dialog.message.text()
    assert not isinstance(till.window.dialog, OpenShiftDialog)


def test_opening_the_drawer_without_a_sale_asks_a_manager_and_a_reason_and_is_audited(
        till: Till, printer, qtbot) -> None:  # noqa: ANN001
    
    from db.store import DB_FILE
    log_in(till, qtbot)
    selling = till.window.selling
    selling.open_drawer()
    auth = selling.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "2222")
    till.wait_idle(qtbot)
    reason = selling.dialog
    assert reason is not None and reason.objectName() == "noSaleReasonDialog"
    reason.setTextValue("   ")
    reason.accept()                      # an empty reason: refused, the drawer stays shut
    till.wait_idle(qtbot)
    assert not [p for doc in printer.documents for p in doc.pulses]
    selling.open_drawer_with_reason(till.shop.manager, "换零钱")
    till.wait_idle(qtbot)
    qtbot.waitUntil(lambda: any(doc.pulses for doc in printer.documents), timeout=5_000)
    db = store_db(till.shop.data_dir / DB_FILE)
    assert db.execute("SELECT detail FROM audit_log WHERE action='drawer_opened_no_sale'"
                      ).fetchall() == [('{"reason": "换零钱"}',)]


def test_the_join_badge_on_screen_applies_the_tier_when_the_sale_completes(
        till: Till, qtbot) -> None:  # noqa: ANN001
    """本单可升为金卡 is a promise: paying makes the member Gold, and the member panel then
    tells them ahead when Gold lapses (a rolling window of the rule set)."""
    from pos_app.domain.rules import default_rule_set
    till.shop.set_rules(default_rule_set(2).with_changes(tier_validity_months=12,
                                                        tier_notice_days=400))
    log_in(till, qtbot)
    selling = till.window.selling
    for _ in range(4):
        selling.scan(REG100)
    selling.attach_card("100001")                # 张伟, Regular
    till.wait_idle(qtbot)
    badge = selling.member_panel.badges["join"]
    assert not badge.isHidden() and "金卡" in badge.text()
    selling.open_payment()
    pay = selling.dialog
    assert isinstance(pay, PaymentDialog)
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        pay.quick_cash(None)
        pay.complete()
    sale = selling.last_sale
    assert sale.member.upgraded_to == "gold"
    stored = till.shop.services.returns.get_sale(sale.receipt_no)
    assert till.shop.services.members.profile(stored.member_id).account.tier_code == "gold"
    assert any("恭喜升级为金卡" in line for line in till.printer.printed_text())
    # The next basket: Gold, and when it lapses unless a qualifying receipt keeps it.
    selling.scan(REG100)
    selling.attach_card("100001")
    till.wait_idle(qtbot)
    tier = selling.member_panel.value("tier")
    assert tier.startswith("金卡") and "到期" in tier
    assert selling.member_panel.badges["join"].isHidden()
