"""The catalog master at head office: 3-level categories, products, CSV import (the till's
own parsing rules), per-shop prices, percentage promotions on a counter (a top-level
category), a category or a product, and publishing all of it to the tills' feeds.

Publishing makes the feed documents match the master: a product's `catalog` document carries
its category path, barcode and `price_by_shop` (each shop's tills read their own price, see
headoffice.feeds.for_shop); a withdrawn product is published with `active: false`; each
promotion is its own engine document (`promo:hq-<id>`, a PRICE promotion with its window and
shops), so one product may have several at once and each till applies its own shop's."""
from __future__ import annotations

import json

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from headoffice.console.auth import BadUserInput, Who, audit
from headoffice.console.models import (
    AuditRow,
    CatalogProductRow,
    CategoryRow,
    PriceOverrideRow,
    PromotionRow,
)
from headoffice.feeds import emit
from headoffice.models import DocumentRow, ShopRow
from pos_app.domain.errors import ImportRejected, InvalidAmount
from pos_app.domain.money import BP_ONE, parse_rate, parse_yuan
from pos_app.domain.promotions import (
    Promotion,
    PromotionKind,
    Schedule,
    Scope,
    promotion_to_dict,
)
from pos_app.services.imports import parse_products

KINDS = ("regular", "special", "excluded")
SCOPES = ("counter", "category", "product")
PAGE = 100


def _ensure_categories(s: Session, path: tuple[str, ...]) -> str:
    for level in range(1, len(path) + 1):
        text = "/".join(path[:level])
        if s.get(CategoryRow, text) is None:
            s.add(CategoryRow(path=text, name=path[level - 1][:60], level=level,
                              parent_path="/".join(path[:level - 1]) or None))
    return "/".join(path)


