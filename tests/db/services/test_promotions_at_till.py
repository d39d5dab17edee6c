"""Promotions on the SQLite store itself (issue 16): two stores opened in one process keep
their own promotion under one id and version. The promotions and coupons through the till's
services run on the in-memory unit of work: tests/pos_app/services/test_promotion_service.py."""
from __future__ import annotations

from pos_app.domain.coupons import CouponKind, CouponTemplate
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule, Scope

TEMPLATE = CouponTemplate("T10", 1, "满100减10券", CouponKind.AMOUNT_OFF, amount_fen=1_000,
                          threshold_fen=10_000, valid_days=30,
                          scope=Scope(all_goods=True, exclude_categories=frozenset({"食品"})))


def put(shop, *promotions, templates=(TEMPLATE,)):
    with shop.uow() as uow:
        for t in templates:
            uow.promotions.put_template(t, shop.clock.now())
        for p in promotions:
            uow.promotions.put(p, shop.clock.now())
        uow.commit()


def test_two_stores_in_one_process_keep_their_own_promotion_under_one_id_and_version(tmp_path):
    """An id and version name a promotion within one chain only: a till process that opened
    another store before (a second till in a test run, the demo store) must not price with
    that store's promotion. The full suite priced the worked examples with an earlier test's
    every-day member day because parsed promotions were cached by (id, version)."""
    from tests.store_support import make_shop
    saturday, sunday = (Schedule(weekdays=frozenset({d})) for d in (6, 7))
    a, b = make_shop(tmp_path / "a"), make_shop(tmp_path / "b")
    put(a, Promotion("MD", 1, PromotionKind.MEMBER_DAY, "周六会员日", schedule=saturday,
                     tier_rates=(("gold", 9_500),)),
        templates=(TEMPLATE,))
    put(b, Promotion("MD", 1, PromotionKind.MEMBER_DAY, "周日会员日", schedule=sunday,
                     tier_rates=(("gold", 9_000),)),
        templates=(CouponTemplate("T10", 1, "满50减5券", CouponKind.AMOUNT_OFF, amount_fen=500,
                                  threshold_fen=5_000, valid_days=7),))
    for shop, schedule, rates, amount in ((a, saturday, (("gold", 9_500),), 1_000),
                                          (b, sunday, (("gold", 9_000),), 500)):
        with shop.uow() as uow:
            (md,) = uow.promotions.current(shop.clock.now())
            assert (md.schedule, md.tier_rates) == (schedule, rates)
            assert uow.promotions.template("T10").amount_fen == amount
