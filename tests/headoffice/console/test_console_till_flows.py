"""The console drives real tills: a product CSV imported and published, a rule-set version
edited and published, a card blocked — then a real till (`pos sync`, `pos quote`) follows.
Chromium through Playwright, the service on PostgreSQL, the till on its SQLite file."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from headoffice.console.models import AuditRow, CatalogProductRow, RuleSetVersionRow
from pos_cli.main import main as pos
from tests.headoffice.console.conftest import shoot, sign_in
from tests.store_support import make_shop
from tests.sync.sync_rig import HQ_MEMBERS

pytestmark = [pytest.mark.postgres, pytest.mark.integration]
AT = "2026-11-28T12:30:00"     # head office's test clock is 04:00 UTC = 12:00 in Shanghai
GOOD_CSV = ("sku,barcode,name,category,price,kind\n"
            "TEA01,6901111111116,龙井茶,食品/饮料/茶,100.00,regular\n"
            "SCARF,6901111111123,丝巾,服装/配饰/围巾,50.00,special\n").encode("gbk")
BAD_CSV = ("sku,barcode,name,category,price,kind\n"
           "TEA01,6901111111116,龙井茶,食品/饮料/茶,1OO.00,regular\n"
           ",6901111111123,丝巾,服装/配饰/围巾/丝/绸,50.00,cheap\n").encode("utf-8")


def _count(hq: Any, row: Any) -> int:
    with hq.sessions() as s:
        return s.scalar(select(func.count()).select_from(row))


def _quote(capsys: Any, till: Path, card: str, *items: str) -> tuple[int, Any]:
    capsys.readouterr()
    code = pos(["--data-dir", str(till), "quote", "--card", card, "--at", AT, *items, "--json"])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else out.err)


def _enrol_in_console(page: Any, base: str) -> str:
    page.goto(f"{base}/console/shops")
    page.select_option("#f-shop", "S001")
    page.fill("#f-till", "T09")
    page.click("form[action='/console/shops/tills'] button")
    code = page.locator("#enrol-code").inner_text().strip()
    assert page.locator(".qr svg").count() == 1
    shoot(page, "shops-enrolment")
    return code


def test_catalog_csv_and_a_rule_set_published_in_the_console_price_a_real_tills_basket(
        server: Any, page: Any, hq: Any, tmp_path: Path, capsys: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    till = tmp_path / "till"
    make_shop(till).uow.engine.dispose()
    sign_in(page, server.url)

    # A CSV with bad lines is refused whole, each line named, and nothing is recorded.
    page.goto(f"{server.url}/console/catalog")
    page.set_input_files("#f-file", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                            "buffer": BAD_CSV}])
    page.click("form[action='/console/catalog/import'] button")
    problems = page.locator("#e-file").inner_text()
    assert "line 2" in problems or "第 2 行" in problems
    assert "第 3 行" in problems and "more than three levels" in problems
    assert _count(hq, CatalogProductRow) == 0
    shoot(page, "catalog-import-refused")
    page.set_input_files("#f-file", files=[{"name": "goods.csv", "mimeType": "text/csv",
                                            "buffer": GOOD_CSV}])
    page.click("form[action='/console/catalog/import'] button")
    assert page.locator(".flash").is_visible()
    page.click("#publish")
    assert "已发布" in page.locator(".flash").inner_text()
    shoot(page, "catalog")

    # A new rule-set version: nonsense refused beside its field, then gold at 7折.
    page.goto(f"{server.url}/console/rules")
    page.click("form[action='/console/rules/new'] button")
    version = int(page.url.rsplit("/", 1)[1])
    page.fill("#f-tiers\\.1\\.discount_bp", "12000")
    page.click("#rules-form button.primary")
    assert page.locator("#e-tiers\\.1\\.discount_bp").is_visible()
    with hq.sessions() as s:
        assert json.loads(s.get(RuleSetVersionRow, version).body)["tiers"][1]["discount_bp"] == 8800
    shoot(page, "rules-refused")
    page.fill("#f-tiers\\.1\\.discount_bp", "7000")
    page.click("#rules-form button.primary")
    assert page.locator("table.list td.diff-new", has_text="7000").count() == 1
    page.fill("#f-basket", "100.00")
    page.click("#try button[type=submit]")
    page.wait_for_selector(".try-draft .total")
    assert page.locator(".try-draft .total").inner_text() == "¥70.00"
    assert page.locator(".try-current .total").inner_text() == "¥88.00"
    shoot(page, "rules-try")
    page.click("form[action$='/publish'] button")
    assert "已发布" in page.locator(".flash").inner_text()

    # The till enrols with the code the console shows, pulls, and prices by version N.
    code = _enrol_in_console(page, server.url)
    assert pos(["--data-dir", str(till), "sync", "--enrol", code, "--url", server.url]) == 0
    assert pos(["--data-dir", str(till), "sync", "--once"]) == 0
    status, quote = _quote(capsys, till, "100002", "TEA01", "SCARF")
    assert status == 0, quote
    assert [ln["amount"] for ln in quote["lines"]] == [7000, 5000]   # special: no discount
    assert quote["total"] == 12000
    # The till told head office about itself on that pull.
    page.goto(f"{server.url}/console/shops")
    row = page.locator("table.tills tr", has_text="T09").inner_text()
    assert "已注册" in row and "0.1.0" in row          # enrolled, and the app version it sent
    shoot(page, "shops")


def test_a_card_blocked_in_the_console_is_refused_by_a_till_after_its_pull(
        server: Any, page: Any, hq: Any, tmp_path: Path, capsys: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    hq.put_document("catalog", "TEA01", {"sku": "TEA01", "name": "龙井茶", "price_fen": 10000,
                                         "kind": "regular"})
    till = tmp_path / "till"
    make_shop(till).uow.engine.dispose()
    sign_in(page, server.url, "maria")               # the membership manager
    code = hq.add_till("S001", "T01")
    assert pos(["--data-dir", str(till), "sync", "--enrol", code, "--url", server.url]) == 0
    assert pos(["--data-dir", str(till), "sync", "--once"]) == 0
    assert _quote(capsys, till, "100001", "TEA01")[0] == 0

    page.goto(f"{server.url}/console/members?q=zw")          # 张伟 by pinyin initials
    page.click("table.results a >> text=张伟")
    shoot(page, "member")
    page.click("form[action$='/block'] button")
    assert "挂失" in page.locator(".flash").inner_text() or page.locator(".flash").is_visible()
    assert page.locator("table.cards").inner_text().count("已挂失") == 1
    assert pos(["--data-dir", str(till), "sync", "--once"]) == 0
    status, err = _quote(capsys, till, "100001", "TEA01")
    assert status == 4 and "100001 is lost" in err
    with hq.sessions() as s:
        a = s.scalars(select(AuditRow).where(AuditRow.action == "card.lost")).one()
    assert a.username == "maria" and json.loads(a.before)["status"] == "active"
    assert json.loads(a.after)["status"] == "lost"
