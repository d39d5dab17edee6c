"""The till store keeps parsed promotions and coupon templates in a per-process cache keyed by
their stored text (db/promotion_store.py), so pricing does not parse 200 promotions on every
scan. A stateful property test of that cache: two stores open in one process (two tills in a
test run, a demo store beside a real one) are given promotions and templates under the same
ids and versions with different terms, newer and older versions, and withdrawals, in any
order; each store always reads back exactly what it holds itself."""
from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import text

from pos_app.domain.coupons import CouponKind, CouponTemplate
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule, promotion_to_dict
from tests.store_support import make_shop

IDS = ("MD", "P2")
TEMPLATE_IDS = ("T10", "T20")
stores = st.integers(min_value=0, max_value=1)
versions = st.integers(min_value=1, max_value=3)


def member_day(pid: str, version: int, weekday: int, rate_bp: int) -> Promotion:
    return Promotion(pid, version, PromotionKind.MEMBER_DAY, f"会员日{weekday}",
                     schedule=Schedule(weekdays=frozenset({weekday})),
                     tier_rates=(("gold", rate_bp),))


def machine_for(shops):
    class TwoStoresOneCache(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # id -> (version, active, promotion) and id -> (version, template), per store
            self.promotions: list[dict[str, tuple[int, bool, Promotion]]] = [{}, {}]
            self.templates: list[dict[str, tuple[int, CouponTemplate]]] = [{}, {}]
            for shop in shops:
                with shop.uow() as uow:
                    uow.session.execute(text("DELETE FROM promotions"))
                    uow.session.execute(text("DELETE FROM coupon_templates"))
                    uow.commit()

        @rule(store=stores, pid=st.sampled_from(IDS), version=versions,
              weekday=st.integers(min_value=1, max_value=7),
              rate_bp=st.sampled_from((8_000, 9_000, 9_500)))
        def put(self, store: int, pid: str, version: int, weekday: int, rate_bp: int) -> None:
            shop, promotion = shops[store], member_day(pid, version, weekday, rate_bp)
            with shop.uow() as uow:
                taken = uow.promotions.put(promotion, shop.clock.now())
                uow.commit()
            held = self.promotions[store].get(pid)
            assert taken == (held is None or held[0] <= version)
            if taken:
                self.promotions[store][pid] = (version, True, promotion)

        @rule(store=stores, pid=st.sampled_from(IDS), version=versions)
        def withdraw(self, store: int, pid: str, version: int) -> None:
            shop = shops[store]
            with shop.uow() as uow:
                uow.promotions.withdraw(pid, version, shop.clock.now())
                uow.commit()
            held = self.promotions[store].get(pid)
            if held is not None and held[0] <= version:
                self.promotions[store][pid] = (version, False, held[2])

        @rule(store=stores, tid=st.sampled_from(TEMPLATE_IDS), version=versions,
              amount=st.sampled_from((500, 1_000, 2_000)))
        def put_template(self, store: int, tid: str, version: int, amount: int) -> None:
            shop = shops[store]
            template = CouponTemplate(tid, version, f"满{amount // 10}减{amount // 100}券",
                                      CouponKind.AMOUNT_OFF, amount_fen=amount,
                                      threshold_fen=amount * 10, valid_days=7)
            with shop.uow() as uow:
                taken = uow.promotions.put_template(template, shop.clock.now())
                uow.commit()
            held = self.templates[store].get(tid)
            assert taken == (held is None or held[0] <= version)
            if taken:
                self.templates[store][tid] = (version, template)

        @invariant()
        def each_store_reads_back_what_it_holds(self) -> None:
            for store, shop in enumerate(shops):
                with shop.uow() as uow:
                    current = uow.promotions.current(shop.clock.now())
                    templates = {tid: uow.promotions.template(tid) for tid in TEMPLATE_IDS}
                expected = [p for _pid, (_v, active, p) in sorted(self.promotions[store].items())
                            if active]
                assert [promotion_to_dict(p) for p in current] == \
                    [promotion_to_dict(p) for p in expected]
                for tid, got in templates.items():
                    held = self.templates[store].get(tid)
                    assert got == (held[1] if held else None)

    return TwoStoresOneCache


def test_two_stores_in_one_process_read_their_own_promotions_whatever_the_order(tmp_path):
    shops = [make_shop(tmp_path / "a"), make_shop(tmp_path / "b")]
    run_state_machine_as_test(
        machine_for(shops),
        settings=settings(max_examples=40, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture]))
