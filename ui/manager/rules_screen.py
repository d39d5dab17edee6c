"""The rule-set screen: the programme rules head office sent, read-only at the till."""
from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from pos_app.domain.money import format_zhe
from pos_app.domain.rules import RuleSet
from ui.context import TillContext
from ui.error_messages import describe, role_name
from ui.formatting import tier_name, yuan


class RulesScreen(QWidget):
    """The rule set in force, read-only: tiers, points, ladder, stored value."""

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.text = QPlainTextEdit()
        self.text.setObjectName("rulesText")
        self.text.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        selling = ctx.services.selling
        ctx.background.run(selling.rules, self._on_rules_done,
                           lambda exc: self.text.setPlainText(describe(exc)[1]))

    def _on_rules_done(self, r: RuleSet) -> None:
        lines = [self.tr("Rule set version %1").replace("%1", str(r.version)), "",
                 self.tr("Tiers:")]
        for t in sorted(r.tiers, key=lambda t: t.rank):
            join = yuan(t.join_purchase_fen) if t.join_purchase_fen else "—"
            up = str(t.upgrade_points) if t.upgrade_points else "—"
            lines.append("  " + self.tr("%1: pays %2折 · joins with a purchase of %3 · "
                                        "upgrade at %4 accumulated points")
                         .replace("%1", tier_name(t, self._ctx.language))
                         .replace("%2", format_zhe(t.discount_bp)).replace("%3", join)
                         .replace("%4", up))
        lines += ["", self.tr("1 point per %1 of eligible spend; %2 bonus points when a sale "
                              "earns %3 or more; lottery when the balance ends in %4.")
                  .replace("%1", yuan(r.points_unit_fen)).replace("%2", str(r.bonus_points))
                  .replace("%3", str(r.bonus_threshold_points))
                  .replace("%4", str(r.lottery_digit)),
                  self.tr("Gift ladder: %1 points for a gift up to %2, every further %3 points "
                          "add %4.").replace("%1", str(r.ladder_first_points))
                  .replace("%2", yuan(r.ladder_first_cap_fen))
                  .replace("%3", str(r.ladder_step_points))
                  .replace("%4", yuan(r.ladder_step_cap_fen)),
                  self.tr("Points as cash: %1 points = ¥1.00, at most %2% of a sale.")
                  .replace("%1", str(r.points_per_yuan))
                  .replace("%2", str(r.points_cash_cap_bp // 100)),
                  self.tr("Stored value: member PIN above %1.")
                  .replace("%1", yuan(r.stored_value_pin_threshold_fen))]
        for b in r.topup_bonuses:
            lines.append("  " + self.tr("Top up %1, get %2 bonus.")
                         .replace("%1", yuan(b.min_topup_fen)).replace("%2", yuan(b.bonus_fen)))
        for role, limit in r.manual_discount_limit_bp:
            lines.append("  " + self.tr("Manual discount limit for %1: %2%")
                         .replace("%1", role_name(role)).replace("%2", str(limit // 100)))
        self.text.setPlainText("\n".join(lines))
