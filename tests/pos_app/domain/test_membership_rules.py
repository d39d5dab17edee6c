"""Every worked example of shared/docs/membership-rules.md, against the pure core."""
from __future__ import annotations

from datetime import date

import pytest

from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import InsufficientBalance, PaymentMismatch, PointsCashOverCap
from pos_app.domain.points import (is_lottery_balance, ladder_step_for, next_ladder_step,
                                   points_for_spend, step_for_price, tier_for_points,
                                   tier_for_purchase)
from pos_app.domain.pricing import BasketItem, ReasonKind, price_basket
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderInput, TenderKind, Wallet, split_stored_value, split_tenders

RULES = default_rule_set()
GOLD = RULES.tier("gold")
DIAMOND = RULES.tier("diamond")
DAY = date(2026, 11, 28)


def product(price_fen: int, kind: ProductKind = ProductKind.REGULAR, promo: int | None = None,
            sku: str = "X") -> Product:
    return Product(id=sku, sku=sku, name=sku, price_fen=price_fen, kind=kind, promo_rate_bp=promo)


def test_gold_pays_88_percent_and_diamond_80_percent_of_regular_goods():
    assert GOLD.discount_bp == 8_800 and DIAMOND.discount_bp == 8_000
    basket = price_basket([BasketItem(product(10_000), 1)], RULES, GOLD, DAY)
    assert basket.total_fen == 8_800
    basket = price_basket([BasketItem(product(10_000), 1)], RULES, DIAMOND, DAY)
    assert basket.total_fen == 8_000


def test_stacked_discount_promotion_then_gold_is_70_40():
    # §2: ¥100.00 on a counter-wide 8折 promotion with a Gold card: 100 × 0.8 × 0.88 = 70.40.
    basket = price_basket([BasketItem(product(10_000, promo=8_000), 1)], RULES, GOLD, DAY)
    line = basket.lines[0]
    assert line.amount_fen == 7_040
    assert [r.kind for r in line.reasons] == [ReasonKind.PROMOTION, ReasonKind.TIER]
    assert [r.discount_fen for r in line.reasons] == [2_000, 960]


def test_special_priced_goods_get_no_member_discount_but_earn_points():
    basket = price_basket([BasketItem(product(5_000, ProductKind.SPECIAL), 1)], RULES, GOLD, DAY)
    assert basket.total_fen == 5_000
    assert basket.eligible_fen == 5_000
    assert basket.lines[0].reasons[0].kind is ReasonKind.SPECIAL


def test_excluded_goods_get_no_discount_and_no_points():
    basket = price_basket([BasketItem(product(10_000, ProductKind.EXCLUDED), 1)], RULES,
                          DIAMOND, DAY)
    assert basket.total_fen == 10_000
    assert basket.eligible_fen == 0


def test_each_line_is_rounded_half_up_and_the_total_is_the_sum_of_lines():
    # 0.05 fen boundaries: ¥0.99 × 0.88 = 0.8712 -> 0.87; ¥1.25 × 0.88 = 1.10 exactly;
    # ¥0.55 × 0.88 = 0.484 -> 0.48; three lines summed, not the sum discounted.
    items = [BasketItem(product(99, sku="a"), 1), BasketItem(product(125, sku="b"), 1),
             BasketItem(product(55, sku="c"), 1)]
    basket = price_basket(items, RULES, GOLD, DAY)
    assert [ln.amount_fen for ln in basket.lines] == [87, 110, 48]
    assert basket.total_fen == 245


def test_half_a_fen_rounds_up():
    # ¥0.25 × 0.9 = 0.225 -> 0.23 (half-up), never banker's 0.22.
    rules = RULES.with_changes(tiers=(RULES.tiers[0], GOLD.__class__(
        "silver", "银卡", "Silver", 1, 9_000, None, None)))
    basket = price_basket([BasketItem(product(25), 1)], rules, rules.tier("silver"), DAY)
    assert basket.total_fen == 23


def test_promotion_applies_only_between_its_dates():
    p = Product("p", "p", "p", 10_000, promo_rate_bp=8_000, promo_start=date(2026, 12, 1),
                promo_end=date(2026, 12, 31))
    assert price_basket([BasketItem(p, 1)], RULES, None, date(2026, 11, 30)).total_fen == 10_000
    assert price_basket([BasketItem(p, 1)], RULES, None, date(2026, 12, 1)).total_fen == 8_000
    assert price_basket([BasketItem(p, 1)], RULES, None, date(2026, 12, 31)).total_fen == 8_000
    assert price_basket([BasketItem(p, 1)], RULES, None, date(2027, 1, 1)).total_fen == 10_000


@pytest.mark.parametrize("spend_fen, points", [(50_000, 50), (55_000, 55), (55_900, 55),
                                               (999, 0), (1_000, 1)])
