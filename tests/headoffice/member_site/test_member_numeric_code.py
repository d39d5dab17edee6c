"""The numeric member code: shown under the QR, checked online by a till through head office
(once in the whole chain, in its window, card status), refused offline with a reason."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from pos_app.domain.member_code import MemberCodeRefused, Refusal
from pos_app.sync.member_codes import HeadOfficeNumericCodes
from tests.headoffice.hq_rig import enrol_till
from tests.headoffice.member_site.member_rig import MemberHq
from tests.sync.sync_rig import LI_NA, make_till

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def digits_now(member_hq: MemberHq, mobile: str = "13800002222") -> str:
    c = member_hq.client()
    member_hq.sign_in(c, mobile)
    b = c.get("/m/codes.json").json()
    now = b["server_unix"]
    current = next(x for x in b["codes"] if x["starts_at"] <= now < x["ends_at"])
    return current["digits"].replace(" ", "")


def test_head_office_names_the_member_once_and_refuses_everything_else(member_hq: MemberHq):
    key = enrol_till(member_hq.ho, member_hq.base)
    api = httpx.Client(base_url=member_hq.base, headers={"X-Api-Key": key}, timeout=10)
    code = digits_now(member_hq)
    assert len(code) == 18 and code.startswith("96")
    first = api.post("/v1/member-code/resolve", json={"code": code}).json()
    assert first == {"decision": "accepted", "reason": "", "member_id": LI_NA}
    again = api.post("/v1/member-code/resolve", json={"code": code}).json()
    assert (again["decision"], again["reason"], again["member_id"]) == ("refused", "replayed",
                                                                        None)
    guess = "96" + "1" * 16
    assert api.post("/v1/member-code/resolve", json={"code": guess}).json()["reason"] == "forged"
    assert api.post("/v1/member-code/resolve", json={"code": "123"}).status_code == 422
    anon = httpx.post(member_hq.base + "/v1/member-code/resolve", json={"code": code})
    assert anon.status_code == 401
    old = digits_now(member_hq, "13800003333")
    member_hq.ho.clock.at += timedelta(seconds=30 + 121)
    assert api.post("/v1/member-code/resolve", json={"code": old}).json()["reason"] == "expired"
    fresh = digits_now(member_hq, "13800003333")
    member_hq.ho.set_card_status("100003", "lost")
    assert api.post("/v1/member-code/resolve",
                    json={"code": fresh}).json()["reason"] == "card_lost"


def test_a_till_attaches_the_member_by_the_numeric_code_online_only(member_hq: MemberHq,
                                                                    tmp_path: Path):
    hq_unix = member_hq.ho.clock().replace(tzinfo=UTC).timestamp()
    rig = make_till(member_hq.ho, SimpleNamespace(url=member_hq.base), tmp_path, "S001", "T01",
                    at=datetime.fromtimestamp(int(hq_unix)))
    try:
        rig.sync()
        rig.shop.services.selling.member_codes.numeric = HeadOfficeNumericCodes(
            rig.wiring.client)
        code = digits_now(member_hq)
        s = rig.shop.services.selling.new_session()
        s.add("REG100")
        view = s.attach_member_code(" ".join(code[i:i + 4] for i in range(0, 18, 4)))
        assert view.member.account.id == LI_NA and view.total_fen == 8_800
        with pytest.raises(MemberCodeRefused) as err:
            rig.shop.services.selling.new_session().attach_member_code(code)
        assert err.value.reason is Refusal.REPLAYED
        rig.offline()
        member_hq.ho.clock.at += timedelta(seconds=61)     # a new sign-in code may be sent
        with pytest.raises(MemberCodeRefused) as err:
            rig.shop.services.selling.new_session().attach_member_code(digits_now(member_hq))
        assert err.value.reason is Refusal.NEEDS_NETWORK
    finally:
        rig.close()
