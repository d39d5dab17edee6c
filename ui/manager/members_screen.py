"""The members screen: find a member, their profile, cards and ledger."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from pos_app.domain.card import mask_mobile
from pos_app.domain.member import MemberAccount
from pos_app.services.members import MemberProfile
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import card_status_name, ledger_line_row, tier_name, yuan
from ui.manager.tables import fill_table, make_table


class MembersScreen(QWidget):
    """Search members; a profile with cards and passes; the points and balance ledger with receipts."""

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.query = QLineEdit()
        self.query.setObjectName("memberQuery")
        self.query.setPlaceholderText(self.tr("Mobile, card number or name"))
        self.query.setProperty("takesScans", True)   # a scan lands here as typed
        self.query.returnPressed.connect(self.search)
        go = QPushButton(self.tr("Search"))
        go.clicked.connect(self.search)
        self.results = QListWidget()
        self.results.setObjectName("memberResults")
        self.results.currentItemChanged.connect(self._on_results_current_item_changed)
        self.profile = QLabel()
        self.profile.setObjectName("memberProfile")
        self.profile.setWordWrap(True)
        self.profile.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.history = make_table([self.tr("When"), self.tr("Ledger"), self.tr("Kind"),
                               self.tr("Points / amount"), self.tr("Receipt"), self.tr("Note")])
        self.history.setObjectName("memberHistory")
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(go)
        left = QVBoxLayout()
        left.addLayout(row)
        left.addWidget(self.results, 1)
        # The till keeps the reduced form; the full details come from head office, audited.
        self.full_profile = QPushButton(self.tr("Full details (head office)…"))
        self.full_profile.setObjectName("memberFullProfile")
        self.full_profile.setEnabled(False)
        self.full_profile.clicked.connect(self.open_full_profile)
        right = QVBoxLayout()
        right.addWidget(self.profile)
        right.addWidget(self.full_profile)
        right.addWidget(self.history, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)

    def search(self) -> None:
        text = self.query.text().strip()
        selling = self._ctx.services.selling
        self._ctx.background.run(lambda: selling.search_members(text, 50), self._on_search_done,
                                 lambda exc: self.profile.setText(describe(exc)[1]))

    def _on_search_done(self, members: list[MemberAccount]) -> None:
        self.results.clear()
        for m in members:
            item = QListWidgetItem(f"{m.name}  {mask_mobile(m.mobile or '')}")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.results.addItem(item)
        if not members:
            self.profile.setText(self.tr("No member found"))
        else:
            self.results.setCurrentRow(0)

    def _on_results_current_item_changed(self, item: QListWidgetItem | None, _prev: object) -> None:
        if item is None:
            return
        member_id = item.data(Qt.ItemDataRole.UserRole)
        self.full_profile.setEnabled(True)
        members = self._ctx.services.members
        self._ctx.background.run(lambda: (members.profile(member_id), members.history(member_id)),
                                 self._on_profile_done,
                                 lambda exc: self.profile.setText(describe(exc)[1]))

    def open_full_profile(self) -> QDialog | None:
        item = self.results.currentItem()
        if item is None:
            return None
        from ui.member_profile_dialog import MemberProfileDialog
        dialog = MemberProfileDialog(self._ctx, item.data(Qt.ItemDataRole.UserRole), self)
        dialog.open()
        return dialog

    def _on_profile_done(self, result: tuple[MemberProfile, list]) -> None:
        profile, history = result
        a = profile.account
        try:
            rules = self._ctx.services.selling.rules()
            tier = tier_name(rules.tier(a.tier_code), self._ctx.language)
        except Exception:  # noqa: BLE001 - an unknown tier code still shows the member
            tier = a.tier_code
        cards = "; ".join(f"{c.card_no} ({card_status_name(c.status.value)}"
                          f"{', ' + c.expires_on.isoformat() if c.expires_on else ''})"
                          for c in profile.cards)
        passes = "; ".join(f"{p.name} ×{p.uses_left}" for p in profile.passes
                           if p.uses_left > 0 and not p.refunded) or "—"
        self.profile.setText(self.tr("%1 · %2 · %3\nPoints %4 (accumulated %5) · balance %6 "
                                     "(bonus %7)\nCards: %8\nPasses: %9")
                             .replace("%1", a.name).replace("%2", mask_mobile(a.mobile or ""))
                             .replace("%3", tier).replace("%4", str(a.spendable_points))
                             .replace("%5", str(a.accumulated_points))
                             .replace("%6", yuan(a.balance_fen))
                             .replace("%7", yuan(a.balance_bonus_fen)).replace("%8", cards)
                             .replace("%9", passes))
        fill_table(self.history, [ledger_line_row(h) for h in history])