def test_one_point_per_full_ten_yuan_remainder_dropped(spend_fen, points):
    assert points_for_spend(spend_fen, RULES).base == points


def test_a_sale_earning_200_points_gets_10_extra():
    assert points_for_spend(199_900, RULES).total == 199
    earned = points_for_spend(200_000, RULES)
    assert (earned.base, earned.bonus, earned.total) == (200, 10, 210)


def test_lottery_when_spendable_balance_ends_in_8():
    assert is_lottery_balance(1_238, RULES)
    assert is_lottery_balance(8, RULES)
    assert not is_lottery_balance(1_239, RULES)
    assert not is_lottery_balance(0, RULES)


@pytest.mark.parametrize("points, step_points, cap_fen", [
    (999, None, None), (1_000, 1_000, 20_000), (1_499, 1_000, 20_000), (1_500, 1_500, 40_000),
    (2_000, 2_000, 60_000), (2_499, 2_000, 60_000)])
def test_gift_ladder_1000_points_200_yuan_and_500_more_per_200(points, step_points, cap_fen):
    step = ladder_step_for(points, RULES)
    if step_points is None:
        assert step is None
    else:
        assert step is not None and (step.points, step.cap_fen) == (step_points, cap_fen)


def test_a_gift_costs_the_ladder_step_not_its_price():
    assert step_for_price(18_000, RULES).points == 1_000
    assert step_for_price(20_000, RULES).points == 1_000
    assert step_for_price(20_001, RULES).points == 1_500
    assert step_for_price(60_000, RULES).points == 2_000


def test_next_step_says_how_far_the_member_is():
    assert next_ladder_step(990, RULES)[0] == 10
    need, step = next_ladder_step(1_200, RULES)
    assert (need, step.points, step.cap_fen) == (300, 1_500, 40_000)
    assert next_ladder_step(-50, RULES)[0] == 1_000


def test_8000_accumulated_points_make_a_diamond_and_tiers_never_drop_by_points():
    assert tier_for_points(GOLD, 7_999, RULES).code == "gold"
    assert tier_for_points(GOLD, 8_000, RULES).code == "diamond"
    assert tier_for_points(DIAMOND, 0, RULES).code == "diamond"


def test_join_by_purchase_300_for_gold_and_3000_for_diamond():
    regular = RULES.tier("regular")
    assert tier_for_purchase(None, 29_999, RULES) is None
    assert tier_for_purchase(None, 30_000, RULES).code == "gold"
    assert tier_for_purchase(regular, 300_000, RULES).code == "diamond"
    assert tier_for_purchase(GOLD, 100_000, RULES) is None
    assert tier_for_purchase(DIAMOND, 500_000, RULES) is None


def test_cash_rounding_rounds_the_cash_due_down_to_the_jiao_only_for_cash():
    rules = RULES.with_changes(cash_rounding_to_jiao=True)
    s = split_tenders(7_047, [TenderInput(TenderKind.CASH, 10_000)], rules, None)
    assert (s.rounding_fen, s.change_fen, s.paid_fen) == (7, 2_960, 7_040)
    # A bank card pays to the fen; no rounding.
    s = split_tenders(7_047, [TenderInput(TenderKind.BANK_CARD, 7_047, "ref")], rules, None)
    assert s.rounding_fen == 0
    with pytest.raises(PaymentMismatch):
        split_tenders(7_047, [TenderInput(TenderKind.BANK_CARD, 7_040, "ref")], rules, None)


def test_points_as_cash_100_points_a_yuan_capped_by_the_rule_set():
    wallet = Wallet(0, 0, 5_000)
    s = split_tenders(10_000, [TenderInput(TenderKind.POINTS, 2_000), TenderInput(TenderKind.CASH, 8_000)],
               RULES, wallet)
    assert s.tenders[1].points_used == 2_000
    with pytest.raises(PointsCashOverCap):
        split_tenders(10_000, [TenderInput(TenderKind.POINTS, 2_001), TenderInput(TenderKind.CASH, 7_999)],
               RULES, wallet)


def test_top_up_1000_gets_100_bonus():
    assert RULES.top_up_bonus(100_000) == 10_000
    assert RULES.top_up_bonus(99_999) == 0


def test_stored_value_is_spent_in_proportion_of_paid_in_and_bonus():
    assert split_stored_value(11_000, 100_000, 10_000) == (10_000, 1_000)
    with pytest.raises(InsufficientBalance) as err:
        split_stored_value(20_000, 10_000, 0)
    assert err.value.missing_fen == 10_000


def test_referral_points_default_is_50():
    assert RULES.referral_points == 50


def test_rule_set_survives_json_round_trip():
    from pos_app.domain.rules import RuleSet
    assert RuleSet.from_json(RULES.to_json()) == RULES
