"""The shift-close screen: count the drawer, close the shift, print or save the Z report."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
                               QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from pos_app.domain.documents import ZReport
from pos_app.domain.errors import InvalidAmount
from pos_app.domain.money import parse_yuan
from pos_app.services.auth import User
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import tender_name, yuan


class ShiftScreen(QWidget):
    """The Z report so far, and closing the shift with the counted cash."""

    closed = Signal(object)   # ZReport
    printed = Signal(object)  # PrintResult of the Z report
    pdf_saved = Signal(str)

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._manager = manager
        self.report: ZReport | None = None
        self.counted = QLineEdit()
        self.counted.setObjectName("countedCash")
        self.counted.setPlaceholderText(self.tr("Cash counted in the drawer, e.g. 1234.50"))
        self.preview_button = QPushButton(self.tr("Show Z report so far"))
        self.preview_button.clicked.connect(self.preview)
        self.close_button = QPushButton(self.tr("Close shift"))
        self.close_button.setObjectName("closeShift")
        self.close_button.clicked.connect(self.close_shift)
        self.print_button = QPushButton(self.tr("Print Z report"))
        self.print_button.setObjectName("printZ")
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button = QPushButton(self.tr("Save Z report as PDF…"))
        self.pdf_button.setObjectName("pdfZ")
        self.pdf_button.clicked.connect(self.save_pdf)
        for b in (self.print_button, self.pdf_button):
            b.setEnabled(False)
        # The cash difference, large: red when the drawer is short, green when over.
        self.difference = QLabel()
        self.difference.setObjectName("cashDifference")
        self.difference.hide()
        self.held_warning = QLabel()
        self.held_warning.setObjectName("heldWarning")
        self.held_warning.setWordWrap(True)
        self.held_warning.setStyleSheet("QLabel { color: #e65100; font-weight: bold; }")
        self.held_warning.hide()
        self.message = QLabel()
        self.message.setObjectName("shiftMessage")
        self.message.setWordWrap(True)
        self.confirm_box: QMessageBox | None = None
        self.text = QPlainTextEdit()
        self.text.setObjectName("zReport")
        self.text.setReadOnly(True)
        f = self.text.font()
        f.setPointSize(12)
        self.text.setFont(f)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Counted cash ¥")))
        row.addWidget(self.counted, 1)
        row.addWidget(self.preview_button)
        row.addWidget(self.close_button)
        out = QHBoxLayout()
        out.addWidget(self.difference, 1)
        out.addWidget(self.print_button)
        out.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.held_warning)
        layout.addLayout(out)
        layout.addWidget(self.message)
        layout.addWidget(self.text, 1)

    def preview(self) -> None:
        shifts = self._ctx.services.shifts
        self._ctx.background.run(shifts.z_report, self._show,
                                 lambda exc: self.text.setPlainText(describe(exc)[1]))

    def close_shift(self, counted_text: str | None = None) -> None:
        """Ask to confirm with the expected cash, the difference and any held basket, then
        close the shift (the confirmation is `confirm_box`; its default button closes)."""
        text = counted_text if isinstance(counted_text, str) else self.counted.text()
        try:
            counted = parse_yuan(text)
        except InvalidAmount as exc:
            self.text.setPlainText(describe(exc)[1])
            return
        shifts = self._ctx.services.shifts
        self._ctx.background.run(lambda: shifts.z_report(counted),
                                 lambda z: self._confirm_close(z, counted),
                                 self._on_close_failed)

    def _confirm_close(self, z: ZReport, counted: int) -> None:
        self._show(z)
        diff = z.cash_difference_fen or 0
        lines = [self.tr("Expected cash %1, counted %2.").replace("%1", yuan(z.expected_cash_fen))
                 .replace("%2", yuan(counted)), self._difference_text(diff)]
        if z.held_baskets:
            lines.append(self.tr("%1 basket(s) are still on hold: they stay on hold and are "
                                 "listed on the Z report.").replace("%1", str(len(z.held_baskets))))
        box = QMessageBox(QMessageBox.Icon.Warning if diff < 0 or z.held_baskets
                          else QMessageBox.Icon.Question, self.tr("Close the shift?"),
                          "\n".join(lines), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("closeShiftConfirm")
        box.setStyleSheet("QLabel, QPushButton { font-size: 14pt; }")
        yes = box.addButton(self.tr("Close shift"), QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton(self.tr("Back"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setEscapeButton(back)
        box.buttonClicked.connect(lambda b: b is yes and self._close_confirmed(counted))
        self.confirm_box = box
        box.open()

    def _close_confirmed(self, counted: int) -> None:
        shifts = self._ctx.services.shifts
        manager = self._manager
        self.close_button.setEnabled(False)
        self._ctx.background.run(lambda: shifts.close(manager, counted), self._on_close_done,
                                 self._on_close_failed)

    def _on_close_done(self, report: ZReport) -> None:
        self._show(report)
        self.closed.emit(report)

    def _on_close_failed(self, exc: Exception) -> None:
        self.close_button.setEnabled(True)
        self.text.setPlainText(describe(exc)[1])

    def _difference_text(self, diff: int) -> str:
        if diff < 0:
            return self.tr("Short by %1").replace("%1", yuan(-diff))
        if diff > 0:
            return self.tr("Over by %1").replace("%1", yuan(diff))
        return self.tr("The drawer balances.")

    def print_report(self) -> None:
        """Print the Z report shown (closed or so far) on the receipt printer."""
        printer = self._ctx.print_z
        report = self.report
        if report is None or not callable(printer):
            return

        def done(result: object) -> None:
            if getattr(result, "configured", True) is False:
                self.message.setText(self.tr("No receipt printer is set up: save the Z report "
                                             "as a PDF instead."))
            elif getattr(result, "printed", False):
                self.message.setText(self.tr("Z report printed."))
            else:
                self.message.setText(self.tr("The printer did not print the Z report; it waits "
                                             "for reprint (F9)."))
            self.printed.emit(result)

        self._ctx.background.run(lambda: printer(report), done,
                                 lambda exc: self.message.setText(describe(exc)[1]),
                                 lane="device")

    def save_pdf(self, path: str | None = None) -> None:
        """Save the Z report shown as an A4 PDF (asks where, unless a path is given)."""
        render = self._ctx.z_report_pdf
        report = self.report
        if report is None or not callable(render):
            return
        if not isinstance(path, str):
            default = str(Path.home() / f"Z-{report.till_code}-{report.opened_at:%Y%m%d-%H%M}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Z report as PDF"), default,
                                                  self.tr("PDF files (*.pdf)"))
            if not path:
                return
        target = Path(path)

        def work() -> Path:
            target.write_bytes(render(report))
            return target

        def done(saved: Path) -> None:
            self.message.setText(self.tr("Z report saved as %1").replace("%1", str(saved)))
            self.pdf_saved.emit(str(saved))

        self._ctx.background.run(work, done, lambda exc: self.message.setText(describe(exc)[1]))

    def _show(self, z: ZReport) -> None:
        self.report = z
        out = [self.tr("Z report · shop %1 · till %2 · %3").replace("%1", z.shop_code)
               .replace("%2", z.till_code).replace("%3", z.cashier_name),
               self.tr("Opened %1").replace("%1", z.opened_at.strftime("%Y-%m-%d %H:%M")),
               self.tr("Closed %1").replace("%1", z.closed_at.strftime("%Y-%m-%d %H:%M"))
               if z.closed_at else self.tr("Still open"), "",
               self.tr("Sales: %1, total %2").replace("%1", str(z.sales_count))
               .replace("%2", yuan(z.sales_total_fen)),
               self.tr("Returns: %1, total %2").replace("%1", str(z.returns_count))
               .replace("%2", yuan(z.returns_total_fen)),
               self.tr("Discounts given: %1").replace("%1", yuan(z.discounts_fen)),
               self.tr("Member sales: %1").replace("%1", str(z.member_sales_count)), ""]
        for t in z.tenders:
            out.append(f"  {tender_name(t.kind)}: {t.count} · {yuan(t.amount_fen)}")
        for t in z.refunds_by_tender:
            out.append("  " + self.tr("refund") + f" {tender_name(t.kind)}: {t.count} · "
                       f"{yuan(t.amount_fen)}")
        out += ["", self.tr("Points issued %1, redeemed %2").replace("%1", str(z.points_issued))
                .replace("%2", str(z.points_redeemed)),
                self.tr("Stored value: topped up %1 (bonus %2), spent %3, refunded %4")
                .replace("%1", yuan(z.stored_value_topped_up_fen))
                .replace("%2", yuan(z.stored_value_bonus_fen))
                .replace("%3", yuan(z.stored_value_spent_fen))
                .replace("%4", yuan(z.stored_value_refunded_fen)),
                self.tr("Float %1 · pay-ins %2 · pay-outs %3")
                .replace("%1", yuan(z.opening_float_fen)).replace("%2", yuan(z.pay_ins_fen))
                .replace("%3", yuan(z.pay_outs_fen)), "",
                self.tr("Expected cash in drawer: %1").replace("%1", yuan(z.expected_cash_fen))]
        if z.counted_cash_fen is not None:
            diff = z.cash_difference_fen or 0
            out.append(self.tr("Counted: %1 · difference %2")
                       .replace("%1", yuan(z.counted_cash_fen)).replace("%2", yuan(diff)))
            colour = "#b71c1c" if diff < 0 else "#1b5e20" if diff > 0 else "#37474f"
            self.difference.setStyleSheet("QLabel { font-size: 20pt; font-weight: bold; "
                                          f"color: {colour}; }}")
            self.difference.setText(self._difference_text(diff))
            self.difference.show()
        else:
            self.difference.hide()
        if z.held_baskets:
            out += ["", self.tr("Still on hold: %1").replace("%1", str(len(z.held_baskets)))]
            for h in z.held_baskets:
                out.append("  " + self.tr("%1 · %2 item(s) · %3 %4")
                           .replace("%1", h.held_at.strftime("%H:%M"))
                           .replace("%2", str(h.item_count))
                           .replace("%3", "" if h.total_fen is None else yuan(h.total_fen))
                           .replace("%4", h.member_name).rstrip())
            self.held_warning.setText(self.tr("%1 basket(s) are still on hold: recall them (F6) "
                                              "or they stay on hold into the next shift.")
                                      .replace("%1", str(len(z.held_baskets))))
            self.held_warning.show()
        else:
            self.held_warning.hide()
        for b in (self.print_button, self.pdf_button):
            b.setEnabled(True)
        self.text.setPlainText("\n".join(out))
