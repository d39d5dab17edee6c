"""The return dialog (F7) on the real window: a sale with a count pass in it."""
from __future__ import annotations

import pytest

from pos_app.domain.tenders import TenderInput, TenderKind
from tests.ui.conftest import Till, log_in
from ui.manager_auth_dialog import ManagerAuthDialog
from ui.returns_dialog import ReturnsDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_returning_everything_of_a_sale_with_a_count_pass_says_where_the_pass_is_refunded(
        till: Till, qtbot) -> None:  # noqa: ANN001
    """Under Xvfb: "return everything" on a sale of a jumper and a car-wash pass said "Select a
    line in the basket first", which told the cashier nothing. It now says the pass is
    refunded on the member cards screen; the rest of the sale can then be returned."""
    log_in(till, qtbot)
    selling_service = till.shop.services.selling
    s = selling_service.new_session()
    s.attach_card("100002")
    s.add("6900000000017")                 # ¥100 jumper
    s.add("6900000000062")                 # 洗车10次卡
    sale = s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], till.shop.cashier)
    selling = till.window.selling
    selling.open_return_dialog()
    auth = selling.dialog
    assert isinstance(auth, ManagerAuthDialog)
    auth.submit("manager", "2222")
    qtbot.waitUntil(lambda: isinstance(selling.dialog, ReturnsDialog), timeout=10_000)
    dialog = selling.dialog
    dialog.find(sale.receipt_no)
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=10_000)
    dialog.select_all()
    dialog.book()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert "退次卡" in dialog.message.text() and "数量设为 0" in dialog.message.text()
    assert dialog.isVisible()
    pass_line = next(ln.line_no for ln in dialog.sale.lines if ln.name == "洗车10次卡")
    dialog.set_quantity(pass_line, 0)
    with qtbot.waitSignal(dialog.returned, timeout=10_000) as back:
        dialog.book()
    assert back.args[0].total_fen == 8_800        # the jumper at Gold's 8.8折 comes back
