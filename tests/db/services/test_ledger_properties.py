"""Property tests on the real store: balances equal ledger sums; returns never give back more."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.domain.errors import PosError
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.store_support import STANDARD_GOODS, STANDARD_MEMBERS, make_shop

GOODS = ["REG100", "PROMO100", "SPECIAL50", "CARD100", "WATER"]

baskets = st.lists(st.tuples(st.sampled_from(GOODS), st.integers(1, 4)), min_size=1, max_size=4)
returns = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), max_size=4)


def fresh_shop():
    shop = make_shop(Path(tempfile.mkdtemp()) / "till")
    shop.products(STANDARD_GOODS)
    shop.members(STANDARD_MEMBERS)
    return shop


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(basket=baskets, sv_share=st.integers(0, 100), partial=returns)
def test_returns_never_give_back_more_and_balances_equal_ledger_sums(basket, sv_share, partial):
    shop = fresh_shop()
    try:
        cashier = shop.open_shift()
        s = shop.services.selling.new_session()
        for code, qty in basket:
            s.add(f"{qty}*{code}")
        s.attach_card("100003")                  # Diamond with ¥1,000 balance
        total = s.view().total_fen
        sv = min(total * sv_share // 100, 100_000)
        tenders = [TenderInput(TenderKind.STORED_VALUE, sv)] if sv else []
        if total - sv:
            tenders.append(TenderInput(TenderKind.CASH, total - sv))
        sale = s.complete(tenders, cashier, member_pin=None) if sv <= 20_000 else None
        if sale is None:
            return
        refunded = points_back = 0
        for line_no, qty in partial:
            try:
                r = shop.services.returns.return_items(sale.receipt_no, {line_no: qty}, cashier,
                                                       shop.manager)
            except PosError:
                continue
            refunded += r.total_fen
            points_back += -r.member.points_earned
            assert sum(t.amount_fen for t in r.tenders) == r.total_fen
        assert refunded <= sale.total_fen
        assert points_back <= sale.member.points_earned
        with shop.uow() as uow:
            for mobile in ("13800003333",):
                acc = uow.accounts.find_by_mobile(mobile)
                assert uow.ledgers.ledger_sums(acc.id) == (
                    acc.spendable_points, acc.accumulated_points, acc.balance_paid_fen,
                    acc.balance_bonus_fen)
    finally:
        shop.uow.engine.dispose()
