"""Money: the monthly stored-value settlement (close, Excel, entries) and the worklist."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from headoffice.console import money as svc
from headoffice.console.auth import BadUserInput, Who, audit
from headoffice.console.i18n import translator
from headoffice.console.periods import business_day, local_time
from headoffice.console.web import console_of, form_error, language, need, no_store
from headoffice.settlement import SettlementNotDue, settle

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("money", "/console/money", "Settlement"), ("worklist", "/console/worklist", "Worklist")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _last_month(request: Request) -> str:
    today = business_day(console_of(request).now())
    first = today.replace(day=1)
    prev = first.replace(year=first.year - 1, month=12) if first.month == 1 else \
        first.replace(month=first.month - 1)
    return prev.strftime("%Y-%m")


@router.get("/money")
def settlement(request: Request, period: str = "", done: str = "",
               who: Who = need("money")) -> Response:
    console = console_of(request)
    _ = translator(language(request))
    period = period or _last_month(request)
    try:
        svc.check_period(period)
    except BadUserInput as exc:
        return console.render(request, who, "money.html", status=422, period=period,
                              errors=form_error(exc, _), doc=None, is_closed=False)
    doc = console.read(lambda s: svc.closed(s, period))
    is_closed = doc is not None
    if doc is None:
        doc = console.read(lambda s: svc.preview(s, period))
    flash = _("Month closed: the settlement is final.") if done == "closed" else ""
    return console.render(request, who, "money.html", period=period, doc=doc,
                          is_closed=is_closed, flash=flash)


@router.post("/money/{period}/close")
def close(request: Request, period: str, who: Who = need("money.write")) -> Response:
    console = console_of(request)
    _ = translator(language(request))
    try:
        svc.check_period(period)
        if console.read(lambda s: svc.closed(s, period)) is not None:
            raise BadUserInput("period", "This month is already closed.")
        try:
            doc = settle(console.ho, period)
        except SettlementNotDue:
            raise BadUserInput("period", "The month is not over yet: it can be closed from the 1st of the next month.") from None
    except BadUserInput as exc:
        doc = console.read(lambda s: svc.preview(s, period)) if len(period) == 7 else None
        return console.render(request, who, "money.html", status=422, period=period, doc=doc,
                              is_closed=False, errors=form_error(exc, _))
    console.tx(lambda s: audit(s, console.now(), who, None, "settlement.closed", period, None,
                               {"net": doc["net"]}))
    return RedirectResponse(f"/console/money?period={period}&done=closed", status_code=303)


@router.get("/money/{period}.xlsx")
def settlement_xlsx(request: Request, period: str, who: Who = need("money")) -> Response:
    console = console_of(request)
    try:
        svc.check_period(period)
    except BadUserInput:
        return Response(status_code=404)
    doc = console.read(lambda s: svc.closed(s, period))
    if doc is None:
        return Response("close the month first", status_code=409, media_type="text/plain")
    response = Response(svc.settlement_xlsx(doc), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="settlement-{period}.xlsx"'})
    no_store(response)
    return response


@router.get("/money/{period}/entries")
def entries(request: Request, period: str, shop: str, offset: int = 0,
            who: Who = need("money")) -> Response:
    console = console_of(request)
    try:
        svc.check_period(period)
        rows = console.read(lambda s: svc.entries(s, period, shop[:32], max(0, offset)))
    except BadUserInput:
        return console.render(request, who, "not_found.html", status=404)
    return console.render(request, who, "entries.html", period=period, shop=shop, rows=rows,
                          offset=offset, page=svc.ENTRY_PAGE)


@router.get("/worklist")
def worklist(request: Request, show: str = "open", who: Who = need("worklist")) -> Response:
    console = console_of(request)
    data = console.read(lambda s: svc.worklist(s, show, who.shop_scope))
    return console.render(request, who, "worklist.html", show=show, local_time=local_time,
                          **data)


@router.post("/worklist/{kind}/{item_id}")
async def note(request: Request, kind: str, item_id: int,
               who: Who = need("worklist.write")) -> Response:
    console = console_of(request)
    form = await request.form()
    try:
        console.tx(lambda s: svc.add_note(s, console.now(), who, kind, item_id,
                                          str(form.get("comment", "")),
                                          form.get("resolve") == "on"))
    except BadUserInput as exc:
        data = console.read(lambda s: svc.worklist(s, "open", who.shop_scope))
        return console.render(request, who, "worklist.html", status=422, show="open",
                              local_time=local_time,
                              errors=form_error(exc, translator(language(request))), **data)
    return RedirectResponse("/console/worklist", status_code=303)



