"""The member page over HTTP: server-rendered Jinja2 pages for a phone browser (zh_CN) and a
little JavaScript that rotates the member code from a pre-signed batch.

Sessions are an HttpOnly, SameSite=Lax cookie holding a random token (head office keeps its
hash); every form carries the session's CSRF token. Pages never take a member id from the
address: they show the session's member, so changing an id cannot show anyone else.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import qrcode
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from headoffice.member_site.service import MemberSession, MemberSite, SignInRefused
from pos_app.domain.money import format_yuan, format_zhe

HERE = Path(__file__).resolve().parent
COOKIE = "m_session"
STATIC = {"member.js": "text/javascript; charset=utf-8", "member.css": "text/css; charset=utf-8"}

REFUSALS = {
    "invalid_mobile": "请输入11位手机号码。",
    "rate_limited": "验证码发送太频繁，请稍后再试。",
    "wrong_code": "验证码不正确，请重新输入。",
    "expired": "验证码已过期或未发送，请重新获取。",
    "too_many_attempts": "输错次数过多，此验证码已失效，请重新获取。",
    "locked": "尝试次数过多，已暂停登录，请一小时后再试。",
    "recheck_needed": "挂失前需要再次短信验证，请获取验证码。",
}
STATUS_ZH = {"active": "正常", "lost": "已挂失", "replaced": "已补卡", "cancelled": "已注销",
             "expired": "已过期", "no_card": "未绑定会员卡"}
TENDER_ZH = {"cash": "现金", "stored_value": "储值", "points": "积分抵现", "bank_card": "银行卡",
             "wechat": "微信支付", "alipay": "支付宝"}


def qr_svg(text: str) -> str:
    """An inline SVG QR code (error correction M: phone screens are read through glass and
    glare). One fixed mask pattern instead of qrcode's search over all eight: any mask is
    valid, the search only polishes the pattern, and it cost most of a page's time."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                       mask_pattern=2)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n, quiet = len(matrix), 2
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                x0 = x
                while x < n and row[x]:
                    x += 1
                runs.append(f"M{x0 + quiet} {y + quiet}h{x - x0}v1h-{x - x0}z")
            else:
                x += 1
    size = n + 2 * quiet
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'shape-rendering="crispEdges" role="img" aria-label="会员码">'
            f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/><path d="{"".join(runs)}"/></svg>')


def _grouped(digits: str) -> str:
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def _yuan(fen: int) -> str:
    return "¥" + format_yuan(int(fen))


def _when(at: Any) -> str:
    if isinstance(at, datetime):
        return at.strftime("%Y-%m-%d %H:%M")
    return str(at or "")


def client_ip(request: Request) -> str:
    # Behind a reverse proxy, configure uvicorn's --forwarded-allow-ips so this is the
    # visitor's address; never trust a header the visitor can set directly.
    return request.client.host if request.client else "unknown"


