"""Promotions and coupons at the till: the book in force, pricing a sale with its coupons,
and booking what a completed sale did to coupons (in the sale's own unit of work)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.coupons import (
    Coupon,
    CouponEntry,
    CouponEntryKind,
    CouponNotUsable,
    CouponRefusal,
    CouponState,
    CouponStatus,
    CouponTemplate,
    CouponUse,
    apply_coupons,
    coupon_code_from_scan,
    coupon_to_dict,
    entry_to_dict,
    issue_coupon,
    usable_coupons,
)
from pos_app.domain.pricing import BasketItem
from pos_app.domain.promotions import (
    PromotedBasket,
    PromotionBook,
    price_with_promotions,
    stacking_of,
)
from pos_app.domain.rules import RuleSet, Tier
from pos_app.ports.clock import IdSource
from pos_app.ports.store import UnitOfWork

LOCAL = "till:"


def load_book(uow: UnitOfWork, rules: RuleSet, at: datetime) -> PromotionBook:
    """The promotions not yet ended at `at`, with the rule set's stacking policy."""
    return PromotionBook(tuple(uow.promotions.current(at)), stacking_of(rules))


@dataclass(frozen=True)
class CouponOffer:
    """A coupon the member holds that could be used here now (the basket decides the rest)."""

    code: str
    name: str
    template_id: str
    valid_until: datetime | None


def member_offers(uow: UnitOfWork, member_id: str, at: datetime, shop: str
                  ) -> tuple[CouponOffer, ...]:
    rows = uow.promotions.coupons_of(member_id)
    return tuple(CouponOffer(c.code, t.name, t.id, c.valid_until)
                 for c, t in usable_coupons(rows, at, shop))


CouponRow = tuple[Coupon | None, CouponTemplate | None, CouponState, str]


def coupon_rows(uow: UnitOfWork, codes: Sequence[str]) -> list[CouponRow]:
    out: list[CouponRow] = []
    for code in codes:
        found = uow.promotions.find_coupon(code)
        if found is None:
            out.append((None, None, CouponState(code, CouponStatus.UNKNOWN), code))
        else:
            out.append((found[0], found[1], found[2], code))
    return out


def price_with_coupons(items: Sequence[BasketItem], rules: RuleSet, tier: Tier | None,
                       at: datetime, shop: str, book: PromotionBook, pass_lines: Sequence[int],
                       rows: Sequence[CouponRow], member_id: str | None
                       ) -> tuple[PromotedBasket, tuple[CouponUse, ...]]:
    """Every promotion, then the coupons; CouponNotUsable says why a coupon does not apply."""
    promoted = price_with_promotions(items, rules, tier, at, shop, book, pass_lines)
    if not rows:
        return promoted, ()
    return apply_coupons(promoted, items, rows, at, shop, member_id, book.stacking)


def normalise_code(text: str) -> str:
    code = coupon_code_from_scan(text)
    if not code:
        raise CouponNotUsable(text, CouponRefusal.UNKNOWN)
    return code


@dataclass(frozen=True)
class CouponBooking:
    redeemed: tuple[CouponEntry, ...]
    issued: tuple[Coupon, ...]


def book_sale_coupons(uow: UnitOfWork, ids: IdSource, rules: RuleSet, uses: Sequence[CouponUse],
                      promoted: PromotedBasket, sale_id: str, shop: str, member_id: str | None,
                      at: datetime) -> CouponBooking:
    """Redeem the coupons a sale used (within the till's allowance of coupons head office has
    not yet confirmed) and issue the coupons its 满送 promotions give the member."""
    value = sum(u.value_fen for u in uses)
    if value:
        exposure = uow.promotions.unconfirmed_redemptions_fen()
        if exposure + value > rules.coupon_offline_limit_fen:
            raise CouponNotUsable(uses[-1].code, CouponRefusal.OFFLINE_LIMIT,
                                  exposure + value - rules.coupon_offline_limit_fen)
    redeemed = []
    for u in uses:
        e = CouponEntry(u.code, CouponEntryKind.REDEEMED, at, shop, sale_id, u.value_fen)
        uow.promotions.add_entry(f"{LOCAL}redeemed:{u.code}:{sale_id}", e)
        redeemed.append(e)
    issued = []
    if member_id is not None:
        for r in promoted.rewards:
            if not r.coupon_template_id:
                continue
            template = uow.promotions.template(r.coupon_template_id)
            if template is None:
                continue  # not yet pulled from head office: head office issues it on booking
            held = sum(1 for c, t, _ in uow.promotions.coupons_of(member_id)
                       if t.id == template.id)
            for _ in range(r.times):
                if template.per_member_limit is not None and held >= template.per_member_limit:
                    break
                c = issue_coupon(template, ids.new_id(), member_id, at,
                                 f"promotion:{r.promotion_id}", held)
                uow.promotions.add_coupon(c)
                issued.append(c)
                held += 1
    return CouponBooking(tuple(redeemed), tuple(issued))


def coupon_payload(booked: CouponBooking) -> dict[str, object]:
    """What the sale's outbox event carries about coupons (head office books them)."""
    if not booked.redeemed and not booked.issued:
        return {}
    return {"coupon_entries": [entry_to_dict(e) for e in booked.redeemed],
            "coupons_issued": [coupon_to_dict(c) for c in booked.issued]}
