"""Plain-JSON forms of domain snapshots (stored sales, outbox payloads, held baskets)."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from pos_app.domain.catalog import ProductKind
from pos_app.domain.pricing import PricedLine, PriceReason, ReasonKind
from pos_app.domain.sale import (
    CompletedSale,
    MemberOnSale,
    PassBalance,
    SaleCoupon,
    SaleKind,
    SalePromotion,
)
from pos_app.domain.tenders import Tender, TenderKind


def to_jsonable(value: Any) -> Any:
    """Dataclasses to dicts, enums to values, dates to ISO text; everything else as is."""
    if value is None or type(value) in (int, str, bool):
        return value
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: to_jsonable(getattr(value, name)) for name in fields}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def line_from_dict(d: dict[str, Any]) -> PricedLine:
    return PricedLine(
        line_no=d["line_no"], product_id=d["product_id"], sku=d["sku"], barcode=d.get("barcode"),
        name=d["name"], kind=ProductKind(d["kind"]), qty=d["qty"],
        unit_price_fen=d["unit_price_fen"], gross_fen=d["gross_fen"], amount_fen=d["amount_fen"],
        reasons=tuple(PriceReason(ReasonKind(r["kind"]), r["rate_bp"], r["discount_fen"],
                                  r.get("tier_code", ""), r.get("promotion_id", ""),
                                  r.get("promotion_version", 0), r.get("label", ""))
                      for r in d["reasons"]),
        earns_points=d["earns_points"], redeemed_points=d.get("redeemed_points", 0))


def tender_from_dict(d: dict[str, Any]) -> Tender:
    return Tender(TenderKind(d["kind"]), d["amount_fen"], d.get("received_fen", 0),
                  d.get("reference", ""), d.get("points_used", 0), d.get("sv_paid_fen", 0),
                  d.get("sv_bonus_fen", 0))


def sale_from_dict(d: dict[str, Any]) -> CompletedSale:
    m = d.get("member")
    member = None
    if m:
        member = MemberOnSale(**{**m, "passes": tuple(PassBalance(**p) for p in m["passes"])})
    return CompletedSale(
        sale_id=d["sale_id"], receipt_no=d["receipt_no"], kind=SaleKind(d["kind"]),
        shop_code=d["shop_code"], till_code=d["till_code"], cashier_name=d["cashier_name"],
        created_at=datetime.fromisoformat(d["created_at"]), rule_version=d["rule_version"],
        lines=tuple(line_from_dict(x) for x in d["lines"]),
        tenders=tuple(tender_from_dict(x) for x in d["tenders"]),
        change_fen=d["change_fen"], rounding_fen=d["rounding_fen"], member=member,
        original_receipt_no=d.get("original_receipt_no"),
        reprint_count=d.get("reprint_count", 0),
        receipt_link=d.get("receipt_link", ""),
        promotions=tuple(SalePromotion(**p) for p in d.get("promotions", ())),
        coupons=tuple(SaleCoupon(**c) for c in d.get("coupons", ())),
        coupons_issued=tuple(d.get("coupons_issued", ())),
        gifts=tuple((str(g[0]), int(g[1])) for g in d.get("gifts", ())),
        forfeited_fen=int(d.get("forfeited_fen", 0) or 0))
