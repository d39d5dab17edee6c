"""Redeem points for a gift (gift ladder) or use a visit of a count pass."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from pos_app.domain.points import ladder_step_for
from pos_app.domain.rules import RuleSet
from pos_app.services.selling import BasketView
from ui.formatting import yuan


class RedeemDialog(QDialog):
    gift_chosen = Signal(str)   # product code
    pass_chosen = Signal(str)   # pass id

    def __init__(self, view: BasketView, rules: RuleSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert view.member is not None
        self.setObjectName("redeemDialog")
        self.setWindowTitle(self.tr("Redeem points / use a pass"))
        self.setMinimumSize(520, 380)
        points = view.member.account.spendable_points
        step = ladder_step_for(points, rules)
        if step is not None:
            now = self.tr("%1 points: a gift with a list price up to %2 (uses %3 points).") \
                .replace("%1", str(points)).replace("%2", yuan(step.cap_fen)) \
                .replace("%3", str(step.points))
        else:
            now = self.tr("%1 points: not enough for a gift yet.").replace("%1", str(points))
        nxt = self.tr("%1 more points for a gift up to %2.") \
            .replace("%1", str(view.next_step_points)).replace("%2", yuan(view.next_step_cap_fen))
        info = QLabel(now + "\n" + nxt)
        info.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("giftCode")
        self.code.setPlaceholderText(self.tr("Scan the gift's barcode"))
        self.code.returnPressed.connect(self._on_gift_button_clicked)
        gift_button = QPushButton(self.tr("Take gift for points"))
        gift_button.clicked.connect(self._on_gift_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(gift_button)
        self.passes = QListWidget()
        for p in view.passes:
            if p.refunded or p.uses_left <= 0:
                continue
            expiry = p.expires_on.isoformat() if p.expires_on else "—"
            item = QListWidgetItem(f"{p.name}   ×{p.uses_left}/{p.uses_total}   {expiry}")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.passes.addItem(item)
        self.passes.itemActivated.connect(self._on_passes_item_activated)
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("Count passes (double-click to use one visit)")))
        layout.addWidget(self.passes, 1)
        layout.addWidget(close)

    def take_scan(self, code: str) -> None:
        """The gift's barcode scanned while this dialog is open."""
        self.code.setText(code)
        self._on_gift_button_clicked()

    def _on_gift_button_clicked(self) -> None:
        code = self.code.text().strip()
        if code:
            self.accept()
            self.gift_chosen.emit(code)

    def _on_passes_item_activated(self, item: QListWidgetItem) -> None:
        self.accept()
        self.pass_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
