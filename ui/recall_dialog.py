"""Pick a held sale (挂单) to bring back to the basket."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


class RecallDialog(QDialog):
    chosen = Signal(str)   # held sale id

    def __init__(self, held: list[tuple[str, str, datetime]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recallDialog")
        self.setWindowTitle(self.tr("Recall a held sale"))
        self.setMinimumSize(420, 320)
        self.list = QListWidget()
        f = self.list.font()
        f.setPointSize(14)
        self.list.setFont(f)
        for held_id, label, at in held:
            item = QListWidgetItem(f"{at:%H:%M:%S}  {label}")
            item.setData(Qt.ItemDataRole.UserRole, held_id)
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
