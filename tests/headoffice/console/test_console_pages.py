"""The console's pages on the real service and PostgreSQL: roles refused by the server, bad
input in every form answered beside the field with nothing recorded, search, merge, PIPL,
the month close with its Excel file, the dashboard from figures kept on ingest, and a
screenshot of every page at laptop and tablet size."""
from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from headoffice.console.rulesets import form_values
from headoffice.console.models import (
    AuditRow,
    CatalogProductRow,
    DailyFigureRow,
    MemberMergeRow,
    PromotionRow,
    RuleSetVersionRow,
    WorkNoteRow,
)
from headoffice.models import (
    CardRow,
    MemberAccountRow,
    MemberDataRequestRow,
    MemberRow,
    SettlementRow,
    ShopRow,
    TillRow,
)
from pos_app.domain.rules import default_rule_set
from pos_app.sync.events import hlc_pack
from tests.headoffice.console.conftest import login, shoot, sign_in
from tests.headoffice.hq_rig import enrol_till, sale_event
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, WANG_FANG, ZHANG_WEI

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def _count(hq: Any, row: Any) -> int:
    with hq.sessions() as s:
        return s.scalar(select(func.count()).select_from(row))


def _push(server: Any, key: str, events: list[dict[str, Any]]) -> None:
    r = httpx.post(f"{server.url}/v1/sync/push", json={"events": events},
                   headers={"X-Api-Key": key}, timeout=30)
    r.raise_for_status()


def test_a_shop_manager_is_refused_other_shops_pages_and_exports_by_the_server(
        server: Any, chain: dict[str, str]) -> None:
    mgr = login(server.url, "mgr1")
    own, other = chain["S001"], chain["S002"]
    assert mgr.get(f"/console/reports?shop={own}").status_code == 200
    assert mgr.get(f"/console/reports.xlsx?shop={own}").status_code == 200
    assert mgr.get(f"/console/shops/{own}").status_code == 200
    for url in (f"/console/?shop={other}", f"/console/reports?shop={other}",
                f"/console/reports.xlsx?shop={other}", f"/console/reports.xlsx?by=tender&shop={other}",
                f"/console/shops/{other}", "/console/members", f"/console/members/{ZHANG_WEI}",
                "/console/money", "/console/money/2026-10.xlsx", "/console/rules",
                "/console/catalog", "/console/audit", "/console/worklist", "/console/privacy"):
        assert mgr.get(url).status_code == 403, url
    # The shops page lists their own shop only; no write reaches the server either.
    assert "S002" not in mgr.get("/console/shops").text
    r = mgr.post("/console/shops", data={"csrf": mgr.csrf, "code": "S999", "shop_name": "x"})
    assert r.status_code == 403
    # Reports without a shop are their own shop's, never the chain's.
    assert 'value="' + other + '"' not in mgr.get("/console/reports").text


