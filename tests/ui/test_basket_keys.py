"""Function keys on the basket: quantity, delete, redeem a gift for points, use a count pass."""
from __future__ import annotations

import pytest

from tests.ui.conftest import Till, log_in
from ui.redeem_dialog import RedeemDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_quantity_typed_before_f3_and_delete_line(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan("6900000000055")         # water ¥2.00
    selling.scan("6900000000017")
    till.wait_idle(qtbot)
    selling.table.selectRow(0)
    selling.input.setText("6")
    selling.keys["qty"].click()
    till.wait_idle(qtbot)
    assert selling.model.lines[0].qty == 6 and selling.view.total_fen == 1_200 + 10_000
    selling.table.selectRow(1)
    selling.keys["delete"].click()
    selling.dialog.defaultButton().click()     # the confirmation
    till.wait_idle(qtbot)
    assert [ln.sku for ln in selling.model.lines] == ["WATER"]


def test_a_gift_for_points_and_a_count_pass_visit(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    selling = till.window.selling
    selling.attach_card("100003")          # Diamond, 1200 points
    selling.scan("6900000000062")          # a 10-wash pass, sold to the member
    till.wait_idle(qtbot)
    selling.open_payment()
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        selling.dialog.quick_cash(None)
        selling.dialog.complete()
    selling.attach_card("100003")
    till.wait_idle(qtbot)
    selling.keys["redeem"].click()
    dialog = selling.dialog
    assert isinstance(dialog, RedeemDialog) and dialog.passes.count() == 1
    dialog.code.setText("6900000000086")  # a ¥180 flask: the 1000-point step
    dialog._on_gift_button_clicked()
    till.wait_idle(qtbot)
    selling.keys["redeem"].click()
    selling.dialog._on_passes_item_activated(selling.dialog.passes.item(0))
    till.wait_idle(qtbot)
    reasons = [selling.model.data(selling.model.index(r, 5)) for r in range(2)]
    assert reasons == ["积分兑换（1000 分）", "计次"]
    assert selling.view.total_fen == 0
    selling.open_payment()
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        selling.dialog.complete()        # nothing to pay: the gift and the visit are free
    profile = till.shop.services.members.profile(selling.last_sale.member.member_id)
    assert profile.account.spendable_points == 1_200 + 24 - 1_000
    assert [p.uses_left for p in profile.passes] == [9]
