"""Worked examples of every promotion kind and of the stacking policy (issue 16)."""
from __future__ import annotations

from datetime import datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import ValidationFailed
from pos_app.domain.pricing import BasketItem, ReasonKind, price_basket
from pos_app.domain.promotions import (
    DEFAULT_STACKING,
    Promotion,
    PromotionBook,
    PromotionKind,
    Schedule,
    Scope,
    StackClass,
    StackingPolicy,
    price_with_promotions,
)
from pos_app.domain.rules import default_rule_set

RULES = default_rule_set()
GOLD = RULES.tier("gold")
DIAMOND = RULES.tier("diamond")
REGULAR = RULES.tier("regular")
WEDNESDAY = datetime(2026, 11, 25, 10, 0)   # a Wednesday
THURSDAY = datetime(2026, 11, 26, 10, 0)


def product(price_fen: int, sku: str = "X", kind: ProductKind = ProductKind.REGULAR,
            category: str = "女装", promo: int | None = None) -> Product:
    return Product(id=sku, sku=sku, name=sku, price_fen=price_fen, kind=kind,
                   category=category, promo_rate_bp=promo)


def items(*pairs: tuple[Product, int]) -> list[BasketItem]:
    return [BasketItem(p, q) for p, q in pairs]


def promo(pid: str, kind: PromotionKind, **kw: object) -> Promotion:
    return Promotion(id=pid, version=kw.pop("version", 1), kind=kind,  # type: ignore[arg-type]
                     name=kw.pop("name", pid), **kw)  # type: ignore[arg-type]


def price(basket_items: list[BasketItem], tier=None, at=THURSDAY, shop="S001",
          *promos: Promotion, stacking: StackingPolicy = DEFAULT_STACKING):
    return price_with_promotions(basket_items, RULES, tier, at, shop,
                                 PromotionBook(tuple(promos), stacking))


def kinds(line) -> list[ReasonKind]:
    return [r.kind for r in line.reasons]


def saved(line) -> int:
    return sum(r.discount_fen for r in line.reasons)


# -- price promotions and 折上折 -----------------------------------------------------------------

def test_stacked_discount_is_unchanged_counter_promotion_then_gold_is_70_40():
    counter = promo("P-8", PromotionKind.PRICE, rate_bp=8_000,
                    scope=Scope(categories=frozenset({"女装"})))
    line = price(items((product(10_000), 1)), GOLD, THURSDAY, "S001", counter).basket.lines[0]
    assert line.amount_fen == 7_040
    assert kinds(line) == [ReasonKind.PROMOTION, ReasonKind.TIER]
    assert [r.discount_fen for r in line.reasons] == [2_000, 960]
    assert line.reasons[0].promotion_id == "P-8" and line.reasons[0].promotion_version == 1


def test_the_products_own_promotion_is_kept_and_recorded_under_its_sku():
    line = price(items((product(10_000, promo=8_000), 1)), GOLD).basket.lines[0]
    assert line.amount_fen == 7_040
    assert line.reasons[0].promotion_id == "product:X"


def test_promotion_price_is_a_shelf_price_rounded_per_unit_then_the_tier_on_the_line():
    # membership-rules.md §2: ¥120.02 on 8折 is ¥96.02 on the shelf, ¥84.50 for Gold.
    p = promo("P", PromotionKind.PRICE, rate_bp=8_000)
    assert price(items((product(12_002), 1)), None, THURSDAY, "S001", p).total_fen == 9_602
    assert price(items((product(12_002), 1)), GOLD, THURSDAY, "S001", p).total_fen == 8_450
    assert price(items((product(12_002), 3)), None, THURSDAY, "S001", p).total_fen == 3 * 9_602


def test_fixed_price_promotion_then_tier_discount():
    p = promo("F", PromotionKind.PRICE, unit_price_fen=3_990, scope=Scope(skus=frozenset({"X"})))
    assert price(items((product(5_000), 2)), None, THURSDAY, "S001", p).total_fen == 7_980
    # 79.80 × 0.88 = 70.224 -> 70.22
    assert price(items((product(5_000), 2)), GOLD, THURSDAY, "S001", p).total_fen == 7_022


def test_two_price_promotions_on_one_line_the_cheaper_one_applies():
    a = promo("A", PromotionKind.PRICE, rate_bp=9_000)
    b = promo("B", PromotionKind.PRICE, rate_bp=8_500, scope=Scope(skus=frozenset({"X"})))
    line = price(items((product(10_000), 1)), None, THURSDAY, "S001", a, b).basket.lines[0]
    assert line.amount_fen == 8_500 and line.reasons[0].promotion_id == "B"


