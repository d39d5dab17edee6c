"""The promotion engine (促销): pure functions from a basket and the promotions in force to
priced lines with every promotion applied, what each saved, and the rewards earned.

Kinds (issue 16): a percentage or fixed price on products / categories (today's product
promotion is one of these), 满减 spend-and-save (optionally repeating), 满送 spend-and-get
(a gift item or a coupon), 第N件X折 / buy X get Y (one multi-buy kind), 会员价 member prices
per product and tier, 会员日 member days (an extra tier discount and/or a points multiplier)
and 积分翻倍 points multipliers with an explicit cap.

The order in which amounts are worked out is fixed and follows membership-rules.md §2:
the shelf price per unit (promotion or member price, rounded half-up to the fen), the line
(quantity × shelf price), multi-buy savings on the line, then the rates (tier discount,
member-day discount, manual discount) on the line with one rounding, then basket promotions
(满减) and coupons shared across the lines they cover. *Whether* two promotions may apply
together is data: `StackingPolicy` lists the pairs of stacking classes that combine; any
other pair excludes, and then the engine takes the combination best for the customer.

Special-priced goods (特价) get none of the discounts (they earn points, multipliers
included); a 满减 counts them only when the promotion says so. Excluded goods get nothing,
earn nothing and never count towards a threshold.
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from pos_app.domain.allocation import allocate
from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import AmountTooLarge, InvalidQuantity, ValidationFailed
from pos_app.domain.money import BP_ONE, mul_rate
from pos_app.domain.pricing import BasketItem, PricedBasket, PricedLine, PriceReason, ReasonKind
from pos_app.domain.rules import RuleSet, Tier


class PromotionKind(StrEnum):
    PRICE = "price"                # 折扣 / 特价: rate_bp or unit_price_fen on a scope
    SPEND_SAVE = "spend_save"      # 满减
    SPEND_GIFT = "spend_gift"      # 满送: a gift item or a coupon
    MULTI_BUY = "multi_buy"        # 第N件X折, buy X get Y
    MEMBER_PRICE = "member_price"  # 会员价 per product and tier
    MEMBER_DAY = "member_day"      # 会员日: tier discount and/or points multiplier
    POINTS = "points"              # 积分翻倍


class StackClass(StrEnum):
    """What the stacking policy talks about. TIER is the member's own tier discount."""

    PROMOTION = "promotion"
    MEMBER_PRICE = "member_price"
    MULTI_BUY = "multi_buy"
    TIER = "tier"
    MEMBER_DAY = "member_day"
    BASKET = "basket"
    COUPON = "coupon"


DEFAULT_CLASS: dict[PromotionKind, StackClass] = {
    PromotionKind.PRICE: StackClass.PROMOTION,
    PromotionKind.SPEND_SAVE: StackClass.BASKET,
    PromotionKind.SPEND_GIFT: StackClass.BASKET,
    PromotionKind.MULTI_BUY: StackClass.MULTI_BUY,
    PromotionKind.MEMBER_PRICE: StackClass.MEMBER_PRICE,
    PromotionKind.MEMBER_DAY: StackClass.MEMBER_DAY,
    PromotionKind.POINTS: StackClass.PROMOTION,  # never competes: points are their own stage
}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class StackingPolicy:
    """Which stacking classes combine on one line; every other pair excludes (best wins)."""

    combine: frozenset[tuple[str, str]]

    def combines(self, a: str, b: str) -> bool:
        return a != b and _pair(a, b) in self.combine

    @staticmethod
    def of(pairs: Iterable[tuple[str, str]]) -> StackingPolicy:
        return StackingPolicy(frozenset(_pair(str(a), str(b)) for a, b in pairs))

    def to_pairs(self) -> list[list[str]]:
        return [list(p) for p in sorted(self.combine)]


C = StackClass
#: The default policy. 折上折 (promotion, then the tier discount) is the pair (promotion,
#: tier); a member price replaces both the promotion and the tier discount; a multi-buy
#: excludes a price promotion; 满减 and coupons combine with everything line-level.
DEFAULT_STACKING = StackingPolicy.of([
    (C.PROMOTION, C.TIER), (C.PROMOTION, C.MEMBER_DAY), (C.TIER, C.MEMBER_DAY),
    (C.MULTI_BUY, C.TIER), (C.MULTI_BUY, C.MEMBER_DAY),
    (C.BASKET, C.PROMOTION), (C.BASKET, C.MEMBER_PRICE), (C.BASKET, C.MULTI_BUY),
    (C.BASKET, C.TIER), (C.BASKET, C.MEMBER_DAY),
    (C.COUPON, C.PROMOTION), (C.COUPON, C.MEMBER_PRICE), (C.COUPON, C.MULTI_BUY),
    (C.COUPON, C.TIER), (C.COUPON, C.MEMBER_DAY), (C.COUPON, C.BASKET),
])


@dataclass(frozen=True)
class Scope:
    """The goods a promotion covers. A category matches itself and its sub-categories
    ("食品" covers "食品/饮料"), so a counter (专柜) is a category."""

    all_goods: bool = False
    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    exclude_skus: frozenset[str] = frozenset()
    exclude_categories: frozenset[str] = frozenset()

    def covers(self, product: Product) -> bool:
        if product.sku in self.exclude_skus or _in_categories(product.category,
                                                                 self.exclude_categories):
            return False
        return (self.all_goods or product.sku in self.skus
                or _in_categories(product.category, self.categories))

    def excludes(self, product: Product) -> bool:
        """True when the product is named as excluded (for a coupon's 'why not')."""
        return product.sku in self.exclude_skus or _in_categories(product.category,
                                                                  self.exclude_categories)


