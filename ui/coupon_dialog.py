"""Apply a coupon: scan or type its code, or pick one of the member's usable coupons."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from pos_app.services.selling import BasketView


class CouponDialog(QDialog):
    coupon_chosen = Signal(str)   # the coupon code

    def __init__(self, view: BasketView | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("couponDialog")
        self.setWindowTitle(self.tr("Apply a coupon"))
        self.setMinimumSize(480, 320)
        self.code = QLineEdit()
        self.code.setObjectName("couponCode")
        self.code.setPlaceholderText(self.tr("Scan or type the coupon code"))
        self.code.setProperty("takesScans", True)   # a scan lands here as typed
        self.code.returnPressed.connect(self._on_apply_clicked)
        apply_button = QPushButton(self.tr("Apply"))
        apply_button.clicked.connect(self._on_apply_clicked)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(apply_button)
        self.offers = QListWidget()
        self.offers.setObjectName("couponOffers")
        for offer in (view.coupons if view is not None else ()):
            until = offer.valid_until.strftime("%Y-%m-%d") if offer.valid_until else "—"
            item = QListWidgetItem(self.tr("%1   valid to %2   %3")
                                   .replace("%1", offer.name).replace("%2", until)
                                   .replace("%3", offer.code))
            item.setData(Qt.ItemDataRole.UserRole, offer.code)
            self.offers.addItem(item)
        self.offers.itemActivated.connect(self._on_offers_item_activated)
        has_member = view is not None and view.member is not None
        hint = (self.tr("The member's coupons usable here (double-click or Enter to apply)")
                if has_member else self.tr("Attach the member card (F2) to see their coupons"))
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(QLabel(hint))
        layout.addWidget(self.offers, 1)
        layout.addWidget(close)
        self.code.setFocus()

    def _on_apply_clicked(self) -> None:
        text = self.code.text().strip()
        if not text and self.offers.currentItem() is not None:
            text = str(self.offers.currentItem().data(Qt.ItemDataRole.UserRole))
        if text:
            self.coupon_chosen.emit(text)
            self.accept()

    def _on_offers_item_activated(self, item: QListWidgetItem) -> None:
        self.coupon_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
        self.accept()
