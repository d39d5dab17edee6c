"""Coupons (优惠券): templates, unique codes, the coupon ledger and what a coupon takes off.

A coupon's state is a ledger like points (ARCHITECTURE.md §5): issued, redeemed, returned
with the sale, expired; nothing is updated in place. `coupon_state` is the one fold over
those entries at the till and at head office. A coupon redeemed at two tills that were both
offline is booked once at head office (the first redemption that reaches it); the second is
booked as `double_redeemed`, flagged, and charged back as the rule set says
(`coupon_double_use`: the shop that took it bears it, or the member owes it).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pos_app.domain.allocation import allocate
from pos_app.domain.catalog import ProductKind
from pos_app.domain.errors import PosError, ValidationFailed
from pos_app.domain.money import BP_ONE, mul_rate
from pos_app.domain.pricing import BasketItem, PricedBasket, PricedLine, PriceReason, ReasonKind
from pos_app.domain.promotions import (
    DEFAULT_STACKING,
    PromotedBasket,
    Scope,
    StackClass,
    StackingPolicy,
    scope_from_dict,
    scope_to_dict,
)


class CouponKind(StrEnum):
    AMOUNT_OFF = "amount_off"    # ¥X off a spend of at least the threshold
    PERCENT_OFF = "percent_off"  # pay rate_bp, at most cap_fen off
    FREE_ITEM = "free_item"      # one unit of free_sku free


@dataclass(frozen=True)
class CouponTemplate:
    id: str
    version: int
    name: str
    kind: CouponKind
    amount_fen: int = 0
    rate_bp: int = BP_ONE
    cap_fen: int | None = None
    free_sku: str | None = None
    threshold_fen: int = 0
    scope: Scope = Scope(all_goods=True)
    include_special: bool = False
    shops: frozenset[str] = frozenset()
    valid_from: datetime | None = None
    valid_until: datetime | None = None     # exclusive
    valid_days: int | None = None           # or N days from issue
    per_member_limit: int | None = None     # coupons of this template one member may hold
    stackable: bool = False                 # may be used with other coupons in one sale

    def validate(self) -> None:
        def bad(f: str, why: str) -> ValidationFailed:
            return ValidationFailed(f, f"coupon template {self.id}: {why}")
        if not self.id or self.version < 1:
            raise bad("id", "an id and a version of at least 1 are needed")
        if self.kind is CouponKind.AMOUNT_OFF and self.amount_fen <= 0:
            raise bad("amount_fen", "an amount off above zero is needed")
        if self.kind is CouponKind.PERCENT_OFF and not 0 <= self.rate_bp < BP_ONE:
            raise bad("rate_bp", "a rate below 10000 (pay that share) is needed")
        if self.kind is CouponKind.FREE_ITEM and not self.free_sku:
            raise bad("free_sku", "name the free item")
        if self.threshold_fen < 0 or (self.cap_fen is not None and self.cap_fen <= 0):
            raise bad("threshold_fen", "a threshold of zero or more and a cap above zero")
        if self.valid_days is not None and self.valid_days <= 0:
            raise bad("valid_days", "a validity of at least one day")

    def window(self, issued_at: datetime) -> tuple[datetime | None, datetime | None]:
        """When a coupon of this template issued at `issued_at` may be used."""
        if self.valid_days is not None:
            start = issued_at.replace(hour=0, minute=0, second=0, microsecond=0)
            return issued_at, start + timedelta(days=self.valid_days)
        return self.valid_from, self.valid_until


@dataclass(frozen=True)
class Coupon:
    code: str
    template_id: str
    template_version: int
    member_id: str | None
    issued_at: datetime
    valid_from: datetime | None
    valid_until: datetime | None
    source: str = ""          # "run:<id>", "promotion:<id>", "package:<id>", "registration"


_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read aloud and typed by hand


def coupon_code(seed: str) -> str:
    """A 12-character code (plus a check character) made from a unique seed such as a
    UUIDv7: unique across the chain without coordination; a typo fails the check."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:10], "big")
    chars = []
    for _ in range(12):
        digest, r = divmod(digest, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    body = "".join(chars)
    return "C" + body + _check_char(body)


def _check_char(body: str) -> str:
    return _ALPHABET[sum((i + 1) * _ALPHABET.index(c) for i, c in enumerate(body))
                     % len(_ALPHABET)]


def is_coupon_code(text: str) -> bool:
    t = text.strip().upper()
    return (len(t) == 14 and t[0] == "C" and all(c in _ALPHABET for c in t[1:])
            and _check_char(t[1:13]) == t[13])


def coupon_qr_payload(code: str) -> str:
    return f"POS:C:{code}"


def coupon_code_from_scan(text: str) -> str:
    t = text.strip().upper()
    return t[len("POS:C:"):] if t.startswith("POS:C:") else t


def issue_coupon(template: CouponTemplate, seed: str, member_id: str | None,
                 at: datetime, source: str, held_of_template: int = 0) -> Coupon:
    """A new coupon of `template` for a member; refused over the per-member limit."""
    template.validate()
    if template.per_member_limit is not None and held_of_template >= template.per_member_limit:
        raise CouponNotUsable("", CouponRefusal.LIMIT_REACHED)
    start, until = template.window(at)
    return Coupon(coupon_code(seed), template.id, template.version, member_id, at, start, until,
                  source)


# -- the coupon ledger ------------------------------------------------------------------------

class CouponEntryKind(StrEnum):
    ISSUED = "issued"
    REDEEMED = "redeemed"
    RETURNED = "returned"                # the sale was returned while the coupon was valid
    EXPIRED = "expired"
    DOUBLE_REDEEMED = "double_redeemed"  # a second offline redemption: flagged, charged back


@dataclass(frozen=True)
class CouponEntry:
    code: str
    kind: CouponEntryKind
    at: datetime
    shop: str = ""
    sale_id: str = ""
    value_fen: int = 0      # what the coupon took off that sale
    note: str = ""


class CouponStatus(StrEnum):
    UNKNOWN = "unknown"
    AVAILABLE = "available"
    REDEEMED = "redeemed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CouponState:
    code: str
    status: CouponStatus
    redeemed: CouponEntry | None = None
    flagged: tuple[CouponEntry, ...] = ()


def coupon_state(code: str, entries: Iterable[CouponEntry]) -> CouponState:
    """The one fold over a coupon's entries (in booking order)."""
    status = CouponStatus.UNKNOWN
    redeemed: CouponEntry | None = None
    flagged: list[CouponEntry] = []
    for e in entries:
        if e.code != code:
            continue
        if e.kind is CouponEntryKind.ISSUED:
            status = CouponStatus.AVAILABLE
        elif e.kind is CouponEntryKind.REDEEMED:
            status, redeemed = CouponStatus.REDEEMED, e
        elif e.kind is CouponEntryKind.RETURNED and status is CouponStatus.REDEEMED \
                and (redeemed is None or not e.sale_id or e.sale_id == redeemed.sale_id):
            # Only the return of the sale that holds the coupon gives it back: a return of
            # an earlier sale, read after the coupon's next redemption (entries booked at the
            # same moment), changes nothing.
            status, redeemed = CouponStatus.AVAILABLE, None
        elif e.kind is CouponEntryKind.EXPIRED and status is CouponStatus.AVAILABLE:
            status = CouponStatus.EXPIRED
        elif e.kind is CouponEntryKind.DOUBLE_REDEEMED:
            flagged.append(e)
    return CouponState(code, status, redeemed, tuple(flagged))


def book_redemption(entries: Sequence[CouponEntry], redemption: CouponEntry) -> CouponEntry:
    """What head office books for a redemption reaching it: the redemption itself, or — when
    the coupon was already redeemed by another sale (two offline tills) — a flagged
    DOUBLE_REDEEMED entry that leaves the coupon's state alone. A replay of the same sale's
    redemption is the same entry again (the caller's inbox keeps it once)."""
    state = coupon_state(redemption.code, entries)
    if state.status is CouponStatus.REDEEMED and state.redeemed is not None \
            and state.redeemed.sale_id != redemption.sale_id:
        return replace(redemption, kind=CouponEntryKind.DOUBLE_REDEEMED,
                       note=f"first used at {state.redeemed.shop} "
                            f"{state.redeemed.at.isoformat()} sale {state.redeemed.sale_id}")
    return redemption


class DoubleUsePolicy(StrEnum):
    CHARGE_SHOP = "charge_shop"      # the shop that accepted the second one bears its value
    CHARGE_MEMBER = "charge_member"  # the member owes it (a receivable on their account)


@dataclass(frozen=True)
class Chargeback:
    code: str
    sale_id: str
    shop: str
    value_fen: int
    charged_to: DoubleUsePolicy


def chargeback_for(flagged: CouponEntry, policy: str) -> Chargeback:
    return Chargeback(flagged.code, flagged.sale_id, flagged.shop, flagged.value_fen,
                      DoubleUsePolicy(policy))


def expiry_entries(coupons: Iterable[tuple[Coupon, CouponState]], at: datetime
                   ) -> list[CouponEntry]:
    """The daily job: every available coupon past its window gets one EXPIRED entry
    (idempotent: an expired coupon is no longer available)."""
    return [CouponEntry(c.code, CouponEntryKind.EXPIRED, at)
            for c, s in coupons
            if s.status is CouponStatus.AVAILABLE and c.valid_until is not None
            and at >= c.valid_until]


def return_entry(coupon: Coupon, state: CouponState, sale_id: str, at: datetime
                 ) -> CouponEntry | None:
    """A whole return of a sale that used a coupon: the coupon comes back if it is still
    valid; otherwise nothing (its value is not refunded as cash: the refund is what was
    paid, which never included the coupon)."""
    if state.status is not CouponStatus.REDEEMED or state.redeemed is None \
            or state.redeemed.sale_id != sale_id:
        return None
    if coupon.valid_until is not None and at >= coupon.valid_until:
        return None
    return CouponEntry(coupon.code, CouponEntryKind.RETURNED, at, sale_id=sale_id)


# -- using a coupon on a basket ----------------------------------------------------------------

class CouponRefusal(StrEnum):
    UNKNOWN = "unknown"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    USED = "used"                      # used at 某店 on 某日
    OTHER_MEMBER = "other_member"
    WRONG_SHOP = "wrong_shop"
    BELOW_THRESHOLD = "below_threshold"   # short by ¥X
    EXCLUDED_GOODS = "excluded_goods"     # the excluded goods do not count
    NOT_IN_SCOPE = "not_in_scope"
    NOT_STACKABLE = "not_stackable"
    ALREADY_IN_SALE = "already_in_sale"
    LIMIT_REACHED = "limit_reached"
    OFFLINE_LIMIT = "offline_limit"


class CouponNotUsable(PosError):
    """A coupon that does not apply, with what the cashier tells the customer."""

    def __init__(self, code: str, reason: CouponRefusal, shortfall_fen: int = 0,
                 shop: str = "", at: datetime | None = None,
                 skus: tuple[str, ...] = ()) -> None:
        super().__init__(code, reason.value, shortfall_fen, shop, at, skus)
        self.code = code
        self.reason = reason
        self.shortfall_fen = shortfall_fen
        self.shop = shop
        self.at = at
        self.skus = skus


@dataclass(frozen=True)
class CouponUse:
    code: str
    template_id: str
    template_version: int
    value_fen: int
    line_nos: tuple[int, ...]


_CLASS_OF_REASON = {ReasonKind.PROMOTION: StackClass.PROMOTION.value,
                    ReasonKind.TIER: StackClass.TIER.value,
                    ReasonKind.MEMBER_PRICE: StackClass.MEMBER_PRICE.value,
                    ReasonKind.MEMBER_DAY: StackClass.MEMBER_DAY.value,
                    ReasonKind.MULTI_BUY: StackClass.MULTI_BUY.value,
                    ReasonKind.BASKET: StackClass.BASKET.value,
                    ReasonKind.COUPON: StackClass.COUPON.value}


def _covered(line: PricedLine, amount: int, item: BasketItem, t: CouponTemplate,
             policy: StackingPolicy) -> bool:
    if line.redeemed_points or line.kind is ProductKind.EXCLUDED or amount <= 0:
        return False
    if any(r.kind is ReasonKind.PASS for r in line.reasons):
        return False
    if line.kind is ProductKind.SPECIAL and not t.include_special:
        return False
    if not t.scope.covers(item.product):
        return False
    classes = {_CLASS_OF_REASON[r.kind] for r in line.reasons if r.kind in _CLASS_OF_REASON
               and r.kind is not ReasonKind.COUPON}
    return all(policy.combines(StackClass.COUPON.value, c) for c in classes)


def check_coupon(coupon: Coupon | None, template: CouponTemplate | None, state: CouponState,
                 code: str, basket: PricedBasket, items: Sequence[BasketItem], at: datetime,
                 shop: str, member_id: str | None, in_sale: Sequence[CouponTemplate] = (),
                 policy: StackingPolicy = DEFAULT_STACKING,
                 amounts: Sequence[int] | None = None) -> tuple[int, list[int]]:
    """(value off, the line indexes it covers) for one coupon on a priced basket (with
    `amounts` standing for the lines' amounts when earlier coupons changed them), or
    CouponNotUsable saying why (threshold short by ¥X, excluded goods, expired, used at
    某店 on 某日, ...)."""
    amt = list(amounts) if amounts is not None else [ln.amount_fen for ln in basket.lines]
    if coupon is None or template is None or state.status is CouponStatus.UNKNOWN:
        raise CouponNotUsable(code, CouponRefusal.UNKNOWN)
    if state.status is CouponStatus.REDEEMED:
        r = state.redeemed
        raise CouponNotUsable(code, CouponRefusal.USED, shop=r.shop if r else "",
                              at=r.at if r else None)
    if state.status is CouponStatus.EXPIRED or (coupon.valid_until is not None
                                                and at >= coupon.valid_until):
        raise CouponNotUsable(code, CouponRefusal.EXPIRED, at=coupon.valid_until)
    if coupon.valid_from is not None and at < coupon.valid_from:
        raise CouponNotUsable(code, CouponRefusal.NOT_YET_VALID, at=coupon.valid_from)
    if coupon.member_id is not None and coupon.member_id != member_id:
        raise CouponNotUsable(code, CouponRefusal.OTHER_MEMBER)
    if template.shops and shop not in template.shops:
        raise CouponNotUsable(code, CouponRefusal.WRONG_SHOP)
    if in_sale and not (template.stackable and all(t.stackable for t in in_sale)):
        raise CouponNotUsable(code, CouponRefusal.NOT_STACKABLE)
    covered = [i for i, (line, item) in enumerate(zip(basket.lines, items, strict=True))
               if _covered(line, amt[i], item, template, policy)]

    def excluded() -> tuple[str, ...]:
        return tuple(line.sku for i, (line, item) in enumerate(zip(basket.lines, items,
                                                                    strict=True))
                     if amt[i] > 0 and (template.scope.excludes(item.product)
                                        or line.kind is ProductKind.EXCLUDED
                                        or (line.kind is ProductKind.SPECIAL
                                            and not template.include_special)))
    if template.kind is CouponKind.FREE_ITEM:
        covered = [i for i in covered if basket.lines[i].sku == template.free_sku]
    if not covered:
        skus = excluded()
        raise CouponNotUsable(code, CouponRefusal.EXCLUDED_GOODS if skus
                              else CouponRefusal.NOT_IN_SCOPE, skus=skus)
    base = sum(amt[i] for i in covered)
    if base < template.threshold_fen:
        skus = excluded()
        reason = CouponRefusal.EXCLUDED_GOODS if skus else CouponRefusal.BELOW_THRESHOLD
        raise CouponNotUsable(code, reason, template.threshold_fen - base, skus=skus)
    if template.kind is CouponKind.AMOUNT_OFF:
        value = min(template.amount_fen, base)
    elif template.kind is CouponKind.PERCENT_OFF:
        value = base - mul_rate(base, template.rate_bp)
        if template.cap_fen is not None:
            value = min(value, template.cap_fen)
    else:
        line = basket.lines[covered[0]]
        value = allocate(amt[covered[0]], [1] * line.qty)[0]
        covered = covered[:1]
    return value, covered


def apply_coupons(promoted: PromotedBasket, items: Sequence[BasketItem],
                  coupons: Sequence[tuple[Coupon | None, CouponTemplate | None, CouponState,
                                          str]],
                  at: datetime, shop: str, member_id: str | None,
                  policy: StackingPolicy = DEFAULT_STACKING
                  ) -> tuple[PromotedBasket, tuple[CouponUse, ...]]:
    """Take the coupons off in the order given (after every promotion, 满减 included); each
    coupon's value is shared across the lines it covers (largest remainder) and shown on
    each line as a COUPON reason. Raises CouponNotUsable for the first that does not apply."""
    basket = promoted.basket
    amounts = [ln.amount_fen for ln in basket.lines]
    extra: dict[int, list[PriceReason]] = {}
    uses: list[CouponUse] = []
    in_sale: list[CouponTemplate] = []
    seen: set[str] = set()
    for coupon, template, state, code in coupons:
        if code in seen:
            raise CouponNotUsable(code, CouponRefusal.ALREADY_IN_SALE)
        value, covered = check_coupon(coupon, template, state, code, basket, items, at, shop,
                                      member_id, in_sale, policy, amounts)
        assert coupon is not None and template is not None
        shares = allocate(value, [amounts[i] for i in covered])
        for i, share in zip(covered, shares, strict=True):
            if share:
                amounts[i] -= share
                extra.setdefault(i, []).append(PriceReason(
                    ReasonKind.COUPON, 0, share, promotion_id=code,
                    promotion_version=template.version, label=template.name))
        uses.append(CouponUse(code, template.id, template.version, value,
                              tuple(basket.lines[i].line_no for i in covered)))
        in_sale.append(template)
        seen.add(code)
    lines = tuple(replace(ln, amount_fen=amounts[i], reasons=(*ln.reasons, *extra[i]))
                  if i in extra else ln for i, ln in enumerate(basket.lines))
    return promoted.with_lines(lines, items), tuple(uses)


def offline_coupon_allowed(value_fen: int, used_offline_fen: int, limit_fen: int) -> bool:
    """Offline, a coupon is taken within the rule set's allowance (like stored value): the
    coupons this till took since it last reached head office, this one included."""
    return used_offline_fen + value_fen <= limit_fen


def usable_coupons(coupons: Iterable[tuple[Coupon, CouponTemplate, CouponState]],
                   at: datetime, shop: str) -> list[tuple[Coupon, CouponTemplate]]:
    """A member's coupons that could be used here now (the basket decides the rest)."""
    out = []
    for c, t, s in coupons:
        if s.status is not CouponStatus.AVAILABLE:
            continue
        if c.valid_until is not None and at >= c.valid_until:
            continue
        if c.valid_from is not None and at < c.valid_from:
            continue
        if t.shops and shop not in t.shops:
            continue
        out.append((c, t))
    out.sort(key=lambda ct: (ct[0].valid_until or datetime.max, ct[0].code))
    return out


# -- plain-JSON forms ---------------------------------------------------------------------------

def _dt(v: Any) -> datetime | None:
    return datetime.fromisoformat(v) if v else None


def template_to_dict(t: CouponTemplate) -> dict[str, Any]:
    return {"id": t.id, "version": t.version, "name": t.name, "kind": t.kind.value,
            "amount_fen": t.amount_fen, "rate_bp": t.rate_bp, "cap_fen": t.cap_fen,
            "free_sku": t.free_sku, "threshold_fen": t.threshold_fen,
            "scope": scope_to_dict(t.scope), "include_special": t.include_special,
            "shops": sorted(t.shops),
            "valid_from": t.valid_from.isoformat() if t.valid_from else None,
            "valid_until": t.valid_until.isoformat() if t.valid_until else None,
            "valid_days": t.valid_days, "per_member_limit": t.per_member_limit,
            "stackable": t.stackable}


def template_from_dict(d: Mapping[str, Any]) -> CouponTemplate:
    """A coupon template from its plain form; ValidationFailed (naming the field) if unusable."""
    try:
        t = CouponTemplate(
            id=str(d["id"]), version=int(d["version"]), name=str(d.get("name", "")),
            kind=CouponKind(d["kind"]), amount_fen=int(d.get("amount_fen", 0)),
            rate_bp=int(d.get("rate_bp", BP_ONE)),
            cap_fen=int(d["cap_fen"]) if d.get("cap_fen") is not None else None,
            free_sku=d.get("free_sku") or None, threshold_fen=int(d.get("threshold_fen", 0)),
            scope=scope_from_dict(d.get("scope")),
            include_special=bool(d.get("include_special", False)),
            shops=frozenset(map(str, d.get("shops", ()))),
            valid_from=_dt(d.get("valid_from")), valid_until=_dt(d.get("valid_until")),
            valid_days=int(d["valid_days"]) if d.get("valid_days") is not None else None,
            per_member_limit=(int(d["per_member_limit"])
                              if d.get("per_member_limit") is not None else None),
            stackable=bool(d.get("stackable", False)))
    except ValidationFailed:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed("coupon_template", f"not a usable coupon template: {exc}") from None
    t.validate()
    return t


def coupon_to_dict(c: Coupon) -> dict[str, Any]:
    return {"code": c.code, "template_id": c.template_id,
            "template_version": c.template_version, "member_id": c.member_id,
            "issued_at": c.issued_at.isoformat(),
            "valid_from": c.valid_from.isoformat() if c.valid_from else None,
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            "source": c.source}


def coupon_from_dict(d: Mapping[str, Any]) -> Coupon:
    return Coupon(str(d["code"]), str(d["template_id"]), int(d.get("template_version", 1)),
                  d.get("member_id"), datetime.fromisoformat(d["issued_at"]),
                  _dt(d.get("valid_from")), _dt(d.get("valid_until")), str(d.get("source", "")))


def entry_to_dict(e: CouponEntry) -> dict[str, Any]:
    return {"code": e.code, "kind": e.kind.value, "at": e.at.isoformat(), "shop": e.shop,
            "sale_id": e.sale_id, "value_fen": e.value_fen, "note": e.note}


def entry_from_dict(d: Mapping[str, Any]) -> CouponEntry:
    return CouponEntry(str(d["code"]), CouponEntryKind(d["kind"]),
                       datetime.fromisoformat(d["at"]), str(d.get("shop", "")),
                       str(d.get("sale_id", "")), int(d.get("value_fen", 0)),
                       str(d.get("note", "")))
