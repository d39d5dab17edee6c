"""Manager reports (rules §9): sales by day / hour / cashier / tender / category / product, member
analysis (客单价, shares, liabilities) and reminders, each in a table that exports to Excel.

Composition-root contract: ctx.export_xlsx(path, title, headers, rows, money_columns)
writes one sheet (ui/main.py wires it to receipts.spreadsheet.render_xlsx); money cells are
passed as integer fen in the money columns, everything else as text or integers.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from pos_app.domain.errors import ValidationFailed
from pos_app.domain.tenders import TenderKind
from pos_app.services.auth import User
from pos_app.services.reports import DIMENSIONS, MemberAnalysis, ReportRow, Reminder
from ui.card_dialogs import GREEN, RED, tint, touch_sizes
from ui.context import TillContext
from ui.error_messages import describe, show_error
from ui.formatting import tender_name, yuan

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class ReportTable:
    """One report as shown and as exported: headers, raw rows (fen in money columns), money columns."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    money_columns: tuple[int, ...] = ()
    percent_columns: tuple[int, ...] = ()

    def text_rows(self) -> list[list[str]]:
        out = []
        for row in self.rows:
            cells = []
            for i, value in enumerate(row):
                if i in self.money_columns and isinstance(value, int):
                    cells.append(yuan(value))
                elif i in self.percent_columns and isinstance(value, int):
                    cells.append(f"{value // 100}.{value % 100:02d}%")
                else:
                    cells.append("" if value is None else str(value))
            out.append(cells)
        return out


