"""Find the member at the till: card number (typed or scanned), mobile or name."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from pos_app.domain.card import mask_mobile
from pos_app.domain.member import MemberAccount
from pos_app.domain.rules import RuleSet
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import tier_name, yuan


class MemberSearchDialog(QDialog):
    """Type a card number and Enter to attach it, or search and pick a member from the list."""

    card_entered = Signal(str)
    member_chosen = Signal(str)
    detach_requested = Signal()

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("memberSearchDialog")
        self.setWindowTitle(self.tr("Member"))
        self.setMinimumSize(700, 420)   # a result line (name, mobile, tier, points, balance) fits in English
        font = self.font()
        font.setPointSize(13)
        self.setFont(font)
        hint = QLabel(self.tr("Swipe or tap the card, scan the member code, or type a card "
                              "number, a mobile number or its last 4 digits, a name or a "
                              "surname."))
        hint.setWordWrap(True)
        self.query = QLineEdit()
        self.query.setObjectName("memberQuery")
        # Names are typed in Chinese, so the input method stays on here (a surname is one
        # hanzi); the wedge filter folds an IME's full-width sentinels back for swipes.
        f = self.query.font()
        f.setPointSize(16)
        self.query.setFont(f)
        self.query.returnPressed.connect(self._on_query_return_pressed)
        self.query.textEdited.connect(lambda _t: self._timer.start())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.search)
        self.results = QListWidget()
        self.results.setObjectName("memberResults")
        rf = self.results.font()
        rf.setPointSize(13)
        self.results.setFont(rf)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.card_button = QPushButton(self.tr("Use as card number"))
        self.card_button.clicked.connect(self._on_card_button_clicked)
        self.detach_button = QPushButton(self.tr("Remove member from sale"))
        self.detach_button.clicked.connect(self._on_detach_button_clicked)
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.card_button)
        buttons.addWidget(self.detach_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.query.setFocus()

    def take_card(self, card_no: str) -> None:
        """A swipe or a scanned member code while the dialog is open: that is the member."""
        self.query.setText(card_no)
        self._on_card_button_clicked()

    take_scan = take_card

    def search(self) -> None:
        text = self.query.text().strip()
        if len(text) < 2 and (not text or text.isascii()):
            return          # one hanzi is a surname worth searching; one digit or letter is not
        selling = self._ctx.services.selling
        self.message.setText(self.tr("Searching…"))
        self._ctx.background.run(lambda: (selling.search_members(text, 30), selling.rules()),
                                 self._on_search_done,
                                 lambda exc: self.message.setText(describe(exc)[1]))

    def _on_search_done(self, result: tuple[list[MemberAccount], RuleSet]) -> None:
        members, rules = result
        self.results.clear()
        tiers = {t.code: tier_name(t, self._ctx.language) for t in rules.tiers}
        for m in members:
            item = QListWidgetItem(self.tr("%1   %2   %3   %4 points   balance %5")
                                   .replace("%1", m.name)
                                   .replace("%2", mask_mobile(m.mobile or ""))
                                   .replace("%3", tiers.get(m.tier_code, m.tier_code))
                                   .replace("%4", str(m.spendable_points))
                                   .replace("%5", yuan(m.balance_fen)))
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.results.addItem(item)
        self.message.setText(self.tr("%1 member(s) found").replace("%1", str(len(members)))
                             if members else self.tr("No member found"))
        if members:
            self.results.setCurrentRow(0)

    def _on_query_return_pressed(self) -> None:
        text = self.query.text().strip()
        if re.fullmatch(r"\d{6,20}", text) and not re.fullmatch(r"1[3-9]\d{9}", text):
            self._on_card_button_clicked()
        elif self.results.currentItem() is not None:
            self._on_results_item_activated(self.results.currentItem())
        else:
            self.search()

    def _on_card_button_clicked(self) -> None:
        text = self.query.text().strip()
        if text:
            self.accept()
            self.card_entered.emit(text)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        self.accept()
        self.member_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def _on_detach_button_clicked(self) -> None:
        self.accept()
        self.detach_requested.emit()
