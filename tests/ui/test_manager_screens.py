"""Manager screens and member look-up at the till, driven through their own widgets."""
from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.settings import load_settings
from tests.ui.conftest import Till, grab, log_in
from ui.manager_auth_dialog import ManagerAuthDialog
from ui.manager_dialog import ManagerDialog
from ui.member_search_dialog import MemberSearchDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def open_manager(till: Till, qtbot) -> ManagerDialog:  # noqa: ANN001
    till.window.open_manager()
    auth = till.window.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "2222")
    till.wait_idle(qtbot)
    dialog = till.window.dialog
    assert isinstance(dialog, ManagerDialog)
    return dialog


def test_a_member_is_found_by_mobile_and_attached_at_the_till(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.open_member_dialog()
    dialog = selling.dialog
    assert isinstance(dialog, MemberSearchDialog)
    dialog.query.setText("13800003333")
    dialog.search()
    till.wait_idle(qtbot)
    assert dialog.results.count() == 1
    grab(dialog, "member_search_dialog")
    dialog._on_query_return_pressed()   # Enter picks the highlighted member
    till.wait_idle(qtbot)
    assert selling.view.member is not None and selling.view.member.account.name == "王芳"


def test_a_typed_card_number_in_the_input_line_attaches_the_member(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.submit_input("6900000000017")
    selling.submit_input("100002")          # not a product: the member card
    till.wait_idle(qtbot)
    assert selling.view.member.account.name == "李娜"
    assert selling.model.lines[0].amount_fen == 8_800


def test_an_expired_card_is_refused_with_its_date(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.attach_card("100005")
    till.wait_idle(qtbot)
    assert "2025-12-31" in selling.member_panel.problem.text()
    assert selling.view.member is None


def test_members_screen_shows_profile_and_ledger_with_receipts(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan("6900000000017")
    selling.attach_card("100002")
    till.wait_idle(qtbot)
    selling.open_payment()
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        selling.dialog.quick_cash(None)
        selling.dialog.complete()
    receipt_no = selling.last_sale.receipt_no
    manager = open_manager(till, qtbot)
    screen = manager.members
    screen.query.setText("李娜")
    screen.search()
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)
    assert "138****2222" in screen.profile.text()
    receipts = [screen.history.item(r, 4).text() for r in range(screen.history.rowCount())]
    assert receipt_no in receipts
    grab(manager, "manager_members")


def test_a_bad_product_csv_is_refused_with_every_bad_line(till: Till, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    manager = open_manager(till, qtbot)
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,barcode,name,category,price,kind,promo_rate\n"
                   "NEW1,6901111111111,新品,食品,abc,regular,\n"
                   "NEW2,6901111111128,新品2,食品,5.00,weird,\n", encoding="utf-8")
    manager.products.import_file(bad)
    till.wait_idle(qtbot)
    report = manager.products.report.toPlainText()
    assert "第 2 行" in report and "第 3 行" in report
    with pytest.raises(Exception):
        till.shop.services.selling.get_product("NEW1")
    good = tmp_path / "good.csv"
    good.write_text("sku,barcode,name,category,price,kind,promo_rate\n"
                    "NEW1,6901111111111,新品,食品,3.50,regular,\n", encoding="utf-8")
    manager.products.import_file(good)
    till.wait_idle(qtbot)
    assert till.shop.services.selling.get_product("NEW1").price_fen == 350
    manager.products.query.setText("新品")
    manager.products.search()
    till.wait_idle(qtbot)
    assert manager.products.table.rowCount() == 1


def test_rules_users_and_settings(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    manager = open_manager(till, qtbot)
    till.wait_idle(qtbot)
    assert "钻石卡" in manager.rules.text.toPlainText()
    users = manager.users
    users.username.setText("cashier2")
    users.display_name.setText("张收银")
    users.role.setCurrentIndex(users.role.findData("cashier"))
    users.pin.setText("4321")
    users.add_user()
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)
    assert till.shop.services.auth.login("cashier2", "4321").display_name == "张收银"
    assert users.table.rowCount() == 4
    users.username.setText("cashier2")
    users.pin.setText("5555")
    users.reset_pin()
    till.wait_idle(qtbot)
    assert till.shop.services.auth.login("cashier2", "5555")
    users.role.setCurrentIndex(users.role.findData("manager"))
    users.set_role()        # a manager may not change roles: only admins
    till.wait_idle(qtbot)
    assert "管理员" in users.message.text() or "店长" in users.message.text()
    settings = manager.settings
    settings.language.setCurrentIndex(settings.language.findData("en"))
    settings.fields[("devices", "printer_url")].setText("COM3")
    with qtbot.waitSignal(settings.language_changed):
        settings.save()
    saved = load_settings(till.shop.data_dir)
    assert saved.language == "en" and saved.devices.printer_url == "COM3"


def test_a_name_typed_in_the_input_line_offers_products_to_pick(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.input.setText("羊毛")
    selling._on_input_text_edited("羊毛")          # what typing does
    qtbot.waitUntil(lambda: selling._search_model.rowCount() > 0, timeout=5000)
    choice = selling._search_model.stringList()[0]
    assert "羊毛衫" in choice and "¥100.00" in choice
    selling._on_completer_activated(choice)
    till.wait_idle(qtbot)
    assert [ln.sku for ln in selling.model.lines] == ["REG100"]
