"""The console's HTTP plumbing: the Console object on app.state, who is signed in, CSRF,
permissions, rendering, sign-in/out, the language switch and the static files."""
from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from headoffice.console import auth
from headoffice.console.auth import BadUserInput, SignInRefused, Who
from headoffice.console.i18n import LANGUAGES, pick, translator
from headoffice.console.periods import local_time

HERE = Path(__file__).resolve().parent
WEB = HERE.parent / "web" / "node_modules"
VENDOR = {"htmx.js": WEB / "htmx.org" / "dist" / "htmx.min.js",
          "echarts.js": WEB / "echarts" / "dist" / "echarts.min.js"}
SESSION_COOKIE = "hq_session"
PRE_COOKIE = "hq_pre"
LANG_COOKIE = "hq_lang"
T = TypeVar("T")


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, why: str = "") -> None:
        super().__init__(why)
        self.why = why


def yuan(fen: Any) -> str:
    """Fen as yuan text with two decimals (exact: Decimal, never float)."""
    if fen is None:
        return ""
    return f"{Decimal(int(fen)).scaleb(-2):,.2f}"


def cny(fen: Any) -> str:
    """¥12.50, −¥3.00: the sign before the currency symbol."""
    if fen is None:
        return ""
    return ("-¥" if int(fen) < 0 else "¥") + yuan(abs(int(fen)))


def bp_rate(bp: Any) -> str:
    """Basis points as a 折 rate, 8800 -> 0.88."""
    return f"{Decimal(int(bp)).scaleb(-4):.4f}".rstrip("0").rstrip(".") if bp is not None else ""