def test_a_policy_without_stacking_gives_the_better_of_promotion_or_tier():
    no_stack = StackingPolicy.of([(StackClass.BASKET, StackClass.TIER)])
    p8 = promo("P8", PromotionKind.PRICE, rate_bp=8_000)
    p95 = promo("P95", PromotionKind.PRICE, rate_bp=9_500)
    assert price(items((product(10_000), 1)), GOLD, THURSDAY, "S001", p8,
                 stacking=no_stack).total_fen == 8_000
    line = price(items((product(10_000), 1)), GOLD, THURSDAY, "S001", p95,
                 stacking=no_stack).basket.lines[0]
    assert line.amount_fen == 8_800 and kinds(line) == [ReasonKind.TIER]


# -- special-priced and excluded goods -----------------------------------------------------------

def test_special_and_excluded_goods_keep_their_rules_under_every_promotion():
    everything = [promo("P", PromotionKind.PRICE, rate_bp=5_000),
                  promo("M", PromotionKind.MEMBER_PRICE, tier_prices=(("gold", 100),)),
                  promo("D", PromotionKind.MEMBER_DAY, tier_rates=(("gold", 5_000),))]
    basket = price(items((product(10_000, "S", ProductKind.SPECIAL), 1),
                         (product(50_000, "G", ProductKind.EXCLUDED), 1)),
                   GOLD, WEDNESDAY, "S001", *everything).basket
    special, excluded = basket.lines
    assert special.amount_fen == 10_000 and kinds(special) == [ReasonKind.SPECIAL]
    assert excluded.amount_fen == 50_000 and excluded.reasons == ()
    assert special.earns_points and not excluded.earns_points


# -- member price (会员价) -------------------------------------------------------------------------

def test_member_price_per_tier_replaces_the_tier_discount():
    m = promo("M", PromotionKind.MEMBER_PRICE, scope=Scope(skus=frozenset({"X"})),
              tier_prices=(("gold", 8_000), ("diamond", 7_500)))
    gold = price(items((product(10_000), 1)), GOLD, THURSDAY, "S001", m).basket.lines[0]
    assert gold.amount_fen == 8_000 and kinds(gold) == [ReasonKind.MEMBER_PRICE]
    assert price(items((product(10_000), 1)), DIAMOND, THURSDAY, "S001", m).total_fen == 7_500
    assert price(items((product(10_000), 1)), None, THURSDAY, "S001", m).total_fen == 10_000
    assert price(items((product(10_000), 1)), REGULAR, THURSDAY, "S001", m).total_fen == 10_000


def test_a_member_price_worse_than_the_tier_discount_is_not_used():
    m = promo("M", PromotionKind.MEMBER_PRICE, tier_prices=(("gold", 9_000),))
    line = price(items((product(10_000), 1)), GOLD, THURSDAY, "S001", m).basket.lines[0]
    assert line.amount_fen == 8_800 and kinds(line) == [ReasonKind.TIER]


# -- member day (会员日) ---------------------------------------------------------------------------

WEDNESDAYS = Schedule(weekdays=frozenset({3}))


def test_member_day_on_a_promoted_item_stacks_after_promotion_and_tier():
    day = promo("MD", PromotionKind.MEMBER_DAY, schedule=WEDNESDAYS,
                tier_rates=(("gold", 9_500), ("diamond", 9_500)))
    p8 = promo("P8", PromotionKind.PRICE, rate_bp=8_000)
    line = price(items((product(10_000), 1)), GOLD, WEDNESDAY, "S001", day, p8).basket.lines[0]
    # 100 -> 80 (promotion) -> 80 × 0.88 × 0.95 = 66.88
    assert line.amount_fen == 6_688
    assert kinds(line) == [ReasonKind.PROMOTION, ReasonKind.TIER, ReasonKind.MEMBER_DAY]
    assert saved(line) == 10_000 - 6_688
    assert price(items((product(10_000), 1)), GOLD, THURSDAY, "S001", day, p8).total_fen == 7_040
    # not a member: no member day
    assert price(items((product(10_000), 1)), None, WEDNESDAY, "S001", day, p8).total_fen == 8_000


