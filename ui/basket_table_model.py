"""The basket as a table model over the BasketView lines the selling session returns."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pos_app.domain.pricing import PricedLine
from ui.formatting import reason_text, savings_text, yuan

_Index = QModelIndex | QPersistentModelIndex


class BasketTableModel(QAbstractTableModel):
    """Row no., barcode, name, qty, unit price, discount reason, amount; redrawn from a snapshot."""

    COLUMNS = 7
    COL_NO, COL_BARCODE, COL_NAME, COL_QTY, COL_PRICE, COL_REASON, COL_AMOUNT = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: tuple[PricedLine, ...] = ()
        self._cells: list[tuple[str, ...]] = []
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    @property
    def lines(self) -> tuple[PricedLine, ...]:
        return self._lines

    @staticmethod
    def _row(line: PricedLine) -> tuple[str, ...]:
        # Formatted once per snapshot: the view asks data() thousands of times per repaint.
        return (str(line.line_no), line.barcode or line.sku, line.name, str(line.qty),
                yuan(line.unit_price_fen), reason_text(line), yuan(line.amount_fen),
                savings_text(line))

    def set_lines(self, lines: tuple[PricedLine, ...]) -> None:
        """Show a new snapshot; a pure append only inserts rows, a re-price only updates cells."""
        old = self._lines
        cells = [self._row(line) for line in lines]
        if len(lines) == len(old) + 1 and lines[:len(old)] == old:
            self.beginInsertRows(QModelIndex(), len(old), len(old))
            self._lines, self._cells = lines, cells
            self.endInsertRows()
            return
        if len(lines) == len(old):
            changed = [i for i, (a, b) in enumerate(zip(self._cells, cells)) if a != b]
            self._lines, self._cells = lines, cells
            if changed:
                self.dataChanged.emit(self.index(changed[0], 0),
                                      self.index(changed[-1], self.COLUMNS - 1))
            return
        self.beginResetModel()
        self._lines, self._cells = lines, cells
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
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() in (self.COL_NO, self.COL_QTY, self.COL_PRICE, self.COL_AMOUNT):
                return self._right
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            cells = self._cells[index.row()]
            if index.column() == self.COL_NAME:
                # The barcode column gives way on narrow screens: the name's tooltip has it.
                return f"{cells[self.COL_NAME]}\n{cells[self.COL_BARCODE]}"
            if index.column() == self.COL_REASON and cells[self.COL_REASON]:
                return cells[self.COL_REASON]
            return cells[self.COLUMNS] or None
        return None
