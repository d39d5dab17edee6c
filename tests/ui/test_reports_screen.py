"""The reports screen shows what ReportService computes, and exports a real .xlsx (rules §9)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pos_app.domain.tenders import TenderInput, TenderKind
from tests.ui.conftest import Till, grab
from ui.formatting import tender_name, yuan
from ui.reports_screen import ReportsScreen

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def write_xlsx(path: Path, title: str, headers, rows, money_columns) -> None:  # noqa: ANN001
    """What ui/main.py wires as ctx.export_xlsx."""
    from receipts.spreadsheet import render_xlsx
    Path(path).write_bytes(render_xlsx(title, headers, rows, money_columns))


@pytest.fixture
def screen(till: Till, qtbot) -> ReportsScreen:  # noqa: ANN001
    shop = till.shop
    cashier = shop.open_shift()
    selling = shop.services.selling
    member_sale = selling.new_session()
    member_sale.attach_card("100002")
    member_sale.add("REG100")
    member_sale.add("2*PROMO100")
    member_sale.complete([TenderInput(TenderKind.CASH, 50_000)], cashier)
    walk_in = selling.new_session()
    walk_in.add("3*WATER")
    walk_in.add("SPECIAL50")
    walk_in.complete([TenderInput(TenderKind.WECHAT, 5_600)], cashier)
    till.ctx.export_xlsx = write_xlsx
    s = ReportsScreen(till.ctx, shop.manager)
    qtbot.addWidget(s)
    font = s.font()
    font.setPointSize(11)                           # as ManagerDialog sets it
    s.setFont(font)
    s.resize(1024, 768)
    s.show()
    s.refresh()
    till.wait_idle(qtbot)
    return s


def table_rows(table) -> list[list[str]]:  # noqa: ANN001
    return [[table.item(r, c).text() if table.item(r, c) else ""
             for c in range(table.columnCount())] for r in range(table.rowCount())]


@pytest.mark.parametrize("dimension", ["day", "hour", "cashier", "tender", "category", "product"])
def test_sales_on_screen_match_the_report_service(till: Till, qtbot, screen, dimension) -> None:  # noqa: ANN001
    screen.dimension.setCurrentIndex(screen.dimension.findData(dimension))
    till.wait_idle(qtbot)
    start, end = screen.period()
    expected = till.shop.services.reports.sales(dimension, start, end)
    assert expected, "the fixture sold something"
    shown = table_rows(screen.sales)
    assert len(shown) == len(expected)
    for row, r in zip(shown, expected, strict=True):
        key = tender_name(TenderKind(r.key)) if dimension == "tender" else r.key
        assert row[0] == key and row[1] == str(r.count) and row[-1] == yuan(r.amount_fen)
    total = sum(r.amount_fen for r in expected)
    assert yuan(total) in screen.sales_total.text()


def test_member_analysis_on_screen_matches_the_service(till: Till, qtbot, screen) -> None:  # noqa: ANN001
    start, end = screen.period()
    a = till.shop.services.reports.members(start, end)
    assert a.member_sales_count == 1 and a.sales_count == 2
    shown = {row[0]: row[1] or row[2] for row in table_rows(screen.members)}
    assert shown["平均客单价（会员）"] == yuan(a.member_avg_ticket_fen)
    assert shown["平均客单价（非会员）"] == yuan(a.non_member_avg_ticket_fen)
    assert shown["会员交易占比"] == "50.00%"
    assert shown["储值余额（负债）"] == yuan(a.stored_value_liability_fen)
    assert shown["未兑换积分（负债）"] == str(a.points_liability)


def test_reminders_on_screen_match_the_service(till: Till, qtbot, screen) -> None:  # noqa: ANN001
    expected = till.shop.services.reports.reminders(7)
    assert len(table_rows(screen.reminders)) == len(expected)
    screen.reminder_kind.setCurrentIndex(screen.reminder_kind.findData("redeemable"))
    till.wait_idle(qtbot)
    rows = table_rows(screen.reminders)
    assert [r[1] for r in rows] == [r.name for r in expected if r.kind == "redeemable"]
    assert rows[0][2].startswith("138****")


def test_export_writes_a_real_xlsx_with_exact_money(till: Till, qtbot, screen, tmp_path) -> None:  # noqa: ANN001
    screen.dimension.setCurrentIndex(screen.dimension.findData("tender"))
    till.wait_idle(qtbot)
    screen.tabs.setCurrentIndex(0)
    with qtbot.waitSignal(screen.exported, timeout=10_000):
        screen.export(tmp_path / "sales")
    sheet = load_workbook(tmp_path / "sales.xlsx").active
    values = list(sheet.values)
    start, end = screen.period()
    expected = till.shop.services.reports.sales("tender", start, end)
    assert list(values[0]) == [screen.sales.horizontalHeaderItem(c).text()
                               for c in range(screen.sales.columnCount())]
    assert [(v[0], Decimal(str(v[-1]))) for v in values[1:]] == [
        (tender_name(TenderKind(r.key)), Decimal(r.amount_fen).scaleb(-2)) for r in expected]
    screen.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(screen.exported, timeout=10_000):
        screen.export(tmp_path / "members.xlsx")
    rows = {r[0]: r for r in load_workbook(tmp_path / "members.xlsx").active.values}
    a = till.shop.services.reports.members(start, end)
    assert Decimal(str(rows["平均客单价（会员）"][2])) == Decimal(a.member_avg_ticket_fen).scaleb(-2)


def test_screenshot_of_the_reports_screen(till: Till, qtbot, screen) -> None:  # noqa: ANN001
    screen.dimension.setCurrentIndex(screen.dimension.findData("product"))
    till.wait_idle(qtbot)
    assert grab(screen, "reports_sales_1024x768").stat().st_size > 10_000
    screen.tabs.setCurrentIndex(1)
    grab(screen, "reports_members_1024x768")
    screen.tabs.setCurrentIndex(2)
    grab(screen, "reports_reminders_1024x768")
