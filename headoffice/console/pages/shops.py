"""Shops and tills: list, add, enrolment code as text and QR, revoke."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from headoffice.console import tills as svc
from headoffice.console.auth import BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.periods import local_time
from headoffice.console.web import check_shop, console_of, form_error, language, need

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("shops", "/console/shops", "Shops and tills")]
MESSAGES = ("till:revoked", "till:enrolled", "till:waiting")


def _page(request: Request, who: Who, status: int = 200, **ctx: Any) -> Response:
    console = console_of(request)
    rows = console.read(lambda s: svc.shops_and_tills(s, who.shop_scope))
    ctx.setdefault("errors", {})
    ctx.setdefault("values", {})
    return console.render(request, who, "shops.html", status=status, rows=rows,
                          now=console.now(), local_time=local_time, **ctx)


@router.get("/shops")
def shops(request: Request, done: str = "", who: Who = need("shops")) -> Response:
    _ = translator(language(request))
    return _page(request, who, flash={"shop": _("Shop added."), "revoked": _(
        "Till revoked: its key is refused from now on.")}.get(done, ""))


@router.get("/shops/{shop_id}")
def shop(request: Request, shop_id: str, who: Who = need("shops")) -> Response:
    """One shop's tills (a shop manager may open their own shop only)."""
    check_shop(who, shop_id)
    console = console_of(request)
    rows = console.read(lambda s: [r for r in svc.shops_and_tills(s, None)
                                   if r["shop"].id == shop_id])
    if not rows:
        return console.render(request, who, "not_found.html", status=404)
    return console.render(request, who, "shops.html", rows=rows, now=console.now(),
                          local_time=local_time, single=True)


@router.post("/shops")
async def add_shop(request: Request, who: Who = need("shops.write")) -> Response:
    console = console_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        console.tx(lambda s: svc.add_shop(console.ho, s, who, form.get("code", ""),
                                          form.get("shop_name", "")))
    except BadUserInput as exc:
        return _page(request, who, 422, errors=form_error(exc, translator(language(request))),
                     values=form)
    return RedirectResponse("/console/shops?done=shop", status_code=303)


@router.post("/shops/tills")
async def add_till(request: Request, who: Who = need("shops.write")) -> Response:
    console = console_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        code = svc.add_till(console.ho, who, form.get("shop", ""), form.get("till", ""))
    except BadUserInput as exc:
        return _page(request, who, 422, errors=form_error(exc, translator(language(request))),
                     values=form)
    # Shown once, on this response only; head office keeps its hash.
    return _page(request, who, enrolment={"shop": form["shop"], "till": form["till"].strip(),
                                          "code": code, "qr": svc.qr_svg(code)})


@router.post("/shops/tills/{till_id}/revoke")
def revoke(request: Request, till_id: str, who: Who = need("shops.write")) -> Response:
    console = console_of(request)
    try:
        console.tx(lambda s: svc.revoke(console.ho, s, who, till_id[:36]))
    except BadUserInput as exc:
        return _page(request, who, 422, errors=form_error(exc, translator(language(request))))
    return RedirectResponse("/console/shops?done=revoked", status_code=303)



