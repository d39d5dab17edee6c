"""The payment screen's figures come from one place and agree with split_tenders() to the fen."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.errors import PosError
from pos_app.domain.payment import payment_state, quick_cash_amounts, tender_limit
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderInput, TenderKind, Wallet, split_tenders

RULES = default_rule_set()


def test_quick_cash_offers_the_next_ten_fifty_and_hundred_above_the_amount() -> None:
    assert quick_cash_amounts(1_234) == (2_000, 5_000, 10_000)
    assert quick_cash_amounts(8_800) == (9_000, 10_000)
    assert quick_cash_amounts(10_000) == (11_000, 15_000, 20_000)
    assert quick_cash_amounts(0) == ()


def test_cash_rounding_shows_the_rounded_cash_due_and_the_change_settle_books() -> None:
    rules = RULES.with_changes(cash_rounding_to_jiao=True)
    start = payment_state(1_234, [], rules, None)
    assert (start.remaining_cash_fen, start.rounding_fen, start.complete) == (1_230, 4, False)
    paid = payment_state(1_234, [TenderInput(TenderKind.CASH, 2_000)], rules, None)
    assert (paid.change_fen, paid.rounding_fen, paid.complete) == (770, 4, True)


@given(total=st.integers(1, 200_000), balance=st.integers(0, 300_000),
       points=st.integers(0, 50_000), first_sv=st.integers(0, 100_000),
       kind=st.sampled_from([TenderKind.STORED_VALUE, TenderKind.POINTS, TenderKind.WECHAT]))
def test_a_tender_at_its_limit_settles_and_one_fen_more_is_refused(
        total: int, balance: int, points: int, first_sv: int, kind: TenderKind) -> None:
    wallet = Wallet(balance, 0, points)
    tenders = []
    if first_sv and first_sv <= min(balance, total):
        tenders.append(TenderInput(TenderKind.STORED_VALUE, first_sv))
    limit = tender_limit(kind, total, tenders, RULES, wallet)
    assert limit is not None and limit >= 0
    paid_before = sum(t.amount_fen for t in tenders)
    if limit:
        with_limit = [*tenders, TenderInput(kind, limit)]
        rest = total - paid_before - limit
        if rest:
            with_limit.append(TenderInput(TenderKind.CASH, rest))
        split_tenders(total, with_limit, RULES, wallet)          # accepted
        assert payment_state(total, with_limit, RULES, wallet).complete
    over = [*tenders, TenderInput(kind, limit + 1)]
    rest = total - paid_before - limit - 1
    if rest > 0:
        over.append(TenderInput(TenderKind.CASH, rest))
    try:
        split_tenders(total, over, RULES, wallet)
    except PosError:
        return
    raise AssertionError(f"{kind} over its limit {limit} was accepted")
