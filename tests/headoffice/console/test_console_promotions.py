"""The console's promotions page over real HTTP on PostgreSQL: publish a promotion and a
coupon template as the domain reads them, refuse bad input beside its field, "try it" with
the till's own engine, issue coupons to members, withdraw; roles enforced (issue 16)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.headoffice.console.conftest import login
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA

pytestmark = pytest.mark.postgres

MEMBER_DAY = {"id": "MD-SAT", "version": "1", "kind": "member_day", "name": "周六会员日",
              "weekday_6": "on", "tier_rate_gold": "0.95", "new": "1"}
TEMPLATE = {"id": "GOLD20", "version": "1", "kind": "amount_off", "name": "满100减20券",
            "amount_fen": "20", "threshold_fen": "100", "valid_days": "30",
            "per_member_limit": "1", "new": "1"}


def test_membership_staff_publish_try_issue_and_withdraw(hq: Any, server: LiveServer) -> None:
    hq.import_members(HQ_MEMBERS)
    c = login(server.url, "maria")
    page = c.get("/console/promotions")
    assert page.status_code == 200 and "促销与优惠券" in page.text
    bad = c.post("/console/promotions", data={"csrf": c.csrf, **MEMBER_DAY,
                                             "tier_rate_gold": ""})
    assert bad.status_code == 422 and 'id="e-tier_rates"' in bad.text
    assert "会员日须给等级折扣" in bad.text
    bad = c.post("/console/promotions", data={"csrf": c.csrf, **MEMBER_DAY,
                                             "tier_rate_gold": "九五折"})
    assert bad.status_code == 422 and 'id="e-tier_rate_gold"' in bad.text
    # try it before publishing: ¥100 for Gold on a Saturday, 88.00 now, 83.60 with the draft
    tried = c.post("/console/promotions/try", data={
        "csrf": c.csrf, "try_basket": "100.00", "try_tier": "gold",
        "try_at": "2026-11-28T10:00", "draft": "promotion", **MEMBER_DAY})
    assert tried.status_code == 200
    assert "¥88.00" in tried.text and "¥83.60" in tried.text
    ok = c.post("/console/promotions", data={"csrf": c.csrf, **MEMBER_DAY})
    assert ok.status_code == 303
    assert "MD-SAT" in c.get("/console/promotions").text
    again = c.post("/console/promotions", data={"csrf": c.csrf, **MEMBER_DAY})
    assert again.status_code == 422 and 'id="e-id"' in again.text     # new, same id
    ok = c.post("/console/promotions/templates", data={"csrf": c.csrf, **TEMPLATE})
    assert ok.status_code == 303
    package = {"id": "P1000", "version": "1", "name": "充1000送100", "amount_fen": "1000",
               "bonus_fen": "100", "points": "500", "coupon_0": "NOPE",
               "coupon_count_0": "1", "new": "1"}
    bad = c.post("/console/promotions/packages", data={"csrf": c.csrf, **package})
    assert bad.status_code == 422 and "NOPE" in bad.text and 'id="e-coupon_0"' in bad.text
    package.update(coupon_0="GOLD20", coupon_count_0="2")
    ok = c.post("/console/promotions/packages", data={"csrf": c.csrf, **package})
    assert ok.status_code == 303 and "充1000送100" in c.get("/console/promotions").text
    issued = c.post("/console/promotions/issue", data={"csrf": c.csrf, "template_id": "GOLD20",
                                                      "tier_gold": "on"})
    assert issued.status_code == 200 and "已发出 1 张优惠券" in issued.text
    with hq.sessions() as s:
        from headoffice.models import CouponRow
        from sqlalchemy import select
        assert [r.member_id for r in s.scalars(select(CouponRow))] == [LI_NA]
    none = c.post("/console/promotions/issue", data={"csrf": c.csrf, "template_id": "NOPE"})
    assert none.status_code == 422 and "NOPE" in none.text
    bad = c.post("/console/promotions/issue", data={"csrf": c.csrf, "template_id": "GOLD20",
                                                   "birthday_month": "13"})
    assert bad.status_code == 422 and 'id="e-birthday_month"' in bad.text
    gone = c.post("/console/promotions/MD-SAT/withdraw", data={"csrf": c.csrf})
    assert gone.status_code == 303
    assert "MD-SAT" not in c.get("/console/promotions").text.split("生效中的促销")[1].split(
        "优惠券模板")[0]


def test_a_shop_manager_cannot_see_or_change_promotions(server: LiveServer) -> None:
    c = login(server.url, "mgr1")
    assert c.get("/console/promotions").status_code == 403
    r = c.post("/console/promotions", data={"csrf": c.csrf, **MEMBER_DAY})
    assert r.status_code == 403