def _in_categories(category: str, categories: frozenset[str]) -> bool:
    if not categories or not category:
        return False
    if category in categories:
        return True
    parts = category.split("/")
    return any("/".join(parts[:i]) in categories for i in range(1, len(parts)))


@dataclass(frozen=True)
class Schedule:
    """When a promotion is on: a date-time window, optionally only on some weekdays
    (ISO 1 = Monday) or days of the month, optionally only between two times of day."""

    start: datetime | None = None
    end: datetime | None = None      # exclusive
    weekdays: frozenset[int] = frozenset()
    month_days: frozenset[int] = frozenset()
    from_time: time | None = None
    to_time: time | None = None      # exclusive

    def active(self, at: datetime) -> bool:
        if self.start is not None and at < self.start:
            return False
        if self.end is not None and at >= self.end:
            return False
        if self.weekdays and at.isoweekday() not in self.weekdays:
            return False
        if self.month_days and at.day not in self.month_days:
            return False
        t = at.time()
        if self.from_time is not None and t < self.from_time:
            return False
        return not (self.to_time is not None and t >= self.to_time)


@dataclass(frozen=True)
class Promotion:
    """One promotion as head office publishes it (id and version are recorded on the sale)."""

    id: str
    version: int
    kind: PromotionKind
    name: str
    scope: Scope = Scope(all_goods=True)
    schedule: Schedule = Schedule()
    shops: frozenset[str] = frozenset()       # shop codes; empty: every shop
    tiers: frozenset[str] = frozenset()       # tier codes; empty: everyone
    members_only: bool = False
    stack_class: str = ""                     # empty: the kind's default class
    # PRICE: pay rate_bp of the price, or a fixed unit price
    rate_bp: int | None = None
    unit_price_fen: int | None = None
    # SPEND_SAVE / SPEND_GIFT: spend threshold_fen on the scope
    threshold_fen: int = 0
    save_fen: int = 0
    repeat: bool = False                      # save again for every further threshold
    max_repeats: int | None = None
    include_special: bool = False             # special-priced goods count towards it
    gift_sku: str | None = None
    gift_qty: int = 1
    coupon_template_id: str | None = None
    # MULTI_BUY: in each group of group_size units, the cheapest free_units pay rate_bp
    group_size: int = 0
    discounted_units: int = 0
    # MEMBER_PRICE: a unit price per tier
    tier_prices: tuple[tuple[str, int], ...] = ()
    # MEMBER_DAY: an extra discount per tier (pay this share), and/or a multiplier
    tier_rates: tuple[tuple[str, int], ...] = ()
    # MEMBER_DAY / POINTS: points multiplier (20_000 = double) and the cap on extra points
    points_multiplier_bp: int = BP_ONE
    points_cap: int | None = None
    _cls: str = field(default="", init=False, compare=False, repr=False)

    @property
    def cls(self) -> str:
        return self._cls

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cls", self.stack_class or DEFAULT_CLASS[self.kind].value)

    def applies(self, at: datetime, shop: str, tier: Tier | None) -> bool:
        if self.shops and shop not in self.shops:
            return False
        if (self.members_only or self.kind in (PromotionKind.MEMBER_PRICE,
                                               PromotionKind.MEMBER_DAY)) and tier is None:
            return False
        if self.tiers and (tier is None or tier.code not in self.tiers):
            return False
        return self.schedule.active(at)

    def validate(self) -> None:
        """Refuse a promotion that cannot be applied, saying which field is wrong."""
        def bad(f: str, why: str) -> ValidationFailed:
            return ValidationFailed(f, f"promotion {self.id}: {why}")
        if not self.id or self.version < 1:
            raise bad("id", "an id and a version of at least 1 are needed")
        if self.rate_bp is not None and not 0 <= self.rate_bp <= BP_ONE:
            raise bad("rate_bp", "a rate is between 0 and 10000 (pay that share)")
        k = self.kind
        if k is PromotionKind.PRICE and (self.rate_bp is None) == (self.unit_price_fen is None):
            raise bad("rate_bp", "give either a rate or a fixed unit price")
        if k in (PromotionKind.SPEND_SAVE, PromotionKind.SPEND_GIFT) and self.threshold_fen <= 0:
            raise bad("threshold_fen", "a spend threshold above zero is needed")
        if k is PromotionKind.SPEND_SAVE and not 0 < self.save_fen <= self.threshold_fen:
            raise bad("save_fen", "the saving is above zero and at most the threshold")
        if k is PromotionKind.SPEND_GIFT and not (self.gift_sku or self.coupon_template_id):
            raise bad("gift_sku", "name a gift item or a coupon template")
        if k is PromotionKind.MULTI_BUY and not (0 < self.discounted_units < self.group_size
                                                 and self.rate_bp is not None):
            raise bad("group_size", "a group bigger than its discounted units, and a rate")
        if k is PromotionKind.MEMBER_PRICE and not self.tier_prices:
            raise bad("tier_prices", "give a price for at least one tier")
        if k is PromotionKind.MEMBER_DAY and not self.tier_rates \
                and self.points_multiplier_bp == BP_ONE:
            raise bad("tier_rates", "a member day gives a discount, a multiplier or both")
        if k is PromotionKind.POINTS and self.points_multiplier_bp <= BP_ONE:
            raise bad("points_multiplier_bp", "a multiplier above 10000 (1×) is needed")
        if self.points_cap is not None and self.points_cap < 0:
            raise bad("points_cap", "a cap is zero or more")


