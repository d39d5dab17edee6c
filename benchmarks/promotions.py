"""Promotion benchmark: price a 30-line basket with 200 active promotions and 5 coupons on the
1M-member store (issue 16 target: p99 under 10 ms), before and after (p50/p99, JSON).

    python -m benchmarks.promotions --scale 1     # builds the store of benchmarks.store first
    python -m benchmarks.promotions --scale 0.01  # quick run

"before" is the basket as the till priced it without promotions (the same 30 lines, the
session's view and the pure rule-set pricing); "after" is the same with 200 promotions of
every kind in force and 5 stackable coupons on the basket. `*_cpu` figures are the thread's
CPU time (what the figure would be on an idle machine); the others are wall time. Every
figure goes through the
real stack (services, unit of work, SQLAlchemy on the SQLite store) except the lines marked
`pure_*`, which time the domain functions alone.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from db.cipher import connect_raw, key_for_file
from benchmarks.store import build, summary
from db.pin_hasher import Argon2PinHasher
from db.store import DB_FILE, open_store
from pos_app.bootstrap import build_services
from pos_app.domain.coupons import CouponKind, CouponTemplate, apply_coupons, issue_coupon
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.pricing import price_basket
from pos_app.domain.promotions import (
    Promotion,
    PromotionBook,
    PromotionKind,
    Schedule,
    Scope,
    price_with_promotions,
)
from pos_app.ports.clock import SystemClock
from pos_app.services.promotions import coupon_rows
from benchmarks import use_file_keyring_unless_configured


def make_promotions(skus: list[str], categories: list[str], rng: random.Random,
                    now: datetime) -> list[Promotion]:
    """200 promotions of every kind, in force now."""
    window = Schedule(start=now - timedelta(days=1), end=now + timedelta(days=30))
    out: list[Promotion] = []

    def add(kind: PromotionKind, **kw: object) -> None:
        out.append(Promotion(f"B{len(out):03d}", 1, kind, f"基准促销{len(out)}", schedule=window,
                             **kw))  # type: ignore[arg-type]
    for _ in range(80):
        add(PromotionKind.PRICE, rate_bp=rng.choice([7_000, 8_000, 8_500, 9_000]),
            scope=Scope(skus=frozenset(rng.sample(skus, 50))))
    for _ in range(40):
        add(PromotionKind.PRICE, rate_bp=rng.choice([8_800, 9_500]),
            scope=Scope(categories=frozenset({rng.choice(categories)})))
    for _ in range(20):
        t = rng.choice([10_000, 20_000, 30_000])
        add(PromotionKind.SPEND_SAVE, threshold_fen=t, save_fen=t // 10, repeat=True,
            scope=Scope(categories=frozenset({rng.choice(categories)})))
    for _ in range(10):
        add(PromotionKind.SPEND_GIFT, threshold_fen=50_000, gift_sku=rng.choice(skus),
            stack_class="basket_gift")
    for _ in range(15):
        add(PromotionKind.MULTI_BUY, group_size=2, discounted_units=1, rate_bp=5_000,
            scope=Scope(skus=frozenset(rng.sample(skus, 100))))
    for _ in range(20):
        add(PromotionKind.MEMBER_PRICE, scope=Scope(skus=frozenset(rng.sample(skus, 20))),
            tier_prices=(("gold", 5_000), ("diamond", 4_500)))
    for _ in range(5):
        add(PromotionKind.MEMBER_DAY, tier_rates=(("gold", 9_500), ("diamond", 9_000)),
            points_multiplier_bp=20_000, points_cap=500)
    for _ in range(10):
        add(PromotionKind.POINTS, points_multiplier_bp=30_000, points_cap=300,
            scope=Scope(categories=frozenset({rng.choice(categories)})))
    assert len(out) == 200
    return out


TEMPLATE = CouponTemplate("BENCH", 1, "基准券", CouponKind.AMOUNT_OFF, amount_fen=500,
                          threshold_fen=1_000, valid_days=30, stackable=True)


def measure(data_dir: Path, members: int, products: int, rounds: int, seed: int) -> dict:
    rng = random.Random(seed + 7)
    ids = UuidV7Source()
    uow = open_store(data_dir, ids)
    services = build_services(uow, SystemClock(), ids, Argon2PinHasher(fast=True))
    now = datetime.now()
    with connect_raw(data_dir / DB_FILE, key_for_file(data_dir / DB_FILE)) as db:
        rows = db.execute("SELECT p.sku, c.path FROM products p LEFT JOIN categories c "
                          "ON c.id = p.category_id ORDER BY random() LIMIT 20000").fetchall()
    skus = [r[0] for r in rows]
    categories = sorted({r[1] for r in rows if r[1]}) or ["x"]
    promos = make_promotions(skus, categories, rng, now)
    diamond_cards = [f"88{i:010d}" for i in range(0, members, 20)][:rounds]
    barcodes = [f"69{rng.randrange(products):011d}" for _ in range(rounds * 30)]

    out: dict[str, object] = {}
    selling = services.selling

    def baskets(label: str, coupons_per_basket: int) -> None:
        samples, pure, legacy, cpu_view, cpu_pure = [], [], [], [], []
        for r in range(rounds):
            session = selling.new_session()
            session.attach_card(diamond_cards[r % len(diamond_cards)])
            for i in range(30):
                session.add_product(selling.get_product(barcodes[r * 30 + i]))
            codes: list[str] = []
            if coupons_per_basket:
                with uow() as w:
                    member_id = session.member.account.id  # type: ignore[union-attr]
                    for n in range(coupons_per_basket):
                        c = issue_coupon(TEMPLATE, ids.new_id(), member_id,
                                         now - timedelta(hours=1), "bench")
                        w.promotions.add_coupon(c)
                        codes.append(c.code)
                    w.commit()
                for code in codes:
                    session.apply_coupon(code)
            t, c = time.perf_counter(), time.thread_time()
            view = session.view()
            samples.append(time.perf_counter() - t)
            cpu_view.append(time.thread_time() - c)
            assert len(view.coupon_uses) == coupons_per_basket
            items = session._d.items  # the same lines, priced by the domain alone
            rules, book = session.rules, session._book
            tier = view.tier
            crow = None
            if codes:
                with uow() as w:
                    crow = coupon_rows(w, codes)
            t, c = time.perf_counter(), time.thread_time()
            promoted = price_with_promotions(items, rules, tier, now, "S001", book)
            if crow:
                apply_coupons(promoted, items, crow, now, "S001", view.member.account.id,
                              book.stacking)
            pure.append(time.perf_counter() - t)
            cpu_pure.append(time.thread_time() - c)
            t = time.perf_counter()
            price_basket(items, rules, tier, now.date())
            legacy.append(time.perf_counter() - t)
            session.clear()
        out[f"{label}_view_30_lines"] = summary(samples)
        out[f"{label}_view_30_lines_cpu"] = summary(cpu_view)
        out[f"{label}_pure_engine_30_lines"] = summary(pure)
        out[f"{label}_pure_engine_30_lines_cpu"] = summary(cpu_pure)
        out[f"{label}_pure_rule_set_pricing_30_lines"] = summary(legacy)

    baskets("before_no_promotions", 0)
    with uow() as w:
        w.promotions.put_template(TEMPLATE, now)
        for p in promos:
            w.promotions.put(p, now)
        w.commit()
    baskets("after_200_promotions_5_coupons", 5)
    out["target_p99_ms"] = 10
    out["load_average_1m"] = round(os.getloadavg()[0], 2)   # wall times suffer on a busy box
    after = "after_200_promotions_5_coupons_view_30_lines"
    out["meets_target_wall"] = out[after]["p99_ms"] < 10  # type: ignore[index]
    out["meets_target_cpu"] = out[after + "_cpu"]["p99_ms"] < 10  # type: ignore[index]
    with uow() as w:   # leave the store as it was for benchmarks.store
        for p in promos:
            w.promotions.withdraw(p.id, p.version, now)
        w.commit()
    uow.engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.01,
                    help="1.0 = 1M members, 300k products, 2M sales (the benchmarks.store store)")
    ap.add_argument("--data-dir", default="benchmarks/results/store/encrypted",
                    help="a till store; the default is benchmarks.store's encrypted copy")
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--reuse", action="store_true", help="use an existing store as it is")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    use_file_keyring_unless_configured(Path("benchmarks/results"))
    members = max(int(1_000_000 * args.scale), 100)
    products = max(int(300_000 * args.scale), 100)
    sales = max(int(2_000_000 * args.scale), 100)
    data_dir = Path(args.data_dir)
    if not (args.reuse and (data_dir / DB_FILE).exists()):
        if data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        build(data_dir, members, products, sales, args.seed)
    result = {"scale": args.scale, "members": members, "products": products,
              "promotions": 200, "coupons_per_basket": 5,
              **measure(data_dir, members, products, args.rounds, args.seed)}
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
