"""Console users (admin): list, add, edit role/shop/name, switch off, set a new password,
reset a lost second factor. My account (everyone): change my password (the current one is
required), set up or replace my TOTP second factor (QR and secret, confirmed by a code)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from headoffice.console import users as svc
from headoffice.console.auth import ROLES, BadUserInput, Who
from headoffice.console.i18n import translator
from headoffice.console.periods import local_time
from headoffice.console.tills import qr_svg
from headoffice.console.web import SESSION_COOKIE, console_of, form_error, language, need
from headoffice.models import ShopRow

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("users", "/console/users", "Users")]
MESSAGES = tuple(f"role:{r}" for r in ROLES)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


def _roles(request: Request) -> list[tuple[str, str]]:
    _ = translator(language(request))
    return [(r, _("role:" + r)) for r in ROLES]


def _shops(console: Any) -> list[tuple[str, str]]:
    return console.read(lambda s: [(r.code, f"{r.code} {r.name}") for r in
                                   s.scalars(select(ShopRow).order_by(ShopRow.code))])


def _list(request: Request, who: Who, status: int = 200, **ctx: Any) -> Response:
    console = console_of(request)
    ctx.setdefault("errors", {})
    ctx.setdefault("values", {"role": "membership"})
    return console.render(request, who, "users.html", status=status,
                          rows=console.read(svc.user_rows), role_opts=_roles(request),
                          shops=_shops(console), now=console.now(), local_time=local_time,
                          **ctx)


@router.get("/users")
def users(request: Request, done: str = "", who: Who = need("users")) -> Response:
    _ = translator(language(request))
    return _list(request, who, flash={"added": _("User added.")}.get(done, ""))


@router.post("/users")
async def add_user(request: Request, who: Who = need("users.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    try:
        console.tx(lambda s: svc.create_user(s, console.now(), who, console.ho.ids.new_id(),
                                             form))
    except BadUserInput as exc:
        form.pop("password", None)
        form.pop("again", None)
        return _list(request, who, 422, errors=form_error(exc, translator(language(request))),
                     values=form)
    return RedirectResponse("/console/users?done=added", status_code=303)


def _edit(request: Request, who: Who, user_id: str, status: int = 200,
          values: dict[str, Any] | None = None, **ctx: Any) -> Response:
    console = console_of(request)

    def work(s: Session) -> dict[str, Any] | None:
        try:
            u = svc.get_user(s, user_id)
        except KeyError:
            return None
        shop = s.get(ShopRow, u.shop_id) if u.shop_id else None
        return {"u": u, "shop": shop.code if shop else ""}
    data = console.read(work)
    if data is None:
        return console.render(request, who, "not_found.html", status=404)
    u = data["u"]
    vals = values or {"display_name": u.display_name, "role": u.role, "shop": data["shop"],
                      "active": u.active}
    ctx.setdefault("errors", {})
    return console.render(request, who, "user_edit.html", status=status, u=u, values=vals,
                          role_opts=_roles(request), shops=_shops(console), now=console.now(),
                          **ctx)


@router.get("/users/{user_id}")
def user(request: Request, user_id: str, done: str = "", who: Who = need("users")) -> Response:
    _ = translator(language(request))
    return _edit(request, who, user_id[:36], flash={
        "saved": _("Saved."), "totp": _("Second factor removed: the user sets it up again "
                                        "from My account.")}.get(done, ""))


@router.post("/users/{user_id}")
async def edit_user(request: Request, user_id: str, who: Who = need("users.write")) -> Response:
    console = console_of(request)
    form = await _form(request)
    try:
        console.tx(lambda s: svc.update_user(s, console.now(), who, user_id[:36], form))
    except KeyError:
        return console.render(request, who, "not_found.html", status=404)
    except BadUserInput as exc:
        form.pop("password", None)
        form.pop("again", None)
        form["active"] = form.get("active") == "on"   # type: ignore[assignment]
        return _edit(request, who, user_id[:36], 422, values=form,
                     errors=form_error(exc, translator(language(request))))
    return RedirectResponse(f"/console/users/{user_id[:36]}?done=saved", status_code=303)


@router.post("/users/{user_id}/totp/reset")
def reset_totp(request: Request, user_id: str, who: Who = need("users.write")) -> Response:
    console = console_of(request)
    try:
        console.tx(lambda s: svc.reset_totp(s, console.now(), who, user_id[:36]))
    except KeyError:
        return console.render(request, who, "not_found.html", status=404)
    except BadUserInput as exc:
        return _edit(request, who, user_id[:36], 422,
                     errors=form_error(exc, translator(language(request))))
    return RedirectResponse(f"/console/users/{user_id[:36]}?done=totp", status_code=303)


# -- my account -----------------------------------------------------------------------------
def _account(request: Request, who: Who, status: int = 200, **ctx: Any) -> Response:
    console = console_of(request)
    pending, enabled = console.read(lambda s: svc.pending_totp(s, who))
    setup = None
    if pending:
        uri = svc.provisioning(pending, who.username)
        setup = {"secret": pending, "uri": uri, "qr": qr_svg(uri)}
    ctx.setdefault("errors", {})
    ctx.setdefault("values", {})
    return console.render(request, who, "account.html", status=status, setup=setup,
                          totp_on=enabled, **ctx)


@router.get("/account")
def account(request: Request, done: str = "", who: Who = need("account")) -> Response:
    _ = translator(language(request))
    return _account(request, who, flash={
        "password": _("Password changed. Your other sessions were signed out."),
        "totp": _("Second factor on: sign-in now asks for the code from your app.")}.get(done, ""))


@router.post("/account/password")
async def change_password(request: Request, who: Who = need("account")) -> Response:
    console = console_of(request)
    form = await _form(request)
    token = request.cookies.get(SESSION_COOKIE)

    def work(s: Session) -> dict[str, str] | None:
        try:
            svc.change_own_password(s, console.now(), who, form, token)
        except BadUserInput as exc:
            return form_error(exc, translator(language(request)))
        return None
    # A wrong current password counts towards the lockout: committed even though refused.
    errors = console.tx(work)
    if errors:
        return _account(request, who, 422, errors=errors)
    return RedirectResponse("/console/account?done=password", status_code=303)


@router.post("/account/totp")
def start_totp(request: Request, who: Who = need("account")) -> Response:
    console = console_of(request)
    console.tx(lambda s: svc.start_totp(s, console.now(), who))
    return RedirectResponse("/console/account#totp", status_code=303)


@router.post("/account/totp/confirm")
async def confirm_totp(request: Request, who: Who = need("account")) -> Response:
    console = console_of(request)
    form = await _form(request)
    try:
        console.tx(lambda s: svc.confirm_totp(s, console.now(), who, form.get("code", "")))
    except BadUserInput as exc:
        return _account(request, who, 422, errors=form_error(exc, translator(language(request))))
    return RedirectResponse("/console/account?done=totp", status_code=303)
