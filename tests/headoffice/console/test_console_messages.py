"""The console's SMS message log: what was sent to whom (masked) and why something was not,
read-only, for head-office admins and membership managers only."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from headoffice.member_site.messaging import LogMessageSender, MessagingService
from headoffice.models import MemberRow
from tests.headoffice.console.conftest import login, shoot, sign_in
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, ZHANG_WEI

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def _sends(hq: Any) -> None:
    """A sign-in code (transactional: handed to the sender) and a birthday greeting to a
    member who declined messages (held back), through the real messaging policy."""
    hq.import_members(HQ_MEMBERS)
    hq.clock.at = datetime(2026, 11, 28, 4, 0)          # 12:00 in China, outside quiet hours
    with hq.sessions() as s, s.begin():
        s.get(MemberRow, ZHANG_WEI).consent_messages = False
    ms = MessagingService(LogMessageSender(), {"sign_in": "SMS_310001", "birthday": "SMS_310003"},
                          hq.clock)
    hq.transaction(lambda s: ms.send(s, LI_NA, "13800002222", "sign_in", {"code": "654321"}))
    hq.transaction(lambda s: ms.send(s, ZHANG_WEI, "13800001111", "birthday", {"name": "张伟"}))


def test_the_message_log_lists_sends_masked_for_admin_and_membership(
        server: Any, hq: Any, chain: Any) -> None:
    _sends(hq)
    for user in ("boss", "maria"):
        client = login(server.url, user)
        assert 'href="/console/messages"' in client.get("/console/").text
        page = client.get("/console/messages")
        assert page.status_code == 200
        text = page.text
        assert "2026-11-28 12:00" in text
        assert "138****2222" in text and "138****1111" in text
        assert "登录验证码" in text and "SMS_310001" in text and "发送失败" in text
        assert "未配置短信服务商" in text
        assert "生日祝福" in text and "未发送" in text and "会员未同意接收" in text
        assert f'href="/console/members/{LI_NA}"' in text
        # Never the code, never a full mobile number.
        assert "654321" not in text
        assert "13800002222" not in text and "13800001111" not in text
    boss = login(server.url, "boss")
    only = boss.get("/console/messages", params={"purpose": "birthday"}).text
    assert "138****1111" in only and "138****2222" not in only
    boss.jar["hq_lang"] = "en"
    english = boss.get("/console/messages").text
    assert "Message log" in english and "Sign-in code" in english
    assert "no SMS provider configured" in english and "Birthday greeting" in english


def test_every_purpose_the_messaging_service_knows_has_a_label() -> None:
    from headoffice.console.pages.messages import PURPOSES
    from headoffice.member_site.messaging import REMINDERS, TRANSACTIONAL
    assert set(PURPOSES) >= TRANSACTIONAL | REMINDERS


def test_shop_managers_and_finance_are_refused_the_message_log(
        server: Any, hq: Any, chain: Any) -> None:
    _sends(hq)
    for user in ("mgr1", "fin"):
        client = login(server.url, user)
        r = client.get("/console/messages")
        assert r.status_code == 403
        assert "138****2222" not in r.text
        assert 'href="/console/messages"' not in client.get("/console/").text


def test_the_message_log_page_in_the_browser(server: Any, page: Any, hq: Any,
                                             chain: Any) -> None:
    """No sideways scrolling at 1366 px; screenshots for people (test-artifacts/console/)."""
    _sends(hq)
    sign_in(page, server.url)
    page.click("a[href='/console/messages']")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "短信记录"
    assert page.locator("table.messages tbody tr").count() == 2
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.select_option("#f-purpose", "sign_in")
    page.click("form[action='/console/messages'] button")
    page.wait_for_load_state("load")
    assert page.locator("table.messages tbody tr").count() == 1
    shoot(page, "messages")