@dataclass(frozen=True)
class PromotionBook:
    """The promotions in force for a rule-set version, indexed for quick look-up."""

    promotions: tuple[Promotion, ...] = ()
    stacking: StackingPolicy = DEFAULT_STACKING
    # Which promotions cover a product, worked out once per (sku, category) from an index
    # by sku and category: a basket line looks at the few promotions that can touch it,
    # not at all of them.
    _covers: dict[tuple[str, str], frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False)
    _index: dict[str, dict[str, list[Promotion]]] = field(
        default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_sku: dict[str, list[Promotion]] = {}
        by_cat: dict[str, list[Promotion]] = {}
        everywhere: list[Promotion] = []
        for p in self.promotions:
            p.validate()
            if p.scope.all_goods:
                everywhere.append(p)
            for sku in p.scope.skus:
                by_sku.setdefault(sku, []).append(p)
            for cat in p.scope.categories:
                by_cat.setdefault(cat, []).append(p)
        self._index.update({"sku": by_sku, "cat": by_cat, "all": {"": everywhere}})

    def covering(self, product: Product) -> frozenset[str]:
        """The ids of the promotions whose scope covers the product."""
        key = (product.sku, product.category)
        found = self._covers.get(key)
        if found is not None:
            return found
        cands = list(self._index["all"][""]) + self._index["sku"].get(product.sku, [])
        if product.category:
            parts = product.category.split("/")
            by_cat = self._index["cat"]
            for i in range(1, len(parts) + 1):
                cands += by_cat.get("/".join(parts[:i]), [])
        found = frozenset(p.id for p in cands if p.scope.covers(product))
        self._covers[key] = found
        return found

    def active(self, at: datetime, shop: str, tier: Tier | None) -> list[Promotion]:
        return [p for p in self.promotions if p.applies(at, shop, tier)]


@dataclass(frozen=True)
class AppliedPromotion:
    """A promotion the sale used, what it saved in all and the lines it touched."""

    promotion_id: str
    version: int
    kind: str
    name: str
    saved_fen: int
    line_nos: tuple[int, ...]


@dataclass(frozen=True)
class Reward:
    """满送: what the customer gets besides a lower price."""

    promotion_id: str
    version: int
    gift_sku: str | None = None
    gift_qty: int = 0
    coupon_template_id: str | None = None
    times: int = 1


@dataclass(frozen=True)
class PointsBoost:
    promotion_id: str
    version: int
    extra_points: int


@dataclass(frozen=True)
class PromotedBasket:
    basket: PricedBasket
    applied: tuple[AppliedPromotion, ...] = ()
    rewards: tuple[Reward, ...] = ()
    boosts: tuple[PointsBoost, ...] = ()
    # What the boosts were worked out from, so they follow the lines when coupons change them.
    multipliers: tuple[Promotion, ...] = field(default=(), compare=False, repr=False)
    points_unit_fen: int = field(default=1_000, compare=False, repr=False)
    covs: tuple[frozenset[str], ...] = field(default=(), compare=False, repr=False)

    def with_lines(self, lines: tuple[PricedLine, ...], items: Sequence[BasketItem]
                   ) -> PromotedBasket:
        """The same promotions on changed line amounts (coupons): boosts worked out again."""
        return replace(self, basket=PricedBasket(lines), boosts=_boosts(
            lines, self.covs or [frozenset()] * len(lines),
            [it.redeemed_points for it in items], self.multipliers, self.points_unit_fen))

    @property
    def extra_points(self) -> int:
        return sum(b.extra_points for b in self.boosts)

    @property
    def total_fen(self) -> int:
        return self.basket.total_fen

    @property
    def promotion_refs(self) -> tuple[tuple[str, int], ...]:
        """(id, version) of every promotion used, for the sale record."""
        seen = {(a.promotion_id, a.version) for a in self.applied}
        seen |= {(r.promotion_id, r.version) for r in self.rewards}
        seen |= {(b.promotion_id, b.version) for b in self.boosts}
        return tuple(sorted(seen))


# Enum members read once: attribute access on an Enum class is slow in a hot loop.
_K_PRICE = PromotionKind.PRICE
_K_SPEND_SAVE = PromotionKind.SPEND_SAVE
_K_SPEND_GIFT = PromotionKind.SPEND_GIFT
_K_MULTI_BUY = PromotionKind.MULTI_BUY
_K_MEMBER_PRICE = PromotionKind.MEMBER_PRICE
_K_MEMBER_DAY = PromotionKind.MEMBER_DAY
_K_POINTS = PromotionKind.POINTS
_C_PROMOTION = StackClass.PROMOTION.value
_C_MEMBER_PRICE = StackClass.MEMBER_PRICE.value
_C_MULTI_BUY = StackClass.MULTI_BUY.value
_C_TIER = StackClass.TIER.value
_C_MEMBER_DAY = StackClass.MEMBER_DAY.value
_C_BASKET = StackClass.BASKET.value
_C_COUPON = StackClass.COUPON.value
_REGULAR = ProductKind.REGULAR

# -- the engine -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Choice:
    """A candidate for one stacking class on one line."""

    cls: str
    promo: Promotion | None       # None for the tier discount and the product's own promotion
    unit_fen: int | None = None   # a shelf price (promotion, member price)
    rate_bp: int | None = None    # a rate on the line (tier, member day)
    label_id: str = ""
    version: int = 0


@dataclass
class _Line:
    idx: int
    item: BasketItem
    frozen: bool                  # gift, special or excluded: no promotion discounts
    cov: frozenset[str] = frozenset()   # ids of the promotions covering this line
    candidates: dict[str, list[_Choice]] = field(default_factory=dict)
    chosen: tuple[_Choice, ...] = ()
    multibuy_off: int = 0
    multibuy: Promotion | None = None
    amount: int = 0

    @property
    def classes(self) -> set[str]:
        s = {c.cls for c in self.chosen}
        if self.multibuy is not None:
            s.add(self.multibuy.cls)
        return s


def product_promotion_id(product: Product) -> str:
    """The id under which a product's own dated promotion (promo_rate) is recorded."""
    return f"product:{product.sku}"


def price_with_promotions(items: Sequence[BasketItem], rules: RuleSet, tier: Tier | None,
                          at: datetime, shop: str = "", book: PromotionBook | None = None,
                          pass_lines: Iterable[int] = ()) -> PromotedBasket:
    """Price a basket with every promotion in force at `at` in `shop` for a member of
    `tier` (None: not a member). Without promotions in the book this prices exactly as
    membership-rules.md §2 (the product's own promotion, then 折上折 with the tier)."""
    book = book or PromotionBook()
    policy = book.stacking
    active = book.active(at, shop, tier)
    by_kind: dict[PromotionKind, list[Promotion]] = {k: [] for k in PromotionKind}
    for p in active:
        by_kind[p.kind].append(p)
    pass_set = set(pass_lines)
    active_ids = {p.id: p for p in active}
    lines = [_prepare(i, item, rules, tier, at.date(), active_ids, i in pass_set,
                      book.covering(item.product) if active_ids else frozenset())
             for i, item in enumerate(items)]
    for ln in lines:
        _choose_line(ln, policy)
    applied_mb = _apply_multibuy(lines, by_kind[_K_MULTI_BUY], policy)
    basket_savings, rewards = _apply_basket(lines, by_kind[_K_SPEND_SAVE]
                                            + by_kind[_K_SPEND_GIFT], policy)
    priced = tuple(_finish(ln, basket_savings.get(ln.idx, ())) for ln in lines)
    applied = _applied(priced, applied_mb)
    multipliers = () if tier is None else tuple(
        p for p in by_kind[_K_POINTS] + by_kind[_K_MEMBER_DAY]
        if p.points_multiplier_bp > BP_ONE)
    covs = tuple(ln.cov for ln in lines)
    boosts = _boosts(priced, covs, [ln.item.redeemed_points for ln in lines], multipliers,
                     rules.points_unit_fen)
    return PromotedBasket(PricedBasket(priced), applied, tuple(rewards), boosts, multipliers,
                          rules.points_unit_fen, covs)


def _prepare(idx: int, item: BasketItem, rules: RuleSet, tier: Tier | None, day: date,
             active: dict[str, Promotion], is_pass: bool, cov: frozenset[str]) -> _Line:
    product = item.product
    if item.qty <= 0 or item.qty > rules.max_line_qty:
        raise InvalidQuantity(item.qty)
    if product.price_fen < 0 or product.price_fen > rules.max_unit_price_fen:
        raise AmountTooLarge(product.price_fen, rules.max_unit_price_fen)
    frozen = bool(item.redeemed_points) or is_pass or product.kind is not ProductKind.REGULAR
    cov = frozenset(pid for pid in cov if pid in active)
    ln = _Line(idx, item, frozen, cov)
    if frozen:
        return ln
    mine = sorted((active[pid] for pid in cov), key=lambda p: p.id)
    cands: dict[str, list[_Choice]] = {}
    own = product.promotion_on(day)
    if own is not None and own < BP_ONE:
        cands.setdefault(_C_PROMOTION, []).append(
            _Choice(_C_PROMOTION, None, unit_fen=mul_rate(product.price_fen, own),
                    rate_bp=own, label_id=product_promotion_id(product), version=0))
    for p in mine:
        if p.kind is _K_PRICE:
            unit = (mul_rate(product.price_fen, p.rate_bp) if p.rate_bp is not None
                    else min(product.price_fen, p.unit_price_fen or 0))
            cands.setdefault(p.cls, []).append(_Choice(p.cls, p, unit_fen=unit,
                                                       rate_bp=p.rate_bp))
    if tier is not None:
        for p in mine:
            if p.kind is not _K_MEMBER_PRICE:
                continue
            price = dict(p.tier_prices).get(tier.code)
            if price is not None and price < product.price_fen:
                cands.setdefault(p.cls, []).append(_Choice(p.cls, p, unit_fen=price))
        if tier.discount_bp < BP_ONE:
            cands[_C_TIER] = [_Choice(_C_TIER, None, rate_bp=tier.discount_bp,
                                           label_id=tier.code)]
        for p in mine:
            if p.kind is not _K_MEMBER_DAY:
                continue
            rate = dict(p.tier_rates).get(tier.code)
            if rate is not None and rate < BP_ONE:
                cands.setdefault(p.cls, []).append(_Choice(p.cls, p, rate_bp=rate))
    # Within one class only one candidate applies: the best for the customer.
    for cls, lst in cands.items():
        cands[cls] = [min(lst, key=lambda c: (_alone(product.price_fen, c),
                                              c.promo.id if c.promo else ""))]
    ln.candidates = cands
    return ln


def _alone(price: int, c: _Choice) -> int:
    return c.unit_fen if c.unit_fen is not None else mul_rate(price, c.rate_bp or BP_ONE)


def _compatible(choices: Iterable[_Choice | Promotion], policy: StackingPolicy) -> bool:
    classes = tuple(sorted(c.cls for c in choices))
    if len(classes) < 2:
        return True
    return _classes_combine(policy, classes)


@lru_cache(maxsize=4096)
def _classes_combine(policy: StackingPolicy, classes: tuple[str, ...]) -> bool:
    return all(policy.combines(a, b) for a, b in itertools.combinations(classes, 2))


def _line_amount(ln: _Line, chosen: Sequence[_Choice], multibuy_off: int = 0) -> int:
    price = ln.item.product.price_fen
    units = [c.unit_fen for c in chosen if c.unit_fen is not None]
    shelf = min(units) if units else price
    rates = [c.rate_bp for c in chosen if c.unit_fen is None and c.rate_bp is not None]
    return mul_rate(shelf * ln.item.qty - multibuy_off, *rates)


def _choose_line(ln: _Line, policy: StackingPolicy, without: frozenset[str] = frozenset()
                 ) -> None:
    """The compatible combination of one candidate per class that costs the customer least."""
    if ln.frozen:
        ln.chosen = ()
        return
    options = [c[0] for cls, c in sorted(ln.candidates.items()) if cls not in without]
    best: tuple[int, int, tuple[_Choice, ...]] | None = None
    for r in range(len(options), -1, -1):
        for combo in itertools.combinations(options, r):
            if not _compatible(combo, policy):
                continue
            key = (_line_amount(ln, combo), len(combo), combo)
            if best is None or key[:2] < best[:2]:
                best = key
    assert best is not None
    ln.chosen = best[2]


def _apply_multibuy(lines: list[_Line], promos: list[Promotion], policy: StackingPolicy
                    ) -> dict[str, tuple[Promotion, int]]:
    """第N件X折 / buy X get Y: units of the scope pooled over the lines; in each group of
    group_size units (dearest first) the cheapest discounted_units pay rate_bp. A line joins
    one multi-buy at most; a line whose own promotion excludes it joins only when dropping
    that promotion is cheaper for the customer."""
    done: dict[str, tuple[Promotion, int]] = {}
    for p in sorted(promos, key=lambda q: q.id):
        scoped = [ln for ln in lines if not ln.frozen and ln.multibuy is None
                  and p.id in ln.cov]
        if not scoped:
            continue
        before = {ln.idx: (ln.chosen, ln.amount) for ln in scoped}
        # Alternative A: only the lines whose choice combines with the multi-buy.
        plan_a = _multibuy_plan(p, scoped, policy, False)
        # Alternative B: every scoped line, dropping what excludes the multi-buy.
        plan_b = _multibuy_plan(p, scoped, policy, True)
        plan = min((plan_a, plan_b), key=lambda pl: (pl[0], pl is plan_b))
        total, offs, chosen = plan
        if not any(offs.values()):
            for ln in scoped:
                ln.chosen = before[ln.idx][0]
            continue
        saved = 0
        for ln in scoped:
            ln.chosen = chosen[ln.idx]
            if offs.get(ln.idx):
                ln.multibuy, ln.multibuy_off = p, offs[ln.idx]
                saved += offs[ln.idx]
        done[p.id] = (p, saved)
    return done


def _multibuy_plan(p: Promotion, scoped: list[_Line], policy: StackingPolicy, drop: bool
                   ) -> tuple[int, dict[int, int], dict[int, tuple[_Choice, ...]]]:
    chosen: dict[int, tuple[_Choice, ...]] = {}
    for ln in scoped:
        keep = ln.chosen
        if drop and not _compatible([*keep, p], policy):
            keep = tuple(c for c in keep if policy.combines(c.cls, p.cls))
        chosen[ln.idx] = keep
    units: list[tuple[int, int]] = []  # (shelf unit price, line idx)
    for ln in scoped:
        if ln.idx in chosen and _compatible([*chosen[ln.idx], p], policy):
            shelf = _shelf(ln, chosen[ln.idx])
            units.extend([(shelf, ln.idx)] * ln.item.qty)
    units.sort(key=lambda u: (-u[0], u[1]))
    offs: dict[int, int] = {}
    size = p.group_size
    for g in range(len(units) // size):
        group = units[g * size:(g + 1) * size]
        for shelf, idx in group[size - p.discounted_units:]:
            offs[idx] = offs.get(idx, 0) + shelf - mul_rate(shelf, p.rate_bp or 0)
    total = 0
    for ln in scoped:
        ch = chosen[ln.idx] if offs.get(ln.idx) or drop else ln.chosen
        total += _line_amount(ln, ch, offs.get(ln.idx, 0))
    if not drop:
        chosen = {ln.idx: ln.chosen for ln in scoped}
    return total, offs, chosen


def _shelf(ln: _Line, chosen: Sequence[_Choice]) -> int:
    units = [c.unit_fen for c in chosen if c.unit_fen is not None]
    return min(units) if units else ln.item.product.price_fen


def _basket_eligible(ln: _Line, p: Promotion) -> bool:
    product = ln.item.product
    if ln.item.redeemed_points or product.kind is ProductKind.EXCLUDED:
        return False
    if product.kind is ProductKind.SPECIAL and not p.include_special:
        return False
    if ln.frozen and product.kind is ProductKind.REGULAR:
        return False  # a pass visit or a gift line
    return p.id in ln.cov


def _apply_basket(lines: list[_Line], promos: list[Promotion], policy: StackingPolicy
                  ) -> tuple[dict[int, list[tuple[Promotion, int]]], list[Reward]]:
    """满减 / 满送 on the line amounts after line promotions. A line counts for one basket
    promotion of a class at most; promotions are taken in the order that saves most."""
    for ln in lines:
        ln.amount = _line_amount(ln, ln.chosen, ln.multibuy_off)
    savings: dict[int, list[tuple[Promotion, int]]] = {}
    rewards: list[Reward] = []
    used: dict[int, set[str]] = {}

    cache: dict[tuple[tuple[str, ...], str], bool] = {}

    def compat(ln: _Line, cls: str, ch: tuple[_Choice, ...]) -> bool:
        sig = tuple(c.cls for c in ch) + ((ln.multibuy.cls,) if ln.multibuy else ())
        key = (sig, cls)
        ok = cache.get(key)
        if ok is None:
            ok = cache[key] = _classes_combine(policy, tuple(sorted((*sig, cls))))
        return ok

    def evaluate(p: Promotion, drop: bool
                 ) -> tuple[int, int, int, list[_Line], dict[int, tuple[_Choice, ...]], bool]:
        """(times, save, cost to the customer of every candidate line, pool, choices, whether
        some line's own promotions exclude this one)."""
        pool: list[_Line] = []
        chosen: dict[int, tuple[_Choice, ...]] = {}
        cost = base = 0
        conflicts = False
        for ln in eligible[p.id]:
            if p.cls in used.get(ln.idx, ()):
                continue
            if compat(ln, p.cls, ln.chosen):
                pool.append(ln)
                chosen[ln.idx] = ln.chosen
                base += ln.amount
                continue
            conflicts = True
            if drop:
                ch = tuple(c for c in ln.chosen if policy.combines(c.cls, p.cls))
                if compat(ln, p.cls, ch):
                    pool.append(ln)
                    chosen[ln.idx] = ch
                    base += _line_amount(ln, ch, ln.multibuy_off)
                    continue
            cost += ln.amount
        times = _times(p, base)
        if times == 0:
            # Nothing gained: the lines keep what they had.
            return 0, 0, cost + sum(ln.amount for ln in pool), [], {}, conflicts
        save = min(p.save_fen * times, base) if p.kind is _K_SPEND_SAVE else 0
        return times, save, cost + base - save, pool, chosen, conflicts

    eligible = {q.id: [ln for ln in lines if _basket_eligible(ln, q)] for q in promos}
    order = sorted((q for q in promos if eligible[q.id]), key=lambda q: (-(q.save_fen * max(
        _times(q, sum(ln.amount for ln in eligible[q.id])), 1)), q.id))
    for p in order:
        a = evaluate(p, False)
        pick = a
        if a[5]:
            b = evaluate(p, True)
            # Best for the customer; a 满送 (no saving) prefers keeping the line promotions.
            if (b[2], -b[0]) < (a[2], -a[0]):
                pick = b
        times, save, _, pool, chosen, _ = pick
        if times == 0 or not pool:
            continue
        for ln in pool:
            if chosen[ln.idx] != ln.chosen:
                ln.chosen = chosen[ln.idx]
                ln.amount = _line_amount(ln, ln.chosen, ln.multibuy_off)
            used.setdefault(ln.idx, set()).add(p.cls)
        if p.kind is _K_SPEND_SAVE:
            shares = allocate(save, [ln.amount for ln in pool])
            for ln, share in zip(pool, shares, strict=True):
                if share:
                    savings.setdefault(ln.idx, []).append((p, share))
                    ln.amount -= share
        else:
            rewards.append(Reward(p.id, p.version, p.gift_sku, p.gift_qty * times if p.gift_sku
                                  else 0, p.coupon_template_id, times))
    return savings, rewards


def _times(p: Promotion, base: int) -> int:
    if base < p.threshold_fen or p.threshold_fen <= 0:
        return 0
    if not p.repeat:
        return 1
    n = base // p.threshold_fen
    return min(n, p.max_repeats) if p.max_repeats is not None else n


_REASON = {_C_PROMOTION: ReasonKind.PROMOTION, _C_TIER: ReasonKind.TIER,
           _C_MEMBER_PRICE: ReasonKind.MEMBER_PRICE,
           _C_MEMBER_DAY: ReasonKind.MEMBER_DAY}


def _reason_kind(c: _Choice) -> ReasonKind:
    if c.promo is not None:
        return {_K_PRICE: ReasonKind.PROMOTION,
                _K_MEMBER_PRICE: ReasonKind.MEMBER_PRICE,
                _K_MEMBER_DAY: ReasonKind.MEMBER_DAY}.get(c.promo.kind,
                                                                    ReasonKind.PROMOTION)
    return _REASON.get(c.cls, ReasonKind.PROMOTION)


def _finish(ln: _Line, basket: Sequence[tuple[Promotion, int]]) -> PricedLine:
    item, product = ln.item, ln.item.product
    gross = product.price_fen * item.qty
    reasons: list[PriceReason] = []
    if item.redeemed_points:
        reasons.append(PriceReason(ReasonKind.GIFT, 0, gross))
        amount = 0
    else:
        if product.kind is ProductKind.SPECIAL:
            reasons.append(PriceReason(ReasonKind.SPECIAL))
        shelf_choices = [c for c in ln.chosen if c.unit_fen is not None]
        shelf = product.price_fen
        if shelf_choices:
            c = min(shelf_choices, key=lambda x: x.unit_fen or 0)
            shelf = c.unit_fen or 0
            if shelf < product.price_fen:
                reasons.append(_reason(c, gross - shelf * item.qty, c.rate_bp or BP_ONE))
        amount = shelf * item.qty
        if ln.multibuy is not None and ln.multibuy_off:
            p = ln.multibuy
            reasons.append(PriceReason(ReasonKind.MULTI_BUY, p.rate_bp or 0, ln.multibuy_off,
                                       promotion_id=p.id, promotion_version=p.version,
                                       label=p.name))
            amount -= ln.multibuy_off
        base = amount
        rates: list[int] = []
        for c in sorted((c for c in ln.chosen if c.unit_fen is None and c.rate_bp is not None),
                        key=lambda x: x.cls != _C_TIER):
            before = mul_rate(base, *rates)
            rates.append(c.rate_bp or BP_ONE)
            reasons.append(_reason(c, before - mul_rate(base, *rates), c.rate_bp or BP_ONE))
        amount = mul_rate(base, *rates)
        manual = item.manual_rate_bp
        if manual is not None and manual < BP_ONE and product.kind is not ProductKind.EXCLUDED:
            after = mul_rate(base, *rates, manual)
            reasons.append(PriceReason(ReasonKind.MANUAL, manual, amount - after))
            amount = after
        for p, share in basket:
            reasons.append(PriceReason(ReasonKind.BASKET, 0, share, promotion_id=p.id,
                                       promotion_version=p.version, label=p.name))
            amount -= share
    return PricedLine(
        line_no=ln.idx + 1, product_id=product.id, sku=product.sku, barcode=product.barcode,
        name=product.name, kind=product.kind, qty=item.qty,
        unit_price_fen=product.price_fen, gross_fen=gross, amount_fen=amount,
        reasons=tuple(reasons), earns_points=product.earns_points and not item.redeemed_points,
        redeemed_points=item.redeemed_points)


def _reason(c: _Choice, saved: int, rate: int) -> PriceReason:
    kind = _reason_kind(c)
    if c.promo is None:
        return PriceReason(kind, rate, saved, tier_code=c.label_id if kind is ReasonKind.TIER
                           else "", promotion_id="" if kind is ReasonKind.TIER else c.label_id,
                           promotion_version=c.version)
    return PriceReason(kind, rate, saved, promotion_id=c.promo.id,
                       promotion_version=c.promo.version, label=c.promo.name)


def _applied(lines: Sequence[PricedLine], multibuy: dict[str, tuple[Promotion, int]]
             ) -> tuple[AppliedPromotion, ...]:
    acc: dict[tuple[str, int], list] = {}
    for line in lines:
        for r in line.reasons:
            if r.promotion_id and r.kind is not ReasonKind.TIER:
                key = (r.promotion_id, r.promotion_version)
                slot = acc.setdefault(key, [r.kind.value, r.label, 0, []])
                slot[2] += r.discount_fen
                slot[3].append(line.line_no)
    return tuple(AppliedPromotion(pid, ver, kind, label, saved, tuple(sorted(set(nos))))
                 for (pid, ver), (kind, label, saved, nos) in sorted(acc.items()))


def _boosts(priced: Sequence[PricedLine], covs: Sequence[frozenset[str]],
            redeemed: Sequence[int], multipliers: Sequence[Promotion], unit_fen: int
            ) -> tuple[PointsBoost, ...]:
    """积分翻倍: each earning line takes the best multiplier in force for it (multipliers do
    not multiply each other); each promotion's extra points are worked out on the amount
    it covers, per full points unit, and capped by its own cap. Members only (the caller
    passes no multipliers for a non-member)."""
    if not multipliers:
        return ()
    covered: dict[str, tuple[Promotion, int]] = {}
    for line, cov, gift in zip(priced, covs, redeemed, strict=True):
        if not line.earns_points or line.amount_fen <= 0 or gift:
            continue
        best = max((p for p in multipliers if p.id in cov),
                   key=lambda p: (p.points_multiplier_bp, p.id), default=None)
        if best is not None:
            prev = covered.get(best.id, (best, 0))[1]
            covered[best.id] = (best, prev + line.amount_fen)
    out = []
    for pid, (p, amount) in sorted(covered.items()):
        extra = amount * (p.points_multiplier_bp - BP_ONE) // (BP_ONE * unit_fen)
        if p.points_cap is not None:
            extra = min(extra, p.points_cap)
        if extra > 0:
            out.append(PointsBoost(pid, p.version, extra))
    return tuple(out)


def stacking_of(rules: RuleSet) -> StackingPolicy:
    """The stacking policy of a rule set (its own pairs, or the default)."""
    if rules.promotion_stacking is None:
        return DEFAULT_STACKING
    return StackingPolicy.of(rules.promotion_stacking)


# -- plain-JSON forms (feeds from head office, the till's table, the console) ---------------

def _iso(v: datetime | time | None) -> str | None:
    return v.isoformat() if v is not None else None


def scope_to_dict(s: Scope) -> dict[str, Any]:
    return {"all_goods": s.all_goods, "skus": sorted(s.skus),
            "categories": sorted(s.categories), "exclude_skus": sorted(s.exclude_skus),
            "exclude_categories": sorted(s.exclude_categories)}


def scope_from_dict(d: Mapping[str, Any] | None) -> Scope:
    if not d:
        return Scope(all_goods=True)
    return Scope(bool(d.get("all_goods", False)), frozenset(map(str, d.get("skus", ()))),
                 frozenset(map(str, d.get("categories", ()))),
                 frozenset(map(str, d.get("exclude_skus", ()))),
                 frozenset(map(str, d.get("exclude_categories", ()))))


def promotion_to_dict(p: Promotion) -> dict[str, Any]:
    sch = p.schedule
    return {
        "id": p.id, "version": p.version, "kind": p.kind.value, "name": p.name,
        "scope": scope_to_dict(p.scope),
        "schedule": {"start": _iso(sch.start), "end": _iso(sch.end),
                     "weekdays": sorted(sch.weekdays), "month_days": sorted(sch.month_days),
                     "from_time": _iso(sch.from_time), "to_time": _iso(sch.to_time)},
        "shops": sorted(p.shops), "tiers": sorted(p.tiers), "members_only": p.members_only,
        "stack_class": p.stack_class, "rate_bp": p.rate_bp, "unit_price_fen": p.unit_price_fen,
        "threshold_fen": p.threshold_fen, "save_fen": p.save_fen, "repeat": p.repeat,
        "max_repeats": p.max_repeats, "include_special": p.include_special,
        "gift_sku": p.gift_sku, "gift_qty": p.gift_qty,
        "coupon_template_id": p.coupon_template_id, "group_size": p.group_size,
        "discounted_units": p.discounted_units,
        "tier_prices": [list(x) for x in p.tier_prices],
        "tier_rates": [list(x) for x in p.tier_rates],
        "points_multiplier_bp": p.points_multiplier_bp, "points_cap": p.points_cap,
    }


def _opt_int(v: Any) -> int | None:
    return None if v is None or v == "" else int(v)


def promotion_from_dict(d: Mapping[str, Any]) -> Promotion:
    """A promotion from its plain form; ValidationFailed (naming the field) if unusable."""
    try:
        sch = d.get("schedule") or {}
        p = Promotion(
            id=str(d["id"]), version=int(d["version"]), kind=PromotionKind(d["kind"]),
            name=str(d.get("name", "")), scope=scope_from_dict(d.get("scope")),
            schedule=Schedule(
                start=datetime.fromisoformat(sch["start"]) if sch.get("start") else None,
                end=datetime.fromisoformat(sch["end"]) if sch.get("end") else None,
                weekdays=frozenset(int(x) for x in sch.get("weekdays", ())),
                month_days=frozenset(int(x) for x in sch.get("month_days", ())),
                from_time=time.fromisoformat(sch["from_time"]) if sch.get("from_time") else None,
                to_time=time.fromisoformat(sch["to_time"]) if sch.get("to_time") else None),
            shops=frozenset(map(str, d.get("shops", ()))),
            tiers=frozenset(map(str, d.get("tiers", ()))),
            members_only=bool(d.get("members_only", False)),
            stack_class=str(d.get("stack_class", "") or ""),
            rate_bp=_opt_int(d.get("rate_bp")), unit_price_fen=_opt_int(d.get("unit_price_fen")),
            threshold_fen=int(d.get("threshold_fen", 0)), save_fen=int(d.get("save_fen", 0)),
            repeat=bool(d.get("repeat", False)), max_repeats=_opt_int(d.get("max_repeats")),
            include_special=bool(d.get("include_special", False)),
            gift_sku=d.get("gift_sku") or None, gift_qty=int(d.get("gift_qty", 1)),
            coupon_template_id=d.get("coupon_template_id") or None,
            group_size=int(d.get("group_size", 0)),
            discounted_units=int(d.get("discounted_units", 0)),
            tier_prices=tuple((str(a), int(b)) for a, b in d.get("tier_prices", ())),
            tier_rates=tuple((str(a), int(b)) for a, b in d.get("tier_rates", ())),
            points_multiplier_bp=int(d.get("points_multiplier_bp", BP_ONE)),
            points_cap=_opt_int(d.get("points_cap")))
    except ValidationFailed:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed("promotion", f"not a usable promotion: {exc}") from None
    p.validate()
    return p


# -- returns ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SpendTerms:
    """What a 满减 (or a coupon's threshold) asked of the sale, kept on the sale for returns."""

    threshold_fen: int
    save_fen: int = 0          # 0 for a coupon: its whole value hangs on the threshold
    repeat: bool = False
    max_repeats: int | None = None


def _earned_saving(terms: SpendTerms, base: int, given: int) -> int:
    if base < terms.threshold_fen or terms.threshold_fen <= 0:
        return 0 if terms.threshold_fen > 0 else given
    if terms.save_fen == 0:
        return given
    times = base // terms.threshold_fen if terms.repeat else 1
    if terms.max_repeats is not None:
        times = min(times, terms.max_repeats)
    return min(terms.save_fen * times, base, given)


def discount_clawback(lines: Sequence[PricedLine], kept_qty: Sequence[int],
                      terms: Mapping[str, SpendTerms]) -> int:
    """What the goods a customer keeps were given by spend thresholds (满减, coupons) that
    they no longer reach on their own. A partial return refunds the returned lines less the
    growth of this figure, so returning part never gains the customer anything; returning
    the rest later gives it back (the figure falls to 0 with nothing kept).

    `lines` are the sale's priced lines, `kept_qty` what is still kept of each, `terms` the
    threshold terms by promotion id or coupon code as recorded on the sale."""
    base: dict[str, int] = {}
    given: dict[str, int] = {}
    for line, kept in zip(lines, kept_qty, strict=True):
        if kept <= 0 or line.qty <= 0:
            continue
        shares = [(r.promotion_id, r.discount_fen) for r in line.reasons
                  if r.kind in (ReasonKind.BASKET, ReasonKind.COUPON) and r.promotion_id]
        later = 0
        # Walk back from the last discount: a threshold was judged on the amount before it
        # and before everything taken off after it.
        for pid, share in reversed(shares):
            if pid in terms:
                before = line.amount_fen + later + share
                base[pid] = base.get(pid, 0) + before * kept // line.qty
                given[pid] = given.get(pid, 0) + share * kept // line.qty
            later += share
    return sum(max(0, given[pid] - _earned_saving(terms[pid], base[pid], given[pid]))
               for pid in given)
