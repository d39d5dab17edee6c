"""The basket as a table model over the BasketView lines the selling session returns."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pos_app.domain.pricing import PricedLine
from ui.formatting import reason_text, yuan

_Index = QModelIndex | QPersistentModelIndex


class BasketTableModel(QAbstractTableModel):
    """Row no., barcode, name, qty, unit price, discount reason, amount; redrawn from a snapshot."""

    COLUMNS = 7
    COL_NO, COL_BARCODE, COL_NAME, COL_QTY, COL_PRICE, COL_REASON, COL_AMOUNT = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: tuple[PricedLine, ...] = ()

    @property
    def lines(self) -> tuple[PricedLine, ...]:
        return self._lines

    def set_lines(self, lines: tuple[PricedLine, ...]) -> None:
        """Show a new snapshot; a pure append only inserts rows (keeps the view cheap)."""
        old = self._lines
        if len(lines) == len(old) + 1 and lines[:len(old)] == old:
            self.beginInsertRows(QModelIndex(), len(old), len(old))
            self._lines = lines
            self.endInsertRows()
            return
        if len(lines) == len(old):
            self._lines = lines
            if lines:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(lines) - 1, self.COLUMNS - 1))
            return
        self.beginResetModel()
        self._lines = lines
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("No."), self.tr("Barcode"), self.tr("Item"), self.tr("Qty"),
                self.tr("Price"), self.tr("Discount"), self.tr("Amount"))[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_NO:
                return str(line.line_no)
            if col == self.COL_BARCODE:
                return line.barcode or line.sku
            if col == self.COL_NAME:
                return line.name
            if col == self.COL_QTY:
                return str(line.qty)
            if col == self.COL_PRICE:
                return yuan(line.unit_price_fen)
            if col == self.COL_REASON:
                return reason_text(line)
            if col == self.COL_AMOUNT:
                return yuan(line.amount_fen)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
                self.COL_NO, self.COL_QTY, self.COL_PRICE, self.COL_AMOUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and line.discount_fen:
            return yuan(-line.discount_fen)
        return None
