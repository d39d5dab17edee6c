"""Sign-in, lockout, TOTP, sessions, CSRF and roles, on the real service and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest

from headoffice.console.models import AuditRow
from tests.headoffice.console.conftest import (
    PASSWORD,
    CookieClient,
    add_user,
    csrf_of,
    login,
    shoot,
    sign_in,
)

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def test_sign_in_shows_the_dashboard_in_chinese_and_lockout_after_five_failures(
        server: Any, page: Any, hq: Any) -> None:
    page.goto(f"{server.url}/console/")
    assert "/console/login" in page.url                       # no cookie: sent to sign in
    shoot(page, "login")
    for _ in range(4):
        sign_in(page, server.url, "boss", "wrong-password-1")
        assert page.locator(".form-error").inner_text() == "用户名或密码错误。"
    sign_in(page, server.url, "boss", "wrong-password-1")
    assert "已锁定" in page.locator(".form-error").inner_text()
    shoot(page, "login-locked")
    sign_in(page, server.url, "boss", PASSWORD)                # right password, still locked
    assert "已锁定" in page.locator(".form-error").inner_text()
    hq.clock.at += timedelta(minutes=16)
    sign_in(page, server.url, "boss", PASSWORD)
    assert page.url.endswith("/console/")
    assert page.locator("h1").inner_text().startswith("概览")
    with hq.sessions() as s:
        actions = [a.action for a in s.query(AuditRow).order_by(AuditRow.id)]
    assert actions == ["user.locked", "user.signed_in"]


def test_empty_sign_in_form_says_what_is_missing_beside_each_field(server: Any,
                                                                   page: Any) -> None:
    page.goto(f"{server.url}/console/login")
    page.click("form button.primary")
    assert page.locator("#e-username").inner_text() == "请输入用户名。"
    assert page.locator("#e-password").inner_text() == "请输入密码。"
    shoot(page, "login-empty")


def test_cookieless_and_csrfless_requests_are_refused(server: Any, chain: Any) -> None:
    anon = CookieClient(server.url)
    r = anon.get("/console/")
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login")
    assert anon.post("/console/logout", data={"csrf": "x"}).status_code == 401
    # The sign-in form itself needs the token its page set in a cookie.
    r = anon.post("/console/login", data={"username": "boss", "password": PASSWORD})
    assert r.status_code == 403
    client = login(server.url)
    assert client.post("/console/logout").status_code == 403               # no token
    assert client.post("/console/logout", data={"csrf": "forged"}).status_code == 403
    assert client.get("/console/").status_code == 200                       # still signed in
    r = client.post("/console/logout", data={"csrf": client.csrf})
    assert r.status_code == 303
    assert client.get("/console/").status_code == 303                       # session ended


def test_session_cookie_is_http_only_secure_and_strict(server: Any, chain: Any) -> None:
    client = CookieClient(server.url)
    page = client.get("/console/login")
    r = client.post("/console/login", data={"csrf": csrf_of(page.text), "username": "boss",
                                             "password": PASSWORD})
    cookie = [v for k, v in r.headers.multi_items() if k == "set-cookie"
              and v.startswith("hq_session=")][0].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie


def test_totp_second_factor(server: Any, hq: Any) -> None:
    secret = pyotp.random_base32()
    add_user(hq, "otp", "admin", totp_secret=secret)
    client = CookieClient(server.url)
    page = client.get("/console/login")
    r = client.post("/console/login", data={"csrf": csrf_of(page.text), "username": "otp",
                                             "password": PASSWORD})
    assert r.headers["location"].startswith("/console/login/totp")
    assert client.get("/console/").status_code == 303          # half signed in is not in
    form = client.get("/console/login/totp")
    r = client.post("/console/login/totp", data={"csrf": csrf_of(form.text), "code": "000000"})
    assert r.status_code == 401 and "验证码错误" in r.text
    code = pyotp.TOTP(secret).at(hq.clock())
    r = client.post("/console/login/totp", data={"csrf": csrf_of(form.text), "code": code})
    assert r.status_code == 303
    assert client.get("/console/").status_code == 200


def test_shop_manager_sees_own_shop_only(server: Any, chain: dict[str, str]) -> None:
    mgr = login(server.url, "mgr1")
    assert mgr.get("/console/").status_code == 200
    assert mgr.get(f"/console/?shop={chain['S001']}").status_code == 200
    assert mgr.get(f"/console/?shop={chain['S002']}").status_code == 403


def test_pos_hq_user_add_creates_the_first_admin(pg_url: str, capsys: Any,
                                                 monkeypatch: Any) -> None:
    import io

    from headoffice.cli import main
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    assert main(["--db", pg_url, "user", "add", "root", "--password-stdin"]) == 0
    assert "user root added (admin)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--db", pg_url, "user", "add", "other", "--password-stdin"]) == 2
    assert "at least 10" in capsys.readouterr().err
