"""Pick a held sale (挂单) to bring back to the basket."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from pos_app.domain.documents import HeldBasket
from ui.formatting import yuan


class RecallDialog(QDialog):
    chosen = Signal(str)   # held sale id

    def __init__(self, held: list[HeldBasket], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recallDialog")
        self.setWindowTitle(self.tr("Recall a held sale"))
        self.setMinimumSize(560, 320)
        self.list = QListWidget()
        f = self.list.font()
        f.setPointSize(14)
        self.list.setFont(f)
        for h in held:
            # Which basket is whose: the time, the amount, how many items, the member.
            text = self.tr("%1   %2   %3 item(s)   %4").replace(
                "%1", h.held_at.strftime("%H:%M:%S")).replace(
                "%2", yuan(h.total_fen) if h.total_fen is not None else h.label).replace(
                "%3", str(h.item_count)).replace(
                "%4", h.member_name or self.tr("no member"))
            item = QListWidgetItem(text.rstrip())
            item.setData(Qt.ItemDataRole.UserRole, h.held_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self._on_buttons_accepted())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Recall"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def choose(self, row: int = 0) -> None:
        self.list.setCurrentRow(row)
        self._on_buttons_accepted()

    def _on_buttons_accepted(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.accept()
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