def test_member_day_on_the_18th_doubles_points_with_a_cap():
    day = promo("MD18", PromotionKind.MEMBER_DAY, schedule=Schedule(month_days=frozenset({18})),
                points_multiplier_bp=20_000, points_cap=30)
    on = price(items((product(25_000), 1)), REGULAR, datetime(2026, 12, 18, 9), "S001", day)
    assert on.extra_points == 25 and on.boosts[0].promotion_id == "MD18"
    big = price(items((product(90_000), 1)), REGULAR, datetime(2026, 12, 18, 9), "S001", day)
    assert big.extra_points == 30
    off = price(items((product(25_000), 1)), REGULAR, datetime(2026, 12, 17, 9), "S001", day)
    assert off.extra_points == 0
    assert price(items((product(25_000), 1)), None, datetime(2026, 12, 18, 9), "S001",
                 day).extra_points == 0


# -- points multipliers (积分翻倍) -----------------------------------------------------------------

def test_points_multiplier_by_category_best_multiplier_per_line_and_cap():
    food = promo("F2", PromotionKind.POINTS, scope=Scope(categories=frozenset({"食品"})),
                 points_multiplier_bp=20_000, points_cap=50)
    triple = promo("X3", PromotionKind.POINTS, scope=Scope(skus=frozenset({"TEA"})),
                   points_multiplier_bp=30_000)
    basket = items((product(30_000, "RICE", category="食品/粮油"), 1),
                   (product(10_000, "TEA", category="食品/茶"), 1),
                   (product(50_000, "COAT"), 1))
    out = price(basket, GOLD, THURSDAY, "S001", food, triple)
    # RICE: 264.00 paid, ×2 -> 26 extra; TEA: 88.00 ×3 -> 17 extra (2 × 8.8); COAT: none
    assert {b.promotion_id: b.extra_points for b in out.boosts} == {"F2": 26, "X3": 17}
    capped = price(items((product(300_000, "RICE", category="食品"), 1)), GOLD, THURSDAY,
                   "S001", food)
    assert capped.extra_points == 50


# -- 满减 / 满送 -------------------------------------------------------------------------------------

def test_spend_and_save_with_special_priced_and_excluded_goods_in_the_basket():
    save = promo("MJ", PromotionKind.SPEND_SAVE, threshold_fen=20_000, save_fen=2_000)
    basket = items((product(15_000, "A"), 1), (product(10_000, "B", promo=8_000), 1),
                   (product(10_000, "S", ProductKind.SPECIAL), 1),
                   (product(50_000, "CARD", ProductKind.EXCLUDED), 1))
    out = price(basket, None, THURSDAY, "S001", save)
    a, b, s, card = out.basket.lines
    # only A (150.00) and B (80.00 after its promotion) count: 230.00 >= 200.00, save 20.00,
    # shared 150:80 -> 13.04 and 6.96
    assert [r.discount_fen for r in a.reasons if r.kind is ReasonKind.BASKET] == [1_304]
    assert [r.discount_fen for r in b.reasons if r.kind is ReasonKind.BASKET] == [696]
    assert (a.amount_fen, b.amount_fen, s.amount_fen, card.amount_fen) == (13_696, 7_304,
                                                                          10_000, 50_000)
    assert out.applied[0].promotion_id == "MJ" and out.applied[0].saved_fen == 2_000
    # the special and excluded goods alone never reach it
    alone = price(items((product(30_000, "S", ProductKind.SPECIAL), 1),
                        (product(50_000, "CARD", ProductKind.EXCLUDED), 1)),
                  None, THURSDAY, "S001", save)
    assert alone.applied == ()


def test_spend_and_save_repeating_per_threshold_and_counting_special_when_told():
    every = promo("MJR", PromotionKind.SPEND_SAVE, threshold_fen=10_000, save_fen=1_000,
                  repeat=True, include_special=True, max_repeats=5)
    basket = items((product(15_000, "A"), 1), (product(8_000, "B"), 1),
                   (product(10_000, "S", ProductKind.SPECIAL), 1))
    out = price(basket, None, THURSDAY, "S001", every)
    assert out.basket.total_fen == 33_000 - 3_000
    big = price(items((product(100_000, "A"), 1)), None, THURSDAY, "S001", every)
    assert big.basket.total_fen == 100_000 - 5_000


def test_spend_and_save_is_worked_out_after_the_tier_discount():
    save = promo("MJ", PromotionKind.SPEND_SAVE, threshold_fen=20_000, save_fen=2_000)
    # ¥220 for Gold is ¥193.60: under the threshold
    assert price(items((product(22_000), 1)), GOLD, THURSDAY, "S001", save).applied == ()
    assert price(items((product(23_000), 1)), GOLD, THURSDAY, "S001", save).total_fen == \
        20_240 - 2_000


