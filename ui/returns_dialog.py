"""Returns (退货): scan or type the receipt, pick lines and quantities; money back by the original tenders."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from pos_app.domain.sale import CompletedSale
from pos_app.ports.store import StoredSale
from pos_app.services.auth import User
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import tender_name, yuan
from ui.wedge import make_capture_field


class ReturnsDialog(QDialog):
    """A manager already authorised it; `returned` carries the booked return for printing."""

    returned = Signal(object)   # CompletedSale

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._manager = manager
        self.sale: StoredSale | None = None
        self.result_sale: CompletedSale | None = None
        self.setObjectName("returnsDialog")
        self.setWindowTitle(self.tr("Return"))
        self.setMinimumSize(760, 480)
        font = self.font()
        font.setPointSize(13)
        self.setFont(font)
        self.receipt = QLineEdit()
        self.receipt.setObjectName("receiptInput")
        self.receipt.setPlaceholderText(self.tr("Scan the QR code on the receipt or type its number"))
        make_capture_field(self.receipt)
        f = self.receipt.font()
        f.setPointSize(16)
        self.receipt.setFont(f)
        self.receipt.returnPressed.connect(self.find)
        find = QPushButton(self.tr("Find"))
        find.clicked.connect(self.find)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("returnLines")
        self.table.setHorizontalHeaderLabels([self.tr("No."), self.tr("Item"), self.tr("Sold"),
                                              self.tr("Amount"), self.tr("Return qty")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.all_button = QPushButton(self.tr("Return everything"))
        self.all_button.clicked.connect(self.select_all)
        self.book_button = QPushButton(self.tr("Book the return"))
        self.book_button.setObjectName("bookReturn")
        self.book_button.setEnabled(False)
        self.book_button.clicked.connect(self.book)
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.receipt, 1)
        row.addWidget(find)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.book_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.receipt.setFocus()

    def take_scan(self, code: str) -> None:
        """The receipt's QR code (or barcode) scanned while this dialog is open."""
        self.receipt.setText(code)
        self.find(code)

    def find(self, text: str | None = None) -> None:
        text = (text if isinstance(text, str) else self.receipt.text()).strip()
        if not text:
            return
        returns = self._ctx.services.returns
        self.message.clear()
        self._ctx.background.run(lambda: returns.get_sale(text), self._on_find_done,
                                 self._on_failed)

    def _on_find_done(self, sale: StoredSale) -> None:
        self.sale = sale
        snap = sale.snapshot
        tenders = ", ".join(f"{tender_name(t.kind)} {yuan(t.amount_fen)}" for t in snap.tenders)
        member = snap.member.name if snap.member else self.tr("no member")
        self.info.setText(self.tr("Receipt %1 · %2 · total %3 · %4 · paid by %5")
                          .replace("%1", sale.receipt_no)
                          .replace("%2", sale.created_at.strftime("%Y-%m-%d %H:%M"))
                          .replace("%3", yuan(sale.total_fen)).replace("%4", member)
                          .replace("%5", tenders))
        self.table.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            left = line.qty - line.returned_qty
            sold = (self.tr("%1 (returned %2)").replace("%1", str(line.qty))
                    .replace("%2", str(line.returned_qty)) if line.returned_qty else str(line.qty))
            for col, text in enumerate((str(line.line_no), line.name, sold,
                                        yuan(line.amount_fen))):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, col, item)
            spin = QSpinBox()
            spin.setRange(0, left)
            spin.setEnabled(left > 0)
            self.table.setCellWidget(row, 4, spin)
        self.book_button.setEnabled(True)

    def set_quantity(self, line_no: int, qty: int) -> None:
        assert self.sale is not None
        for row, line in enumerate(self.sale.lines):
            if line.line_no == line_no:
                spin = self.table.cellWidget(row, 4)
                assert isinstance(spin, QSpinBox)
                spin.setValue(qty)

    def select_all(self) -> None:
        for row in range(self.table.rowCount()):
            spin = self.table.cellWidget(row, 4)
            if isinstance(spin, QSpinBox):
                spin.setValue(spin.maximum())

    def chosen_lines(self) -> dict[int, int]:
        assert self.sale is not None
        out = {}
        for row, line in enumerate(self.sale.lines):
            spin = self.table.cellWidget(row, 4)
            if isinstance(spin, QSpinBox) and spin.value() > 0:
                out[line.line_no] = spin.value()
        return out

    def book(self) -> None:
        if self.sale is None:
            return
        lines = self.chosen_lines()
        if not lines:
            self.message.setText(self.tr("Choose what comes back: set a return quantity."))
            return
        receipt_no = self.sale.receipt_no
        returns = self._ctx.services.returns
        cashier = self._ctx.user or self._manager
        manager = self._manager
        self.book_button.setEnabled(False)
        self._ctx.background.run(
            lambda: returns.return_items(receipt_no, lines, cashier, manager),
            self._on_book_done, self._on_failed)

    def _on_book_done(self, sale: CompletedSale) -> None:
        self.result_sale = sale
        self.accept()
        self.returned.emit(sale)

    def _on_failed(self, exc: Exception) -> None:
        self.book_button.setEnabled(self.sale is not None)
        self.message.setText(describe(exc)[1])
