"""Tenders: how the amount due is paid, and the change (only cash gives change)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.errors import (
    InsufficientBalance,
    InsufficientPoints,
    PaymentMismatch,
    PointsCashOverCap,
    ValidationFailed,
)
from pos_app.domain.money import BP_ONE, MAX_AMOUNT_FEN, round_half_up
from pos_app.domain.rules import RuleSet


class TenderKind(StrEnum):
    CASH = "cash"
    STORED_VALUE = "stored_value"
    BANK_CARD = "bank_card"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    POINTS = "points"


EXTERNAL_TENDERS = frozenset({TenderKind.BANK_CARD, TenderKind.WECHAT, TenderKind.ALIPAY})
# What may pay for a top-up (or a top-up package): money coming in, never balance or points.
TOP_UP_TENDERS = (TenderKind.CASH, TenderKind.BANK_CARD, TenderKind.WECHAT, TenderKind.ALIPAY)


@dataclass(frozen=True)
class TenderInput:
    kind: TenderKind
    amount_fen: int
    reference: str = ""


@dataclass(frozen=True)
class Tender:
    kind: TenderKind
    amount_fen: int            # what this tender pays of the sale
    received_fen: int = 0      # cash handed over (amount + change share)
    reference: str = ""
    points_used: int = 0
    sv_paid_fen: int = 0       # stored value: paid-in part
    sv_bonus_fen: int = 0      # stored value: bonus part


@dataclass(frozen=True)
class TenderSplit:
    tenders: tuple[Tender, ...]
    change_fen: int
    rounding_fen: int          # 抹零 given on the cash part

    @property
    def paid_fen(self) -> int:
        return sum(t.amount_fen for t in self.tenders)

    def total_of(self, kind: TenderKind) -> int:
        return sum(t.amount_fen for t in self.tenders if t.kind is kind)


@dataclass(frozen=True)
class Wallet:
    """What the member can pay with: stored value (paid-in, bonus) and spendable points."""

    paid_fen: int
    bonus_fen: int
    spendable_points: int

    @property
    def balance_fen(self) -> int:
        return self.paid_fen + self.bonus_fen


def split_stored_value(amount_fen: int, paid_fen: int, bonus_fen: int) -> tuple[int, int]:
    """Spend paid-in and bonus money in proportion to the balance (按比例扣减)."""
    total = paid_fen + bonus_fen
    if amount_fen > total:
        raise InsufficientBalance(amount_fen, total)
    if total == 0:
        return 0, 0
    bonus_part = min(bonus_fen, round_half_up(amount_fen * bonus_fen, total))
    paid_part = amount_fen - bonus_part
    if paid_part > paid_fen:
        paid_part, bonus_part = paid_fen, amount_fen - paid_fen
    return paid_part, bonus_part


def points_for_cash(amount_fen: int, rules: RuleSet) -> int:
    """Points needed to pay `amount_fen` as cash (积分抵现); the amount must be exact."""
    points_times_100 = amount_fen * rules.points_per_yuan
    if points_times_100 % 100:
        raise ValidationFailed("points", "amount is not a whole number of points")
    return points_times_100 // 100


def points_cash_cap(total_fen: int, rules: RuleSet) -> int:
    return total_fen * rules.points_cash_cap_bp // BP_ONE


def split_tenders(total_fen: int, inputs: list[TenderInput] | tuple[TenderInput, ...],
                  rules: RuleSet, wallet: Wallet | None) -> TenderSplit:
    """Check the tenders pay `total_fen` exactly (cash may overpay and get change) and split
    them into booked tenders (stored value into paid-in and bonus), change and rounding."""
    if not inputs and total_fen > 0:
        raise PaymentMismatch(total_fen, 0, "no_tender")
    for t in inputs:
        if t.amount_fen <= 0 or t.amount_fen > MAX_AMOUNT_FEN:
            raise ValidationFailed("tender", "every tender must be a positive amount")
    cash_in = sum(t.amount_fen for t in inputs if t.kind is TenderKind.CASH)
    non_cash = [t for t in inputs if t.kind is not TenderKind.CASH]
    non_cash_total = sum(t.amount_fen for t in non_cash)
    if non_cash_total > total_fen:
        raise PaymentMismatch(total_fen, non_cash_total + cash_in, "non_cash_over_due")
    cash_due = total_fen - non_cash_total
    rounding = 0
    if cash_in and rules.cash_rounding_to_jiao:
        rounding = cash_due % 10
        cash_due -= rounding
    if cash_in < cash_due:
        raise PaymentMismatch(total_fen, cash_in + non_cash_total, "short")
    if not cash_in and non_cash_total != total_fen:
        raise PaymentMismatch(total_fen, non_cash_total, "short")
    change = cash_in - cash_due

    tenders: list[Tender] = []
    sv_total = sum(t.amount_fen for t in non_cash if t.kind is TenderKind.STORED_VALUE)
    points_total = sum(t.amount_fen for t in non_cash if t.kind is TenderKind.POINTS)
    if (sv_total or points_total) and wallet is None:
        raise ValidationFailed("member", "stored value and points need a member card")
    if sv_total and wallet is not None and sv_total > wallet.balance_fen:
        raise InsufficientBalance(sv_total, wallet.balance_fen)
    if points_total:
        assert wallet is not None
        if not rules.points_cash_enabled:
            raise ValidationFailed("points", "points as cash is switched off")
        cap = points_cash_cap(total_fen, rules)
        if points_total > cap:
            raise PointsCashOverCap(points_total, cap)
        need = points_for_cash(points_total, rules)
        if need > wallet.spendable_points:
            raise InsufficientPoints(need, wallet.spendable_points)

    paid_left = wallet.paid_fen if wallet else 0
    bonus_left = wallet.bonus_fen if wallet else 0
    if cash_in:
        tenders.append(Tender(TenderKind.CASH, cash_due, received_fen=cash_in))
    for t in non_cash:
        if t.kind is TenderKind.STORED_VALUE:
            paid_part, bonus_part = split_stored_value(t.amount_fen, paid_left, bonus_left)
            paid_left -= paid_part
            bonus_left -= bonus_part
            tenders.append(Tender(t.kind, t.amount_fen, reference=t.reference,
                                  sv_paid_fen=paid_part, sv_bonus_fen=bonus_part))
        elif t.kind is TenderKind.POINTS:
            tenders.append(Tender(t.kind, t.amount_fen, points_used=points_for_cash(t.amount_fen, rules)))
        else:
            tenders.append(Tender(t.kind, t.amount_fen, reference=t.reference.strip()))
    return TenderSplit(tuple(tenders), change, rounding)