def member_site_router(site: MemberSite, prefix: str = "/m") -> APIRouter:
    router = APIRouter(prefix=prefix, include_in_schema=False)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters.update(yuan=_yuan, when=_when, zhe=format_zhe,
                                 status=lambda s: STATUS_ZH.get(s, s),
                                 tender=lambda t: TENDER_ZH.get(t, t))
    secure = site.config.secure_cookies
    # The stylesheet is small and render-blocking: inline it so the first paint needs one
    # round trip, not two.
    css = (HERE / "static" / "member.css").read_text(encoding="utf-8")

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        resp = templates.TemplateResponse(request, name, {"prefix": prefix, "css": css, **ctx},
                                          status_code=status)
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'")
        return resp

    def current(request: Request) -> MemberSession | None:
        return site.session(request.cookies.get(COOKIE))


    def to_login(request: Request, next_path: str = "") -> RedirectResponse:
        target = f"{prefix}/login" + (f"?next={next_path}" if next_path.startswith(prefix) else "")
        resp = RedirectResponse(target, status_code=303)
        resp.delete_cookie(COOKIE, path=prefix)
        return resp

    def csrf_ok(sess: MemberSession, token: str) -> bool:
        import hmac
        return bool(token) and hmac.compare_digest(sess.csrf, token)

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:
            return Response(status_code=404)
        return Response((HERE / "static" / name).read_bytes(), media_type=STATIC[name],
                        headers={"Cache-Control": "public, max-age=3600"})

    @router.post("/sms/replies/{token}")
    async def sms_replies(request: Request, token: str) -> Response:
        """Replies to our SMS as the provider pushes them (Alibaba Cloud SmsUp, HTTP push:
        a JSON list of {phone_number, content, ...}); "T" and the like withdraw consent."""
        import hmac
        expected = site.config.sms_reply_token
        if not expected or not hmac.compare_digest(expected, token):
            return JSONResponse({"code": 1, "msg": "unknown"}, status_code=404)
        try:
            items = await request.json()
        except ValueError:
            return JSONResponse({"code": 1, "msg": "bad json"}, status_code=400)
        if not isinstance(items, list):
            items = [items]
        for item in items[:500]:
            if isinstance(item, dict) and item.get("phone_number") and \
                    isinstance(item.get("content"), str):
                mobile = str(item["phone_number"])[-11:]
                content = item["content"][:20]
                site.ho.transaction(lambda s, m=mobile, c=content: site.messaging.opt_out(s, m, c))
        return JSONResponse({"code": 0, "msg": "成功"})

    @router.get("/login", response_class=HTMLResponse)
    def login(request: Request, next: str = "", mobile: str = "", sent: int = 0) -> Response:  # noqa: A002
        return page(request, "login.html", mobile=mobile[:11], sent=bool(sent), next=next,
                    error="")

    @router.post("/login/code", response_class=HTMLResponse)
    def send_code(request: Request, mobile: Annotated[str, Form(max_length=20)] = "",
                  next: Annotated[str, Form(max_length=200)] = "") -> Response:  # noqa: A002
        try:
            site.request_code(mobile, client_ip(request))
        except SignInRefused as exc:
            return page(request, "login.html", status=429 if exc.reason == "rate_limited" else 400,
                        mobile=mobile[:11], sent=False, next=next,
                        error=REFUSALS.get(exc.reason, exc.reason))
        return page(request, "login.html", mobile=mobile[:11], sent=True, next=next, error="")

    @router.post("/login/verify", response_class=HTMLResponse)
    def verify(request: Request, mobile: Annotated[str, Form(max_length=20)] = "",
               code: Annotated[str, Form(max_length=10)] = "",
               next: Annotated[str, Form(max_length=200)] = "") -> Response:  # noqa: A002
        try:
            token, _member = site.verify_code(mobile, code, client_ip(request))
        except SignInRefused as exc:
            msg = REFUSALS.get(exc.reason, exc.reason)
            if exc.reason == "wrong_code" and exc.tries_left:
                msg += f"还可尝试{exc.tries_left}次。"
            return page(request, "login.html", status=401, mobile=mobile[:11], sent=True,
                        next=next, error=msg)
        target = next if next.startswith(prefix + "/") and "//" not in next else prefix + "/"
        resp = RedirectResponse(target, status_code=303)
        resp.set_cookie(COOKIE, token, httponly=True, secure=secure, samesite="lax", path=prefix,
                        max_age=int(site.config.session_max.total_seconds()))
        return resp

    @router.post("/logout")
    def logout(request: Request) -> Response:
        site.logout(request.cookies.get(COOKIE))
        return to_login(request)

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request, sess: MemberSession | None = Depends(current)) -> Response:
        if sess is None:
            return to_login(request)
        o = site.overview(sess.member_id)
        first = site.code_batch(sess.member_id, count=1, digits=False)   # digits come with the batch
        qr = qr_svg(first.codes[0].text) if first.codes else ""
        code = first.codes[0] if first.codes else None
        return page(request, "home.html", o=o, qr=qr, code=code,
                    digits=_grouped(first.digits.get(code.step, "")) if code else "",
                    blocked=first.blocked, step_s=first.step_s, csrf=sess.csrf)

    @router.get("/codes.json")
    def codes(request: Request, sess: MemberSession | None = Depends(current)) -> Response:
        if sess is None:
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        b = site.code_batch(sess.member_id)
        return JSONResponse({"server_unix": b.server_unix, "step_s": b.step_s,
                             "blocked": b.blocked,
                             "codes": [{"step": c.step, "starts_at": c.starts_at,
                                        "ends_at": c.ends_at, "text": c.text,
                                        "digits": _grouped(b.digits.get(c.step, "")),
                                        "svg": qr_svg(c.text)} for c in b.codes]},
                            headers={"Cache-Control": "no-store"})

    @router.get("/receipts/{sale_id}", response_class=HTMLResponse)
    def receipt(request: Request, sale_id: str, sess: MemberSession | None = Depends(current)) -> Response:
        if sess is None:
            return to_login(request, f"{prefix}/receipts/{sale_id}")
        r = site.receipt_for_member(sess.member_id, sale_id[:40])
        if r is None:
            return page(request, "notfound.html", status=404)
        return page(request, "receipt.html", r=r, signed_in=True)

    @router.get("/r/{receipt_no}/{token}", response_class=HTMLResponse)
    def receipt_link(request: Request, receipt_no: str, token: str, sess: MemberSession | None = Depends(current)) -> Response:
        r, member_id = site.receipt_by_link(receipt_no[:40], token[:64])
        if member_id is not None:
            if sess is None:
                return to_login(request, f"{prefix}/r/{receipt_no}/{token}")
            if sess.member_id != member_id:
                return page(request, "notfound.html", status=404)
            with site.ho.sessions() as s:
                from sqlalchemy import select

                from headoffice.models import SaleRow
                sale_id = s.execute(select(SaleRow.id).where(
                    SaleRow.receipt_no == receipt_no, SaleRow.member_id == member_id)
                ).scalar_one_or_none()
            r = site.receipt_for_member(sess.member_id, sale_id) if sale_id else None
        if r is None:
            return page(request, "notfound.html", status=404)
        return page(request, "receipt.html", r=r, signed_in=sess is not None)

    @router.get("/me", response_class=HTMLResponse)
    def me(request: Request, sess: MemberSession | None = Depends(current), done: str = "") -> Response:
        if sess is None:
            return to_login(request, f"{prefix}/me")
        return page(request, "me.html", o=site.overview(sess.member_id), csrf=sess.csrf,
                    done=done, error="")

    @router.post("/me/consent")
    def consent(request: Request, sess: MemberSession | None = Depends(current), csrf: Annotated[str, Form()] = "",
                consent: Annotated[str, Form()] = "") -> Response:
        if sess is None:
            return to_login(request)
        if not csrf_ok(sess, csrf):
            return Response("bad form token", status_code=403)
        site.set_consent(sess.member_id, consent == "1")
        return RedirectResponse(f"{prefix}/me?done=consent", status_code=303)

    @router.post("/me/delete")
    def delete_request(request: Request, sess: MemberSession | None = Depends(current),
                       csrf: Annotated[str, Form()] = "") -> Response:
        if sess is None:
            return to_login(request)
        if not csrf_ok(sess, csrf):
            return Response("bad form token", status_code=403)
        site.request_deletion(sess.member_id)
        return RedirectResponse(f"{prefix}/me?done=delete", status_code=303)

    @router.get("/lost", response_class=HTMLResponse)
    def lost_form(request: Request, sess: MemberSession | None = Depends(current)) -> Response:
        if sess is None:
            return to_login(request, f"{prefix}/lost")
        return page(request, "lost.html", o=site.overview(sess.member_id), csrf=sess.csrf,
                    sent=False, error="", done=[])

    @router.post("/lost/code", response_class=HTMLResponse)
    def lost_code(request: Request, sess: MemberSession | None = Depends(current), csrf: Annotated[str, Form()] = "") -> Response:
        if sess is None:
            return to_login(request)
        if not csrf_ok(sess, csrf):
            return Response("bad form token", status_code=403)
        error = ""
        try:
            site.send_lost_code(sess, client_ip(request))
        except SignInRefused as exc:
            error = REFUSALS.get(exc.reason, exc.reason)
        return page(request, "lost.html", o=site.overview(sess.member_id), csrf=sess.csrf,
                    sent=not error, error=error, done=[])

    @router.post("/lost", response_class=HTMLResponse)
    def lost(request: Request, sess: MemberSession | None = Depends(current), csrf: Annotated[str, Form()] = "",
             code: Annotated[str, Form(max_length=10)] = "") -> Response:
        if sess is None:
            return to_login(request)
        if not csrf_ok(sess, csrf):
            return Response("bad form token", status_code=403)
        try:
            site.recheck(sess, code, client_ip(request))
            fresh = site.session(request.cookies.get(COOKIE))
            cards = site.report_lost(fresh or sess)
        except SignInRefused as exc:
            return page(request, "lost.html", status=401, o=site.overview(sess.member_id),
                        csrf=sess.csrf, sent=True, error=REFUSALS.get(exc.reason, exc.reason),
                        done=[])
        return page(request, "lost.html", o=site.overview(sess.member_id), csrf=sess.csrf,
                    sent=False, error="", done=["****" + c[-4:] for c in cards] or ["-"])

    return router
