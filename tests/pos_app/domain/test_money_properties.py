"""Property tests of the arithmetic: integer fen in, exact sums out."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.allocation import allocate
from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.errors import PosError
from pos_app.domain.money import format_yuan, mul_rate, parse_yuan
from pos_app.domain.pricing import BasketItem, price_basket
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderInput, TenderKind, Wallet, split_tenders

RULES = default_rule_set()

products = st.builds(
    Product, id=st.text(min_size=1, max_size=4), sku=st.just("S"), name=st.just("n"),
    price_fen=st.integers(0, 10_000_000), kind=st.sampled_from(list(ProductKind)),
    promo_rate_bp=st.one_of(st.none(), st.integers(1, 10_000)))
items = st.lists(st.builds(BasketItem, product=products, qty=st.integers(1, 99),
                           manual_rate_bp=st.one_of(st.none(), st.integers(5_000, 10_000))),
                 min_size=1, max_size=30)
tiers = st.sampled_from([None, *RULES.tiers])


@given(items, tiers)
def test_total_is_the_sum_of_lines_and_never_above_gross(basket_items, tier):
    basket = price_basket(basket_items, RULES, tier, date(2026, 11, 28))
    assert basket.total_fen == sum(ln.amount_fen for ln in basket.lines)
    for ln in basket.lines:
        assert 0 <= ln.amount_fen <= ln.gross_fen
        assert ln.discount_fen == sum(r.discount_fen for r in ln.reasons) or not ln.reasons


@given(items, tiers)
def test_quoting_is_deterministic(basket_items, tier):
    day = date(2026, 11, 28)
    assert price_basket(basket_items, RULES, tier, day) == price_basket(basket_items, RULES, tier, day)


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocation_sums_exactly(total, weights):
    shares = allocate(total, weights)
    assert sum(shares) == total
    assert all(s >= 0 for s in shares)


@given(st.integers(-10**10, 10**10))
def test_yuan_text_round_trips(fen):
    assert parse_yuan(format_yuan(fen)) == fen


@given(st.integers(0, 10**9), st.integers(1, 10_000))
def test_rate_multiplication_stays_within_half_a_fen(fen, rate):
    exact = fen * rate / 10_000
    assert abs(mul_rate(fen, rate) - exact) <= 0.5


@given(total=st.integers(1, 10**7),
       tenders=st.lists(st.tuples(st.sampled_from(list(TenderKind)), st.integers(1, 10**7)),
                        min_size=1, max_size=4),
       rounding=st.booleans())
def test_settled_tenders_cover_the_total_exactly(total, tenders, rounding):
    rules = RULES.with_changes(cash_rounding_to_jiao=rounding)
    wallet = Wallet(10**7, 10**6, 10**9)
    try:
        s = split_tenders(total, [TenderInput(k, a, "ref") for k, a in tenders], rules, wallet)
    except PosError:
        return
    assert s.paid_fen + s.rounding_fen == total
    assert 0 <= s.rounding_fen <= 9
    assert s.change_fen >= 0
    cash_received = sum(t.received_fen for t in s.tenders if t.kind is TenderKind.CASH)
    assert s.change_fen <= cash_received
    for t in s.tenders:
        if t.kind is TenderKind.STORED_VALUE:
            assert t.sv_paid_fen + t.sv_bonus_fen == t.amount_fen
