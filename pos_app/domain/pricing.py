"""Line pricing: promotions, tier discounts stacked on top (折上折), manual discounts.

membership-rules.md §2: discounts apply per line and each line is rounded half-up to the
fen once; the sale total is the sum of the lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import AmountTooLarge, InvalidQuantity
from pos_app.domain.money import BP_ONE, mul_rate
from pos_app.domain.rules import RuleSet, Tier


class ReasonKind(StrEnum):
    PROMOTION = "promotion"  # 促销8折
    TIER = "tier"            # 会员8.8折
    SPECIAL = "special"      # 特价
    MANUAL = "manual"        # 手工折扣
    GIFT = "gift"            # 积分兑换礼品
    PASS = "pass"            # 计次卡 visit
    MEMBER_PRICE = "member_price"  # 会员价
    MEMBER_DAY = "member_day"      # 会员日
    MULTI_BUY = "multi_buy"        # 第N件X折 / 买X送Y
    BASKET = "basket"              # 满减 (shared across the lines it covers)
    COUPON = "coupon"              # 优惠券 (shared across the lines it covers)


@dataclass(frozen=True)
class PriceReason:
    kind: ReasonKind
    rate_bp: int = BP_ONE
    discount_fen: int = 0
    tier_code: str = ""
    promotion_id: str = ""      # the promotion or coupon code behind it (pos_app/domain/promotions)
    promotion_version: int = 0
    label: str = ""             # its name as head office wrote it


@dataclass(frozen=True)
class BasketItem:
    product: Product
    qty: int
    manual_rate_bp: int | None = None
    redeemed_points: int = 0  # a gift taken for points: the line costs nothing


@dataclass(frozen=True)
class PricedLine:
    line_no: int
    product_id: str
    sku: str
    barcode: str | None
    name: str
    kind: ProductKind
    qty: int
    unit_price_fen: int
    gross_fen: int
    amount_fen: int
    reasons: tuple[PriceReason, ...]
    earns_points: bool
    redeemed_points: int = 0

    @property
    def discount_fen(self) -> int:
        return self.gross_fen - self.amount_fen


@dataclass(frozen=True)
class PricedBasket:
    lines: tuple[PricedLine, ...]

    @property
    def subtotal_fen(self) -> int:
        return sum(line.gross_fen for line in self.lines)

    @property
    def discount_fen(self) -> int:
        return sum(line.discount_fen for line in self.lines)

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def eligible_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.earns_points)


def price_line(line_no: int, item: BasketItem, rules: RuleSet, tier: Tier | None,
               day: date) -> PricedLine:
    """Price one basket line for a member of `tier` (None: not a member) on `day`."""
    product = item.product
    if item.qty <= 0 or item.qty > rules.max_line_qty:
        raise InvalidQuantity(item.qty)
    if product.price_fen < 0 or product.price_fen > rules.max_unit_price_fen:
        raise AmountTooLarge(product.price_fen, rules.max_unit_price_fen)
    gross = product.price_fen * item.qty
    reasons: list[PriceReason] = []
    amount = gross
    if item.redeemed_points:
        reasons.append(PriceReason(ReasonKind.GIFT, 0, gross))
        amount = 0
    elif product.kind is ProductKind.SPECIAL:
        reasons.append(PriceReason(ReasonKind.SPECIAL))
        amount = _apply(gross, (), item.manual_rate_bp, reasons)
    elif product.kind is ProductKind.REGULAR:
        rates: list[int] = []
        base = gross
        promo = product.promotion_on(day)
        if promo is not None and promo < BP_ONE:
            # A promotion price is a shelf price: per unit, rounded half-up to the fen; the
            # line is quantity x that price and the tier discount applies to the line after it.
            base = promo_unit_price(product.price_fen, promo) * item.qty
            reasons.append(PriceReason(ReasonKind.PROMOTION, promo, gross - base))
        if tier is not None and tier.discount_bp < BP_ONE:
            rates.append(tier.discount_bp)
            reasons.append(PriceReason(ReasonKind.TIER, tier.discount_bp,
                                       base - mul_rate(base, *rates), tier.code))
        amount = _apply(base, tuple(rates), item.manual_rate_bp, reasons)
    return PricedLine(
        line_no=line_no, product_id=product.id, sku=product.sku, barcode=product.barcode,
        name=product.name, kind=product.kind, qty=item.qty,
        unit_price_fen=product.price_fen, gross_fen=gross, amount_fen=amount,
        reasons=tuple(reasons), earns_points=product.earns_points and not item.redeemed_points,
        redeemed_points=item.redeemed_points)


def promo_unit_price(price_fen: int, promo_bp: int) -> int:
    """The shelf price a promotion gives one unit, rounded half-up to the fen."""
    return mul_rate(price_fen, promo_bp)


def _apply(gross: int, rates: tuple[int, ...], manual_bp: int | None,
           reasons: list[PriceReason]) -> int:
    amount = mul_rate(gross, *rates)
    if manual_bp is not None and manual_bp < BP_ONE:
        after = mul_rate(gross, *rates, manual_bp)
        reasons.append(PriceReason(ReasonKind.MANUAL, manual_bp, amount - after))
        amount = after
    return amount


def price_basket(items: list[BasketItem] | tuple[BasketItem, ...], rules: RuleSet,
                 tier: Tier | None, day: date) -> PricedBasket:
    """Price every line; the total is the sum of the rounded lines."""
    return PricedBasket(tuple(price_line(i + 1, item, rules, tier, day)
                              for i, item in enumerate(items)))
