"""The member page over real HTTP on PostgreSQL: SMS sign-in through the provider's API,
limits, sessions, and no way to another member's data."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from headoffice.models import MemberDataRequestRow, MemberSmsCodeRow, MessageLogRow
from tests.headoffice.member_site.member_rig import MemberHq, text_of
from tests.headoffice.hq_rig import sale_event
from tests.sync.sync_rig import LI_NA, WANG_FANG

pytestmark = [pytest.mark.postgres, pytest.mark.integration]

LI_NA_MOBILE = "13800002222"
WANG_FANG_MOBILE = "13800003333"


def test_nothing_without_a_session(member_hq: MemberHq):
    c = member_hq.client()
    for path in ("/m/", "/m/me", "/m/lost", "/m/receipts/0190f000-0000-7000-8000-000000000099"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/m/login"), path
    assert c.get("/m/codes.json").status_code == 401
    c.cookies.set("m_session", "forged-token-" + "x" * 30, path="/m")
    assert c.get("/m/codes.json").status_code == 401
    for path in ("/m/me/consent", "/m/me/delete", "/m/lost"):
        r = c.post(path, data={"csrf": "x"})
        assert r.status_code == 303, path


def test_sign_in_with_the_code_the_provider_delivered(member_hq: MemberHq):
    c = member_hq.client()
    member_hq.sign_in(c, LI_NA_MOBILE)
    page = text_of(c.get("/m/").text)
    assert "李娜" in page and "金卡" in page and "¥100.00" in page and "990" in page
    [log] = [x for x in _log(member_hq) if x.purpose == "sign_in"]
    assert (log.status, log.template, log.mobile_masked) == ("sent", "SMS_310001", "138****2222")
    # The code itself is nowhere in head office's database.
    code = member_hq.last_code(LI_NA_MOBILE)
    with member_hq.ho.sessions() as s:
        rows = s.scalars(select(MemberSmsCodeRow)).all()
    assert rows and all(code not in (r.code_hash + r.salt) for r in rows)


def test_an_unknown_number_looks_the_same_and_gets_nothing(member_hq: MemberHq):
    c = member_hq.client()
    known = text_of(c.post("/m/login/code", data={"mobile": LI_NA_MOBILE}).text)
    unknown = text_of(c.post("/m/login/code", data={"mobile": "13912345678"}).text)
    assert known.replace(LI_NA_MOBILE, "N") == unknown.replace("13912345678", "N")
    assert member_hq.sms.messages_to("13912345678") == []
    r = c.post("/m/login/verify", data={"mobile": "13912345678", "code": "000000"})
    assert r.status_code == 401


def test_the_sms_code_cannot_be_brute_forced(member_hq: MemberHq):
    c = member_hq.client()
    c.post("/m/login/code", data={"mobile": LI_NA_MOBILE})
    right = member_hq.last_code(LI_NA_MOBILE)
    wrong = [f"{(int(right) + i) % 10**6:06d}" for i in range(1, 6)]
    answers = [c.post("/m/login/verify", data={"mobile": LI_NA_MOBILE, "code": w})
               for w in wrong]
    assert [a.status_code for a in answers] == [401] * 5
    assert "还可尝试4次" in answers[0].text and "已失效" in answers[-1].text
    # The code is dead after five wrong tries, even when the right one comes now.
    r = c.post("/m/login/verify", data={"mobile": LI_NA_MOBILE, "code": right})
    assert r.status_code == 401 and "m_session" not in r.cookies
    # A new code needs a minute, and the number gets at most 5 an hour.
    assert c.post("/m/login/code", data={"mobile": LI_NA_MOBILE}).status_code == 429
    clock = member_hq.ho.clock
    for _ in range(4):
        clock.at += timedelta(seconds=61)
        assert c.post("/m/login/code", data={"mobile": LI_NA_MOBILE}).status_code == 200
    clock.at += timedelta(seconds=61)
    assert c.post("/m/login/code", data={"mobile": LI_NA_MOBILE}).status_code == 429


def test_wrong_codes_across_numbers_lock_the_address(member_hq: MemberHq):
    site = member_hq.site
    from headoffice.member_site.service import SignInRefused
    for i in range(30):
        with pytest.raises(SignInRefused):
            site.verify_code(f"139{i:08d}", "123456", "10.0.0.9")
    with pytest.raises(SignInRefused) as err:
        site.verify_code(LI_NA_MOBILE, "123456", "10.0.0.9")
    assert err.value.reason == "locked"


def test_a_code_expires_after_five_minutes(member_hq: MemberHq):
    c = member_hq.client()
    c.post("/m/login/code", data={"mobile": LI_NA_MOBILE})
    member_hq.ho.clock.at += timedelta(minutes=5, seconds=1)
    r = c.post("/m/login/verify", data={"mobile": LI_NA_MOBILE,
                                        "code": member_hq.last_code(LI_NA_MOBILE)})
    assert r.status_code == 401 and "已过期" in r.text


def test_sessions_expire_when_idle_and_after_twelve_hours(member_hq: MemberHq):
    c = member_hq.client()
    clock = member_hq.ho.clock
    start = clock.at
    member_hq.sign_in(c, LI_NA_MOBILE)
    for k in range(1, 25):                   # busy every 29 minutes: signed in ...
        clock.at = start + k * timedelta(minutes=29)
        assert c.get("/m/codes.json").status_code == 200, k
    clock.at = start + timedelta(hours=12)   # ... but never 12 hours after signing in
    assert c.get("/m/codes.json").status_code == 401
    c2 = member_hq.client()
    member_hq.sign_in(c2, LI_NA_MOBILE)
    clock.at += timedelta(minutes=30)        # idle for 30 minutes
    assert c2.get("/m/").status_code == 303


def test_logout_ends_the_session(member_hq: MemberHq):
    c = member_hq.client()
    member_hq.sign_in(c, LI_NA_MOBILE)
    token = c.cookies.get("m_session")
    c.post("/m/logout")
    c.cookies.set("m_session", token, path="/m")
    assert c.get("/m/").status_code == 303


def _push_sale(ho, member_id: str | None, receipt_no: str, token: str, seq: int) -> str:
    from headoffice.push import PushedEvent
    ho.add_shop("S009", "测试店") if seq == 1 else None
    if seq == 1:
        ho.enrol(ho.add_till("S009", "T01"))
    from headoffice.models import TillRow
    with ho.sessions() as s:
        till = s.scalars(select(TillRow)).first()
    from headoffice.enrolment import TillIdentity
    who = TillIdentity(till.id, till.shop_id, "S009", "T01")
    e = sale_event(seq, member_id=member_id, card_no="100002" if member_id else None,
                   total_fen=4_200)
    e["payload"]["sale"]["receipt_no"] = receipt_no
    e["payload"]["sale"]["receipt_link"] = f"http://hq.test/m/r/{receipt_no}/{token}"
    e["payload"]["sale"]["lines"] = [{"name": "羊毛衫", "qty": 1, "amount_fen": 4_200}]
    ho.push(who, [PushedEvent(e["id"], e["device_seq"], e["kind"], e["payload"],
                              e["created_at"])])
    return e["payload"]["sale"]["sale_id"]


def test_one_member_cannot_read_anothers_receipt_by_changing_the_id(member_hq: MemberHq):
    ho = member_hq.ho
    li_sale = _push_sale(ho, LI_NA, "S009-01-000001", "tokLiNa-0123456789abcdef", 1)
    wang_sale = _push_sale(ho, WANG_FANG, "S009-01-000002", "tokWang-0123456789abcdef", 2)
    li = member_hq.client()
    member_hq.sign_in(li, LI_NA_MOBILE)
    assert "S009-01-000001" in li.get(f"/m/receipts/{li_sale}").text
    assert li.get(f"/m/receipts/{wang_sale}").status_code == 404
    # Wang's printed link opened by Li (signed in): not found, not Wang's receipt.
    r = li.get("/m/r/S009-01-000002/tokWang-0123456789abcdef")
    assert r.status_code == 404 and "羊毛衫" not in r.text
    # Without a session, a member's receipt link asks for the sign-in first.
    anon = member_hq.client()
    r = anon.get("/m/r/S009-01-000002/tokWang-0123456789abcdef")
    assert r.status_code == 303 and r.headers["location"].startswith("/m/login")


def test_a_non_members_receipt_opens_with_its_unguessable_token_only(member_hq: MemberHq):
    _push_sale(member_hq.ho, None, "S009-01-000003", "tokGuest-0123456789abcdef", 1)
    anon = member_hq.client()
    r = anon.get("/m/r/S009-01-000003/tokGuest-0123456789abcdef")
    assert r.status_code == 200 and "羊毛衫" in r.text and "¥42.00" in r.text
    assert anon.get("/m/r/S009-01-000003/tokGuest-0123456789abcdeX").status_code == 404
    assert anon.get("/m/r/S009-01-000003/short").status_code == 404


def test_forms_need_the_sessions_csrf_token(member_hq: MemberHq):
    c = member_hq.client()
    member_hq.sign_in(c, LI_NA_MOBILE)
    assert c.post("/m/me/consent", data={"csrf": "wrong", "consent": ""}).status_code == 403
    assert c.post("/m/me/delete", data={"csrf": ""}).status_code == 403


def test_consent_and_the_delete_request_reach_head_office(member_hq: MemberHq):
    import re
    c = member_hq.client()
    member_hq.sign_in(c, LI_NA_MOBILE)
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/m/me").text).group(1)
    assert c.post("/m/me/consent", data={"csrf": csrf}).status_code == 303
    from headoffice.models import MemberRow
    with member_hq.ho.sessions() as s:
        assert s.get(MemberRow, LI_NA).consent_messages is False
    assert c.post("/m/me/delete", data={"csrf": csrf}).status_code == 303
    assert c.post("/m/me/delete", data={"csrf": csrf}).status_code == 303
    with member_hq.ho.sessions() as s:
        reqs = s.scalars(select(MemberDataRequestRow)).all()
    assert [(r.member_id, r.kind, r.status, r.source) for r in reqs] == [
        (LI_NA, "erase", "open", "member_page")]
    assert "删除申请正在处理" in c.get("/m/me").text


def _log(member_hq: MemberHq) -> list[MessageLogRow]:
    with member_hq.ho.sessions() as s:
        return list(s.scalars(select(MessageLogRow).order_by(MessageLogRow.id)))