def import_csv(s: Session, now: datetime, who: Who, data: bytes) -> int:
    """Every row or none: ImportRejected lists each bad line (UTF-8 with or without BOM, GBK)."""
    rows = parse_products(data)
    skus = [r.sku for r in rows]
    existing = {p.sku: p for i in range(0, len(skus), 1000)
                for p in s.scalars(select(CatalogProductRow)
                                   .where(CatalogProductRow.sku.in_(skus[i:i + 1000])))}
    barcodes = [r.barcode for r in rows if r.barcode]
    taken = dict(s.execute(select(CatalogProductRow.barcode, CatalogProductRow.sku).where(
        CatalogProductRow.barcode.in_(barcodes))).all()) if barcodes else {}
    problems = [(r.line, f"barcode {r.barcode} already belongs to sku {taken[r.barcode]}")
                for r in rows if r.barcode and taken.get(r.barcode, r.sku) != r.sku]
    if problems:
        raise ImportRejected(problems)
    changed = 0
    for r in rows:
        values = {"barcode": r.barcode, "name": r.name,
                  "category_path": _ensure_categories(s, r.category_path) if r.category_path
                  else "", "price_fen": r.price_fen, "kind": r.kind,
                  "pass_uses": r.pass_uses, "pass_valid_days": r.pass_valid_days, "active": True}
        p = existing.get(r.sku)
        if p is None:
            s.add(CatalogProductRow(sku=r.sku, updated_at=now, published_at=None, **values))
            changed += 1
        elif any(getattr(p, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(p, k, v)
            p.updated_at = now
            changed += 1
    s.flush()
    audit(s, now, who, None, "catalog.imported", f"{len(rows)} rows", None,
          {"rows": len(rows), "changed": changed})
    return changed


def categories(s: Session) -> list[CategoryRow]:
    return list(s.scalars(select(CategoryRow).order_by(CategoryRow.path)))


def products(s: Session, q: str, category: str, offset: int) -> tuple[list[CatalogProductRow], int]:
    query = select(CatalogProductRow)
    if q:
        like = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(CatalogProductRow.sku.like(like, escape="\\"),
                                CatalogProductRow.barcode == q,
                                CatalogProductRow.name.like(like, escape="\\")))
    if category:
        query = query.where(or_(CatalogProductRow.category_path == category,
                                CatalogProductRow.category_path.like(category + "/%")))
    total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(s.scalars(query.order_by(CatalogProductRow.sku).offset(offset).limit(PAGE))), total


def _snapshot(p: CatalogProductRow) -> dict[str, Any]:
    return {"name": p.name, "price_fen": p.price_fen, "kind": p.kind,
            "category_path": p.category_path, "barcode": p.barcode, "active": p.active}


def edit_product(s: Session, now: datetime, who: Who, sku: str, form: dict[str, str]) -> None:
    p = s.get(CatalogProductRow, sku, with_for_update=True)
    if p is None:
        raise BadUserInput("form", "Unknown product.")
    name = form.get("name", "").strip()
    if not name or len(name) > 120:
        raise BadUserInput("name", "Enter a name of 1 to 120 characters.")
    try:
        price = parse_yuan(form.get("price", ""))
    except InvalidAmount:
        raise BadUserInput("price", "Enter an amount in yuan, like 12.50.") from None
    if price < 0:
        raise BadUserInput("price", "Enter an amount in yuan, like 12.50.")
    kind = form.get("kind", "")
    if kind not in KINDS:
        raise BadUserInput("kind", "Choose a kind from the list.")
    path = tuple(x.strip() for x in form.get("category_path", "").split("/") if x.strip())
    if len(path) > 3 or any(len(x) > 60 for x in path):
        raise BadUserInput("category_path", "A category has at most three levels, like 食品/饮料/茶.")
    barcode = form.get("barcode", "").strip()
    if barcode and (not barcode.isdigit() or len(barcode) > 40):
        raise BadUserInput("barcode", "A barcode is digits only.")
    if barcode and s.scalar(select(CatalogProductRow.sku).where(
            CatalogProductRow.barcode == barcode, CatalogProductRow.sku != sku)):
        raise BadUserInput("barcode", "Another product has this barcode.")
    before = _snapshot(p)
    p.name, p.price_fen, p.kind, p.barcode = name, price, kind, barcode
    p.category_path = _ensure_categories(s, path) if path else ""
    p.active = form.get("active") == "on"
    p.updated_at = now
    s.flush()
    audit(s, now, who, None, "product.edited", sku, before, _snapshot(p))


def set_override(s: Session, now: datetime, who: Who, sku: str, shop_id: str,
                 price_text: str) -> None:
    """A shop's own price; an empty price removes it."""
    if s.get(CatalogProductRow, sku) is None:
        raise BadUserInput("form", "Unknown product.")
    if s.get(ShopRow, shop_id) is None:
        raise BadUserInput("shop", "Choose a shop from the list.")
    row = s.get(PriceOverrideRow, (sku, shop_id), with_for_update=True)
    before = row.price_fen if row else None
    if not price_text.strip():
        if row is not None:
            s.delete(row)
        after = None
    else:
        try:
            price = parse_yuan(price_text)
        except InvalidAmount:
            raise BadUserInput("override_price", "Enter an amount in yuan, like 12.50.") from None
        if price < 0:
            raise BadUserInput("override_price", "Enter an amount in yuan, like 12.50.")
        if row is None:
            s.add(PriceOverrideRow(sku=sku, shop_id=shop_id, price_fen=price, updated_at=now))
        else:
            row.price_fen, row.updated_at = price, now
        after = price
    s.flush()
    audit(s, now, who, None, "price.override", f"{sku}@{shop_id}", {"price_fen": before},
          {"price_fen": after}, shop_id=shop_id)


def add_promotion(s: Session, now: datetime, today: date, who: Who, form: dict[str, Any]
                  ) -> str:
    name = str(form.get("name", "")).strip()
    if not name or len(name) > 80:
        raise BadUserInput("name", "Enter a name of 1 to 80 characters.")
    scope = str(form.get("scope", ""))
    if scope not in SCOPES:
        raise BadUserInput("scope", "Choose counter, category or product.")
    target = str(form.get("target", "")).strip().strip("/")
    if scope == "product":
        if s.get(CatalogProductRow, target) is None:
            raise BadUserInput("target", "No product has this SKU.")
    else:
        cat = s.get(CategoryRow, target)
        if cat is None:
            raise BadUserInput("target", "No category has this path; pick one from the list.")
        if scope == "counter" and cat.level != 1:
            raise BadUserInput("target", "A counter is a top-level category.")
    try:
        rate = parse_rate(str(form.get("rate", "")))
    except InvalidAmount:
        raise BadUserInput("rate", "Write the rate as the share paid, like 0.8 for 8折.") from None
    if rate >= BP_ONE:
        raise BadUserInput("rate", "Write the rate as the share paid, like 0.8 for 8折.")
    try:
        start = date.fromisoformat(str(form.get("start", "")))
    except ValueError:
        raise BadUserInput("start", "Pick the first day.") from None
    try:
        end = date.fromisoformat(str(form.get("end", "")))
    except ValueError:
        raise BadUserInput("end", "Pick the last day.") from None
    if end < start:
        raise BadUserInput("end", "The last day is before the first day.")
    if end < today:
        raise BadUserInput("end", "This promotion would already be over.")
    shops = sorted({str(x) for x in form.get("shops", [])})
    known = set(s.scalars(select(ShopRow.code)))
    if not set(shops) <= known:
        raise BadUserInput("shops", "Choose shops from the list.")
    pid = str(uuid.uuid4())
    s.add(PromotionRow(id=pid, name=name, scope=scope, target=target, rate_bp=rate, start=start,
                       end=end, shops=json.dumps(shops), active=True, created_at=now,
                       updated_at=now))
    s.flush()
    audit(s, now, who, None, "promotion.added", pid, None,
          {"name": name, "scope": scope, "target": target, "rate_bp": rate,
           "start": start.isoformat(), "end": end.isoformat(), "shops": shops})
    return pid


def end_promotion(s: Session, now: datetime, who: Who, pid: str) -> None:
    p = s.get(PromotionRow, pid, with_for_update=True)
    if p is None or not p.active:
        raise BadUserInput("form", "This promotion is already ended.")
    p.active, p.updated_at = False, now
    audit(s, now, who, None, "promotion.ended", pid, {"active": True}, {"active": False})


def promotions(s: Session) -> list[PromotionRow]:
    return list(s.scalars(select(PromotionRow).order_by(PromotionRow.active.desc(),
                                                        PromotionRow.start.desc())))


# -- publishing -----------------------------------------------------------------------------
def _desired_catalog(s: Session) -> dict[str, dict[str, Any]]:
    codes = {r.id: r.code for r in s.scalars(select(ShopRow))}
    overrides: dict[str, dict[str, int]] = {}
    for o in s.scalars(select(PriceOverrideRow)):
        overrides.setdefault(o.sku, {})[codes[o.shop_id]] = o.price_fen
    out = {}
    for p in s.scalars(select(CatalogProductRow)):
        body: dict[str, Any] = {"sku": p.sku, "name": p.name, "price_fen": p.price_fen,
                                "kind": p.kind, "active": p.active, "category": p.category_path,
                                "barcodes": [p.barcode] if p.barcode else [],
                                "pass_uses": p.pass_uses, "pass_valid_days": p.pass_valid_days}
        if p.sku in overrides:
            body["price_by_shop"] = dict(sorted(overrides[p.sku].items()))
        out[p.sku] = body
    return out


HQ_PROMO = "promo:hq-"   # feed key prefix of the catalog page's promotions


def _engine_promotion(p: PromotionRow, version: int) -> Promotion:
    """A catalog-page promotion as the promotion engine reads it: a PRICE promotion on a
    product or a category (a counter is its top-level category), on from the first day's
    00:00 to the day after the last (the chain's wall clock), limited to its shops."""
    scope = (Scope(skus=frozenset({p.target})) if p.scope == "product"
             else Scope(categories=frozenset({p.target})))
    return Promotion(id=f"hq-{p.id}", version=version, kind=PromotionKind.PRICE, name=p.name,
                     scope=scope, schedule=Schedule(
                         start=datetime.combine(p.start, time()),
                         end=datetime.combine(p.end + timedelta(days=1), time())),
                     shops=frozenset(json.loads(p.shops)), rate_bp=p.rate_bp)


def _sync_promotions(s: Session, today: date, now: datetime) -> int:
    """Each catalog-page promotion is its own engine document (`promo:hq-<id>`), so a product
    may have any number of promotions at once — other shops, other windows — and each till
    applies those of its own shop and day (the engine picks the best for the customer when
    two overlap). Ended or lapsed ones are withdrawn. The old one-per-product documents
    (key = sku, read into the product's own promo_rate) are cleared."""
    current = {d.key: d for d in s.scalars(select(DocumentRow).where(
        DocumentRow.stream == "promotions"))}
    keys: list[str] = []
    for p in s.scalars(select(PromotionRow)):
        key = HQ_PROMO + p.id
        live = p.active and p.end >= today
        d = current.get(key)
        if d is None and not live:
            continue
        old = json.loads(d.body) if d is not None else None
        version = int(old["promotion"]["version"]) if old else 1
        body: dict[str, Any] = {"promotion": promotion_to_dict(_engine_promotion(p, version))}
        if not live:
            body["withdrawn"] = True
        if body == old:
            continue
        if old is not None:
            body["promotion"]["version"] = version + 1
        text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        if d is None:
            s.add(DocumentRow(stream="promotions", key=key, body=text, version=1,
                              updated_at=now))
        else:
            d.body, d.version, d.updated_at = text, d.version + 1, now
        keys.append(key)
    for key, d in current.items():
        if ":" in key:
            continue                      # engine documents: promotions page, coupons, ...
        body = _no_promotion(json.loads(d.body))
        if body is not None:
            d.body = json.dumps(body, ensure_ascii=False, sort_keys=True)
            d.version, d.updated_at = d.version + 1, now
            keys.append(key)
    s.flush()
    emit(s, "promotions", keys)
    return len(keys)


def _sync_documents(s: Session, stream: str, desired: dict[str, dict[str, Any]],
                    tombstone: Any, now: datetime) -> int:
    current = {d.key: d for d in s.scalars(select(DocumentRow).where(DocumentRow.stream == stream))}
    keys = []
    for key, body in desired.items():
        text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        d = current.get(key)
        if d is None:
            s.add(DocumentRow(stream=stream, key=key, body=text, version=1, updated_at=now))
        elif d.body != text:
            d.body, d.version, d.updated_at = text, d.version + 1, now
        else:
            continue
        keys.append(key)
    for key, d in current.items():
        if key not in desired and tombstone is not None:
            body = tombstone(json.loads(d.body))
            text = json.dumps(body, ensure_ascii=False, sort_keys=True)
            if body is not None and d.body != text:
                d.body, d.version, d.updated_at = text, d.version + 1, now
                keys.append(key)
    s.flush()
    emit(s, stream, keys)
    return len(keys)


def _no_promotion(body: dict[str, Any]) -> dict[str, Any] | None:
    if body.get("rate_bp") is None:
        return None
    return {"sku": body.get("sku"), "rate_bp": None, "start": None, "end": None, "shops": []}


def publish(s: Session, now: datetime, today: date, who: Who) -> dict[str, int]:
    """Bring the catalog and promotions feeds in line with the master, in one transaction."""
    counts = {"catalog": _sync_documents(s, "catalog", _desired_catalog(s), None, now)}
    s.execute(CatalogProductRow.__table__.update().values(published_at=now))
    counts["promotions"] = _sync_promotions(s, today, now)
    audit(s, now, who, None, "catalog.published", "catalog", None, counts)
    return counts


def pending(s: Session) -> int:
    """Changes made since the last publish (products, shop prices, promotions)."""
    last = s.scalar(select(func.max(AuditRow.at)).where(AuditRow.action == "catalog.published"))
    n = s.scalar(select(func.count()).select_from(CatalogProductRow).where(or_(
        CatalogProductRow.published_at.is_(None),
        CatalogProductRow.updated_at > CatalogProductRow.published_at))) or 0
    if last is None:
        n += (s.scalar(select(func.count()).select_from(PriceOverrideRow)) or 0)
        n += (s.scalar(select(func.count()).select_from(PromotionRow)) or 0)
    else:
        n += s.scalar(select(func.count()).select_from(PriceOverrideRow)
                      .where(PriceOverrideRow.updated_at > last)) or 0
        n += s.scalar(select(func.count()).select_from(PromotionRow)
                      .where(PromotionRow.updated_at > last)) or 0
        n += s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.at > last, AuditRow.action == "price.override")) or 0
    return int(n)


def problems_text(exc: ImportRejected) -> list[tuple[int, str]]:
    return [(int(line), str(reason)) for line, reason in exc.problems][:200]



