"""Payment: tenders as big buttons with keys, quick cash, split tenders, change in very large type."""
from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPushButton, QVBoxLayout, QWidget)

from pos_app.domain.errors import InvalidAmount, PinRequired
from pos_app.domain.money import parse_yuan
from pos_app.domain.sale import CompletedSale
from pos_app.domain.tenders import TenderInput, TenderKind, points_cash_cap
from pos_app.services.selling import BasketView, SellingSession
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import tender_name, yuan

log = logging.getLogger(__name__)

_TENDER_KEYS = ((TenderKind.CASH, "F1"), (TenderKind.STORED_VALUE, "F2"),
                (TenderKind.BANK_CARD, "F3"), (TenderKind.WECHAT, "F4"),
                (TenderKind.ALIPAY, "F5"), (TenderKind.POINTS, "F6"))
_MEMBER_TENDERS = (TenderKind.STORED_VALUE, TenderKind.POINTS)


class PaymentDialog(QDialog):
    """Collects tenders for the basket and completes the sale (one transaction) on the till lane."""

    completed = Signal(object)   # CompletedSale

    def __init__(self, ctx: TillContext, session: SellingSession, view: BasketView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session = session
        self._view = view
        self.tenders: list[TenderInput] = []
        self.sale: CompletedSale | None = None
        self.setObjectName("paymentDialog")
        self.setWindowTitle(self.tr("Payment"))
        self.setMinimumSize(820, 600)
        self.due_fen = view.total_fen

        self.due_label = QLabel()
        self.paid_label = QLabel()
        self.remaining_label = QLabel()
        self.change_label = QLabel()
        self.change_label.setObjectName("changeLabel")
        for lab, size in ((self.due_label, 22), (self.paid_label, 16),
                          (self.remaining_label, 22), (self.change_label, 44)):
            f = lab.font()
            f.setPointSize(size)
            f.setBold(size >= 22)
            lab.setFont(f)
        self.change_label.setStyleSheet("color: #1b5e20;")
        self.remaining_label.setStyleSheet("color: #b71c1c;")

        self.amount = QLineEdit()
        self.amount.setObjectName("amountInput")
        af = self.amount.font()
        af.setPointSize(22)
        self.amount.setFont(af)
        self.amount.setMinimumHeight(52)
        self.amount.returnPressed.connect(self._on_amount_return_pressed)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(self.tr("Payment reference (bank/WeChat/Alipay slip no.)"))

        member = view.member
        self.tender_buttons: dict[TenderKind, QPushButton] = {}
        grid = QGridLayout()
        for i, (kind, key) in enumerate(_TENDER_KEYS):
            button = QPushButton(f"{key}  {tender_name(kind)}")
            button.setObjectName(f"tender_{kind.value}")
            button.setMinimumHeight(64)
            bf = button.font()
            bf.setPointSize(16)
            bf.setBold(True)
            button.setFont(bf)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, k=kind: self.add_tender(k))
            if kind in _MEMBER_TENDERS and member is None:
                button.setEnabled(False)
                button.setToolTip(self.tr("Needs a member card"))
            grid.addWidget(button, i // 3, i % 3)
            QShortcut(QKeySequence(key), self, activated=lambda k=kind: self.add_tender(k))
            self.tender_buttons[kind] = button
        quick = QHBoxLayout()
        for text, fen in ((self.tr("Exact"), None), ("¥50", 5_000), ("¥100", 10_000)):
            b = QPushButton(text)
            b.setMinimumHeight(48)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setObjectName("quick_exact" if fen is None else f"quick_{fen // 100}")
            qf = b.font()
            qf.setPointSize(15)
            qf.setBold(True)
            b.setFont(qf)
            b.clicked.connect(lambda _=False, f=fen: self.quick_cash(f))
            quick.addWidget(b)

        self.wallet_label = QLabel()
        self.wallet_label.setWordWrap(True)
        wf = self.wallet_label.font()
        wf.setPointSize(13)
        self.wallet_label.setFont(wf)
        if member is not None:
            rules = session.rules
            cap = points_cash_cap(self.due_fen, rules)
            points_cash = min(member.account.spendable_points * 100 // rules.points_per_yuan, cap)
            self.wallet_label.setText(
                self.tr("%1: balance %2 · %3 points (points can pay up to %4)")
                .replace("%1", member.account.name)
                .replace("%2", yuan(member.account.balance_fen))
                .replace("%3", str(member.account.spendable_points))
                .replace("%4", yuan(points_cash if rules.points_cash_enabled else 0)))

        self.tender_list = QListWidget()
        self.tender_list.setObjectName("tenderList")
        self.tender_list.setMaximumHeight(120)
        tf = self.tender_list.font()
        tf.setPointSize(13)
        self.tender_list.setFont(tf)
        self.undo_button = QPushButton(self.tr("Remove last tender (Del)"))
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.clicked.connect(self.remove_last_tender)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self, activated=self.remove_last_tender)

        self.pin_label = QLabel(self.tr("Member PIN"))
        self.pin_edit = QLineEdit()
        self.pin_edit.setProperty("secret", True)  # keyboard-wedge capture pauses here
        self.pin_edit.setObjectName("memberPin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(8)
        self.pin_edit.returnPressed.connect(self.complete)
        self.pin_label.hide()
        self.pin_edit.hide()

        self.message = QLabel()
        self.message.setObjectName("paymentMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020; font-size: 13pt;")
        self.complete_button = QPushButton(self.tr("Complete sale (Enter)"))
        self.complete_button.setObjectName("completeButton")
        self.complete_button.setMinimumHeight(60)
        self.complete_button.setStyleSheet("background: #2e7d32; color: white; font-size: 18pt; "
                                           "font-weight: bold;")
        self.complete_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.complete_button.clicked.connect(self.complete)
        self.cancel_button = QPushButton(self.tr("Back to the basket (Esc)"))
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.reject)

        sums = QGridLayout()
        for row, (caption, label) in enumerate(((self.tr("Due"), self.due_label),
                                                (self.tr("Paid"), self.paid_label),
                                                (self.tr("Still to pay"), self.remaining_label),
                                                (self.tr("Change"), self.change_label))):
            c = QLabel(caption)
            cf = c.font()
            cf.setPointSize(16)
            c.setFont(cf)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if label is self.change_label:
                # The change gets a whole row: at 44 pt it must never be clipped.
                sums.addWidget(c, row, 0, 1, 2)
                sums.addWidget(label, row + 1, 0, 1, 2)
            else:
                sums.addWidget(c, row, 0)
                sums.addWidget(label, row, 1)
        amount_row = QHBoxLayout()
        amount_caption = QLabel(self.tr("Amount ¥"))
        amount_caption.setFont(self.due_label.font())
        amount_row.addWidget(amount_caption)
        amount_row.addWidget(self.amount, 1)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_label)
        pin_row.addWidget(self.pin_edit, 1)
        left = QVBoxLayout()
        left.addLayout(amount_row)
        left.addWidget(self.reference)
        left.addLayout(grid)
        left.addLayout(quick)
        left.addWidget(self.wallet_label)
        left.addWidget(self.tender_list)
        left.addWidget(self.undo_button)
        right = QVBoxLayout()
        right.addLayout(sums)
        right.addStretch(1)
        right.addLayout(pin_row)
        right.addWidget(self.message)
        right.addWidget(self.complete_button)
        right.addWidget(self.cancel_button)
        top = QHBoxLayout(self)
        top.addLayout(left, 3)
        top.addLayout(right, 2)
        for small in (self.reference, self.undo_button, self.cancel_button):
            # Touch-friendly: nothing a cashier presses is smaller than a fingertip.
            sf = small.font()
            sf.setPointSize(13)
            small.setFont(sf)
            small.setMinimumHeight(40)
        self._refresh()
        self.amount.setFocus()

    # -- figures ------------------------------------------------------------------------------
    @property
    def paid_fen(self) -> int:
        return sum(t.amount_fen for t in self.tenders)

    @property
    def remaining_fen(self) -> int:
        return max(self.due_fen - self.paid_fen, 0)

    @property
    def change_fen(self) -> int:
        return max(self.paid_fen - self.due_fen, 0)

    def stored_value_fen(self) -> int:
        return sum(t.amount_fen for t in self.tenders if t.kind is TenderKind.STORED_VALUE)

    def _refresh(self) -> None:
        self.due_label.setText(yuan(self.due_fen))
        self.paid_label.setText(yuan(self.paid_fen))
        self.remaining_label.setText(yuan(self.remaining_fen))
        self.change_label.setText(yuan(self.change_fen))
        self.amount.setText(f"{self.remaining_fen // 100}.{self.remaining_fen % 100:02d}"
                            if self.remaining_fen else "")
        self.amount.selectAll()
        self.tender_list.clear()
        for t in self.tenders:
            ref = f"  ({t.reference})" if t.reference else ""
            self.tender_list.addItem(f"{tender_name(t.kind)}  {yuan(t.amount_fen)}{ref}")
        needs_pin = bool(self.stored_value_fen()) and self._session.needs_pin(self.stored_value_fen())
        self.pin_label.setVisible(needs_pin)
        self.pin_edit.setVisible(needs_pin)
        self.complete_button.setEnabled(self.paid_fen >= self.due_fen and bool(self.tenders)
                                        or self.due_fen == 0)
        if needs_pin and self.paid_fen >= self.due_fen:
            self.pin_edit.setFocus()

    # -- tenders ------------------------------------------------------------------------------
    def add_tender(self, kind: TenderKind, amount_fen: int | None = None) -> None:
        """Add a tender of the typed amount (the rest due when nothing is typed)."""
        if not self.tender_buttons[kind].isEnabled():
            return
        if amount_fen is None:
            text = self.amount.text().strip()
            try:
                amount_fen = parse_yuan(text) if text else self.remaining_fen
            except InvalidAmount as exc:
                self.message.setText(describe(exc)[1])
                return
        if amount_fen <= 0:
            return
        if kind is not TenderKind.CASH and amount_fen > self.remaining_fen:
            # Only cash gives change: a card or mobile payment takes what is still due.
            amount_fen = self.remaining_fen
            if amount_fen <= 0:
                return
        reference = self.reference.text().strip() if kind not in (
            TenderKind.CASH, TenderKind.STORED_VALUE, TenderKind.POINTS) else ""
        self.reference.clear()
        self.message.clear()
        self.tenders.append(TenderInput(kind, amount_fen, reference))
        self._refresh()

    def quick_cash(self, amount_fen: int | None) -> None:
        self.add_tender(TenderKind.CASH, self.remaining_fen if amount_fen is None else amount_fen)

    def remove_last_tender(self) -> None:
        if self.tenders:
            self.tenders.pop()
            self._refresh()

    def _on_amount_return_pressed(self) -> None:
        if self.paid_fen >= self.due_fen and self.tenders:
            self.complete()
        else:
            self.add_tender(TenderKind.CASH)

    def keyPressEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.complete_button.isEnabled():
            self.complete()
            return
        super().keyPressEvent(event)

    # -- completing ---------------------------------------------------------------------------
    def complete(self) -> None:
        """Commit the sale; the receipt is printed by the selling screen after the commit."""
        if not self.complete_button.isEnabled():
            return
        pin = self.pin_edit.text() if self.pin_edit.isVisible() and self.pin_edit.text() else None
        tenders = list(self.tenders)
        cashier = self._ctx.user
        session = self._session
        self.complete_button.setEnabled(False)
        self.message.setText(self.tr("Saving the sale…"))
        self._ctx.background.run(lambda: session.complete(tenders, cashier, pin),
                                 self._on_complete_done, self._on_complete_failed)

    def _on_complete_done(self, sale: CompletedSale) -> None:
        log.info("sale %s completed, total %d fen", sale.receipt_no, sale.total_fen)
        self.sale = sale
        self.accept()
        self.completed.emit(sale)

    def _on_complete_failed(self, exc: Exception) -> None:
        self.complete_button.setEnabled(True)
        if isinstance(exc, PinRequired):
            self.pin_label.show()
            self.pin_edit.show()
            self.pin_edit.setFocus()
        self.pin_edit.clear()
        self.message.setText(describe(exc)[1])
