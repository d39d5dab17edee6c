"""The member card screen driven through its own widgets on the real store (issue 7)."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from db.store import DB_FILE
from pos_app.domain.card import CardStatus
from pos_app.domain.documents import StoredValueSlip
from pos_app.domain.errors import CardBlocked, CardNotUsable
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.auth import User
from pos_app.services.cards import CardBinding, IdentityCheck
from tests.conftest import Shop
from tests.ui.conftest import Till, grab
from ui.card_dialogs import (CardActionDialog, CardCancelDialog, CardIdentityDialog,
                             CardRegisterDialog, CardReplaceDialog, CardTopUpDialog)
from ui.card_screens import MemberCardsScreen
from ui.context import PrintResult, TillContext
from ui.error_messages import describe
from ui.wedge import WedgeFilter
from tests.store_support import store_db

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

TABLES = ("members", "cards", "card_events", "stored_value_entries", "points_entries",
          "benefits", "audit_log", "outbox", "sales")


def slip_printer(ctx: TillContext, url: str) -> Callable[[object], PrintResult]:
    """What ui/main.py wires as ctx.print_slip: render with receipts/, send to the printer."""
    from hardware.escpos_printer import EscPosPrinter
    from receipts.escpos import PROFILE_80MM_48
    from receipts.slips import render_card_slip, render_stored_value_slip

    printer = EscPosPrinter(url)

    def print_slip(doc: object) -> PrintResult:
        with ctx.services.uow() as uow:
            shop = uow.site.shop()
        data = (render_stored_value_slip(shop, doc, PROFILE_80MM_48) if isinstance(doc, StoredValueSlip)
                else render_card_slip(shop, doc, PROFILE_80MM_48))  # type: ignore[arg-type]
        printer.print_bytes(data)
        return PrintResult(True)
    return print_slip


def counts(shop: Shop) -> dict[str, int]:
    con = store_db(shop.data_dir / DB_FILE)
    try:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def make_screen(till: Till, qtbot, actor: User | None = None) -> MemberCardsScreen:  # noqa: ANN001
    till.ctx.print_slip = slip_printer(till.ctx, till.printer.url)
    till.ctx.wedge = WedgeFilter()       # the screen connects itself to its signals
    screen = MemberCardsScreen(till.ctx, actor or till.shop.manager)
    qtbot.addWidget(screen)
    font = screen.font()
    font.setPointSize(11)                           # as ManagerDialog sets it
    screen.setFont(font)
    screen.resize(1024, 700)
    screen.show()
    till.wait_idle(qtbot)
    return screen


@pytest.fixture
def screen(till: Till, qtbot) -> MemberCardsScreen:  # noqa: ANN001
    till.shop.open_shift()
    return make_screen(till, qtbot)


def submit(till: Till, qtbot, dialog: CardActionDialog) -> None:  # noqa: ANN001
    dialog.submit()
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)


def find(till: Till, qtbot, screen: MemberCardsScreen, text: str) -> None:  # noqa: ANN001
    screen.query.setText(text)
    screen.search()
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)
    assert screen.view is not None


def identity(dialog, mobile: str, answer: str = "", saw_id: bool = False) -> None:  # noqa: ANN001
    dialog.identity.mobile.setText(mobile)
    dialog.identity.answer.setText(answer)
    dialog.identity.saw_id.setChecked(saw_id)


def register(till: Till, qtbot, screen: MemberCardsScreen, name: str, mobile: str,  # noqa: ANN001
             card_no: str, **extra: str) -> CardRegisterDialog:
    dialog = screen.register()
    assert isinstance(dialog, CardRegisterDialog)
    dialog.name.setText(name)
    dialog.mobile.setText(mobile)
    dialog.id_check.setText(extra.get("id_check", "880101"))
    dialog.birthday.setText(extra.get("birthday", ""))
    dialog.consent.setChecked(True)
    till.ctx.wedge.card_swiped.emit(card_no)      # a swipe through the keyboard wedge
    assert dialog.binding.card_no.text() == card_no
    submit(till, qtbot, dialog)
    return dialog


def test_issue_top_up_lose_replace_pay_and_cancel_through_the_screen(till: Till, qtbot, screen):  # noqa: ANN001
    shop, selling = till.shop, till.shop.services.selling
    dialog = register(till, qtbot, screen, "周敏", "139 1234 5678", "660001")
    assert not dialog.isVisible()
    assert "660001" in screen.message.text() and "周敏" in screen.message.text()
    member = selling.member_by_card("660001")
    assert member.account.name == "周敏" and member.account.consent_messages
    till.wait_idle(qtbot)
    assert screen.view is not None and screen.account.name == "周敏"
    assert screen.history.rowCount() == 1 and screen.history.item(0, 2).text() == "发卡"
    assert screen.history.item(0, 3).text() == shop.manager.display_name
    assert screen.buttons["top_up"].isEnabled() and not screen.buttons["unblock"].isEnabled()

    top = screen.top_up()
    assert isinstance(top, CardTopUpDialog)
    top.amount.setText("1000.00")
    assert "¥100.00" in top.bonus.text()          # the bonus is shown before confirming
    submit(till, qtbot, top)
    assert "¥1100.00" in screen.message.text()
    assert selling.member_by_card("660001").account.balance_paid_fen == 100_000
    assert selling.member_by_card("660001").account.balance_bonus_fen == 10_000
    qtbot.waitUntil(lambda: len(till.printer.documents) >= 2, timeout=10_000)

    lost = screen.report_lost()
    assert isinstance(lost, CardIdentityDialog)
    identity(lost, "13912345678", "880101")
    submit(till, qtbot, lost)
    assert "660001" in screen.message.text()
    session = selling.new_session()
    session.add("REG100")
    with pytest.raises(CardBlocked) as refused:
        session.attach_card("660001")
    assert "挂失" in describe(refused.value)[1] and "示范百货" in describe(refused.value)[1]
    assert screen.buttons["unblock"].isEnabled() and not screen.buttons["top_up"].isEnabled()

    rep = screen.replace()
    assert isinstance(rep, CardReplaceDialog)
    identity(rep, "13912345678", "880101")
    screen.on_card_swiped("660002")
    assert rep.binding.card_no.text() == "660002"
    submit(till, qtbot, rep)
    assert "660002" in screen.message.text()
    session = selling.new_session()
    session.add("REG100")
    session.attach_card("660002")
    sale = session.complete([TenderInput(TenderKind.STORED_VALUE, 10_000)], shop.cashier)
    assert sale.member.balance_after_fen == 100_000
    with pytest.raises(CardNotUsable):
        selling.member_by_card("660001")

    find(till, qtbot, screen, "660002")
    events = [screen.history.item(r, 2).text() for r in range(screen.history.rowCount())]
    assert events.count("发卡") == 2 and "挂失" in events and "已补卡" in events

    cancel = screen.cancel()
    assert isinstance(cancel, CardCancelDialog)
    # ¥100 paid from ¥1,000 + ¥100 bonus took paid-in and bonus in proportion.
    assert "¥909.09" in cancel.note.text() and "¥90.91" in cancel.note.text()
    identity(cancel, "13912345678", "880101")
    before = counts(shop)
    submit(till, qtbot, cancel)                     # not ticked: refused, nothing written
    assert cancel.isVisible() and cancel.message.text()
    assert counts(shop) == before
    cancel.confirmed.setChecked(True)
    submit(till, qtbot, cancel)
    assert not cancel.isVisible() and "¥909.09" in screen.message.text()
    profile = shop.services.members.profile(member.account.id)
    assert all(c.status is CardStatus.CANCELLED for c in profile.cards
               if c.card_no == "660002")
    assert profile.account.balance_paid_fen == 0 and profile.account.balance_bonus_fen == 0


def test_duplicate_mobile_and_a_bound_card_are_refused_and_nothing_is_recorded(
        till: Till, qtbot, screen):  # noqa: ANN001
    before = counts(till.shop)
    dialog = register(till, qtbot, screen, "冒名", "13800001111", "660009")
    assert dialog.isVisible()
    assert "张*" in dialog.message.text() and "138****1111" in dialog.message.text()
    dialog.mobile.setText("13700000001")
    dialog.binding.card_no.setText("100002")         # 李娜's card
    submit(till, qtbot, dialog)
    assert dialog.isVisible() and "李**" in dialog.message.text()
    dialog.mobile.setText("12345")                   # not a mobile number
    submit(till, qtbot, dialog)
    assert "11" in dialog.message.text()
    assert counts(till.shop) == before


def test_replacing_with_a_lost_card_and_unblocking_a_replaced_card_are_refused(
        till: Till, qtbot, screen):  # noqa: ANN001
    shop = till.shop
    find(till, qtbot, screen, "100001")
    before = counts(shop)
    rep = screen.replace()
    identity(rep, "13800001111", saw_id=True)
    rep.binding.card_no.setText("100004")            # 赵强's card, reported lost
    submit(till, qtbot, rep)
    assert rep.isVisible() and "100004" in rep.message.text()
    assert counts(shop) == before
    rep.reject()

    shop.services.cards.replace(shop.manager, "100001", CardBinding("770001"),
                                IdentityCheck("13800001111", manager_confirmed=True))
    find(till, qtbot, screen, "100001")
    screen.select_card("100001")
    assert not screen.buttons["unblock"].isEnabled()
    before = counts(shop)
    unblock = screen.unblock()
    identity(unblock, "13800001111", saw_id=True)
    submit(till, qtbot, unblock)
    assert unblock.isVisible() and "已补卡" in unblock.message.text()
    assert counts(shop) == before


def test_wrong_identity_and_refunding_more_than_paid_in_are_refused(till: Till, qtbot, screen):  # noqa: ANN001
    shop = till.shop
    find(till, qtbot, screen, "13800003333")         # 王芳, Diamond, ¥1,000 paid in
    top = screen.top_up()
    top.amount.setText("1000")
    submit(till, qtbot, top)
    assert shop.services.selling.member_by_card("100003").account.balance_bonus_fen == 10_000
    before = counts(shop)
    refund = screen.refund_balance()
    refund.amount.setText("2000.01")
    submit(till, qtbot, refund)
    assert refund.isVisible() and "¥2000.00" in refund.message.text()
    refund.reject()
    lost = screen.report_lost()
    identity(lost, "13800003334", saw_id=True)     # not her mobile
    submit(till, qtbot, lost)
    assert lost.isVisible() and "手机" in lost.message.text()
    lost.reject()
    assert counts(shop) == before
    refund = screen.refund_balance()
    refund.amount.setText("2000.00")
    submit(till, qtbot, refund)
    assert not refund.isVisible()
    account = shop.services.selling.member_by_card("100003").account
    # The bonus goes with the paid-in money that brought it in (issue 11).
    assert account.balance_paid_fen == 0 and account.balance_bonus_fen == 0


def test_a_cashier_without_a_manager_is_refused_and_nothing_is_recorded(till: Till, qtbot):  # noqa: ANN001
    till.shop.open_shift()
    screen = make_screen(till, qtbot, till.shop.cashier)
    find(till, qtbot, screen, "100002")
    before = counts(till.shop)
    top = screen.top_up()
    top.amount.setText("100")
    submit(till, qtbot, top)
    assert top.isVisible() and "店长" in top.message.text()
    top.reject()
    dialog = register(till, qtbot, screen, "新会员", "13700000002", "660010")
    assert dialog.isVisible() and "店长" in dialog.message.text()
    assert counts(till.shop) == before


def test_gifts_are_offered_only_when_due_and_given_once(till: Till, qtbot, screen):  # noqa: ANN001
    shop = till.shop
    register(till, qtbot, screen, "寿星", "13700000003", "660011", birthday="1990-11-28")
    till.wait_idle(qtbot)
    assert screen.buttons["birthday_gift"].isEnabled()
    assert not screen.buttons["quarterly_gift"].isEnabled()
    gift = screen.give_gift("birthday")
    submit(till, qtbot, gift)
    till.wait_idle(qtbot)
    assert "2026" in screen.message.text()
    assert not screen.buttons["birthday_gift"].isEnabled()
    again = screen.give_gift("birthday")              # a second hand-over is refused
    submit(till, qtbot, again)
    assert again.isVisible() and "已" in again.message.text()
    again.reject()
    find(till, qtbot, screen, "100003")               # Diamond
    assert screen.buttons["quarterly_gift"].isEnabled()
    submit(till, qtbot, screen.give_gift("quarterly"))
    assert not screen.buttons["quarterly_gift"].isEnabled()
    assert counts(shop)["benefits"] == 2


def test_member_pin_is_set_then_reset_with_the_identity_check(till: Till, qtbot, screen):  # noqa: ANN001
    shop = till.shop
    till.ctx.wedge.card_swiped.emit("100002")   # a swipe with no form open finds her
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)
    assert screen.account is not None and screen.account.name == "李娜"
    pin = screen.set_pin()
    pin.new_pin.setText("2468")
    pin.repeat.setText("2468")
    submit(till, qtbot, pin)
    assert not pin.isVisible()
    shop.services.selling.verify_member_pin(screen.account.id, "2468")
    till.wait_idle(qtbot)
    reset = screen.set_pin()
    reset.mode.setCurrentIndex(reset.mode.findData("reset"))
    reset.new_pin.setText("1357")
    reset.repeat.setText("1357")
    identity(reset, "13800002222", saw_id=True)
    submit(till, qtbot, reset)
    assert not reset.isVisible()
    shop.services.selling.verify_member_pin(screen.account.id, "1357")


def test_a_count_pass_is_refunded_from_the_screen(till: Till, qtbot, screen):  # noqa: ANN001
    shop = till.shop
    session = shop.services.selling.new_session()
    session.attach_card("100002")
    session.add("WASH10")
    session.complete([TenderInput(TenderKind.CASH, 30_000)], shop.cashier)
    find(till, qtbot, screen, "100002")
    assert screen.passes.rowCount() == 1
    screen.passes.selectRow(0)
    assert screen.buttons["refund_pass"].isEnabled()
    dialog = screen.refund_pass()
    submit(till, qtbot, dialog)
    assert not dialog.isVisible() and "¥" in screen.message.text()
    till.wait_idle(qtbot)
    assert shop.services.members.profile(screen.account.id).passes[0].refunded


def test_a_found_card_is_unblocked_and_an_expired_card_renewed(till: Till, qtbot, screen):  # noqa: ANN001
    shop = till.shop
    find(till, qtbot, screen, "100001")
    lost = screen.report_lost()
    identity(lost, "13800001111", saw_id=True)
    submit(till, qtbot, lost)
    assert screen.buttons["unblock"].isEnabled()
    unblock = screen.unblock()
    identity(unblock, "13800001111", saw_id=True)
    submit(till, qtbot, unblock)
    assert not unblock.isVisible()
    assert shop.services.selling.member_by_card("100001").card.status is CardStatus.ACTIVE
    events = [screen.history.item(r, 2).text() for r in range(screen.history.rowCount())]
    assert events[:2] == ["解挂", "挂失"]                  # newest first

    find(till, qtbot, screen, "100005")                # expired 2025-12-31
    assert screen.buttons["renew"].isEnabled() and not screen.buttons["top_up"].isEnabled()
    renew = screen.renew()
    assert "2025-12-31" in renew.note.text()
    renew.days.setValue(365)
    submit(till, qtbot, renew)
    assert "2027-11-28" in screen.message.text()
    assert shop.services.selling.member_by_card("100005").card.expires_on.isoformat() == \
        "2027-11-28"


def test_a_same_day_receipt_scanned_into_the_form_joins_gold(till: Till, qtbot, screen):  # noqa: ANN001
    shop = till.shop
    session = shop.services.selling.new_session()
    session.add("3*REG100")
    sale = session.complete([TenderInput(TenderKind.CASH, 30_000)], shop.cashier)
    dialog = screen.register()
    till.ctx.wedge.barcode_scanned.emit(sale.receipt_no)   # the receipt's code
    assert dialog.join_receipt.text() == sale.receipt_no
    dialog.referrer.setFocus()
    dialog.name.setText("金卡新人")
    dialog.mobile.setText("13700000005")
    dialog.binding.card_no.setText("660020")
    dialog.referrer.setText("100002")                 # 李娜 referred her
    submit(till, qtbot, dialog)
    assert not dialog.isVisible(), dialog.message.text()
    assert "金卡" in screen.message.text()
    assert shop.services.selling.member_by_card("660020").account.tier_code == "gold"
    assert shop.services.selling.member_by_card("100002").account.spendable_points == 990 + 50


def test_screenshot_of_the_member_cards_screen(till: Till, qtbot, screen):  # noqa: ANN001
    register(till, qtbot, screen, "欧阳晓燕", "13912345678", "660001", birthday="1988-11-28")
    top = screen.top_up()
    top.amount.setText("1000")
    submit(till, qtbot, top)
    lost = screen.report_lost()
    identity(lost, "13912345678", "880101")
    submit(till, qtbot, lost)
    rep = screen.replace()
    identity(rep, "13912345678", "880101")
    rep.binding.card_no.setText("660002")
    submit(till, qtbot, rep)
    till.wait_idle(qtbot)
    screen.resize(1024, 768)
    qtbot.wait(50)
    path = grab(screen, "member_cards_1024x768")
    assert path.stat().st_size > 10_000
    screen.resize(900, 540)                             # the manager dialog at its minimum
    qtbot.wait(50)
    grab(screen, "member_cards_900x540")
    screen.resize(1024, 768)
    for dialog in (screen.register(), screen.cancel()):
        dialog.adjustSize()
        grab(dialog, f"member_cards_{dialog.objectName()}")
        dialog.reject()


def test_screens_as_manager_dialog_tabs_at_1024x768(till: Till, qtbot, screen):  # noqa: ANN001
    """Both screens as tabs of ManagerDialog (added here until the dialog has them itself)."""
    from ui.manager_dialog import ManagerDialog
    from ui.reports_screen import ReportsScreen
    dialog = ManagerDialog(till.ctx, till.shop.manager)
    qtbot.addWidget(dialog)
    cards = dialog.findChild(MemberCardsScreen)
    if cards is None:
        cards = MemberCardsScreen(till.ctx, till.shop.manager)
        dialog.tabs.insertTab(1, cards, "会员卡")
    reports = dialog.findChild(ReportsScreen)
    if reports is None:
        reports = ReportsScreen(till.ctx, till.shop.manager)
        dialog.tabs.addTab(reports, "报表")
    dialog.resize(1024, 768)
    dialog.show()
    till.wait_idle(qtbot)
    find(till, qtbot, cards, "100003")
    dialog.tabs.setCurrentWidget(cards)
    qtbot.wait(50)
    for name, button in cards.buttons.items():     # every action label fits its button
        assert button.fontMetrics().horizontalAdvance(button.text()) < button.width() - 8, name
    grab(dialog, "manager_member_cards_1024x768")
    reports.refresh()
    till.wait_idle(qtbot)
    dialog.tabs.setCurrentWidget(reports)
    qtbot.wait(50)
    grab(dialog, "manager_reports_1024x768")
