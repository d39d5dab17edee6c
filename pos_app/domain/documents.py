"""Finished non-sale events that get a printed slip: top-ups, card events, passes, cash moves."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.card import CardEventKind
from pos_app.domain.sale import CompletedSale
from pos_app.domain.tenders import TenderKind


@dataclass(frozen=True)
class StoredValueSlip:
    """The slip of a stored-value movement: a top-up (充值) or a refund of balance (退卡/取款,
    negative amounts)."""

    entry_id: str
    receipt_no: str
    shop_code: str
    till_code: str
    cashier_name: str
    created_at: datetime
    member_name: str
    mobile: str
    card_no: str
    paid_fen: int          # money in (negative for a refund)
    bonus_fen: int         # bonus given (never refunded)
    tender: TenderKind
    balance_paid_after_fen: int
    balance_bonus_after_fen: int
    reference: str = ""
    is_refund: bool = False
    # A top-up package (储值套餐): its name and what it gave (or, refunded, took back)
    package_name: str = ""
    package_points: int = 0
    package_coupons: tuple[tuple[str, int], ...] = ()     # (coupon name, how many)
    package_pass: tuple[str, int] | None = None           # (pass name, uses)
    package_tier: str = ""                                # the tier it lifted the member to
    package_kept_fen: int = 0                             # refund: value already had

    @property
    def balance_after_fen(self) -> int:
        return self.balance_paid_after_fen + self.balance_bonus_after_fen


@dataclass(frozen=True)
class CardSlip:
    """A card issue / replacement / loss / unblock / renewal / cancellation slip; the member signs it."""

    event_id: str
    receipt_no: str
    kind: CardEventKind
    shop_code: str
    till_code: str
    operator_name: str
    created_at: datetime
    member_name: str
    mobile: str
    card_no: str
    tier_name_zh: str
    tier_name_en: str
    old_card_no: str | None = None
    fee_fen: int = 0
    expires_on: str | None = None
    balance_fen: int = 0
    spendable_points: int = 0
    refund_fen: int = 0
    fee_sale: CompletedSale | None = None   # the card / annual / replacement fee, its receipt


@dataclass(frozen=True)
class PassSlip:
    """A count pass (计次卡) sold, or one use of it."""

    pass_id: str
    receipt_no: str
    shop_code: str
    till_code: str
    cashier_name: str
    created_at: datetime
    member_name: str
    card_no: str
    service_name: str
    uses_total: int
    uses_left: int
    is_use: bool
    price_fen: int = 0
    expires_on: str | None = None


@dataclass(frozen=True)
class CashMovementSlip:
    """Pay-in / pay-out (备用金/取款) during a shift."""

    movement_id: str
    shop_code: str
    till_code: str
    cashier_name: str
    created_at: datetime
    amount_fen: int        # positive: in, negative: out
    reason: str


@dataclass(frozen=True)
class TenderTotal:
    kind: TenderKind
    count: int
    amount_fen: int


@dataclass(frozen=True)
class HeldBasket:
    """A basket on hold (挂单): what the recall list and the Z report show of it."""

    held_id: str
    label: str
    held_at: datetime
    total_fen: int | None      # None: held by an older version that did not note it
    item_count: int
    member_name: str = ""


@dataclass(frozen=True)
class ZReport:
    """The shift (Z) report: every money figure of one shift."""

    shift_id: str
    shop_code: str
    till_code: str
    cashier_name: str
    opened_at: datetime
    closed_at: datetime | None
    opening_float_fen: int
    sales_count: int
    sales_total_fen: int
    returns_count: int
    returns_total_fen: int
    discounts_fen: int
    rounding_fen: int
    tenders: tuple[TenderTotal, ...]
    refunds_by_tender: tuple[TenderTotal, ...]
    points_issued: int
    points_redeemed: int
    stored_value_topped_up_fen: int
    stored_value_bonus_fen: int
    stored_value_spent_fen: int
    stored_value_refunded_fen: int
    pay_ins_fen: int
    pay_outs_fen: int
    member_sales_count: int
    expected_cash_fen: int
    counted_cash_fen: int | None
    # Transactions net of returns (a sale goes only with the return of the last of it), as the
    # sales and member-analysis reports count them.
    transactions: int = 0
    member_transactions: int = 0
    held_baskets: tuple[HeldBasket, ...] = ()   # still on hold when the report was made

    @property
    def cash_difference_fen(self) -> int | None:
        if self.counted_cash_fen is None:
            return None
        return self.counted_cash_fen - self.expected_cash_fen
