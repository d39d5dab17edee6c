"""Screenshots of the selling screen with a member and a basket, and of the payment dialog.

Saved under test-artifacts/ for people to look at (Chinese glyphs, nothing clipped), and
checked for the one thing a machine can check: the texts fit their widgets.
"""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QWidget

from pos_app.domain.tenders import TenderKind
from tests.ui.conftest import Till, grab, log_in
from ui.payment_dialog import PaymentDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

SIZES = [(1024, 768), (1920, 1080)]


def clipped_texts(root: QWidget) -> list[str]:
    """Labels and buttons whose single-line text is wider than the widget shows."""
    out = []
    for w in root.findChildren(QLabel) + root.findChildren(QPushButton):
        if not w.isVisible() or (isinstance(w, QLabel) and w.wordWrap()):
            continue
        for line in w.text().split("\n"):
            if line and w.fontMetrics().horizontalAdvance(line) > w.contentsRect().width() + 1:
                out.append(line)
    for view in root.findChildren(QTableView):
        model, header = view.model(), view.horizontalHeader()
        for row in range(model.rowCount()):
            for col in range(model.columnCount()):
                if view.isColumnHidden(col):      # given way on a narrow screen (tooltip has it)
                    continue
                text = str(model.data(model.index(row, col)) or "")
                # 6 px: the cell's own margins.
                if view.fontMetrics().horizontalAdvance(text) + 6 > header.sectionSize(col):
                    out.append(text)
    return out


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_selling_screen_and_payment_dialog_screenshots(till: Till, qtbot, size) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    window = till.window
    window.resize(*size)
    selling = window.selling
    for code in ("6900000000017", "6900000000024", "6900000000031", "3*6900000000055",
                 "6900000000079"):
        selling.scan(code)
    selling.attach_card("100003")      # Diamond: 8折 and the quarterly gift badge
    till.wait_idle(qtbot)
    qtbot.wait(50)
    assert selling.member_panel.badges["quarterly"].isVisible()
    name = f"{size[0]}x{size[1]}"
    grab(window, f"selling_screen_{name}")
    assert clipped_texts(window) == []

    selling.open_payment()
    qtbot.waitUntil(lambda: isinstance(selling.dialog, PaymentDialog))
    pay = selling.dialog
    pay.amount.setText("100.00")
    pay.add_tender(TenderKind.STORED_VALUE)
    pay.quick_cash(10_000)
    qtbot.wait(50)
    grab(pay, f"payment_dialog_{name}")
    assert clipped_texts(pay) == []
    pay.reject()