def test_spend_and_get_gives_a_coupon_and_a_gift_per_threshold():
    gift = promo("MS", PromotionKind.SPEND_GIFT, threshold_fen=30_000, gift_sku="TOWEL",
                 repeat=True)
    coupon = promo("MC", PromotionKind.SPEND_GIFT, threshold_fen=30_000,
                   coupon_template_id="T-20", stack_class="basket_gift")
    out = price(items((product(65_000), 1)), None, THURSDAY, "S001", gift, coupon)
    rewards = {r.promotion_id: r for r in out.rewards}
    assert rewards["MS"].gift_sku == "TOWEL" and rewards["MS"].gift_qty == 2
    assert rewards["MC"].coupon_template_id == "T-20" and rewards["MC"].times == 1
    assert out.total_fen == 65_000
    assert ("MC", 1) in out.promotion_refs and ("MS", 1) in out.promotion_refs


def test_two_spend_and_save_promotions_do_not_both_take_the_same_line():
    a = promo("A", PromotionKind.SPEND_SAVE, threshold_fen=10_000, save_fen=1_000)
    b = promo("B", PromotionKind.SPEND_SAVE, threshold_fen=10_000, save_fen=1_500)
    out = price(items((product(12_000), 1)), None, THURSDAY, "S001", a, b)
    assert out.total_fen == 10_500 and [x.promotion_id for x in out.applied] == ["B"]


# -- 第N件X折 / buy X get Y ------------------------------------------------------------------------

def test_second_item_half_price_on_one_line_and_across_lines():
    half = promo("N2", PromotionKind.MULTI_BUY, group_size=2, discounted_units=1, rate_bp=5_000,
                 scope=Scope(categories=frozenset({"女装"})))
    assert price(items((product(3_000), 2)), None, THURSDAY, "S001", half).total_fen == 4_500
    out = price(items((product(5_000, "A"), 1), (product(3_000, "B"), 1),
                      (product(2_000, "C"), 1)), None, THURSDAY, "S001", half)
    # dearest first: (50, 30) is one pair, 30 is the cheaper: 15.00 off; 20 is left alone
    assert [ln.amount_fen for ln in out.basket.lines] == [5_000, 1_500, 2_000]
    assert kinds(out.basket.lines[1]) == [ReasonKind.MULTI_BUY]


def test_buy_two_get_one_free_the_cheapest_is_free_and_the_tier_applies_after():
    b2g1 = promo("B2G1", PromotionKind.MULTI_BUY, group_size=3, discounted_units=1, rate_bp=0)
    out = price(items((product(5_000, "A"), 1), (product(3_000, "B"), 1),
                      (product(2_000, "C"), 1)), GOLD, THURSDAY, "S001", b2g1)
    assert [ln.amount_fen for ln in out.basket.lines] == [4_400, 2_640, 0]


def test_multi_buy_against_a_price_promotion_is_best_for_the_customer():
    half = promo("N2", PromotionKind.MULTI_BUY, group_size=2, discounted_units=1, rate_bp=5_000)
    # 9折 on both (180.00) vs second at half price (150.00): the multi-buy wins
    out = price(items((product(10_000, promo=9_000), 2)), None, THURSDAY, "S001", half)
    assert out.total_fen == 15_000 and kinds(out.basket.lines[0]) == [ReasonKind.MULTI_BUY]
    # 5折 on both (100.00) beats 150.00: the price promotion stays
    out = price(items((product(10_000, promo=5_000), 2)), None, THURSDAY, "S001", half)
    assert out.total_fen == 10_000 and kinds(out.basket.lines[0]) == [ReasonKind.PROMOTION]


# -- windows, shops, tiers -------------------------------------------------------------------------

def test_window_shops_tiers_and_time_of_day():
    p = promo("P", PromotionKind.PRICE, rate_bp=8_000, shops=frozenset({"S002"}),
              tiers=frozenset({"gold"}),
              schedule=Schedule(start=datetime(2026, 11, 1), end=datetime(2026, 12, 1),
                                from_time=time(9), to_time=time(12)))
    one = items((product(10_000), 1))
    assert price(one, GOLD, THURSDAY, "S002", p).total_fen == 7_040
    assert price(one, GOLD, THURSDAY, "S001", p).total_fen == 8_800       # other shop
    assert price(one, DIAMOND, THURSDAY, "S002", p).total_fen == 8_000    # other tier
    assert price(one, None, THURSDAY, "S002", p).total_fen == 10_000      # not a member
    assert price(one, GOLD, THURSDAY.replace(hour=12), "S002", p).total_fen == 8_800
    assert price(one, GOLD, datetime(2026, 12, 1, 10), "S002", p).total_fen == 8_800


