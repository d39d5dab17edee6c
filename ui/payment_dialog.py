"""Payment: tenders as big buttons with keys, quick cash, split tenders, change in very large type."""
from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPushButton, QVBoxLayout, QWidget)

from pos_app.domain.errors import InvalidAmount, PinRequired
from pos_app.domain.money import parse_yuan
from pos_app.domain.sale import CompletedSale
from pos_app.domain.payment import PaymentState, payment_state, quick_cash_amounts, tender_limit
from pos_app.domain.tenders import TenderInput, TenderKind, Wallet
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
            # Key and name on two lines: "F2 Stored value" must fit a third of the dialog at
            # 1024×768 in English as well as in Chinese.
            button = QPushButton(f"{key}\n{tender_name(kind)}")
            button.setObjectName(f"tender_{kind.value}")
            button.setMinimumHeight(64)
            bf = button.font()
            bf.setPointSize(15)
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
        self.quick_buttons: list[QPushButton] = []
        rounded_due = payment_state(self.due_fen, [], session.rules,
                                    self._wallet()).remaining_cash_fen
        notes = [(yuan(fen).split(".")[0], fen) for fen in quick_cash_amounts(rounded_due)]
        for text, fen in [(self.tr("Exact"), None), *notes]:
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
            self.quick_buttons.append(b)

        self.wallet_label = QLabel()
        self.wallet_label.setWordWrap(True)
        wf = self.wallet_label.font()
        wf.setPointSize(13)
        self.wallet_label.setFont(wf)

        self.tender_list = QListWidget()
        self.tender_list.setObjectName("tenderList")
        self.tender_list.setMaximumHeight(120)
        tf = self.tender_list.font()
        tf.setPointSize(13)
        self.tender_list.setFont(tf)
        self.undo_button = QPushButton(self.tr("Remove last tender (Del)"))
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.clicked.connect(self.remove_last_tender)
        # The amount field would eat Del as "delete a character": take it first (see eventFilter).
        self.amount.installEventFilter(self)
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
        # A member without a PIN: what the rule set allows instead (said at once, not on Enter).
        self.no_pin_button = QPushButton()
        self.no_pin_button.setObjectName("noPinButton")
        self.no_pin_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.no_pin_button.setMinimumHeight(44)
        self.no_pin_button.clicked.connect(self._on_no_pin_button_clicked)
        self.no_pin_button.hide()
        self.pin_waived_by: object | None = None
        self.dialog: QDialog | None = None      # the dialog opened last (tests drive it)

        self.message = QLabel()
        self.message.setObjectName("paymentMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020; font-size: 13pt;")
        self.complete_button = QPushButton(self.tr("Complete sale (Enter)"))
        self.complete_button.setObjectName("completeButton")
        self.complete_button.setMinimumHeight(60)
        # Disabled must look disabled: the green button means "Enter completes the sale".
        self.complete_button.setStyleSheet(
            "QPushButton { background: #2e7d32; color: white; font-size: 18pt; "
            "font-weight: bold; } QPushButton:disabled { background: #c8d6c9; color: #6b7a6c; }")
        self.complete_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.complete_button.clicked.connect(self.complete)
        self.cancel_button = QPushButton(self.tr("Back to the basket (Esc)"))
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.reject)

        sums = QGridLayout()
        self.rounding_label = QLabel()
        self.rounding_label.setObjectName("roundingLabel")
        rf = self.rounding_label.font()
        rf.setPointSize(16)
        self.rounding_label.setFont(rf)
        self.rounding_caption = QLabel(self.tr("Cash rounding"))
        for row, (caption, label) in enumerate(((self.tr("Due"), self.due_label),
                                                (self.tr("Paid"), self.paid_label),
                                                (self.tr("Still to pay"), self.remaining_label),
                                                (self.tr("Cash rounding"), self.rounding_label),
                                                (self.tr("Change"), self.change_label))):
            c = self.rounding_caption if label is self.rounding_label else QLabel(caption)
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
        right.addWidget(self.no_pin_button)
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

    # -- figures (all from pos_app.domain.payment) ----------------------------------------------
    def _wallet(self) -> Wallet | None:
        member = self._view.member
        if member is None:
            return None
        gifts = sum(line.redeemed_points for line in self._view.lines)
        acc = member.account
        return Wallet(acc.balance_paid_fen, acc.balance_bonus_fen, acc.spendable_points - gifts)

    @property
    def state(self) -> PaymentState:
        return payment_state(self.due_fen, self.tenders, self._session.rules, self._wallet())

    @property
    def paid_fen(self) -> int:
        return self.state.paid_fen

    @property
    def remaining_fen(self) -> int:
        return self.state.remaining_fen

    @property
    def change_fen(self) -> int:
        return self.state.change_fen

    def limit(self, kind: TenderKind) -> int | None:
        """What one more tender of `kind` may take now (None: cash, no limit)."""
        return tender_limit(kind, self.due_fen, self.tenders, self._session.rules, self._wallet())

    def stored_value_fen(self) -> int:
        return sum(t.amount_fen for t in self.tenders if t.kind is TenderKind.STORED_VALUE)

    def needs_pin(self) -> bool:
        sv = self.stored_value_fen()
        return bool(sv) and self._session.needs_pin(sv) and self.pin_waived_by is None

    def _member_has_pin(self) -> bool:
        member = self._view.member
        return member is not None and member.account.has_pin

    def _refresh(self) -> None:
        st = self.state
        self.due_label.setText(yuan(st.due_fen))
        self.paid_label.setText(yuan(st.paid_fen))
        if st.rounding_fen and not st.complete:
            self.remaining_label.setText(
                self.tr("%1 (cash %2)").replace("%1", yuan(st.remaining_fen))
                .replace("%2", yuan(st.remaining_cash_fen)))
        else:
            self.remaining_label.setText(yuan(st.remaining_fen))
        self.rounding_label.setText(yuan(st.rounding_fen) if st.rounding_fen else "")
        self.rounding_caption.setVisible(bool(st.rounding_fen))
        self.rounding_label.setVisible(bool(st.rounding_fen))
        self.change_label.setText(yuan(st.change_fen))
        cash = st.remaining_cash_fen
        self.amount.setText(f"{cash // 100}.{cash % 100:02d}" if cash and not st.complete else "")
        self.amount.selectAll()
        self.tender_list.clear()
        for t in self.tenders:
            ref = f"  ({t.reference})" if t.reference else ""
            self.tender_list.addItem(f"{tender_name(t.kind)}  {yuan(t.amount_fen)}{ref}")
        member = self._view.member
        if member is not None:
            rules = self._session.rules
            self.wallet_label.setText(
                self.tr("%1: balance %2 · %3 points · stored value can pay up to %4 · "
                        "points can pay up to %5")
                .replace("%1", member.account.name)
                .replace("%2", yuan(member.account.balance_fen))
                .replace("%3", str(member.account.spendable_points))
                .replace("%4", yuan(self.limit(TenderKind.STORED_VALUE) or 0))
                .replace("%5", yuan(self.limit(TenderKind.POINTS) or 0
                                    if rules.points_cash_enabled else 0)))
        needs_pin = self.needs_pin()
        no_pin = needs_pin and not self._member_has_pin()
        self.pin_label.setVisible(needs_pin and not no_pin)
        self.pin_edit.setVisible(needs_pin and not no_pin)
        self.no_pin_button.setVisible(no_pin)
        if no_pin:
            if self._session.rules.no_pin_stored_value == "set_pin":
                self.no_pin_button.setText(self.tr("Set the member's PIN now"))
            else:
                self.no_pin_button.setText(self.tr("Manager authorises without a PIN"))
            self.message.setText(
                self.tr("This member has no PIN yet, and paying more than %1 from stored value "
                        "needs one.").replace(
                    "%1", yuan(self._session.rules.stored_value_pin_threshold_fen)))
        self.complete_button.setEnabled(st.complete and not no_pin)

    # -- tenders ------------------------------------------------------------------------------
    def add_tender(self, kind: TenderKind, amount_fen: int | None = None) -> None:
        """Add a tender of the typed amount (the rest due when nothing is typed), capped at what
        the member's balance, points and the rule set allow (said on screen, focus stays)."""
        if not self.tender_buttons[kind].isEnabled():
            return
        if amount_fen is None:
            text = self.amount.text().strip()
            try:
                if text:
                    amount_fen = parse_yuan(text)
                elif kind is TenderKind.CASH:
                    amount_fen = self.state.remaining_cash_fen
                else:
                    amount_fen = self.remaining_fen
            except InvalidAmount as exc:
                self.message.setText(describe(exc)[1])
                self.amount.setFocus()
                return
        note = ""
        limit = self.limit(kind)
        if limit is not None and amount_fen > limit:
            if limit > 0 and kind in _MEMBER_TENDERS:
                note = self.tr("%1 can pay at most %2 here: %2 taken.").replace(
                    "%1", tender_name(kind)).replace("%2", yuan(limit))
            elif kind in _MEMBER_TENDERS:
                note = self.tr("%1 cannot pay any more of this sale.").replace(
                    "%1", tender_name(kind))
            amount_fen = limit
        self.amount.setFocus()
        if amount_fen <= 0:
            self.message.setText(note)
            return
        reference = self.reference.text().strip() if kind not in (
            TenderKind.CASH, TenderKind.STORED_VALUE, TenderKind.POINTS) else ""
        self.reference.clear()
        self.message.setText(note)
        self.tenders.append(TenderInput(kind, amount_fen, reference))
        self._refresh()

    def quick_cash(self, amount_fen: int | None) -> None:
        self.add_tender(TenderKind.CASH,
                        self.state.remaining_cash_fen if amount_fen is None else amount_fen)

    def remove_last_tender(self) -> None:
        if self.tenders:
            removed = self.tenders.pop()
            if removed.kind is TenderKind.STORED_VALUE and not self.stored_value_fen():
                self.pin_waived_by = None
            self.message.clear()
            self._refresh()
        self.amount.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.amount and event.type() in (QEvent.Type.ShortcutOverride,
                                                       QEvent.Type.KeyPress):
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Delete and not event.modifiers():
                # Del is the key shown on "remove last tender"; Backspace still edits the amount.
                if event.type() == QEvent.Type.KeyPress:
                    self.remove_last_tender()
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def _on_amount_return_pressed(self) -> None:
        if self.complete_button.isEnabled() and self.tenders:
            self.complete()
        elif not self.state.complete:
            self.add_tender(TenderKind.CASH)

    def keyPressEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.complete_button.isEnabled():
            self.complete()
            return
        super().keyPressEvent(event)

    # -- a member without a PIN -----------------------------------------------------------------
    def _on_no_pin_button_clicked(self) -> None:
        from ui.manager_auth_dialog import with_role
        if self._session.rules.no_pin_stored_value == "set_pin":
            auth = with_role(self._ctx, self, "member_pin", self.tr("setting a member PIN"),
                             self._ask_new_pin)
        else:
            auth = with_role(self._ctx, self, "stored_value_no_pin",
                             self.tr("paying from stored value without a PIN"),
                             self.waive_pin, "manager")
        if auth is not None:
            self.dialog = auth

    def waive_pin(self, manager: object) -> None:
        """A manager stands in for the PIN of a member who has none (audited with the sale)."""
        self.pin_waived_by = manager
        self.message.setText(self.tr("Authorised by %1 without a PIN.").replace(
            "%1", getattr(manager, "display_name", "")))
        self._refresh()
        self.amount.setFocus()

    def _ask_new_pin(self, manager: object) -> None:
        from ui.card_dialogs import CardPinDialog
        dialog = CardPinDialog(False, self)
        self.dialog = dialog
        dialog.submitted.connect(lambda: self.set_member_pin(manager, dialog.new_pin.text(), dialog))
        dialog.open()

    def set_member_pin(self, manager: object, pin: str, dialog: QDialog | None = None) -> None:
        """Set the first PIN of the attached member (a manager is present), then ask for it."""
        member = self._view.member
        assert member is not None
        cards = self._ctx.services.cards
        card_no = member.card.card_no

        def done(_result: object) -> None:
            if dialog is not None:
                dialog.accept()
            self._view = replace(self._view, member=replace(
                member, account=replace(member.account, has_pin=True)))
            self.message.setText(self.tr("PIN set. The member types it to pay."))
            self._refresh()
            self.pin_edit.setFocus()

        def failed(exc: Exception) -> None:
            if dialog is not None and hasattr(dialog, "fail"):
                dialog.fail(exc)
            else:
                self.message.setText(describe(exc)[1])

        self._ctx.background.run(lambda: cards.set_pin(manager, card_no, pin), done, failed)

    # -- completing ---------------------------------------------------------------------------
    def complete(self) -> None:
        """Commit the sale; the receipt is printed by the selling screen after the commit."""
        if not self.complete_button.isEnabled():
            return
        pin = self.pin_edit.text() if self.pin_edit.isVisible() and self.pin_edit.text() else None
        tenders = list(self.tenders)
        cashier = self._ctx.user
        session = self._session
        waived = self.pin_waived_by
        self.complete_button.setEnabled(False)
        self.message.setText(self.tr("Saving the sale…"))
        self._ctx.background.run(lambda: session.complete(tenders, cashier, pin,
                                                          pin_waived_by=waived),
                                 self._on_complete_done, self._on_complete_failed)

    def _on_complete_done(self, sale: CompletedSale) -> None:
        log.info("sale %s completed, total %d fen", sale.receipt_no, sale.total_fen)
        self.sale = sale
        self.accept()
        self.completed.emit(sale)

    def _on_complete_failed(self, exc: Exception) -> None:
        self.complete_button.setEnabled(True)
        self.pin_edit.clear()
        self.message.setText(describe(exc)[1])
        if isinstance(exc, PinRequired) and self._member_has_pin():
            self.pin_label.show()
            self.pin_edit.show()
            self.pin_edit.setFocus()
        else:
            # Keep the cashier where they were typing amounts.
            self.amount.setFocus()
