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
    return_entry,
    usable_coupons,
)
from pos_app.domain.pricing import BasketItem, PricedBasket, ReasonKind
from pos_app.domain.promotions import (
    PromotedBasket,
    PromotionBook,
    PromotionKind,
    SpendTerms,
    discount_clawback,
    price_with_promotions,
    stacking_of,
)
from pos_app.domain.rules import RuleSet, Tier
from pos_app.domain.sale import CompletedSale, SaleCoupon, SalePromotion
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


def sale_promotions(promoted: PromotedBasket, book: PromotionBook) -> tuple[SalePromotion, ...]:
    """The promotions a sale used, with the 满减 terms a later partial return is judged by."""
    by_id = {p.id: p for p in book.promotions}
    out = []
    for a in promoted.applied:
        p = by_id.get(a.promotion_id)
        spend = p is not None and p.kind is PromotionKind.SPEND_SAVE
        out.append(SalePromotion(a.promotion_id, a.version, a.kind, a.name, a.saved_fen,
                                 p.threshold_fen if spend and p else 0,
                                 p.save_fen if spend and p else 0,
                                 bool(p.repeat) if spend and p else False,
                                 p.max_repeats if spend and p else None))
    return tuple(out)


def sale_coupons(uses: Sequence[CouponUse], rows: Sequence[CouponRow],
                 basket: PricedBasket) -> tuple[SaleCoupon, ...]:
    templates = {code: t for _, t, _, code in rows}
    out = []
    for u in uses:
        t = templates.get(u.code)
        name = next((r.label for ln in basket.lines for r in ln.reasons
                     if r.kind is ReasonKind.COUPON and r.promotion_id == u.code), "")
        out.append(SaleCoupon(u.code, u.template_id, u.template_version, u.value_fen, name,
                              t.threshold_fen if t else 0))
    return tuple(out)


def return_terms(sale: CompletedSale) -> dict[str, SpendTerms]:
    """The spend thresholds of a finished sale (满减 by promotion id, coupons by code)."""
    terms = {p.promotion_id: SpendTerms(p.threshold_fen, p.save_fen, p.repeat, p.max_repeats)
             for p in sale.promotions if p.threshold_fen > 0}
    terms.update({c.code: SpendTerms(c.threshold_fen) for c in sale.coupons
                  if c.threshold_fen > 0})
    return terms


def return_adjustment(sale: CompletedSale, kept_before: Sequence[int],
                      kept_after: Sequence[int]) -> int:
    """How much less (positive) or more (negative) this return refunds than the returned
    lines' amounts, so that the kept goods pay for the thresholds they no longer reach."""
    terms = return_terms(sale)
    if not terms:
        return 0
    return (discount_clawback(sale.lines, kept_after, terms)
            - discount_clawback(sale.lines, kept_before, terms))


def returned_coupon_entries(uow: UnitOfWork, sale: CompletedSale, original_sale_id: str,
                            at: datetime) -> list[CouponEntry]:
    """A whole return gives back every coupon the sale used that is still valid (a coupon
    past its window stays used: its value is never refunded as cash)."""
    out = []
    for c in sale.coupons:
        found = uow.promotions.find_coupon(c.code)
        if found is None:
            continue
        e = return_entry(found[0], found[2], original_sale_id, at)
        if e is not None and uow.promotions.add_entry(
                f"{LOCAL}returned:{c.code}:{original_sale_id}", e):
            out.append(e)
    return out


def registration_coupons(uow: UnitOfWork, ids: IdSource, rules: RuleSet, member_id: str,
                         at: datetime) -> tuple[Coupon, ...]:
    """The welcome coupon(s) a new member gets, if the rule set names a template."""
    template_id = rules.registration_coupon_template
    if not template_id:
        return ()
    template = uow.promotions.template(template_id)
    if template is None:
        return ()   # not pulled yet: nothing half-done, head office can issue it later
    c = issue_coupon(template, ids.new_id(), member_id, at, "registration")
    uow.promotions.add_coupon(c)
    return (c,)