def test_bad_input_in_every_form_is_answered_beside_the_field_and_records_nothing(
        server: Any, hq: Any, chain: dict[str, str]) -> None:
    hq.import_members(HQ_MEMBERS)
    boss = login(server.url)
    boss.post("/console/rules/new", data={"csrf": boss.csrf})
    limits = {f"limit.{k}": f"{v // 100}.{v % 100:02d}" if k.endswith("_fen") else str(v)
              for k, v in hq.limits().items()}
    rules_form = {k: ("on" if v is True else "" if v is False else str(v))
                  for k, v in form_values(default_rule_set()).items()}
    with hq.sessions() as s:
        version = s.scalar(select(func.max(RuleSetVersionRow.version)))
        till_id = s.scalar(select(TillRow.id).limit(1))
    hq.put_document("catalog", "x", {})   # any document: publishing is not what is tested
    boss.post("/console/catalog/import", data={"csrf": boss.csrf}, files={"file": (
        "g.csv", b"sku,barcode,name,category,price,kind\nTEA01,,Tea,A/B,10.00,regular\n",
        "text/csv")})
    audit_before = _count(hq, AuditRow)
    cases = [
        ("/console/members/" + ZHANG_WEI + "/edit", {"name": "", "mobile": "12345",
                                                     "tier_code": "regular"}, "e-name"),
        ("/console/members/" + ZHANG_WEI + "/edit", {"name": "张伟", "mobile": "12345",
                                                     "tier_code": "regular"}, "e-mobile"),
        ("/console/members/" + ZHANG_WEI + "/edit", {"name": "张伟", "mobile": "",
                                                     "tier_code": "platinum"}, "e-tier_code"),
        ("/console/members/" + ZHANG_WEI + "/edit", {"name": "张伟", "tier_code": "regular",
                                                     "birthday": "1990-02-31"}, "e-birthday"),
        ("/console/members/" + ZHANG_WEI + "/merge", {"other": "nobody"}, "e-other"),
        ("/console/members/" + ZHANG_WEI + "/merge", {"other": ZHANG_WEI}, "e-other"),
        ("/console/members/" + ZHANG_WEI + "/cards/100002/block", {}, "e-card"),
        ("/console/members/" + LI_NA + "/erase", {}, "e-erase"),
        ("/console/members/" + LI_NA + "/erase", {"confirm": "on"}, "e-erase"),  # balance
        (f"/console/rules/{version}", {**rules_form, "tiers.0.code": "Regular!"},
         "e-tiers.0.code"),
        (f"/console/rules/{version}", {**rules_form, "tiers.2.discount_bp": "0"},
         "e-tiers.2.discount_bp"),
        (f"/console/rules/{version}", {**rules_form, "points_unit_fen": "ten"},
         "e-points_unit_fen"),
        (f"/console/rules/{version}", {**rules_form, "lottery_digit": "12"},
         "e-lottery_digit"),
        (f"/console/rules/{version}", {**rules_form, "points_expiry": "sometimes"},
         "e-points_expiry"),
        (f"/console/rules/{version}", {**rules_form, "topup_bonuses.0.bonus_fen": "2000.00"},
         "e-topup_bonuses.0.bonus_fen"),
        (f"/console/rules/{version}/publish", {"effective_from": "2020-01-01T00:00"},
         "e-effective_from"),
        (f"/console/rules/{version}/publish", {"effective_from": "tomorrow"},
         "e-effective_from"),
        ("/console/rules/limits", {**limits, "limit.card_max_uses": "0"},
         "e-limit.card_max_uses"),
        ("/console/rules/limits", {**limits, "limit.card_cap_fen": "lots"},
         "e-limit.card_cap_fen"),
        ("/console/catalog/import", {}, "e-file"),
        ("/console/catalog/products/TEA01", {"name": "Tea", "price": "ten", "kind": "regular"},
         "e-price"),
        ("/console/catalog/products/TEA01", {"name": "Tea", "price": "1.00", "kind": "cheap"},
         "e-kind"),
        ("/console/catalog/products/TEA01", {"name": "Tea", "price": "1.00", "kind": "regular",
                                             "category_path": "a/b/c/d"}, "e-category_path"),
        ("/console/catalog/products/TEA01/price", {"shop": chain["S001"],
                                                   "override_price": "-3"}, "e-override_price"),
        ("/console/catalog/products/TEA01/price", {"shop": "nowhere",
                                                   "override_price": "3"}, "e-shop"),
        ("/console/catalog/promotions", {"name": "", "scope": "product", "target": "TEA01",
                                         "rate": "0.8", "start": "2026-11-28",
                                         "end": "2026-11-30"}, "e-name"),
        ("/console/catalog/promotions", {"name": "秋季", "scope": "product", "target": "NOPE",
                                         "rate": "0.8", "start": "2026-11-28",
                                         "end": "2026-11-30"}, "e-target"),
        ("/console/catalog/promotions", {"name": "秋季", "scope": "product", "target": "TEA01",
                                         "rate": "1.5", "start": "2026-11-28",
                                         "end": "2026-11-30"}, "e-rate"),
        ("/console/catalog/promotions", {"name": "秋季", "scope": "counter", "target": "A/B",
                                         "rate": "0.8", "start": "2026-11-28",
                                         "end": "2026-11-30"}, "e-target"),
        ("/console/catalog/promotions", {"name": "秋季", "scope": "product", "target": "TEA01",
                                         "rate": "0.8", "start": "2026-11-28",
                                         "end": "2026-11-01"}, "e-end"),
        ("/console/shops", {"code": "S 1", "shop_name": "x"}, "e-code"),
        ("/console/shops", {"code": "S001", "shop_name": "dup"}, "e-code"),
        ("/console/shops", {"code": "S009", "shop_name": ""}, "e-shop_name"),
        ("/console/shops/tills", {"shop": "S001", "till": "T 1"}, "e-till"),
        ("/console/shops/tills", {"shop": "NOPE", "till": "T1"}, "e-shop"),
        ("/console/money/2026-13/close", {}, "e-period"),
        ("/console/money/2026-11/close", {}, "e-period"),      # the month is not over yet
    ]
    counts_before = {t.__name__: _count(hq, t) for t in (
        MemberRow, CardRow, MemberMergeRow, RuleSetVersionRow, CatalogProductRow,
        PromotionRow, ShopRow, TillRow, SettlementRow, WorkNoteRow)}
    for url, data, field in cases:
        r = boss.post(url, data={"csrf": boss.csrf, **data})
        assert r.status_code == 422, (url, data, r.status_code)
        assert f'id="{field}"' in r.text, (url, data, field)
        assert re.search(rf'id="{re.escape(field)}"[^>]*>[^<]*\S', r.text) or \
            re.search(rf'id="{re.escape(field)}"[^>]*>\s*<p>\S', r.text), (url, field)
    with hq.sessions() as s:
        m = s.get(MemberRow, ZHANG_WEI)
        assert (m.name, m.mobile, m.tier_code) == ("张伟", "13800001111", "regular")
        assert json.loads(s.get(RuleSetVersionRow, version).body)["tiers"][0]["code"] == "regular"
        assert s.get(RuleSetVersionRow, version).status == "draft"
    assert {t.__name__: _count(hq, t) for t in (
        MemberRow, CardRow, MemberMergeRow, RuleSetVersionRow, CatalogProductRow,
        PromotionRow, ShopRow, TillRow, SettlementRow, WorkNoteRow)} == counts_before
    assert _count(hq, AuditRow) == audit_before
    # Reports and the worklist: a message beside the field too.
    # The same form with good values is taken and reaches the settings feed.
    r = boss.post("/console/rules/limits", data={"csrf": boss.csrf, **limits,
                                                 "limit.card_cap_fen": "300.00"})
    assert r.status_code == 303 and hq.limits()["card_cap_fen"] == 30_000
    r = boss.get("/console/reports?by=tender&start=2026-02-30&end=2026-11-28")
    assert r.status_code == 422 and 'id="e-from"' in r.text
    r = boss.get("/console/reports?start=2026-11-28&end=2026-11-01")
    assert r.status_code == 422 and 'id="e-to"' in r.text
    assert till_id is None


