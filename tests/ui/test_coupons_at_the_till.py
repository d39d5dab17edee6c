"""Coupons and promotions on the selling screen: the coupon key, the member's coupons, a
scanned coupon, the reason a coupon does not apply, per-line savings (issue 16)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QMessageBox

from pos_app.domain.coupons import CouponKind, CouponTemplate, coupon_qr_payload, issue_coupon
from pos_app.domain.promotions import Promotion, PromotionKind, Scope
from tests.ui.conftest import Till, grab, log_in
from ui.coupon_dialog import CouponDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

TEMPLATE = CouponTemplate("T10", 1, "满100减10券", CouponKind.AMOUNT_OFF, amount_fen=1_000,
                          threshold_fen=10_000, valid_days=30,
                          scope=Scope(all_goods=True, exclude_categories=frozenset({"食品"})))
SPEND_SAVE = Promotion("MJ200", 1, PromotionKind.SPEND_SAVE, "满200减20", threshold_fen=20_000,
                       save_fen=2_000, scope=Scope(categories=frozenset({"服装"})))


def setup_coupon(till: Till) -> str:
    shop = till.shop
    with shop.uow() as uow:
        uow.promotions.put_template(TEMPLATE, shop.clock.now())
        uow.promotions.put(SPEND_SAVE, shop.clock.now())
        member_id = uow.cards.find_card("100002").member_id
        c = issue_coupon(TEMPLATE, "ui-1", member_id, shop.clock.now() - timedelta(days=1), "run")
        uow.promotions.add_coupon(c)
        uow.commit()
    return c.code


def visible_boxes(widget) -> list[QMessageBox]:  # noqa: ANN001
    return [b for b in widget.findChildren(QMessageBox) if b.isVisible()]


def test_the_coupon_key_lists_the_members_coupons_and_applies_one(till: Till, qtbot) -> None:  # noqa: ANN001
    code = setup_coupon(till)
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan("6900000000017")         # ¥100 jumper
    selling.scan("6900000000024")         # ¥100 shirt on 8折
    selling.scan("6900000000017")
    selling.attach_card("100002")         # Gold
    till.wait_idle(qtbot)
    assert selling.member_panel.value("coupons") == "1 张可用（Ctrl+Q）"
    selling.keys["coupon"].click()
    dialog = selling.dialog
    assert isinstance(dialog, CouponDialog) and dialog.offers.count() == 1
    assert "满100减10券" in dialog.offers.item(0).text()
    dialog._on_offers_item_activated(dialog.offers.item(0))
    till.wait_idle(qtbot)
    view = selling.view
    assert [u.code for u in view.coupon_uses] == [code]
    # 满200减20 on 88 + 70.40 + 88 = 246.40, then the coupon: both on every line
    reasons = [selling.model.data(selling.model.index(r, 5)) for r in range(3)]
    assert [("满200减20" in r, "满100减10券" in r) for r in reasons] == [(True, True)] * 3, reasons
    tip = selling.model.data(selling.model.index(0, 0), 3)   # Qt.ToolTipRole
    assert "会员8.8折" in tip and "满200减20" in tip and "-¥" in tip
    assert view.total_fen == 24_640 - 2_000 - 1_000
    grab(till.window, "coupon-applied-zh_CN")


def test_a_scanned_coupon_that_does_not_apply_says_why(till: Till, qtbot) -> None:  # noqa: ANN001
    code = setup_coupon(till)
    log_in(till, qtbot)
    selling = till.window.selling
    selling.scan("10*6900000000055")      # ¥20 of water: food does not count for the coupon
    selling.scan("6900000000031")         # ¥50 special scarf does not either
    selling.scan("6900000000017")         # ¥100 jumper: ¥88 for Gold, ¥12 short of ¥100
    selling.attach_card("100002")
    till.wait_idle(qtbot)
    selling.scan(coupon_qr_payload(code))
    till.wait_idle(qtbot)
    boxes = visible_boxes(selling)
    assert boxes, "a message box explains the refused coupon"
    text = boxes[-1].text()
    assert "不参与此券的商品" in text and "WATER" in text and "¥12.00" in text
    assert selling.view.coupon_uses == ()
    grab(till.window, "coupon-refused-zh_CN")
