"""Console users in the browser (Chromium through Playwright, the service on PostgreSQL): an
admin adds, edits and switches off users, sets roles and shops, resets a second factor;
everyone changes their own password (the current one required) and sets up TOTP with the QR
and key the page shows, confirmed by a code the test works out. Bad input is answered beside
its field and records nothing; every change is in the audit log."""
from __future__ import annotations

import json
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select

from headoffice.console.models import AuditRow, ConsoleSessionRow, ConsoleUserRow
from tests.headoffice.console.conftest import PASSWORD, login, shoot, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.integration]
NEW_PASSWORD = "a-much-better-password"


def _user(hq: Any, username: str) -> ConsoleUserRow:
    with hq.sessions() as s:
        return s.scalars(select(ConsoleUserRow).where(ConsoleUserRow.username == username)).one()


def _audit(hq: Any, action: str) -> list[AuditRow]:
    with hq.sessions() as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.action == action)
                              .order_by(AuditRow.id)))


def _count(hq: Any, row: Any) -> int:
    with hq.sessions() as s:
        return s.scalar(select(func.count()).select_from(row))


def _submit_new_user(page: Any, **values: str) -> None:
    for name in ("username", "display_name", "password", "again"):
        page.fill(f"#f-{name}", values.get(name, ""))
    page.select_option("#f-role", values.get("role", "membership"))
    page.select_option("#f-shop", values.get("shop", ""))
    page.click("#add-user button.primary")
    page.wait_for_load_state("load")


def test_an_admin_adds_edits_and_switches_off_users_in_the_browser(
        server: Any, page: Any, hq: Any, browser: Any) -> None:
    sign_in(page, server.url)
    page.click("nav.main >> text=用户管理")
    assert page.locator("table.users").inner_text().count("\n") >= 4   # the chain's users
    users_before, audit_before = _count(hq, ConsoleUserRow), _count(hq, AuditRow)
    bad = [({"username": "Bad Name!", "password": NEW_PASSWORD, "again": NEW_PASSWORD},
            "e-username"),
           ({"username": "boss", "password": NEW_PASSWORD, "again": NEW_PASSWORD}, "e-username"),
           ({"username": "mgr2", "password": "short", "again": "short"}, "e-password"),
           ({"username": "mgr2", "password": NEW_PASSWORD, "again": "something-else"},
            "e-again"),
           ({"username": "mgr2", "password": NEW_PASSWORD, "again": NEW_PASSWORD,
             "role": "shop_manager"}, "e-shop")]
    for values, error in bad:
        _submit_new_user(page, **values)
        assert page.locator(f"#{error}").is_visible(), (values, error)
        assert page.locator(f"#{error}").inner_text().strip(), error
        assert page.locator("#f-password").input_value() == ""     # never sent back
    shoot(page, "users-refused")
    assert (_count(hq, ConsoleUserRow), _count(hq, AuditRow)) == (users_before, audit_before)

    _submit_new_user(page, username="mgr2", display_name="二店店长", password=NEW_PASSWORD,
                     again=NEW_PASSWORD, role="shop_manager", shop="S002")
    assert "用户已添加" in page.locator(".flash").inner_text()
    mgr2 = _user(hq, "mgr2")
    assert (mgr2.role, mgr2.display_name, mgr2.active) == ("shop_manager", "二店店长", True)
    added = _audit(hq, "user.added")[-1]
    assert added.username == "boss" and json.loads(added.after)["shop"] == "S002"
    assert NEW_PASSWORD not in added.after
    shoot(page, "users")

    # The new shop manager signs in and sees their own shop only.
    other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    mgr_page = other.new_page()
    sign_in(mgr_page, server.url, "mgr2", NEW_PASSWORD)
    assert mgr_page.url.endswith("/console/")
    # The admin makes them finance, then switches them off: their session ends at once.
    page.click("table.users a >> text=mgr2")
    page.select_option("#f-role", "finance")
    page.click("#user-form button.primary")
    assert page.locator(".flash").is_visible()
    edit = _audit(hq, "user.updated")[-1]
    assert (json.loads(edit.before)["role"], json.loads(edit.after)["role"]) == \
        ("shop_manager", "finance")
    assert json.loads(edit.after)["shop"] is None
    shoot(page, "user-edit")
    sign_in(mgr_page, server.url, "mgr2", NEW_PASSWORD)
    page.uncheck("#f-active")
    page.click("#user-form button.primary")
    assert _user(hq, "mgr2").active is False
    with hq.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ConsoleSessionRow).where(
            ConsoleSessionRow.user_id == mgr2.id)) == 0
    mgr_page.goto(f"{server.url}/console/reports")
    assert "/console/login" in mgr_page.url
    sign_in(mgr_page, server.url, "mgr2", NEW_PASSWORD)
    assert "停用" in mgr_page.locator(".form-error").inner_text()
    other.close()

    # An admin cannot switch themselves off or drop their own admin role.
    page.goto(f"{server.url}/console/users")
    page.click("table.users a >> text=boss")
    page.uncheck("#f-active")
    page.click("#user-form button.primary")
    assert page.locator("#e-active").is_visible() and _user(hq, "boss").active
    page.select_option("#f-role", "finance")
    page.check("#f-active")
    page.click("#user-form button.primary")
    assert page.locator("#e-role").is_visible() and _user(hq, "boss").role == "admin"

    # Users pages are the admin's: others are refused by the server.
    maria = login(server.url, "maria")
    assert maria.get("/console/users").status_code == 403
    r = maria.post("/console/users", data={"csrf": maria.csrf, "username": "evil",
                                           "password": NEW_PASSWORD, "again": NEW_PASSWORD,
                                           "role": "admin"})
    assert r.status_code == 403 and _count(hq, ConsoleUserRow) == users_before + 1
    assert maria.post(f"/console/users/{mgr2.id}/totp/reset",
                      data={"csrf": maria.csrf}).status_code == 403