def test_a_promotion_that_cannot_be_applied_is_refused_with_the_field():
    with pytest.raises(ValidationFailed) as e:
        PromotionBook((promo("Z", PromotionKind.SPEND_SAVE, threshold_fen=100, save_fen=200),))
    assert e.value.field == "save_fen"
    with pytest.raises(ValidationFailed):
        PromotionBook((promo("Z", PromotionKind.PRICE),))


# -- invariants --------------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=500_000)


@given(st.lists(st.tuples(amounts, st.integers(1, 20), st.sampled_from(list(ProductKind))),
                min_size=1, max_size=8), st.sampled_from([None, "regular", "gold", "diamond"]))
def test_without_promotions_the_engine_prices_as_the_rules_do(lines, tier_code):
    tier = RULES.tier(tier_code) if tier_code else None
    basket = [BasketItem(product(p, f"S{i}", k), q) for i, (p, q, k) in enumerate(lines)]
    ours = price_with_promotions(basket, RULES, tier, THURSDAY, "S001").basket
    theirs = price_basket(basket, RULES, tier, THURSDAY.date())
    assert [ln.amount_fen for ln in ours.lines] == [ln.amount_fen for ln in theirs.lines]


@given(st.lists(st.tuples(amounts, st.integers(1, 5), st.sampled_from(list(ProductKind)),
                          st.sampled_from(["女装", "食品/茶", "家电"])), min_size=1, max_size=8),
       st.sampled_from([None, "gold", "diamond"]), st.booleans())
def test_every_saving_is_recorded_per_line_and_no_line_goes_below_zero(lines, tier_code, wed):
    tier = RULES.tier(tier_code) if tier_code else None
    book = [promo("P", PromotionKind.PRICE, rate_bp=8_500, scope=Scope(
                categories=frozenset({"女装"}))),
            promo("N2", PromotionKind.MULTI_BUY, group_size=2, discounted_units=1, rate_bp=5_000,
                  scope=Scope(categories=frozenset({"食品"}))),
            promo("M", PromotionKind.MEMBER_PRICE, tier_prices=(("gold", 7_000),),
                  scope=Scope(categories=frozenset({"家电"}))),
            promo("D", PromotionKind.MEMBER_DAY, schedule=WEDNESDAYS,
                  tier_rates=(("gold", 9_500), ("diamond", 9_000))),
            promo("MJ", PromotionKind.SPEND_SAVE, threshold_fen=20_000, save_fen=3_000,
                  repeat=True)]
    basket = [BasketItem(product(p, f"S{i}", k, c), q) for i, (p, q, k, c) in enumerate(lines)]
    out = price(basket, tier, WEDNESDAY if wed else THURSDAY, "S001", *book)
    for line in out.basket.lines:
        assert line.amount_fen >= 0
        assert line.gross_fen - line.amount_fen == saved(line)
        if line.kind is not ProductKind.REGULAR:
            assert line.amount_fen == line.gross_fen
    assert sum(a.saved_fen for a in out.applied) <= out.basket.discount_fen
    plain = price_with_promotions(basket, RULES, tier, THURSDAY, "S001").basket
    assert out.basket.total_fen <= plain.total_fen


# -- returns -----------------------------------------------------------------------------------

def test_a_partial_return_of_a_spend_and_save_sale_never_gains_the_customer_anything():
    from pos_app.domain.promotions import SpendTerms, discount_clawback
    save = promo("MJ", PromotionKind.SPEND_SAVE, threshold_fen=20_000, save_fen=2_000)
    lines = price(items((product(15_000, "A"), 1), (product(8_000, "B"), 1)), None, THURSDAY,
                  "S001", save).basket.lines
    assert [ln.amount_fen for ln in lines] == [13_696, 7_304]       # 230 - 20 = 210
    terms = {"MJ": SpendTerms(20_000, 2_000)}
    # Return B: A alone (150.00) no longer reaches 200, so A gives back its 13.04 of the saving
    after_b = discount_clawback(lines, [1, 0], terms)
    assert after_b == 1_304
    refund_b = lines[1].amount_fen - after_b
    assert refund_b == 6_000                      # B's price, not B's price plus A's saving
    # Return A later: nothing kept, the clawback is given back with it
    refund_a = lines[0].amount_fen - (discount_clawback(lines, [0, 0], terms) - after_b)
    assert refund_a == 15_000 and refund_a + refund_b == 21_000
    # kept goods still over the threshold keep their saving
    three = price(items((product(15_000, "A"), 1), (product(8_000, "B"), 1),
                        (product(10_000, "C"), 1)), None, THURSDAY, "S001", save).basket.lines
    assert discount_clawback(three, [1, 0, 1], terms) == 0
