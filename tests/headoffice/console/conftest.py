"""Console fixtures: the real head-office service (console included) on PostgreSQL over real
HTTP, users of every role, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from headoffice.console import auth
from tests.headoffice.hq_rig import (  # noqa: F401
    HqClock,
    LiveServer,
    hq,
    pg_admin_dsn,
    pg_template,
    pg_url,
)

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "console"
SIZES = {"laptop": (1366, 768), "tablet": (820, 1180)}
PASSWORD = "correct-horse-battery"


def add_user(ho: Any, username: str, role: str, shop_code: str | None = None,
             totp_secret: str | None = None) -> None:
    ho.transaction(lambda s: auth.add_user(s, ho.clock(), ho.ids.new_id(), username, PASSWORD, role,
                                   shop_code, username.title(), totp_secret))


@pytest.fixture
def chain(hq: Any) -> dict[str, Any]:
    """Two shops and one user per role (the shop manager runs S001)."""
    ids = {"S001": hq.add_shop("S001", "示范百货一店"), "S002": hq.add_shop("S002", "示范百货二店")}
    add_user(hq, "boss", "admin")
    add_user(hq, "maria", "membership")
    add_user(hq, "fin", "finance")
    add_user(hq, "mgr1", "shop_manager", "S001")
    return ids


@pytest.fixture
def server(hq: Any, chain: dict[str, Any]) -> Iterator[LiveServer]:
    live = LiveServer(hq).start()
    yield live
    live.stop()


class CookieClient(httpx.Client):
    """httpx keeps `Secure` cookies off plain http://127.0.0.1; a browser treats loopback as
    a secure context and sends them. This client does as the browser does."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url=base_url, follow_redirects=False, timeout=30)
        self.jar: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, url: Any, **kw: Any) -> httpx.Response:  # type: ignore[override]
        headers = dict(kw.pop("headers", None) or {})
        if self.jar:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        r = super().request(method, url, headers=headers, **kw)
        for k, v in r.headers.multi_items():
            if k == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0].strip('"')
                if value and "max-age=0" not in v.lower():
                    self.jar[name] = value
                else:
                    self.jar.pop(name, None)
        return r


def login(base: str, username: str = "boss", password: str = PASSWORD) -> CookieClient:
    """An HTTP client signed in as `username` (cookies kept), with `.csrf` set."""
    client = CookieClient(base)
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post("/console/login", data={"csrf": csrf, "username": username,
                                             "password": password, "next": "/console/"})
    assert r.status_code == 303, r.text[:500]
    client.csrf = csrf_of(client.get("/console/").text)
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.on("dialog", lambda d: d.accept())        # the console's "are you sure?" questions
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page: Any, base: str, username: str = "boss", password: str = PASSWORD) -> None:
    page.goto(f"{base}/console/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("form button.primary")
    page.wait_for_load_state("load")


def shoot(page: Any, name: str) -> None:
    """Screenshots of the current page at laptop and tablet sizes."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(50)   # one layout pass after the resize (charts redraw on resize)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