def test_a_user_changes_their_password_and_sets_up_totp_with_a_code_from_the_qr_key(
        server: Any, page: Any, hq: Any) -> None:
    sign_in(page, server.url, "fin")
    page.click("header .who")
    assert page.locator("h1").inner_text() == "我的账号"
    audit_before = _count(hq, AuditRow)
    hash_before = _user(hq, "fin").password_hash
    for current, new, again, error in [
            ("", NEW_PASSWORD, NEW_PASSWORD, "e-current_password"),
            (PASSWORD, "short", "short", "e-new_password"),
            (PASSWORD, PASSWORD, PASSWORD, "e-new_password"),
            (PASSWORD, NEW_PASSWORD, "typo-password", "e-again")]:
        page.fill("#f-current_password", current)
        page.fill("#f-new_password", new)
        page.fill("#f-again", again)
        page.click("#password button.primary")
        assert page.locator(f"#{error}").inner_text().strip(), error
    assert _user(hq, "fin").password_hash == hash_before
    assert _count(hq, AuditRow) == audit_before
    page.fill("#f-current_password", "not-my-password")
    page.fill("#f-new_password", NEW_PASSWORD)
    page.fill("#f-again", NEW_PASSWORD)
    page.click("#password button.primary")
    assert "当前密码不正确" in page.locator("#e-current_password").inner_text()
    assert _user(hq, "fin").failed_logins == 1          # counts towards the lockout
    shoot(page, "account-refused")
    page.fill("#f-current_password", PASSWORD)
    page.fill("#f-new_password", NEW_PASSWORD)
    page.fill("#f-again", NEW_PASSWORD)
    page.click("#password button.primary")
    assert "密码已修改" in page.locator(".flash").inner_text()
    assert [a.username for a in _audit(hq, "user.password_changed")] == ["fin"]
    assert NEW_PASSWORD not in _audit(hq, "user.password_changed")[0].after
    login(server.url, "fin", NEW_PASSWORD)                  # the new password works

    # TOTP: the page shows a QR and its key; a wrong code switches nothing on.
    page.click("#start-totp")
    assert page.locator("#totp-qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text().strip()
    assert len(secret) >= 16 and _user(hq, "fin").totp_secret is None
    shoot(page, "account-totp")
    page.fill("#f-code", "000000" if pyotp.TOTP(secret).at(hq.clock()) != "000000" else "111111")
    page.click("#confirm-totp")
    assert page.locator("#e-code").is_visible() and _user(hq, "fin").totp_secret is None
    assert page.locator("#totp-secret").inner_text().strip() == secret   # still on offer
    page.fill("#f-code", pyotp.TOTP(secret).at(hq.clock()))
    page.click("#confirm-totp")
    assert "二次验证已启用" in page.locator(".flash").inner_text()
    assert _user(hq, "fin").totp_secret == secret and _user(hq, "fin").totp_pending is None
    assert json.loads(_audit(hq, "user.totp_enabled")[-1].after) == {"totp": True}

    # The next sign-in asks for the code.
    page.click("header button.link")                      # sign out
    sign_in(page, server.url, "fin", NEW_PASSWORD)
    assert "/console/login/totp" in page.url
    page.fill("#f-code", pyotp.TOTP(secret).at(hq.clock()))
    page.click("form button.primary")
    page.wait_for_load_state("load")
    assert page.url.endswith("/console/")

    # The phone is lost: an admin resets the second factor; the next sign-in needs none.
    boss = login(server.url)
    fin_id = _user(hq, "fin").id
    page_html = boss.get(f"/console/users/{fin_id}").text
    assert "重置二次验证" in page_html
    r = boss.post(f"/console/users/{fin_id}/totp/reset", data={"csrf": boss.csrf})
    assert r.status_code == 303 and _user(hq, "fin").totp_secret is None
    reset = _audit(hq, "user.totp_reset")[-1]
    assert reset.username == "boss" and reset.target == "fin"
    r = boss.post(f"/console/users/{fin_id}/totp/reset", data={"csrf": boss.csrf})
    assert r.status_code == 422 and 'id="e-totp"' in r.text
    login(server.url, "fin", NEW_PASSWORD)               # no code asked any more
