"""Catalog: categories and products, CSV import, per-shop prices, promotions, publishing."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from headoffice.console import catalog as svc
from headoffice.console.auth import BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.models import CatalogProductRow, PriceOverrideRow
from headoffice.console.periods import business_day
from headoffice.console.web import console_of, form_error, language, need
from headoffice.models import ShopRow
from pos_app.domain.errors import ImportRejected

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("catalog", "/console/catalog", "Catalog")]
MAX_UPLOAD = 50 * 1024 * 1024
MESSAGES = ("kind:regular", "kind:special", "kind:excluded", "scope:counter",
            "scope:category", "scope:product")


def _catalog_page(request: Request, who: Who, status: int = 200, **ctx: Any) -> Response:
    console = console_of(request)
    q = request.query_params.get("q", "")[:60]
    category = request.query_params.get("category", "")[:200]
    try:
        offset = max(0, int(request.query_params.get("offset", "0")))
    except ValueError:
        offset = 0

    def work(s: Session) -> dict[str, Any]:
        rows, total = svc.products(s, q, category, offset)
        return {"products": rows, "total": total, "categories": svc.categories(s),
                "pending": svc.pending(s), "promotions": svc.promotions(s),
                "shops": list(s.scalars(select(ShopRow).order_by(ShopRow.code)))}
    data = console.read(work)
    ctx.setdefault("errors", {})
    ctx.setdefault("values", {})
    return console.render(request, who, "catalog.html", status=status, q=q, category=category,
                          offset=offset, page=svc.PAGE, today=business_day(console.now()),
                          **data, **ctx)


@router.get("/catalog")
def catalog(request: Request, done: str = "", who: Who = need("catalog")) -> Response:
    _ = translator(language(request))
    flash = {"imported": _("Imported. Publish to send the changes to the tills."),
             "published": _("Published: tills get the changes on their next pull."),
             "promotion": _("Promotion saved. Publish to send it to the tills."),
             "ended": _("Promotion ended. Publish to send it to the tills.")}.get(done, "")
    return _catalog_page(request, who, flash=flash)


@router.post("/catalog/import")
async def import_csv(request: Request, who: Who = need("catalog.write")) -> Response:
    console = console_of(request)
    _ = translator(language(request))
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _catalog_page(request, who, 422, errors={"file": _("Choose a CSV file.")})
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _catalog_page(request, who, 422, errors={"file": _("The file is larger than 50 MB.")})
    try:
        console.tx(lambda s: svc.import_csv(s, console.now(), who, data))
    except ImportRejected as exc:
        return _catalog_page(request, who, 422, errors={"file": _(
            "The file was refused whole; nothing was imported. Correct these lines:")},
            import_problems=svc.problems_text(exc))
    return RedirectResponse("/console/catalog?done=imported", status_code=303)


@router.post("/catalog/publish")
def publish(request: Request, who: Who = need("catalog.write")) -> Response:
    console = console_of(request)
    console.tx(lambda s: svc.publish(s, console.now(), business_day(console.now()), who))
    return RedirectResponse("/console/catalog?done=published", status_code=303)


def _product_page(request: Request, who: Who, sku: str, status: int = 200,
                  errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                  flash: str = "") -> Response:
    console = console_of(request)

    def work(s: Session) -> dict[str, Any] | None:
        p = s.get(CatalogProductRow, sku)
        if p is None:
            return None
        shops = list(s.scalars(select(ShopRow).order_by(ShopRow.code)))
        overrides = {o.shop_id: o.price_fen for o in s.scalars(
            select(PriceOverrideRow).where(PriceOverrideRow.sku == sku))}
        return {"p": p, "shops": shops, "overrides": overrides}
    data = console.read(work)
    if data is None:
        return console.render(request, who, "not_found.html", status=404)
    p = data["p"]
    vals = values or {"name": p.name, "price": f"{p.price_fen // 100}.{p.price_fen % 100:02d}",
                      "kind": p.kind, "category_path": p.category_path, "barcode": p.barcode,
                      "active": p.active}
    return console.render(request, who, "product.html", status=status, errors=errors or {},
                          values=vals, flash=flash, **data)


@router.get("/catalog/products/{sku}")
def product(request: Request, sku: str, done: str = "", who: Who = need("catalog")) -> Response:
    _ = translator(language(request))
    return _product_page(request, who, sku[:40], flash=_("Saved. Publish to send it to the tills.")
                         if done else "")


@router.post("/catalog/products/{sku}")
async def edit_product(request: Request, sku: str, who: Who = need("catalog.write")) -> Response:
    console = console_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        console.tx(lambda s: svc.edit_product(s, console.now(), who, sku, form))
    except BadUserInput as exc:
        form["active"] = form.get("active") == "on"
        return _product_page(request, who, sku, 422, form_error(exc, translator(language(request))),
                             form)
    return RedirectResponse(f"/console/catalog/products/{sku}?done=saved", status_code=303)


@router.post("/catalog/products/{sku}/price")
async def override(request: Request, sku: str, who: Who = need("catalog.write")) -> Response:
    console = console_of(request)
    form = await request.form()
    try:
        console.tx(lambda s: svc.set_override(s, console.now(), who, sku,
                                              str(form.get("shop", "")),
                                              str(form.get("override_price", ""))))
    except BadUserInput as exc:
        return _product_page(request, who, sku, 422,
                             form_error(exc, translator(language(request))))
    return RedirectResponse(f"/console/catalog/products/{sku}?done=saved", status_code=303)


@router.post("/catalog/promotions")
async def add_promotion(request: Request, who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    raw = await request.form()
    form: dict[str, Any] = {k: str(v) for k, v in raw.items() if k != "shops"}
    form["shops"] = [str(v) for v in raw.getlist("shops")]
    try:
        console.tx(lambda s: svc.add_promotion(s, console.now(), business_day(console.now()),
                                               who, form))
    except BadUserInput as exc:
        return _catalog_page(request, who, 422,
                             errors=form_error(exc, translator(language(request))), values=form)
    return RedirectResponse("/console/catalog?done=promotion#promotions", status_code=303)


@router.post("/catalog/promotions/{pid}/end")
def end_promotion(request: Request, pid: str, who: Who = need("promotions.write")) -> Response:
    console = console_of(request)
    try:
        console.tx(lambda s: svc.end_promotion(s, console.now(), who, pid[:36]))
    except BadUserInput as exc:
        return _catalog_page(request, who, 422,
                             errors=form_error(exc, translator(language(request))))
    return RedirectResponse("/console/catalog?done=ended#promotions", status_code=303)
