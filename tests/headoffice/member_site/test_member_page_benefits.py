"""What the page shows beyond balances: the member's coupons from the coupon ledger and the
points that lapse soon under the rule set's expiry policy."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from headoffice.promotions import MemberFilter
from pos_app.domain.coupons import CouponKind, CouponTemplate
from pos_app.domain.rules import default_rule_set
from tests.headoffice.member_site.member_rig import MemberHq, text_of
from tests.sync.sync_rig import LI_NA, WANG_FANG

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def test_the_members_own_available_coupons_are_listed(member_hq: MemberHq):
    ho = member_hq.ho
    ho.publish_coupon_template(CouponTemplate(id="T100", version=1, name="冬季满减券",
                                              kind=CouponKind.AMOUNT_OFF, amount_fen=2_000,
                                              threshold_fen=10_000, valid_days=30))
    ho.issue_coupons("T100", MemberFilter(member_ids=frozenset({LI_NA})))
    ho.issue_coupons("T100", MemberFilter(member_ids=frozenset({WANG_FANG})))
    c = member_hq.client()
    member_hq.sign_in(c, "13800002222")
    page = text_of(c.get("/m/").text)
    assert "冬季满减券" in page and "满100.00减20.00" in page
    mine = [x["code"] for x in member_hq.site.overview(LI_NA)["coupons"]]
    theirs = [x["code"] for x in member_hq.site.overview(WANG_FANG)["coupons"]]
    assert len(mine) == 1 and mine[0] in page and theirs[0] not in page


def test_points_about_to_lapse_are_shown_when_the_rule_set_lets_points_expire(
        member_hq: MemberHq):
    ho = member_hq.ho
    rules = default_rule_set(2).with_changes(points_expiry="months", points_expiry_months=12)
    ho.put_document("rule_sets", "2", {"effective_from": "2026-01-01T00:00:00",
                                       "rules": json.loads(rules.to_json())})
    c = member_hq.client()
    member_hq.sign_in(c, "13800002222")
    assert "到期" not in text_of(c.get("/m/").text)      # a year away: nothing to say yet
    ho.clock.at = datetime(2027, 11, 10, 4, 0)
    c2 = member_hq.client()
    member_hq.sign_in(c2, "13800002222")
    [soon] = member_hq.site.overview(LI_NA)["points"]["expiring"]
    assert soon["points"] == 990
    assert f"990 积分将于 {soon['on']} 到期" in text_of(c2.get("/m/").text)
