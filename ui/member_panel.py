"""The member panel of the selling screen: who is paying, their tier, points, balance and badges."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from pos_app.domain.card import mask_mobile
from pos_app.domain.points import is_lottery_balance
from pos_app.domain.rules import RuleSet
from pos_app.services.selling import BasketView
from ui.formatting import tier_name, yuan

_BADGE_STYLE = ("QLabel { border-radius: 6px; padding: 3px 8px; color: white; "
                "background: %s; font-weight: bold; font-size: 12pt; }")


class MemberPanelWidget(QFrame):
    """Shows the attached member, or why a card was refused (never priced as a member)."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self.setObjectName("memberPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(280)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(20)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("cardProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: white; background: #c62828; padding: 6px; "
                                   "border-radius: 4px; font-weight: bold;")
        self.problem.hide()
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self._values: dict[str, QLabel] = {}
        rows = (("mobile", self.tr("Mobile")), ("tier", self.tr("Tier")),
                ("points", self.tr("Points")), ("balance", self.tr("Balance")),
                ("passes", self.tr("Passes")), ("expiry", self.tr("Card valid to")),
                ("earn", self.tr("This sale earns")), ("next", self.tr("Next gift")),
                ("expiring", self.tr("Points lapsing")), ("coupons", self.tr("Coupons")))
        for i, (key, label) in enumerate(rows):
            name = QLabel(label)
            name.setStyleSheet("color: #555; font-size: 12pt;")
            value = QLabel()
            value.setStyleSheet("font-size: 13pt; font-weight: bold;")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, i, 1)
            self._values[key] = value
        self._names = rows
        badges = QGridLayout()
        badges.setSpacing(4)
        self.badges: dict[str, QLabel] = {}
        for key, text, colour in (("birthday", self.tr("Birthday gift"), "#d81b60"),
                                  ("lottery", self.tr("Lottery"), "#6a1b9a"),
                                  ("quarterly", self.tr("Quarterly gift"), "#00838f"),
                                  ("join", "", "#ef6c00")):
            badge = QLabel(text)
            badge.setStyleSheet(_BADGE_STYLE % colour)
            badge.hide()
            badges.addWidget(badge, len(self.badges) // 2, len(self.badges) % 2)
            self.badges[key] = badge
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.problem)
        layout.addLayout(grid)
        layout.addLayout(badges)
        layout.addStretch(1)
        self.show_view(None)

    def set_language(self, language: str) -> None:
        """Tier names in `language` from the next show_view (the till's language changed)."""
        self._language = language

    def value(self, key: str) -> str:
        return self._values[key].text()

    def show_problem(self, text: str) -> None:
        """A refused card: say why, and show that no member is attached."""
        self.problem.setText(text)
        self.problem.show()

    def clear_problem(self) -> None:
        self.problem.hide()
        self.problem.clear()

    def show_view(self, view: BasketView | None, rules: RuleSet | None = None) -> None:
        member = view.member if view is not None else None
        if member is None:
            self.title.setText(self.tr("No member (F2)"))
            for label in self._values.values():
                label.setText("")
            for badge in self.badges.values():
                badge.hide()
            return
        assert view is not None
        acc, card = member.account, member.card
        self.title.setText(acc.name)
        v = self._values
        v["mobile"].setText(mask_mobile(acc.mobile or ""))
        tier_text = tier_name(view.tier, self._language)
        lapse = view.tier_lapse
        if lapse is not None:
            # Rolling tier validity: told ahead, as on the receipt.
            if lapse.keep_points is not None:
                tier_text += "\n" + self.tr("Lapses on %1: earn %2 more points to keep it") \
                    .replace("%1", lapse.lapse_on.isoformat()).replace("%2", str(lapse.keep_points))
            else:
                tier_text += "\n" + self.tr("Lapses on %1: a qualifying receipt keeps it") \
                    .replace("%1", lapse.lapse_on.isoformat())
        v["tier"].setText(tier_text)
        v["points"].setText(str(acc.spendable_points))
        v["balance"].setText(yuan(acc.balance_fen))
        live = [p for p in view.passes if not p.refunded and p.uses_left > 0]
        v["passes"].setText("\n".join(f"{p.name} ×{p.uses_left}" for p in live) or "—")
        v["expiry"].setText(card.expires_on.isoformat() if card.expires_on else self.tr("no expiry"))
        v["earn"].setText(self.tr("%1 points").replace("%1",
                                                        str(view.points.total + view.extra_points)))
        if view.points_expiring and view.points_expiring_on is not None:
            v["expiring"].setText(self.tr("%1 points after %2")
                                  .replace("%1", str(view.points_expiring))
                                  .replace("%2", view.points_expiring_on.isoformat()))
        else:
            v["expiring"].setText("—")
        v["coupons"].setText(self.tr("%1 usable (Ctrl+Q)").replace("%1", str(len(view.coupons)))
                             if view.coupons else "—")
        if view.next_step_points:
            # Short, to fit one line of the panel at 1024×768 (the receipt says it in full).
            cap = view.next_step_cap_fen
            v["next"].setText(self.tr("%1 pts to a %2 gift")
                              .replace("%1", str(view.next_step_points))
                              .replace("%2", yuan(cap)[:-3] if cap % 100 == 0 else yuan(cap)))
            v["next"].setToolTip(self.tr("%1 more points for a gift up to %2")
                                 .replace("%1", str(view.next_step_points))
                                 .replace("%2", yuan(cap)))
        else:
            v["next"].setText("—")
            v["next"].setToolTip("")
        b = view.badges
        self.badges["birthday"].setVisible(b.birthday)
        self.badges["quarterly"].setVisible(b.quarterly_gift)
        lottery = rules is not None and is_lottery_balance(acc.spendable_points, rules)
        self.badges["lottery"].setVisible(lottery)
        if b.join_tier:
            name = tier_name(rules.tier(b.join_tier), self._language) if rules else b.join_tier
            self.badges["join"].setText(self.tr("Joins %1 with this sale").replace("%1", name))
        self.badges["join"].setVisible(bool(b.join_tier))
