"""The console's promotion, coupon-template and top-up-package forms in Debian's Chromium on
PostgreSQL: the fields of each kind, a wrong field answered beside it with nothing recorded,
"try it" pricing the draft, a coupon and a package with the tills' own domain functions, and
editing a published promotion as its next version (issue 16)."""
from __future__ import annotations

from typing import Any

import pytest

from headoffice import promotions as svc
from tests.headoffice.console.conftest import shoot, sign_in
from tests.sync.sync_rig import HQ_MEMBERS

pytestmark = pytest.mark.postgres


def published(hq: Any) -> tuple[dict, dict, dict]:
    with hq.sessions() as s:
        return ({p.id: p for p in svc.promotions(s)}, {t.id: t for t in svc.templates(s)},
                {p.id: p for p in svc.packages(s)})


def submit(page: Any) -> None:
    page.click("#publish")
    page.wait_for_load_state("load")


def try_it(page: Any) -> str:
    page.click("#try-button")
    page.wait_for_selector("#try-result .try-draft, #try-result .error")
    return page.inner_text("#try-result")


def test_create_try_and_edit_promotions_coupons_and_packages_through_forms(
        server: Any, page: Any, hq: Any) -> None:
    hq.import_members(HQ_MEMBERS)
    sign_in(page, server.url, "maria")
    page.goto(f"{server.url}/console/promotions")

    # 满减: the saving above the threshold is refused beside its field; nothing published
    page.click("#new-spend_save")
    page.wait_for_selector("#f-threshold_fen")
    assert page.locator("#f-tier_price_gold").count() == 0      # only this kind's fields
    page.fill("#f-id", "MJ200")
    page.fill("#f-name", "满200减20")
    page.fill("#f-threshold_fen", "200")
    page.fill("#f-save_fen", "250")
    page.fill("#f-categories", "服装")
    page.check("#f-repeat")
    submit(page)
    assert "减免金额须大于零且不超过门槛" in page.inner_text("#e-save_fen")
    assert page.input_value("#f-name") == "满200减20"          # what was typed is kept
    assert "MJ200" not in published(hq)[0]
    shoot(page, "promotion-form-error")
    page.fill("#f-save_fen", "20")
    page.fill("#f-try_basket", "128.00 x2 cat 服装")
    # try it before publishing: ¥256 of clothes, ¥236 with the draft (the tills' engine)
    text = try_it(page)
    current = page.inner_text("#try-result .try-current")
    draft = page.inner_text("#try-result .try-draft")
    assert "¥256.00" in current and "¥236.00" in draft, text
    assert "MJ200" not in published(hq)[0]
    submit(page)
    assert page.url.endswith("/console/promotions?done=published")
    p = published(hq)[0]["MJ200"]
    assert (p.threshold_fen, p.save_fen, p.repeat, sorted(p.scope.categories)) == (
        20_000, 2_000, True, ["服装"])

    # a coupon template: an amount off is needed; then published
    page.click("#new-coupon-amount_off")
    page.wait_for_selector("#f-amount_fen")
    assert page.locator("#f-free_sku").count() == 0
    page.fill("#f-id", "GOLD20")
    page.fill("#f-name", "满100减20券")
    page.fill("#f-threshold_fen", "100")
    page.fill("#f-exclude_categories", "烟酒")
    submit(page)
    assert page.locator("#e-amount_fen").count() == 1
    assert "GOLD20" not in published(hq)[1]
    page.fill("#f-amount_fen", "20")
    submit(page)
    t = published(hq)[1]["GOLD20"]
    assert (t.amount_fen, t.threshold_fen, t.valid_days, sorted(t.scope.exclude_categories)) == (
        2_000, 10_000, 30, ["烟酒"])

    # a top-up package: a bad bonus is refused beside it; try it shows what it gives and a
    # coupon of GOLD20 on the sample basket
    page.click("#new-package")
    page.wait_for_selector("#f-amount_fen")
    page.fill("#f-id", "P1000")
    page.fill("#f-name", "充1000送100")
    page.fill("#f-amount_fen", "1000")
    page.fill("#f-bonus_fen", "一百")
    page.fill("#f-points", "500")
    page.select_option("#f-coupon_0", "GOLD20")
    page.fill("#f-coupon_count_0", "2")
    page.select_option("#f-upgrade_tier", "gold")
    submit(page)
    assert page.locator("#e-bonus_fen").count() == 1
    assert "P1000" not in published(hq)[2]
    page.fill("#f-bonus_fen", "100")
    page.fill("#f-try_basket", "128.00 x2 cat 服装")
    page.select_option("#f-try_template", "GOLD20")
    text = try_it(page)
    package = page.inner_text("#try-result .try-package")
    assert "¥1,000.00" in package and "¥100.00" in package and "500" in package, text
    assert "gold" in package and "GOLD20 ×2" in package
    coupon = page.inner_text("#try-result .try-coupon")
    assert "¥20.00" in coupon and "¥216.00" in coupon, coupon   # 256 − 20 (满减) − 20 (券)
    submit(page)
    pk = published(hq)[2]["P1000"]
    assert (pk.amount_fen, pk.bonus_fen, pk.points, pk.coupons, pk.upgrade_tier) == (
        100_000, 10_000, 500, (("GOLD20", 2),), "gold")

    # a member day on Saturdays for Gold, with double points
    page.click("#new-member_day")
    page.wait_for_selector("#f-tier_rate_gold")
    page.fill("#f-id", "MD-SAT")
    page.fill("#f-name", "周六会员日")
    page.fill("#f-tier_rate_gold", "0.95")
    page.check("#f-weekday_6")
    page.fill("#f-points_multiplier_bp", "2")
    submit(page)
    md = published(hq)[0]["MD-SAT"]
    assert (md.tier_rates, sorted(md.schedule.weekdays), md.points_multiplier_bp) == (
        (("gold", 9_500),), [6], 20_000)

    # edit the 满减: the form holds what was published, as its next version
    page.click("a[href='/console/promotions/MJ200/edit']")
    page.wait_for_selector("#f-save_fen")
    assert page.input_value("#f-version") == "2"
    assert page.input_value("#f-save_fen") == "20.00"
    assert page.is_checked("#f-repeat")
    page.fill("#f-save_fen", "30")
    submit(page)
    p = published(hq)[0]["MJ200"]
    assert (p.version, p.save_fen) == (2, 3_000)

    # try it on the list page: a Gold member on a Saturday gets 会员日 on top of the tier
    page.fill("#f-try_basket", "100.00")
    page.select_option("#f-try_tier", "gold")
    page.fill("#f-try_at", "2026-11-28T10:00")
    page.select_option("#f-try_template", "GOLD20")
    try_it(page)
    draft = page.inner_text("#try-result .try-draft")
    assert "¥83.60" in draft                                 # 100 × 0.88 × 0.95
    coupon = page.inner_text("#try-result .try-coupon")
    assert "未达使用门槛" in coupon and "¥16.40" in coupon    # short of ¥100 by ¥16.40
    shoot(page, "promotions-try")
