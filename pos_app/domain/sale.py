"""A finished sale or return as the receipts, the screens and head office see it."""
from __future__ import annotations

import re

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_app.domain.pricing import PricedBasket, PricedLine
from pos_app.domain.tenders import Tender


class SaleKind(StrEnum):
    SALE = "sale"
    RETURN = "return"


@dataclass(frozen=True)
class PassBalance:
    name: str
    uses_left: int
    expires_on: str | None = None  # ISO date


@dataclass(frozen=True)
class MemberOnSale:
    """The member part of a receipt: what this sale did to the member's account."""

    member_id: str
    name: str
    mobile: str
    card_no: str
    tier_code: str
    tier_name_zh: str
    tier_name_en: str
    points_earned: int            # base + bonus (negative on a return)
    bonus_points: int
    points_redeemed: int          # spent as cash or for a gift
    spendable_after: int
    accumulated_after: int
    balance_after_fen: int        # paid-in + bonus
    passes: tuple[PassBalance, ...] = ()
    lottery: bool = False
    birthday: bool = False
    next_step_points: int = 0     # points still needed for the next gift step
    next_step_cap_fen: int = 0
    upgraded_to: str | None = None
    tier_before: str | None = None   # the tier before this sale moved it (a return's floor)
    promo_points: int = 0               # extra points of a multiplier (included in points_earned)
    # Rolling tier validity: the day the tier lapses unless tier_keep_points more are earned
    # (None: only a qualifying receipt keeps it), told ahead on the receipt.
    tier_lapse_on: str | None = None
    tier_keep_points: int | None = None
    points_expiring: int = 0            # spendable points that lapse soon (积分有效期)
    points_expiring_on: str | None = None   # ISO date of the first such day


@dataclass(frozen=True)
class SalePromotion:
    """A promotion a sale used (recorded with its version) and what it saved in all."""

    promotion_id: str
    version: int
    kind: str
    name: str
    saved_fen: int
    threshold_fen: int = 0            # 满减 terms, so a partial return can be judged later
    save_fen: int = 0
    repeat: bool = False
    max_repeats: int | None = None


@dataclass(frozen=True)
class SaleCoupon:
    code: str
    template_id: str
    template_version: int
    value_fen: int
    name: str = ""
    threshold_fen: int = 0


@dataclass(frozen=True)
class CompletedSale:
    sale_id: str
    receipt_no: str
    kind: SaleKind
    shop_code: str
    till_code: str
    cashier_name: str
    created_at: datetime
    rule_version: int
    lines: tuple[PricedLine, ...]
    tenders: tuple[Tender, ...]
    change_fen: int
    rounding_fen: int
    member: MemberOnSale | None = None
    original_receipt_no: str | None = None
    reprint_count: int = 0
    # The e-receipt on the member page ("<member page>/r/<receipt_no>/<token>"), printed as
    # the receipt's QR; empty when the till does not know the member page's address.
    receipt_link: str = ""
    promotions: tuple[SalePromotion, ...] = ()
    coupons: tuple[SaleCoupon, ...] = ()
    coupons_issued: tuple[str, ...] = ()        # codes of coupons this sale gave (满送)
    gifts: tuple[tuple[str, int], ...] = ()     # (sku, qty) of gift items a 满送 gives
    # A return to a cancelled member: the points and bonus share not paid out (the
    # cancellation forfeited them; services/returns.py _pay_out).
    forfeited_fen: int = 0

    @property
    def basket(self) -> PricedBasket:
        return PricedBasket(self.lines)

    @property
    def subtotal_fen(self) -> int:
        return self.basket.subtotal_fen

    @property
    def discount_fen(self) -> int:
        return self.basket.discount_fen

    @property
    def total_fen(self) -> int:
        return self.basket.total_fen

    @property
    def due_fen(self) -> int:
        return self.total_fen - self.rounding_fen


def receipt_qr_payload(receipt_no: str) -> str:
    """What the receipt's QR code holds; the returns screen accepts it when scanned."""
    return f"POS:R:{receipt_no}"


_LINK = re.compile(r"^https?://[^\s]+/r/([0-9A-Za-z._-]{1,40})/[0-9A-Za-z_-]{16,64}/?$")


def receipt_link(base_url: str, receipt_no: str, token: str) -> str:
    """The e-receipt address a receipt's QR holds (the member page checks the token)."""
    return f"{base_url.rstrip('/')}/r/{receipt_no}/{token}"


def receipt_no_from_link(text: str) -> str | None:
    """The receipt number in an e-receipt link, None if `text` is not one."""
    m = _LINK.match(text.strip())
    return m.group(1) if m else None


def receipt_no_from_scan(text: str) -> str:
    """A typed or scanned receipt reference (number, POS:R: code or e-receipt link) back to
    the receipt number."""
    text = text.strip()
    m = _LINK.match(text)
    if m:
        return m.group(1)
    return text[len("POS:R:"):] if text.upper().startswith("POS:R:") else text
