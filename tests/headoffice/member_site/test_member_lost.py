"""挂失 from the member page: a fresh SMS check, every active card blocked as a shop would,
other sessions ended, the member code stops, a confirmation SMS."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from headoffice.models import CardRow, ChangeLogRow
from tests.headoffice.member_site.member_rig import MemberHq
from tests.sync.sync_rig import LI_NA

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def test_report_lost_needs_a_fresh_code_and_blocks_the_card_everywhere(member_hq: MemberHq):
    phone, other = member_hq.client(), member_hq.client()
    member_hq.sign_in(other, "13800002222")          # the lost phone, still signed in
    member_hq.ho.clock.at = member_hq.ho.clock.at.replace(minute=2)
    member_hq.sign_in(phone, "13800002222")
    assert other.get("/m/codes.json").json()["codes"]
    page = phone.get("/m/lost").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = phone.post("/m/lost", data={"csrf": csrf, "code": "000000"})
    assert r.status_code == 401
    with member_hq.ho.sessions() as s:
        assert s.get(CardRow, "100002").status == "active"
    phone.post("/m/lost/code", data={"csrf": csrf})
    code = member_hq.last_code("13800002222")
    r = phone.post("/m/lost", data={"csrf": csrf, "code": code})
    assert r.status_code == 200 and "已挂失" in r.text and "****0002" in r.text
    with member_hq.ho.sessions() as s:
        assert s.get(CardRow, "100002").status == "lost"
        fed = s.scalars(select(ChangeLogRow.key).where(ChangeLogRow.stream == "card_status")
                        ).all()
    assert "100002" in fed                            # every till pulls it, card status first
    assert other.get("/m/codes.json").status_code == 401      # the lost phone is signed out
    b = phone.get("/m/codes.json").json()
    assert b["codes"] == [] and b["blocked"] == "lost"
    assert "会员码已停用" in phone.get("/m/").text
    lost_sms = [m for m in member_hq.sms.messages_to("13800002222")
                if m.template_code == "SMS_310002"]
    assert len(lost_sms) == 1 and lost_sms[-1].params["card"] == "0002"
    assert member_hq.site.overview(LI_NA)["blocked"] == "lost"