def test_member_search_by_card_mobile_last4_name_and_pinyin(server: Any, hq: Any,
                                                           chain: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    maria = login(server.url, "maria")

    def found(q: str) -> list[str]:
        r = maria.get("/console/members", params={"q": q}, headers={"HX-Request": "true"})
        assert r.status_code == 200
        return re.findall(r'href="/console/members/([0-9a-f-]{36})"', r.text)
    assert found("100003") == [WANG_FANG]
    assert found("13800002222") == [LI_NA]
    assert found("2222") == [LI_NA]
    assert found("张") == [ZHANG_WEI]
    assert found("wangfang") == [WANG_FANG]
    assert found("WF") == [WANG_FANG]
    assert found("ln") == [LI_NA]
    assert found("nobody") == [] and found("%") == []
    # A till edit of the name is searchable at once: the index follows ingest.
    key = enrol_till(hq, server.url)
    _push(server, key, [{"id": "e1", "device_seq": 1, "kind": "member.updated",
                         "payload": {"member_id": ZHANG_WEI, "fields": {"name": "赵伟"},
                                     "hlc": hlc_pack(int(datetime(2026, 11, 28, 4, 1, tzinfo=UTC)
                                                         .timestamp() * 1000), 0)}}])
    assert found("zhaowei") == [ZHANG_WEI]


def test_merge_two_records_and_pipl_export_then_erase(server: Any, hq: Any, chain: Any) -> None:
    hq.import_members(HQ_MEMBERS + [{"id": "0190f0f0-0000-7000-8000-00000000dup1",
                                     "name": "李娜", "mobile": "13900009999",
                                     "card_no": "100009", "paid_fen": 500, "points": 10}])
    boss = login(server.url)
    r = boss.post(f"/console/members/{ZHANG_WEI}/edit", data={
        "csrf": boss.csrf, "name": "张伟", "mobile": "13800001111", "tier_code": "gold",
        "birthday": "1990-05-01", "birthday_calendar": "solar"})
    assert r.status_code == 303
    page = boss.get(f"/console/members/{ZHANG_WEI}").text
    assert "普通会员 → 金卡" in page and "– → 普通会员" in page      # the tier history
    r = boss.post(f"/console/members/{LI_NA}/merge",
                  data={"csrf": boss.csrf, "other": "100009"})
    assert r.status_code == 303
    with hq.sessions() as s:
        assert s.get(CardRow, "100009").member_id == LI_NA
        acct = s.get(MemberAccountRow, LI_NA)
        assert (acct.balance_paid_fen, acct.spendable_points) == (10_500, 1000)
        dup = s.get(MemberAccountRow, "0190f0f0-0000-7000-8000-00000000dup1")
        assert (dup.balance_paid_fen, dup.spendable_points) == (0, 0)
    # A member asks (from the phone page) to have their data deleted: the console closes it.
    with hq.sessions() as s, s.begin():
        s.add(MemberDataRequestRow(member_id=ZHANG_WEI, kind="erase", source="member_page",
                                   status="open", note="", requested_at=hq.clock()))
    assert "张伟" in boss.get("/console/privacy").text
    r = boss.post(f"/console/members/{ZHANG_WEI}/export", data={"csrf": boss.csrf})
    doc = r.json()
    assert doc["member"]["name"] == "张伟" and doc["cards"][0]["card_no"] == "100001"
    assert "attachment" in r.headers["content-disposition"]
    r = boss.post(f"/console/members/{ZHANG_WEI}/erase", data={"csrf": boss.csrf,
                                                               "confirm": "on"})
    assert r.status_code == 303
    with hq.sessions() as s:
        m = s.get(MemberRow, ZHANG_WEI)
        assert (m.name, m.mobile, m.birthday) == ("已删除会员", None, None)
        assert s.get(CardRow, "100001").status == "cancelled"
        req = s.scalars(select(MemberDataRequestRow)).one()
        assert req.status == "done" and req.handled_by == "boss"
        actions = [a.action for a in s.scalars(select(AuditRow).order_by(AuditRow.id))]
    assert actions[-4:] == ["member.edited", "member.merged", "member.exported",
                            "member.erased"]
    assert boss.get("/console/members", params={"q": "zhangwei"}).text.count(
        "/console/members/") == 0


def test_close_a_month_in_the_browser_and_download_its_excel(server: Any, page: Any, hq: Any,
                                                            chain: Any, tmp_path: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    key = enrol_till(hq, server.url, "S002", "T01")
    _push(server, key, [sale_event(1, member_id=LI_NA, card_no="100002", sv_fen=3000)])
    sign_in(page, server.url, "fin")
    page.goto(f"{server.url}/console/money?period=2026-11")
    assert page.locator("table.net").inner_text().count("HQ") == 1      # preview: HQ owes S002
    page.click("#close-month")
    assert "本月尚未结束" in page.locator("#e-period").inner_text()
    hq.clock.at = datetime(2026, 12, 1, 2, 0)
    sign_in(page, server.url, "fin")             # three days later the session has expired
    page.goto(f"{server.url}/console/money?period=2026-11")
    shoot(page, "settlement-open")
    page.click("#close-month")
    assert page.locator(".badge.ok").inner_text() == "已月结"
    shoot(page, "settlement-closed")
    with page.expect_download() as dl:
        page.click("#xlsx")
    path = tmp_path / "s.xlsx"
    dl.value.save_as(path)
    wb = load_workbook(path)
    net = list(wb["净额 Net"].iter_rows(values_only=True))
    assert net[1][:2] == ("HQ", "S002") and float(net[1][2]) == 30.0
    # Immutable: closing again is refused, and the stored document does not change.
    with hq.sessions() as s:
        body = s.get(SettlementRow, "2026-11").body
    fin = login(server.url, "fin")
    r = fin.post("/console/money/2026-11/close", data={"csrf": fin.csrf})
    assert r.status_code == 422 and "已月结" in r.text
    with hq.sessions() as s:
        assert s.get(SettlementRow, "2026-11").body == body
    page.click("text=HQ")
    shoot(page, "settlement-entries")


def test_dashboard_and_reports_come_from_the_figures_kept_on_ingest(
        server: Any, page: Any, hq: Any, chain: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    key = enrol_till(hq, server.url, "S001", "T01")
    _push(server, key, [
        sale_event(1, member_id=LI_NA, card_no="100002", total_fen=20_000, points_earned=20),
        sale_event(2, total_fen=5_000),
        {"id": "t1", "device_seq": 3, "kind": "stored_value.topup", "created_at":
         "2026-11-28T12:05:00", "payload": {"member_id": LI_NA, "paid_fen": 100_000,
                                             "bonus_fen": 10_000}},
        # A bad event: the batch runs again event by event, and it counts for nothing.
        {"id": "bad1", "device_seq": 4, "kind": "sale.completed", "created_at":
         "2026-11-28T12:06:00", "payload": {"sale": {"sale_id": "s-bad", "tenders": [
             {"kind": "cash", "amount_fen": 700}, {"kind": "cash", "amount_fen": "x"}]}}},
        sale_event(5, total_fen=0)])
    with hq.sessions() as s:
        f = s.scalars(select(DailyFigureRow)).one()
    assert (f.sales_count, f.sales_fen, f.member_sales_count, f.member_sales_fen) == \
        (3, 25_000, 1, 20_000)
    assert (f.points_issued, f.sv_topup_paid_fen, f.sv_topup_bonus_fen) == (20, 100_000, 10_000)
    sign_in(page, server.url)
    today = page.locator("table.kpi tbody tr").first.locator("td").first.inner_text()
    assert today == "¥250.00"
    assert page.locator("table.kpi tbody tr").nth(1).locator("td").first.inner_text() == "3"
    assert page.locator("table.kpi").inner_text().count("80.0%") == 3   # members' share
    page.locator("[data-chart] canvas").first.wait_for(state="attached")
    shoot(page, "dashboard")
    assert page.locator("table.offline").count() == 0
    hq.clock.at += timedelta(hours=1)                    # the till has been quiet for an hour
    page.reload()
    assert "S001" in page.locator("table.offline").inner_text()
    boss = login(server.url)
    r = boss.get("/console/reports", params={"by": "tender", "start": "2026-11-01",
                                              "end": "2026-11-30"})
    assert "¥250.00" in r.text
    x = boss.get("/console/reports.xlsx", params={"by": "shop", "start": "2026-11-01",
                                                  "end": "2026-11-30"})
    rows = list(load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    assert (rows[1][1], float(rows[1][2])) == (3, 250.0)


def test_every_page_at_laptop_and_tablet_size(server: Any, page: Any, hq: Any,
                                             chain: dict[str, str]) -> None:
    """Screenshots for people to look at (test-artifacts/console/), in Chinese and English."""
    hq.import_members(HQ_MEMBERS)
    key = enrol_till(hq, server.url, "S001", "T01")
    _push(server, key, [sale_event(1, member_id=LI_NA, card_no="100002", sv_fen=2_000,
                                   total_fen=8_000, points_earned=8)])
    sign_in(page, server.url)
    page.goto(f"{server.url}/console/rules")
    page.click("form[action='/console/rules/new'] button")
    pages = {"dashboard": "/console/", "members-search": "/console/members?q=li",
             "member-page": f"/console/members/{LI_NA}", "privacy": "/console/privacy",
             "rules-list": "/console/rules", "rules-edit": "/console/rules/2",
             "catalog-empty": "/console/catalog", "shops-list": "/console/shops",
             "settlement": "/console/money?period=2026-11", "worklist": "/console/worklist",
             "reports": "/console/reports?by=tender", "audit": "/console/audit"}
    for name, url in pages.items():
        page.goto(server.url + url)
        assert page.locator("h1").count() == 1, name
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, overflow)   # no sideways scrolling of the page at 1366
        shoot(page, name)
    page.goto(f"{server.url}/console/lang/en?next=/console/members/{LI_NA}")
    assert page.locator("h2").first.inner_text() == "Profile"
    shoot(page, "member-page-en")
    page.goto(f"{server.url}/console/lang/zh_CN?next=/console/")
