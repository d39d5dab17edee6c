"""Sales reports by day, shop, cashier, tender or category, with Excel export; a shop
manager gets their own shop only, refused by the server for any other."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from headoffice.console import money as svc
from headoffice.console.auth import BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.periods import business_day
from headoffice.console.web import check_shop, console_of, form_error, language, need, no_store
from headoffice.models import ShopRow

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("reports", "/console/reports", "Reports")]
MESSAGES = (*(f"by:{d}" for d in svc.REPORT_DIMENSIONS),
            *(f"tender:{k}" for k in ("cash", "stored_value", "bank_card", "wechat", "alipay",
                                      "points")))


def _report(request: Request, who: Who, by: str, start_text: str, end_text: str,
            shop: str) -> tuple[dict[str, str], dict[str, object]]:
    console = console_of(request)
    if shop:
        check_shop(who, shop)
    shop_id = shop or who.shop_scope
    today = business_day(console.now())
    try:
        start, end = svc.parse_range(start_text, end_text, today)
        rows = console.read(lambda s: svc.sales_report(s, by, start, end, shop_id))
    except BadUserInput as exc:
        return form_error(exc, translator(language(request))), {"rows": [], "start": start_text,
                                                                "end": end_text}
    return {}, {"rows": rows, "start": start.isoformat(), "end": end.isoformat()}


@router.get("/reports")
def reports(request: Request, by: str = "day", start: str = "", end: str = "", shop: str = "",
            who: Who = need("reports")) -> Response:
    console = console_of(request)
    errors, data = _report(request, who, by, start[:10], end[:10], shop[:36])
    shops = console.read(lambda s: list(s.scalars(select(ShopRow).order_by(ShopRow.code))))
    if who.shop_scope:
        shops = [x for x in shops if x.id == who.shop_scope]
    return console.render(request, who, "reports.html", status=422 if errors else 200,
                          errors=errors, by=by, shop=shop, shops=shops,
                          dimensions=svc.REPORT_DIMENSIONS, **data)


@router.get("/reports.xlsx")
def reports_xlsx(request: Request, by: str = "day", start: str = "", end: str = "",
                 shop: str = "", who: Who = need("reports")) -> Response:
    errors, data = _report(request, who, by, start[:10], end[:10], shop[:36])
    if errors:
        return Response("; ".join(errors.values()), status_code=422, media_type="text/plain")
    _ = translator(language(request))
    body = svc.report_xlsx(_("by:" + by), [_("by:" + by), _("Transactions"), _("Sales (¥)")],
                           data["rows"])  # type: ignore[arg-type]
    scope = shop or who.shop_scope or "chain"
    response = Response(body, media_type="application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="sales-{by}-{scope}-{data["start"]}.xlsx"'})
    no_store(response)
    return response
