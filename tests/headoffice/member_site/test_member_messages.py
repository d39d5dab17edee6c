"""Messages to members: consent, 回T退订, quiet hours, the frequency cap, and a record of
every send, through the SDK to the local provider endpoint."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from headoffice.member_site.messaging import LogMessageSender, MessagingService, recent_log
from headoffice.models import MemberRow, MessageLogRow
from tests.headoffice.member_site.member_rig import MemberHq
from tests.sync.sync_rig import LI_NA, WANG_FANG, ZHANG_WEI

pytestmark = [pytest.mark.postgres, pytest.mark.integration]

DAYTIME = datetime(2026, 11, 28, 4, 0)       # 12:00 in China


def send(member_hq: MemberHq, member_id: str, mobile: str, purpose: str, params: dict):
    ms = member_hq.site.messaging

    def work(s):  # noqa: ANN001
        return ms.send(s, member_id, mobile, purpose, params)
    return member_hq.ho.transaction(work)


def test_a_reminder_goes_only_to_a_consenting_member_and_is_recorded(member_hq: MemberHq):
    member_hq.ho.clock.at = DAYTIME
    with member_hq.ho.sessions() as s, s.begin():
        s.get(MemberRow, ZHANG_WEI).consent_messages = False
    out = send(member_hq, ZHANG_WEI, "13800001111", "birthday", {"name": "张伟"})
    assert (out.status, out.reason) == ("suppressed", "no_consent")
    out = send(member_hq, LI_NA, "13800002222", "birthday", {"name": "李娜"})
    assert out.status == "sent"
    assert [m.template_code for m in member_hq.sms.messages_to("13800002222")] == ["SMS_310003"]
    assert member_hq.sms.messages_to("13800001111") == []
    with member_hq.ho.sessions() as s:
        log = recent_log(s)
    assert [(x["purpose"], x["status"], x["reason"], x["mobile"]) for x in log] == [
        ("birthday", "sent", "", "138****2222"), ("birthday", "suppressed", "no_consent",
                                                  "138****1111")]


def test_quiet_hours_hold_reminders_back_but_not_a_sign_in_code(member_hq: MemberHq):
    member_hq.ho.clock.at = datetime(2026, 11, 28, 14, 30)     # 22:30 in China
    assert send(member_hq, LI_NA, "13800002222", "low_balance",
                {"balance": "5.00"}).reason == "quiet_hours"
    assert send(member_hq, LI_NA, "13800002222", "sign_in", {"code": "111111"}).status == "sent"
    member_hq.ho.clock.at = datetime(2026, 11, 28, 1, 0)       # 09:00 in China
    assert send(member_hq, LI_NA, "13800002222", "low_balance",
                {"balance": "5.00"}).status == "sent"


def test_at_most_four_reminders_a_month_per_member(member_hq: MemberHq):
    member_hq.ho.clock.at = DAYTIME
    results = []
    for day in range(6):
        member_hq.ho.clock.at = DAYTIME + timedelta(days=day)
        results.append(send(member_hq, LI_NA, "13800002222", "birthday", {"name": "李娜"}).reason)
    assert results == ["", "", "", "", "frequency_cap", "frequency_cap"]
    member_hq.ho.clock.at = DAYTIME + timedelta(days=31)
    assert send(member_hq, LI_NA, "13800002222", "birthday", {"name": "李娜"}).status == "sent"


def test_replying_T_opts_out_and_is_recorded(member_hq: MemberHq):
    member_hq.ho.clock.at = DAYTIME
    ms = member_hq.site.messaging
    assert member_hq.ho.transaction(lambda s: ms.opt_out(s, "13800002222", "好的")) == 0
    assert member_hq.ho.transaction(lambda s: ms.opt_out(s, "13800002222", " t ")) == 1
    with member_hq.ho.sessions() as s:
        assert s.get(MemberRow, LI_NA).consent_messages is False
        row = s.scalars(select(MessageLogRow).where(MessageLogRow.status == "opt_out")).one()
        assert (row.member_id, row.mobile_masked) == (LI_NA, "138****2222")
    assert send(member_hq, LI_NA, "13800002222", "birthday", {"name": "李娜"}).reason == \
        "no_consent"


def test_a_provider_refusal_is_recorded_as_failed(member_hq: MemberHq):
    member_hq.ho.clock.at = DAYTIME
    member_hq.sms.fail_next.append("isv.BUSINESS_LIMIT_CONTROL")
    out = send(member_hq, LI_NA, "13800002222", "birthday", {"name": "李娜"})
    assert (out.status, out.reason) == ("failed", "isv.BUSINESS_LIMIT_CONTROL")


def test_without_a_provider_messages_are_recorded_not_sent(member_hq: MemberHq):
    ms = MessagingService(LogMessageSender(), {"sign_in": "SMS_1"}, member_hq.ho.clock)
    out = member_hq.ho.transaction(lambda s: ms.send(s, LI_NA, "13800002222", "sign_in",
                                            {"code": "123456"}))
    assert (out.status, out.reason) == ("failed", "no_provider")


def test_the_providers_reply_push_records_an_opt_out(member_hq: MemberHq):
    import httpx

    from tests.headoffice.member_site.member_rig import REPLY_TOKEN
    member_hq.ho.clock.at = DAYTIME
    url = f"{member_hq.url}/sms/replies/"
    body = [{"phone_number": "13800002222", "content": "T", "send_time": "2026-11-28 12:00:00",
             "dest_code": "1", "sequence_id": 1},
            {"phone_number": "13800003333", "content": "谢谢", "sequence_id": 2}]
    assert httpx.post(url + "wrong-token", json=body).status_code == 404
    r = httpx.post(url + REPLY_TOKEN, json=body)
    assert r.json() == {"code": 0, "msg": "成功"}
    with member_hq.ho.sessions() as s:
        assert s.get(MemberRow, LI_NA).consent_messages is False
        assert s.get(MemberRow, "0190f000-0000-7000-8000-000000000003").consent_messages is True


def test_the_daily_reminder_run_sends_each_reminder_once(member_hq: MemberHq):
    from datetime import date

    from headoffice.member_site.reminders import send_reminders
    from headoffice.models import CardRow
    member_hq.ho.clock.at = DAYTIME
    with member_hq.ho.sessions() as s, s.begin():
        s.get(MemberRow, LI_NA).birthday = "1990-11-28"
        s.get(CardRow, "100003").expires_on = date(2026, 12, 10)
        s.get(MemberRow, ZHANG_WEI).consent_messages = True
    # 李娜 has ¥100 (not low), 王芳 ¥1000; nobody is below ¥50 except none: give 张伟 ¥20.
    from headoffice.ledger import Booking, Ledger
    from headoffice.models import MemberAccountRow

    def top_up(s):  # noqa: ANN001, ANN202
        lg = Ledger(s, member_hq.ho.ids)
        lg.preload({ZHANG_WEI}, set(), set())
        lg.stored_value(Booking(None, None, None, DAYTIME), ZHANG_WEI, "opening", 2_000, 0)
        lg.flush()
    member_hq.ho.transaction(top_up)
    with member_hq.ho.sessions() as s:
        assert s.get(MemberAccountRow, ZHANG_WEI).balance_paid_fen == 2_000
    first = send_reminders(member_hq.ho, member_hq.site.messaging, date(2026, 11, 28))
    assert first == {"birthday": {"sent": 1}, "low_balance": {"sent": 1},
                     "card_expiring": {"sent": 1}}
    again = send_reminders(member_hq.ho, member_hq.site.messaging, date(2026, 11, 28))
    assert again == {"birthday": {"already": 1}, "low_balance": {"already": 1},
                     "card_expiring": {"already": 1}}
    got = {(m.phone, m.template_code) for m in member_hq.sms.delivered}
    assert got == {("13800002222", "SMS_310003"), ("13800001111", "SMS_310004"),
                   ("13800003333", "SMS_310005")}
    [low] = member_hq.sms.messages_to("13800001111")
    assert low.params == {"balance": "20.00"}


def test_the_reminder_run_tells_consenting_members_of_points_about_to_lapse(
        member_hq: MemberHq):
    import json
    from datetime import date

    from headoffice.member_site.reminders import send_reminders
    from pos_app.domain.rules import default_rule_set
    ho = member_hq.ho
    rules = default_rule_set(2).with_changes(points_expiry="months", points_expiry_months=12)
    ho.put_document("rule_sets", "2", {"effective_from": "2026-01-01T00:00:00",
                                       "rules": json.loads(rules.to_json())})
    # A year before the points lapse: nothing to say.
    ho.clock.at = DAYTIME
    assert "points_expiring" not in send_reminders(ho, member_hq.site.messaging,
                                                   date(2026, 11, 28))
    # Within the 30-day notice (both lapse on 2027-11-28): 李娜 (consenting) hears of it,
    # 王芳 (who declined) does not; 张伟 has no points.
    ho.clock.at = datetime(2027, 11, 10, 4, 0)
    with ho.sessions() as s, s.begin():
        s.get(MemberRow, WANG_FANG).consent_messages = False
    [soon] = member_hq.site.overview(LI_NA)["points"]["expiring"]
    assert member_hq.site.overview(WANG_FANG)["points"]["expiring"]
    first = send_reminders(ho, member_hq.site.messaging, date(2027, 11, 10))
    assert first["points_expiring"] == {"sent": 1}
    [msg] = [m for m in member_hq.sms.delivered if m.template_code == "SMS_310006"]
    assert (msg.phone, msg.params) == ("13800002222", {"points": "990", "date": "2027-11-28"})
    assert (soon["points"], soon["on"]) == (990, "2027-11-28")    # what the member page says
    again = send_reminders(ho, member_hq.site.messaging, date(2027, 11, 10))
    assert again["points_expiring"] == {"already": 1}
    with ho.sessions() as s:
        rows = [x for x in recent_log(s) if x["purpose"] == "points_expiring"]
    assert [(x["member_id"], x["status"], x["mobile"]) for x in rows] == [
        (LI_NA, "sent", "138****2222")]
