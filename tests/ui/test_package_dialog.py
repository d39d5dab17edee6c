"""Top-up packages (储值套餐) at the till through the real window and the real store: sold
from the card screen and from Ctrl+T on the selling screen (paid by cash, bank card, WeChat
or Alipay, a slip printed), refunded by a manager part by part, and refused — saying which
part — when the package's points were already spent (issue 16)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pos_app.domain.coupons import CouponKind, CouponTemplate
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.auth import User
from tests.ui.conftest import Till, grab, log_in
from tests.ui.test_card_screens import find
from ui.card_dialogs import CardTopUpDialog
from ui.card_screens import MemberCardsScreen
from ui.package_dialog import PackageRefundDialog, PackageSellDialog
from ui.wedge import WedgeFilter

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

TEMPLATE = CouponTemplate("T20", 1, "满100减20券", CouponKind.AMOUNT_OFF, amount_fen=2_000,
                          threshold_fen=10_000, valid_days=30)
GOLD = TopUpPackage("P1000", 1, "充1000送100+洗车10次", 100_000, 10_000, 500, (("T20", 2),),
                    "gold", "WASH10", 10_000)
SMALL = TopUpPackage("P200", 1, "充200送20", 20_000, 2_000)


def stock(till: Till) -> None:
    shop = till.shop
    with shop.uow() as uow:
        uow.promotions.put_template(TEMPLATE, shop.clock.now())
        uow.promotions.put_package(GOLD)
        uow.promotions.put_package(SMALL)
        uow.commit()


def account(till: Till, card_no: str):  # noqa: ANN201
    return till.shop.services.selling.member_by_card(card_no).account


def card_screen(till: Till, qtbot, actor: User) -> MemberCardsScreen:  # noqa: ANN001
    till.ctx.wedge = WedgeFilter()
    screen = MemberCardsScreen(till.ctx, actor)
    qtbot.addWidget(screen)
    screen.resize(1024, 700)
    screen.show()
    till.wait_idle(qtbot)
    return screen


def test_sell_a_package_on_the_card_screen_then_refund_it_part_by_part(
        till: Till, qtbot) -> None:  # noqa: ANN001
    stock(till)
    till.shop.open_shift()
    screen = card_screen(till, qtbot, till.shop.manager)
    find(till, qtbot, screen, "100001")                      # 张伟, Regular, nothing on it
    assert screen.buttons["package"].isEnabled()
    screen.buttons["package"].click()
    qtbot.waitUntil(lambda: isinstance(screen.dialog, PackageSellDialog))
    dialog = screen.dialog
    assert dialog.list.count() == 2
    gives = dialog.gives.text()
    # everything the first package gives, by name, before anything is sold
    for part in ("¥1000.00", "¥1100.00", "¥100.00", "500", "满100减20券 × 2", "洗车10次卡",
                 "10", "金卡"):
        assert part in gives, part
    dialog.tender.setCurrentIndex(dialog.tender.findData(TenderKind.WECHAT.value))
    dialog.reference.setText("WX-20261203-01")
    grab(dialog, "package_sell_zh")
    printed_before = len(till.printer.documents)
    dialog.ok_button.click()
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)
    assert not dialog.isVisible(), dialog.message.text()
    acc = account(till, "100001")
    assert (acc.balance_paid_fen, acc.balance_bonus_fen, acc.tier_code) == (
        100_000, 10_000, "gold")
    assert "充1000送100+洗车10次" in screen.message.text()
    qtbot.waitUntil(lambda: len(till.printer.documents) > printed_before, timeout=10_000)
    slip = " ".join(till.printer.printed_text())
    assert "储值套餐" in slip and "赠送次卡" in slip and "赠送优惠券" in slip
    with till.shop.uow() as uow:
        passes = uow.passes.passes_of(acc.id)
    assert [(p.name, p.uses_left) for p in passes] == [("洗车10次卡", 10)]

    # the refund: what is paid back and what is taken back is shown before booking
    till.wait_idle(qtbot)
    assert screen.buttons["refund_package"].isEnabled()
    screen.buttons["refund_package"].click()
    qtbot.waitUntil(lambda: isinstance(screen.dialog, PackageRefundDialog))
    refund = screen.dialog
    qtbot.waitUntil(lambda: refund.preview_ok, timeout=10_000)
    text = refund.preview.text()
    assert "¥1000.00" in text and "500" in text and "2" in text and "10" in text, text
    assert acc.balance_paid_fen == account(till, "100001").balance_paid_fen   # nothing booked
    grab(refund, "package_refund_zh")
    refund.ok_button.click()
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)
    assert not refund.isVisible(), refund.message.text()
    after = account(till, "100001")
    assert (after.balance_paid_fen, after.balance_bonus_fen, after.spendable_points,
            after.tier_code) == (0, 0, 0, "regular")
    with till.shop.uow() as uow:
        (p,) = uow.passes.passes_of(acc.id)
    assert p.refunded and p.uses_left == 0


def test_a_refund_whose_points_were_spent_is_refused_saying_so_and_books_nothing(
        till: Till, qtbot) -> None:  # noqa: ANN001
    stock(till)
    shop = till.shop
    cashier = shop.open_shift()
    sold = shop.services.packages.sell(shop.manager, "100001", "P1000", TenderKind.CASH)
    s = shop.services.selling.new_session()
    s.add("REG100")
    s.attach_card("100001")
    s.complete([TenderInput(TenderKind.POINTS, 300),
                TenderInput(TenderKind.CASH, s.view().total_fen - 300)], cashier)
    before = account(till, "100001")
    screen = card_screen(till, qtbot, shop.manager)
    find(till, qtbot, screen, "100001")
    screen.buttons["refund_package"].click()
    qtbot.waitUntil(lambda: isinstance(screen.dialog, PackageRefundDialog))
    refund = screen.dialog
    qtbot.waitUntil(lambda: "积分" in refund.preview.text(), timeout=10_000)
    assert "500" in refund.preview.text()            # the package's points, already spent
    assert not refund.ok_button.isEnabled()
    after = account(till, "100001")
    assert (after.balance_paid_fen, after.spendable_points) == (before.balance_paid_fen,
                                                                before.spendable_points)
    assert shop.services.packages.sales_of(before.id)[0].sale_id == sold.sale_id
    assert shop.services.packages.sales_of(before.id)[0].refunded_at is None


def test_ctrl_t_offers_the_packages_and_sells_one_to_the_attached_member(
        till: Till, qtbot) -> None:  # noqa: ANN001
    stock(till)
    log_in(till, qtbot, "manager", "2222")
    selling = till.window.selling
    qtbot.waitExposed(till.window)
    till.window.activateWindow()
    selling.input.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.input)
    selling.attach_card("100002")                    # 李娜, Gold, ¥200 on the card
    till.wait_idle(qtbot)
    QTest.keyClick(selling.input, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(selling.dialog, CardTopUpDialog))
    top_up = selling.dialog
    top_up.findChild(type(top_up.ok_button), "topUpPackages").click()
    qtbot.waitUntil(lambda: isinstance(selling.dialog, PackageSellDialog))
    dialog = selling.dialog
    assert not top_up.isVisible()
    dialog.list.setCurrentRow(1)                     # 充200送20
    assert "¥220.00" in dialog.gives.text()
    dialog.tender.setCurrentIndex(dialog.tender.findData(TenderKind.ALIPAY.value))
    with qtbot.waitSignal(selling.topped_up, timeout=10_000) as signal:
        dialog.ok_button.click()
    assert signal.args[0].package_name == "充200送20"
    assert account(till, "100002").balance_fen == 20_000 + 22_000
    assert "¥420.00" in selling.money_panel.text()


def test_with_no_package_in_force_the_list_says_so_under_the_members_line(
        till: Till, qtbot) -> None:  # noqa: ANN001
    """Under Xvfb the demo till (no packages yet) showed an empty list and nothing else: the
    "none in force" note was replaced by the member's line the screen puts there."""
    log_in(till, qtbot, "manager", "2222")
    selling = till.window.selling
    selling.attach_card("100002")
    till.wait_idle(qtbot)
    selling.open_top_up()
    qtbot.waitUntil(lambda: isinstance(selling.dialog, CardTopUpDialog))
    selling.dialog.findChild(type(selling.dialog.ok_button), "topUpPackages").click()
    qtbot.waitUntil(lambda: isinstance(selling.dialog, PackageSellDialog))
    dialog = selling.dialog
    assert "李娜" in dialog.note.text()
    assert dialog.list.count() == 1 and "总部" in dialog.list.item(0).text()
    assert not dialog.ok_button.isEnabled() and dialog.offer() is None
