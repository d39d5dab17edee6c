"""Member tags (标签) at head office on PostgreSQL, in Debian's Chromium: the member page edits
them (a bad list refused beside the field, nothing saved), and a coupon issue run selects
members by tag together with tier, birthday month and last purchase (issue 16)."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from headoffice.models import CouponRow, MemberRow
from headoffice.promotions import MemberFilter, member_tags, select_members
from pos_app.domain.coupons import CouponKind, CouponTemplate
from tests.headoffice.console.conftest import shoot, sign_in
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, WANG_FANG, ZHANG_WEI

pytestmark = pytest.mark.postgres

TEMPLATE = CouponTemplate("VIP10", 1, "VIP满50减10", CouponKind.AMOUNT_OFF, amount_fen=1_000,
                          threshold_fen=5_000, valid_days=30)


def tags_of(hq: Any, member_id: str) -> list[str]:
    with hq.sessions() as s:
        return member_tags(s, member_id)


def edit_tags(page: Any, base: str, member_id: str, text: str) -> None:
    page.goto(f"{base}/console/members/{member_id}")
    page.wait_for_selector("#member-tags #f-tags")
    page.fill("#member-tags #f-tags", text)
    page.click("#member-tags button[type=submit]")


def test_tags_edited_on_the_member_page_select_an_issue_run(server: Any, page: Any,
                                                             hq: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    hq.publish_coupon_template(TEMPLATE)
    sign_in(page, server.url, "maria")
    edit_tags(page, server.url, LI_NA, "VIP，企业客户")
    page.wait_for_selector("#member-tags .flash")
    assert "标签已保存" in page.locator("#member-tags").inner_text()
    assert tags_of(hq, LI_NA) == ["VIP", "企业客户"]
    # a tag over 32 characters is refused beside the field and nothing changes
    edit_tags(page, server.url, LI_NA, "VIP, " + "长" * 33)
    page.wait_for_selector("#member-tags #e-tags")
    assert "32" in page.locator("#e-tags").inner_text()
    assert tags_of(hq, LI_NA) == ["VIP", "企业客户"]
    shoot(page, "member-tags")
    edit_tags(page, server.url, WANG_FANG, "VIP")
    page.wait_for_selector("#member-tags .flash")
    edit_tags(page, server.url, ZHANG_WEI, "企业客户")
    page.wait_for_selector("#member-tags .flash")

    # the issue run: tag VIP and tier gold reaches 李娜 only
    page.goto(f"{server.url}/console/promotions")
    assert "VIP (2)" in page.inner_text("body")
    page.select_option("#f-template_id", "VIP10")
    page.fill("#f-tags", "VIP")
    page.check("#f-tier_gold")
    page.click("form[action='/console/promotions/issue'] button[type=submit]")
    page.wait_for_load_state("load")
    assert "已发出 1 张优惠券" in page.inner_text("body")
    with hq.sessions() as s:
        assert [r.member_id for r in s.scalars(select(CouponRow))] == [LI_NA]
    # a bad tag in the filter is refused beside its field; nothing is issued
    page.select_option("#f-template_id", "VIP10")
    page.fill("#f-tags", "长" * 40)
    page.click("form[action='/console/promotions/issue'] button[type=submit]")
    page.wait_for_selector("#e-tags")
    with hq.sessions() as s:
        assert len(list(s.scalars(select(CouponRow)))) == 1


def test_the_tag_filter_combines_with_tier_birthday_month_and_last_purchase(hq: Any) -> None:
    from headoffice.promotions import set_member_tags
    hq.import_members(HQ_MEMBERS)
    now = hq.clock()

    def work(s: Any) -> None:
        s.get(MemberRow, LI_NA).birthday = "1990-05-18"
        s.get(MemberRow, WANG_FANG).birthday = "06-01"
        for member_id in (LI_NA, WANG_FANG, ZHANG_WEI):
            set_member_tags(s, member_id, ["VIP"], now)
    hq.transaction(work)
    with hq.sessions() as s:
        assert select_members(s, MemberFilter(tags=frozenset({"VIP"}))) == sorted(
            [LI_NA, WANG_FANG, ZHANG_WEI])
        assert select_members(s, MemberFilter(tags=frozenset({"VIP", "nobody"}),
                                              birthday_month=5)) == [LI_NA]
        assert select_members(s, MemberFilter(tags=frozenset({"VIP"}),
                                              tiers=frozenset({"diamond"}))) == [WANG_FANG]
        # nobody has bought yet: all three last bought "before" any date
        assert select_members(s, MemberFilter(tags=frozenset({"VIP"}),
                                              last_purchase_before=date(2026, 1, 1))) == sorted(
            [LI_NA, WANG_FANG, ZHANG_WEI])
        assert select_members(s, MemberFilter(tags=frozenset({"gone"}))) == []
    hq.publish_coupon_template(TEMPLATE)
    assert hq.issue_coupons("VIP10", MemberFilter(tags=frozenset({"VIP"}),
                                                  tiers=frozenset({"gold", "diamond"})))[1] == 2
