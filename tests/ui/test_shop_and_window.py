"""The shop's name and footer have one source (the settings the manager edits), and the main
window opens maximised, remembers its size and shows product names at 1024×768."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from pos_app.settings import load_settings
from tests.receipts.receipt_samples import sample_sale
from tests.ui.conftest import Till, log_in
from ui.basket_table_model import BasketTableModel
from ui.main_window import MainWindow
from ui.manager_dialog import ManagerDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_the_shop_name_and_footer_saved_in_settings_are_what_receipts_print(
        till: Till, qtbot) -> None:  # noqa: ANN001
    with till.shop.services.uow() as uow:
        assert uow.site.shop().name != "百乐汇 滨江店"   # the row `pos init` wrote stays as it was
    manager = till.shop.services.auth.login("manager", "2222")
    dialog = ManagerDialog(till.ctx, manager, till.window)
    qtbot.addWidget(dialog)
    settings = dialog.settings
    settings.fields[("shop", "shop_name")].setText("百乐汇 滨江店")
    settings.fields[("shop", "receipt_footer")].setText("7天内凭小票退换\n会员日：每月8日")
    settings.save()
    assert load_settings(till.shop.data_dir).shop.receipt_footer == "7天内凭小票退换\n会员日：每月8日"
    till.window.refresh_status()
    assert till.window.status["shop"].text().startswith("百乐汇 滨江店")      # the screen
    result = till.ctx.receipts.print_sale(sample_sale())                       # and the paper
    assert result.printed
    texts = till.printer.documents[-1].texts
    assert texts[0] == "百乐汇 滨江店"
    i = texts.index("7天内凭小票退换")
    assert texts[i + 1] == "会员日：每月8日" and not any("?" in t for t in texts)
    assert sum("谢谢惠顾" in t for t in texts) == 1


def test_the_window_opens_maximised_the_first_time_and_then_as_it_was_left(
        till: Till, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    state = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
    first = MainWindow(till.ctx, state)
    qtbot.addWidget(first)
    first.show_initial()
    assert first.isMaximized()
    first.showNormal()
    first.resize(1000, 700)
    first.close()
    second = MainWindow(till.ctx, QSettings(str(tmp_path / "ui-state.ini"),
                                            QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    second.show_initial()
    assert not second.isMaximized() and second.width() == 1000


LONG_NAMES = ("6900000000017", "6900000000024", "6900000000031")


def test_product_names_show_whole_at_1024x768(till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    window, selling = till.window, till.window.selling
    window.resize(1024, 768)
    for code in LONG_NAMES:
        selling.scan(code)
    till.wait_idle(qtbot)
    qtbot.waitUntil(lambda: selling.model.rowCount() == len(LONG_NAMES))
    table = selling.table
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    name_width = header.sectionSize(BasketTableModel.COL_NAME)
    longest = max(metrics.horizontalAdvance(line.name) for line in selling.model.lines)
    sizes = [header.sectionSize(c) for c in range(BasketTableModel.COLUMNS)]
    assert name_width >= longest + 8, (sizes, longest, table.viewport().width())
    # A 17-character name (longer than any in the demo catalog) fits too.
    assert name_width >= metrics.horizontalAdvance("可口可乐零度无糖汽水饮料330ml") + 8, (
        sizes, table.viewport().width(), selling.member_panel.width())
    assert header.length() <= table.viewport().width() + 1      # no horizontal scrolling
    assert table.isColumnHidden(BasketTableModel.COL_BARCODE)      # gave way at 1024
    name_index = selling.model.index(0, BasketTableModel.COL_NAME)
    assert selling.model.lines[0].barcode in selling.model.data(name_index, 3)   # tooltip
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: not table.isColumnHidden(BasketTableModel.COL_BARCODE))
    assert header.sectionSize(BasketTableModel.COL_NAME) >= metrics.horizontalAdvance(
        "可口可乐零度无糖汽水饮料330ml") + 8
