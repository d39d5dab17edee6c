"""The head-office web console (总部后台): server-rendered pages on the head-office service.

`mount_console(app, ho)` adds it to the FastAPI app. Pages live in `headoffice.console.pages`
(one module each, listed in `PAGES` there); see headoffice/README.md for adding one."""
from __future__ import annotations

import importlib
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from headoffice.console.i18n import translator
from headoffice.console.web import Console, Forbidden, NotSignedIn, language, router


def mount_console(app: FastAPI, ho: Any, *, secure_cookies: bool | None = None) -> Console:
    """Serve the console under /console from this app, on the same head office."""
    from headoffice.console.pages import PAGES

    if secure_cookies is None:
        # Behind TLS in production; POS_HQ_COOKIE_SECURE=0 for a plain-HTTP LAN set-up.
        secure_cookies = os.environ.get("POS_HQ_COOKIE_SECURE", "1") != "0"
    console = Console(ho, secure_cookies=secure_cookies)
    app.state.console = console
    app.include_router(router)
    for name in PAGES:
        module = importlib.import_module(f"headoffice.console.pages.{name}")
        app.include_router(module.router)
        console.nav.extend(getattr(module, "NAV", ()))

    @app.exception_handler(NotSignedIn)
    def _not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if request.method in ("GET", "HEAD") and "hx-request" not in request.headers:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            from urllib.parse import quote
            return RedirectResponse("/console/login?next=" + quote(target), status_code=303)
        return PlainTextResponse("sign in first", status_code=401)

    @app.exception_handler(Forbidden)
    def _forbidden(request: Request, exc: Forbidden) -> Response:
        _ = translator(language(request))
        text = (_("This request was refused: the page was open too long or came from "
                  "elsewhere. Reload the page and try again.") if exc.why == "csrf"
                else _("You do not have access to this."))
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>403</title>"
                            f"<p>{text}</p><p><a href=/console/>←</a></p>", status_code=403)

    @app.middleware("http")
    async def _till_reports(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        if (request.url.path == "/v1/sync/pull" and "x-pos-version" in request.headers
                and response.status_code == 200):
            from starlette.concurrency import run_in_threadpool

            from headoffice.console.tills import record_report
            await run_in_threadpool(record_report, ho, request.headers)
        return response

    @app.get("/console", include_in_schema=False)
    def _root() -> Response:
        return RedirectResponse("/console/", status_code=307)

    return console