def _table(name: str) -> QTableWidget:
    table = QTableWidget(0, 0)
    table.setObjectName(name)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(30)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _show(table: QTableWidget, report: ReportTable, stretch: int = 0) -> None:
    table.clear()
    table.setColumnCount(len(report.headers))
    table.setHorizontalHeaderLabels(report.headers)
    header = table.horizontalHeader()
    # The label column takes the spare width, so figures sit next to what they measure.
    header.setStretchLastSection(False)
    for c in range(len(report.headers)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    rows = report.text_rows()
    table.setRowCount(len(rows))
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in report.money_columns or c in report.percent_columns or (
                    report.rows[r][c].__class__ is int):
                item.setTextAlignment(right)
            table.setItem(r, c, item)


class ReportsScreen(QWidget):
    """A manager tab: pick a date range and a report; read it in a table; export it to Excel."""

    shown = Signal(object)      # the ReportTable now on screen
    exported = Signal(str)      # the path written

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsScreen")
        self._ctx = ctx
        self._manager = manager
        self.error_box: QWidget | None = None
        self.reports: dict[str, ReportTable] = {}
        self._shown_once = False
        today = ctx.services.clock.now().date()
        self.start = QDateEdit(QDate(today.year, today.month, 1))
        self.start.setObjectName("reportFrom")
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        self.end.setObjectName("reportTo")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today_button = QPushButton(self.tr("Today"))
        today_button.clicked.connect(lambda: self.set_range(today, today))
        month_button = QPushButton(self.tr("This month"))
        month_button.clicked.connect(lambda: self.set_range(today.replace(day=1), today))
        self.refresh_button = QPushButton(self.tr("Show"))
        self.refresh_button.setObjectName("reportRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self.tr("Export to Excel"))
        self.export_button.setObjectName("reportExport")
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.export_button.setEnabled(ctx.export_xlsx is not None)
        if not self.export_button.isEnabled():
            self.export_button.setToolTip(self.tr("Excel export is not set up on this till"))

        self.dimension = QComboBox()
        self.dimension.setObjectName("salesDimension")
        names = {"day": self.tr("By day"), "hour": self.tr("By hour"),
                 "cashier": self.tr("By cashier"), "tender": self.tr("By tender"),
                 "category": self.tr("By category"), "product": self.tr("By product")}
        for dim in ("day", "hour", "cashier", "tender", "category", "product"):
            assert dim in DIMENSIONS
            self.dimension.addItem(names[dim], dim)
        self.dimension.currentIndexChanged.connect(lambda _i: self.refresh_sales())
        self.sales_total = QLabel()
        self.sales_total.setObjectName("salesTotal")
        self.sales = _table("salesTable")
        sales_tab = QWidget()
        sales_row = QHBoxLayout()
        sales_row.addWidget(self.dimension)
        sales_row.addWidget(self.sales_total, 1)
        sales_layout = QVBoxLayout(sales_tab)
        sales_layout.addLayout(sales_row)
        sales_layout.addWidget(self.sales, 1)

        self.members = _table("memberAnalysisTable")
        self.reminder_days = QSpinBox()
        self.reminder_days.setObjectName("reminderDays")
        self.reminder_days.setRange(1, 366)
        self.reminder_days.setValue(7)
        self.reminder_days.setPrefix(self.tr("Birthdays in the next "))
        self.reminder_days.setSuffix(self.tr(" days"))
        self.reminder_days.valueChanged.connect(lambda _v: self.refresh_reminders())
        self.reminder_kind = QComboBox()
        self.reminder_kind.setObjectName("reminderKind")
        self.reminder_kind.addItem(self.tr("All reminders"), "")
        for kind in ("birthday", "low_balance", "expiring", "dormant", "redeemable"):
            self.reminder_kind.addItem(self.kind_name(kind), kind)
        self.reminder_kind.currentIndexChanged.connect(lambda _i: self.refresh_reminders())
        self.reminders = _table("remindersTable")
        rem_tab = QWidget()
        rem_row = QHBoxLayout()
        rem_row.addWidget(self.reminder_days)
        rem_row.addWidget(self.reminder_kind)
        rem_row.addStretch(1)
        rem_layout = QVBoxLayout(rem_tab)
        rem_layout.addLayout(rem_row)
        rem_layout.addWidget(self.reminders, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(sales_tab, self.tr("Sales"))
        self.tabs.addTab(self.members, self.tr("Member analysis"))
        self.tabs.addTab(rem_tab, self.tr("Reminders"))
        self.message = QLabel()
        self.message.setObjectName("reportMessage")
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("From")))
        top.addWidget(self.start)
        top.addWidget(QLabel(self.tr("to")))
        top.addWidget(self.end)
        top.addWidget(today_button)
        top.addWidget(month_button)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        touch_sizes(self)
        if ctx.services.reports is None:
            self.refresh_button.setEnabled(False)
            self.message.setText(self.tr("Reports are not available on this till."))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        # The first time the tab is opened it shows this month at once.
        if not self._shown_once and self._ctx.services.reports is not None:
            self._shown_once = True
            self.refresh()
        super().showEvent(event)

    # -- ranges and refresh --------------------------------------------------------------------
    def set_range(self, start: date, end: date) -> None:
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        self.refresh()

    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def refresh(self) -> None:
        """Read every report for the chosen range (reads only, off the GUI thread)."""
        self.refresh_sales()
        self.refresh_members()
        self.refresh_reminders()

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self._ctx.services.reports is None:
            return
        self._ctx.background.run(fn, done, self._on_failed)

    def _on_failed(self, exc: Exception) -> None:
        tint(self.message, RED)
        self.message.setText(describe(exc)[1])
        self.error_box = show_error(self, exc)

    def refresh_sales(self) -> None:
        reports, dim = self._ctx.services.reports, self.dimension.currentData()
        start, end = self.period()
        self._run(lambda: reports.sales(dim, start, end),  # type: ignore[union-attr]
                  lambda rows: self._on_sales_done(dim, start, end, rows))

    def refresh_members(self) -> None:
        reports = self._ctx.services.reports
        start, end = self.period()
        self._run(lambda: reports.members(start, end),  # type: ignore[union-attr]
                  lambda a: self._on_members_done(start, end, a))

    def refresh_reminders(self) -> None:
        reports, days = self._ctx.services.reports, self.reminder_days.value()
        self._run(lambda: reports.reminders(days), self._on_reminders_done)  # type: ignore[union-attr]

    # -- drawing -------------------------------------------------------------------------------
    def _range_text(self, start: date, end: date) -> str:
        return f"{start.isoformat()} – {end.isoformat()}"

    def key_text(self, dimension: str, key: str) -> str:
        if dimension == "tender":
            try:
                return tender_name(TenderKind(key))
            except ValueError:
                return key
        return key

    def _on_sales_done(self, dim: str, start: date, end: date, rows: list[ReportRow]) -> None:
        name = self.dimension.itemText(max(self.dimension.findData(dim), 0))
        count_header = (self.tr("Lines") if dim in ("category", "product")
                        else self.tr("Payments") if dim == "tender" else self.tr("Sales"))
        headers = [name, count_header]
        body: list[list[Any]] = []
        for r in rows:
            line = [self.key_text(dim, r.key), r.count]
            if dim in ("category", "product"):
                line.append(r.qty)
            line.append(r.amount_fen)
            body.append(line)
        if dim in ("category", "product"):
            headers.append(self.tr("Qty"))
        headers.append(self.tr("Amount (net of returns)"))
        total = sum(r.amount_fen for r in rows)
        report = ReportTable(self.tr("Sales %1 %2").replace("%1", name)
                             .replace("%2", self._range_text(start, end)),
                             headers, body, money_columns=(len(headers) - 1,))
        self.reports["sales"] = report
        _show(self.sales, report)
        self.sales_total.setText(self.tr("Total %1 · %2").replace("%1", yuan(total))
                                 .replace("%2", self._range_text(start, end)))
        self.shown.emit(report)

    def _on_members_done(self, start: date, end: date, a: MemberAnalysis) -> None:
        money: list[list[Any]] = [
            [self.tr("Members"), a.members],
            [self.tr("New members in the period"), a.new_members],
            [self.tr("Members who bought"), a.active_members],
            [self.tr("Sales"), a.sales_count],
            [self.tr("Member sales"), a.member_sales_count],
            [self.tr("Members' share of sales"), a.member_share_of_sales_bp],
            [self.tr("Revenue"), a.revenue_fen],
            [self.tr("Member revenue"), a.member_revenue_fen],
            [self.tr("Members' share of revenue"), a.member_share_of_revenue_bp],
            [self.tr("Average ticket 客单价, members"), a.member_avg_ticket_fen],
            [self.tr("Average ticket 客单价, non-members"), a.non_member_avg_ticket_fen],
            [self.tr("Points outstanding (liability)"), a.points_liability],
            [self.tr("Stored value outstanding (liability)"), a.stored_value_liability_fen],
        ]
        money_rows = {6, 7, 9, 10, 12}
        percent_rows = {5, 8}
        # One value column holds money, percentages and counts: render here, export raw
        # money as fen in a money column of its own so Excel gets numbers, not text.
        rows: list[list[Any]] = []
        for i, (label, value) in enumerate(money):
            if i in money_rows:
                rows.append([label, None, value])
            elif i in percent_rows:
                rows.append([label, f"{value // 100}.{value % 100:02d}%", None])
            else:
                rows.append([label, value, None])
        report = ReportTable(self.tr("Member analysis %1").replace("%1",
                                                                    self._range_text(start, end)),
                             [self.tr("Figure"), self.tr("Value"), self.tr("Amount")], rows,
                             money_columns=(2,))
        self.reports["members"] = report
        self.analysis = a
        _show(self.members, report, stretch=-1)
        self.shown.emit(report)

    def kind_name(self, kind: str) -> str:
        return {"birthday": self.tr("Birthday"), "low_balance": self.tr("Low balance"),
                "expiring": self.tr("Card expiring"), "dormant": self.tr("Dormant"),
                "redeemable": self.tr("Can redeem a gift")}.get(kind, kind)

    def detail_text(self, r: Reminder) -> str:
        if r.kind == "birthday" and ":" in r.detail:
            cal, md = r.detail.split(":", 1)
            md = md.replace("L", self.tr("leap "))
            return (self.tr("lunar %1") if cal == "lunar" else self.tr("solar %1")).replace("%1", md)
        if r.kind == "low_balance":
            return "¥" + r.detail
        if r.kind == "dormant":
            return self.tr("last purchase %1").replace("%1", r.detail)
        if r.kind == "expiring":
            return self.tr("expires %1").replace("%1", r.detail)
        if r.kind == "redeemable":
            return self.tr("%1 points").replace("%1", r.detail)
        return r.detail

    def _on_reminders_done(self, reminders: list[Reminder]) -> None:
        from pos_app.domain.card import mask_mobile
        kind = self.reminder_kind.currentData()
        rows = [[self.kind_name(r.kind), r.name, mask_mobile(r.mobile or ""), self.detail_text(r),
                 self.tr("yes") if r.consent else self.tr("no")]
                for r in reminders if not kind or r.kind == kind]
        report = ReportTable(self.tr("Reminders"), [self.tr("Reminder"), self.tr("Member"),
                                                    self.tr("Mobile"), self.tr("Detail"),
                                                    self.tr("Agrees to messages")], rows)
        self.reports["reminders"] = report
        _show(self.reminders, report, stretch=3)
        self.shown.emit(report)

    # -- export --------------------------------------------------------------------------------
    def current_report(self) -> ReportTable | None:
        key = ("sales", "members", "reminders")[self.tabs.currentIndex()]
        return self.reports.get(key)

    def _on_export_button_clicked(self) -> None:
        report = self.current_report()
        if report is None:
            return
        name = report.title.replace(" ", "_").replace("–", "-").replace("/", "-") + ".xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export to Excel"),
                                              str(self._ctx.data_dir / name),
                                              self.tr("Excel files (*.xlsx)"))
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Write the report on the visible tab to an .xlsx file (off the GUI thread)."""
        report = self.current_report()
        writer = self._ctx.export_xlsx
        if report is None or not callable(writer):
            self._on_failed(ValidationFailed("export", "nothing to export"))
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self._ctx.background.run(
            lambda: writer(path, report.title, report.headers, report.rows,
                           report.money_columns),
            lambda _r: self._on_export_done(path), self._on_failed, lane="device")

    def _on_export_done(self, path: Path) -> None:
        tint(self.message, GREEN)
        self.message.setText(self.tr("Saved %1").replace("%1", str(path)))
        self.exported.emit(str(path))
