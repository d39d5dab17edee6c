"""A member's statement for a period: points and stored-value ledger lines with balances."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class StatementLine:
    """One ledger entry as the member reads it; `change` and `balance` are points or fen."""

    at: datetime
    description: str
    change: int
    balance: int
    shop_name: str = ""


@dataclass(frozen=True)
class MemberStatement:
    """What a member statement prints; balances are the ledger sums (ARCHITECTURE.md §5)."""

    member_name: str
    card_no: str
    mobile: str
    tier_name_zh: str
    tier_name_en: str
    period_start: date
    period_end: date
    points_opening: int
    points_lines: tuple[StatementLine, ...]
    balance_opening_fen: int
    stored_value_lines: tuple[StatementLine, ...]
    issued_on: date | None = None

    @property
    def points_closing(self) -> int:
        return self.points_opening + sum(line.change for line in self.points_lines)

    @property
    def balance_closing_fen(self) -> int:
        return self.balance_opening_fen + sum(line.change for line in self.stored_value_lines)
