"""What the payment screen shows while tenders are collected: one set of figures, from the core.

The dialog never works out change, rounding or limits itself: it asks these functions, which
use `split_tenders` (the function that books the sale) for the final figures, so the screen, the
receipt and the ledger agree to the fen.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import gcd

from pos_app.domain.errors import PosError
from pos_app.domain.rules import RuleSet
from pos_app.domain.tenders import (
    EXTERNAL_TENDERS,
    TenderInput,
    TenderKind,
    Wallet,
    points_cash_cap,
    split_tenders,
)


@dataclass(frozen=True)
class PaymentState:
    """The figures of a payment in progress."""

    due_fen: int              # the sale total
    paid_fen: int             # sum of the tenders entered (cash as handed over)
    remaining_fen: int        # still to pay by card/mobile/stored value (exact)
    remaining_cash_fen: int   # still to pay if the rest is cash (after 抹零)
    rounding_fen: int         # 抹零 given when the rest is cash
    change_fen: int           # cash to hand back
    complete: bool            # the tenders pay the sale (split_tenders() accepts them)


def payment_state(total_fen: int, tenders: list[TenderInput] | tuple[TenderInput, ...],
                  rules: RuleSet, wallet: Wallet | None) -> PaymentState:
    """The screen's figures for `tenders` against `total_fen`, as `split_tenders` will book them."""
    paid = sum(t.amount_fen for t in tenders)
    cash_in = sum(t.amount_fen for t in tenders if t.kind is TenderKind.CASH)
    non_cash = paid - cash_in
    cash_due = max(total_fen - non_cash, 0)
    rounding = cash_due % 10 if rules.cash_rounding_to_jiao else 0
    remaining = max(total_fen - paid, 0)
    remaining_cash = max(cash_due - rounding - cash_in, 0)
    try:
        split = split_tenders(total_fen, list(tenders), rules, wallet)
    except PosError:
        return PaymentState(total_fen, paid, remaining, remaining_cash, rounding, 0,
                            total_fen == 0 and not tenders)
    return PaymentState(total_fen, paid, 0, 0, split.rounding_fen, split.change_fen,
                        True)


def points_step_fen(rules: RuleSet) -> int:
    """The smallest amount points can pay exactly (100 points = ¥1: one fen)."""
    return 100 // gcd(100, rules.points_per_yuan)


def points_available_fen(spendable_points: int, rules: RuleSet) -> int:
    """What the member's points are worth as cash, rounded down to an exact amount."""
    fen = spendable_points * 100 // rules.points_per_yuan
    step = points_step_fen(rules)
    return fen - fen % step


def tender_limit(kind: TenderKind, total_fen: int,
                 tenders: list[TenderInput] | tuple[TenderInput, ...],
                 rules: RuleSet, wallet: Wallet | None) -> int | None:
    """The most one more tender of `kind` may add now; None: no limit (cash gives change).

    The single source of the limits the payment screen shows and enforces as amounts are
    typed; `split_tenders` refuses exactly what goes past them.
    """
    if kind is TenderKind.CASH:
        return None
    paid_non_cash = sum(t.amount_fen for t in tenders if t.kind is not TenderKind.CASH)
    room = max(total_fen - paid_non_cash, 0)      # only cash gives change
    if kind in EXTERNAL_TENDERS:
        return room
    if wallet is None:
        return 0
    if kind is TenderKind.STORED_VALUE:
        used = sum(t.amount_fen for t in tenders if t.kind is TenderKind.STORED_VALUE)
        return max(min(wallet.balance_fen - used, room), 0)
    if not rules.points_cash_enabled:
        return 0
    used = sum(t.amount_fen for t in tenders if t.kind is TenderKind.POINTS)
    by_points = points_available_fen(wallet.spendable_points, rules) - used
    by_cap = points_cash_cap(total_fen, rules) - used
    limit = max(min(by_points, by_cap, room), 0)
    step = points_step_fen(rules)
    return limit - limit % step


_NOTES_FEN = (1_000, 5_000, 10_000)


def quick_cash_amounts(due_fen: int) -> tuple[int, ...]:
    """Likely notes for `due_fen`: the next ¥10, ¥50 and ¥100 above it (no repeats, none equal
    to the exact amount, which has its own key)."""
    out: list[int] = []
    if due_fen <= 0:
        return ()
    for note in _NOTES_FEN:
        amount = (due_fen // note + 1) * note
        if amount not in out:
            out.append(amount)
    return tuple(out)