class Console:
    """What every console page needs: the head office, templates, nav, cookie settings."""

    def __init__(self, ho: Any, *, secure_cookies: bool = True) -> None:
        self.ho = ho
        self.secure_cookies = secure_cookies
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters["yuan"] = yuan
        self.templates.env.filters["cny"] = cny
        self.templates.env.filters["rate"] = bp_rate
        self.templates.env.filters["fromjson"] = json.loads
        self.templates.env.filters["zip"] = lambda a, b: zip(a, b)
        self.nav: list[tuple[str, str, str]] = []   # (permission, href, label)
        self.cache: dict[str, Any] = {}              # short-lived figures (dashboard)

    def now(self) -> datetime:
        return self.ho.clock()

    def tx(self, work: Callable[[Session], T]) -> T:
        return self.ho.transaction(work)

    def read(self, work: Callable[[Session], T]) -> T:
        with self.ho.sessions() as s:
            return work(s)

    def render(self, request: Request, who: Who | None, template: str,
               status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = language(request)
        response = self.templates.TemplateResponse(request, template, {
            "_": translator(lang), "lang": lang, "who": who,
            "csrf": who.csrf if who else ctx.pop("pre_csrf", ""),
            "nav": [(h, label) for perm, h, label in self.nav if who and who.can(perm)],
            "path": request.url.path, "errors": {}, "values": {}, **ctx}, status_code=status)
        no_store(response)
        return response

    def set_cookie(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True,
                            secure=self.secure_cookies, samesite="strict")


def no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'")


def language(request: Request) -> str:
    return pick(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def console_of(request: Request) -> Console:
    return request.app.state.console


async def _signed_in(request: Request) -> Who:
    console = console_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    who = console.tx(lambda s: auth.session_user(s, console.now(), token))
    if who is None:
        raise NotSignedIn()
    if request.method not in ("GET", "HEAD"):
        given = request.headers.get("x-csrf-token")
        if not given and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            given = (await request.form()).get("csrf")
        if not auth.csrf_ok(who.csrf, given if isinstance(given, str) else None):
            raise Forbidden("csrf")
    return who


def need(permission: str) -> Any:
    """A dependency: the signed-in person, refused (403) without `permission`; for anything
    but GET, also refused without the session's CSRF token."""
    async def dep(request: Request) -> Who:
        who = await _signed_in(request)
        if not who.can(permission):
            raise Forbidden(permission)
        return who
    return Depends(dep)


def check_shop(who: Who, shop_id: str | None) -> None:
    """A shop manager may look at their own shop only; the server refuses the rest."""
    scope = who.shop_scope
    if scope is not None and shop_id != scope:
        raise Forbidden("shop")


def form_error(exc: BadUserInput, _: Callable[..., str]) -> dict[str, str]:
    return {exc.field: _(exc.message, **exc.params)}


router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/console/") -> Response:
    console = console_of(request)
    pre = secrets.token_urlsafe(24)
    response = console.render(request, None, "login.html", pre_csrf=pre, next=_safe_next(next))
    console.set_cookie(response, PRE_COOKIE, pre, 1800)
    return response


def _safe_next(url: str) -> str:
    return url if url.startswith("/console/") and "//" not in url[1:] else "/console/"


def _refusal(reason: str, until: datetime | None, _: Callable[..., str]) -> str:
    if reason == "locked":
        return _("Too many failed attempts: this account is locked until {until}. "
                 "Try again later or ask an administrator.",
                 until=local_time(until) if until else "")
    if reason == "bad_code":
        return _("The 6-digit code is wrong or expired. Enter the code your app shows now.")
    if reason == "inactive":
        return _("This account is switched off. Ask an administrator.")
    return _("User name or password is wrong.")


@router.post("/login")
async def login(request: Request) -> Response:
    console = console_of(request)
    form = await request.form()
    pre = request.cookies.get(PRE_COOKIE)
    if not pre or not auth.csrf_ok(pre, str(form.get("csrf", ""))):
        raise Forbidden("csrf")
    _ = translator(language(request))
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    nxt = _safe_next(str(form.get("next", "/console/")))
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = _("Enter your user name.")
    if not password:
        errors["password"] = _("Enter your password.")
    if not errors:
        def work(s: Session) -> tuple[str | None, str | None, datetime | None, bool]:
            try:
                user = auth.verify_password(s, console.now(), username, password)
            except SignInRefused as exc:
                return None, exc.reason, exc.until, False
            token = auth.start_session(s, console.now(), user)
            if not user.totp_secret:
                auth.audit(s, console.now(), None, user.username, "user.signed_in",
                           user.username, None, None)
            return token, None, None, bool(user.totp_secret)
        # The failure count must be committed even though the sign-in fails.
        token, reason, until, totp = console.tx(work)
        if token:
            response = RedirectResponse(
                "/console/login/totp?next=" + quote(nxt) if totp else nxt, status_code=303)
            console.set_cookie(response, SESSION_COOKIE, token, None)
            response.delete_cookie(PRE_COOKIE, path="/console")
            return response
        errors["form"] = _refusal(reason or "", until, _)
    return console.render(request, None, "login.html", status=401 if "form" in errors else 422,
                          pre_csrf=pre, next=nxt, errors=errors, values={"username": username})


@router.get("/login/totp")
def totp_page(request: Request, next: str = "/console/") -> Response:
    console = console_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    who = console.tx(lambda s: auth.session_user(s, console.now(), token, stage="totp"))
    if who is None:
        return RedirectResponse("/console/login", status_code=303)
    return console.render(request, None, "totp.html", pre_csrf=who.csrf, next=_safe_next(next))


@router.post("/login/totp")
async def totp(request: Request) -> Response:
    console = console_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    form = await request.form()
    who = console.tx(lambda s: auth.session_user(s, console.now(), token, stage="totp"))
    if who is None:
        return RedirectResponse("/console/login", status_code=303)
    if not auth.csrf_ok(who.csrf, str(form.get("csrf", ""))):
        raise Forbidden("csrf")
    nxt = _safe_next(str(form.get("next", "/console/")))
    _ = translator(language(request))

    def work(s: Session) -> str | None:
        try:
            auth.check_totp(s, console.now(), token or "", str(form.get("code", "")))
        except SignInRefused as exc:
            return _refusal(exc.reason, exc.until, _)
        auth.audit(s, console.now(), None, who.username, "user.signed_in", who.username,
                   None, {"totp": True})
        return None
    problem = console.tx(work)
    if problem is None:
        return RedirectResponse(nxt, status_code=303)
    return console.render(request, None, "totp.html", status=401, pre_csrf=who.csrf,
                          next=nxt, errors={"code": problem})


@router.post("/logout")
def logout(request: Request, who: Who = need("dashboard")) -> Response:
    console = console_of(request)
    console.tx(lambda s: auth.end_session(s, request.cookies.get(SESSION_COOKIE)))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


@router.get("/lang/{lang}")
def set_language(request: Request, lang: str, next: str = "/console/") -> Response:
    console = console_of(request)
    response = RedirectResponse(_safe_next(next), status_code=303)
    if lang in LANGUAGES:
        console.set_cookie(response, LANG_COOKIE, lang, 365 * 86400)
    return response


@router.get("/vendor/{name}")
def vendor(name: str) -> Response:
    path = VENDOR.get(name)
    if path is None:
        return Response(status_code=404)
    if not path.exists():
        return Response("console assets missing: run scripts/bootstrap.sh (npm ci in "
                        "headoffice/web)", status_code=503, media_type="text/plain")
    return FileResponse(path, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/static/{name}")
def static(name: str) -> Response:
    path = (HERE / "static" / name).resolve()
    if path.parent != (HERE / "static") or not path.exists():
        return Response(status_code=404)
    media = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}.get(
        path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=3600"})
