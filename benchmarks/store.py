"""Store and selling benchmark: a 1M-member till, look-ups, pricing and commits (p50/p99, JSON).

    python -m benchmarks.store --scale 1      # 1,000,000 members, 300,000 products, 2,000,000 sales
    python -m benchmarks.store --scale 0.01   # quick run

The bulk data goes in with plain sqlite3 executemany (it stands for years of trading); every
measured operation goes through our real stack (services, unit of work, SQLAlchemy, WAL +
synchronous=FULL). The bare-sqlite3 baseline inserts the same rows a sale writes, in one
transaction on the same file, so the overhead of our stack is a ratio.

The store is measured twice in one run: plain SQLite, and the same file encrypted in place
with SQLCipher as a till's store is (db/cipher.py); `encrypted_vs_plain` gives the ratios
(target: commit p99 within 1.5x of the plain store's). --plain-only skips the second pass.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from db.cipher import connect_raw, ensure_encrypted, key_for_file
from db.pin_hasher import Argon2PinHasher
from db.search_keys import name_initials
from db.store import DB_FILE, mobile_keys_for, open_store
from pos_app.bootstrap import build_services
from pos_app.demo import DEMO_USERS
from pos_app.domain.card import mask_mobile
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.rules import default_rule_set
from pos_app.domain.shop import ShopInfo, TillInfo
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.clock import SystemClock
from pos_app.services.setup import initialise
from benchmarks import use_file_keyring_unless_configured

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英建华晓燕文斌辉鹏飞玉兰红梅秀云凤"
PRODUCT_WORDS = ("牛肉", "干果", "矿泉", "酸奶", "饼干", "面包", "可乐", "雪碧", "纸巾", "牙膏",
                 "香皂", "洗发", "大米", "食用", "花生", "瓜子", "薯片", "巧克", "咖啡", "绿茶")


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return round(s[min(len(s) - 1, int(len(s) * p))] * 1000, 3)


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(samples, 0.50), "p99_ms": pct(samples, 0.99),
            "mean_ms": round(statistics.fmean(samples) * 1000, 3), "n": len(samples)}


def build(data_dir: Path, members: int, products: int, sales: int, seed: int) -> None:
    ids = UuidV7Source()
    uow = open_store(data_dir, ids, encrypted=False)
    initialise(uow, SystemClock(), ids, Argon2PinHasher(fast=True), ShopInfo("S001", "基准店"),
               TillInfo("T01"), DEMO_USERS, default_rule_set())
    uow.engine.dispose()
    rng = random.Random(seed)
    db = sqlite3.connect(data_dir / DB_FILE, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")     # bulk load only; measurements use FULL
    shop_id, till_id = db.execute("SELECT shop_id, id FROM tills").fetchone()
    user_id = db.execute("SELECT id FROM users WHERE username='cashier'").fetchone()[0]
    now = datetime(2026, 11, 28, 9, 0)
    db.execute("BEGIN")
    cat_ids = []
    for a in range(10):
        for b in range(10):
            for c in range(10):
                cid = str(uuid.uuid4())
                path = f"大类{a}/中类{a}{b}/小类{a}{b}{c}"
                if c == 0 and b == 0:
                    db.execute("INSERT INTO categories VALUES (?,?,?,?,?)",
                               (f"top{a}", None, f"大类{a}", 1, f"大类{a}"))
                if c == 0:
                    db.execute("INSERT INTO categories VALUES (?,?,?,?,?)",
                               (f"mid{a}{b}", f"top{a}", f"中类{a}{b}", 2, f"大类{a}/中类{a}{b}"))
                db.execute("INSERT INTO categories VALUES (?,?,?,?,?)",
                           (cid, f"mid{a}{b}", f"小类{a}{b}{c}", 3, path))
                cat_ids.append(cid)

    def product_rows():
        for i in range(products):
            promo = rng.choice([None, None, None, 8000, 9000])
            kind = "special" if i % 17 == 0 else "regular"
            name = f"{rng.choice(PRODUCT_WORDS)}{rng.choice(PRODUCT_WORDS)}{i}"
            yield (f"p{i:07d}", f"SKU{i:07d}", name, rng.choice(cat_ids),
                   rng.randrange(100, 100_000), kind, 1, promo, None, None, None, None, 1, now,
                   name_initials(name))
    db.executemany("INSERT INTO products VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", product_rows())
    db.executemany("INSERT INTO barcodes VALUES (?,?)",
                   ((f"69{i:011d}", f"p{i:07d}") for i in range(products)))

    keys = mobile_keys_for(data_dir)    # the till keeps the masked mobile and its HMAC only

    def member_rows():
        for i in range(members):
            tier = "diamond" if i % 20 == 0 else "gold" if i % 5 == 0 else "regular"
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            pts = rng.randrange(0, 5000)
            mobile = f"13{i:09d}"
            yield (f"m{i:08d}", name, "", None, "solar", 0, None, tier, None, None,
                   0, None, None, "", pts, pts + rng.randrange(0, 5000), rng.randrange(0, 50_000),
                   0, None, now, now, mobile[-4:], mask_mobile(mobile), keys.hash(mobile))
    db.executemany(
        "INSERT INTO members (id, name, gender, birthday, birthday_calendar, consent_messages, "
        "consent_at, tier_code, referrer_id, pin_hash, pin_failed, pin_locked_until, "
        "id_check_hash, notes, spendable_points, accumulated_points, balance_paid_fen, "
        "balance_bonus_fen, last_purchase_at, created_at, updated_at, mobile_last4, "
        "mobile_masked, mobile_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        member_rows())
    db.executemany("INSERT INTO cards (id, card_no, member_id, kind, uid, status, generation, "
                   "expires_on, status_changed_at, status_shop_id, issued_at, replaced_by_id) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   ((f"c{i:08d}", f"88{i:010d}", f"m{i:08d}", "magstripe", None, "active", 1,
                     None, None, None, now, None) for i in range(members)))
    db.execute("COMMIT")
    db.execute("BEGIN")
    t0 = now - timedelta(days=730)
    for i in range(sales):
        sid = f"s{i:09d}"
        at = t0 + timedelta(seconds=i * 31)
        member = f"m{rng.randrange(members):08d}" if i % 2 == 0 else None
        db.execute("INSERT INTO sales (id, receipt_no, kind, shop_id, till_id, shift_id, user_id, "
                   "member_id, card_id, created_at, rule_version, subtotal_fen, discount_fen, "
                   "total_fen, rounding_fen, change_fen, points_earned, bonus_points, "
                   "original_sale_id, tier_upgraded_to, manager_flag, authorised_by_id, "
                   "reprint_count, snapshot) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (sid, f"H-{i:09d}", "sale", shop_id, till_id, None, user_id, member, None, at,
                    1, 10_000, 0, 10_000, 0, 0, 10, 0, None, None, None, None, 0, "{}"))
        for n in range(3):
            db.execute("INSERT INTO sale_lines (id, sale_id, line_no, product_id, sku, name, kind, "
                       "qty, unit_price_fen, gross_fen, amount_fen, points_share, redeemed_points, "
                       "original_line_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (f"{sid}-{n}", sid, n + 1, f"p{rng.randrange(products):07d}", "SKU", "商品",
                        "regular", 1, 3_333, 3_333, 3_333, 3, 0, None))
        db.execute("INSERT INTO tenders VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (f"{sid}-t", sid, 1, "cash", 10_000, 10_000, "", 0, 0, 0))
        if i % 50_000 == 49_999:
            db.execute("COMMIT")
            db.execute("BEGIN")
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def bare_insert(db_path: Path, rng: random.Random, key: bytes | None) -> float:
    """The rows one 5-line sale writes, inserted with plain sqlite3 in one FULL-sync transaction."""
    db = connect_raw(db_path, key)
    db.isolation_level = None
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    shop_id, till_id = db.execute("SELECT shop_id, id FROM tills").fetchone()
    user_id = db.execute("SELECT id FROM users LIMIT 1").fetchone()[0]
    sid = f"bare-{uuid.uuid4()}"
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO sales (id, receipt_no, kind, shop_id, till_id, user_id, member_id, "
               "created_at, rule_version, subtotal_fen, discount_fen, total_fen, rounding_fen, "
               "change_fen, points_earned, bonus_points, reprint_count, snapshot) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               (sid, sid, "sale", shop_id, till_id, user_id, "m00000001", datetime.now(), 1,
                50_000, 0, 50_000, 0, 0, 50, 0, 0, "{" + "x" * 3000 + "}"))
    for n in range(5):
        db.execute("INSERT INTO sale_lines (id, sale_id, line_no, product_id, sku, name, kind, qty, "
                   "unit_price_fen, gross_fen, amount_fen, points_share, redeemed_points) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (f"{sid}-{n}", sid, n + 1, f"p{rng.randrange(1000):07d}", "SKU", "商品",
                    "regular", 1, 10_000, 10_000, 10_000, 10, 0))
    db.execute("INSERT INTO tenders VALUES (?,?,?,?,?,?,?,?,?,?)",
               (f"{sid}-t", sid, 1, "cash", 50_000, 50_000, "", 0, 0, 0))
    db.execute("INSERT INTO points_entries (id, member_id, kind, spendable_delta, accumulated_delta, "
               "sale_id, created_at, note) VALUES (?,?,?,?,?,?,?,?)",
               (f"{sid}-p", "m00000001", "earn", 50, 50, sid, datetime.now(), ""))
    db.execute("UPDATE members SET spendable_points=spendable_points+50 WHERE id='m00000001'")
    seq = db.execute("SELECT coalesce(max(device_seq),0)+1 FROM outbox").fetchone()[0]
    db.execute("INSERT INTO outbox (device_seq, id, kind, payload, created_at, acked_at) "
               "VALUES (?,?,?,?,?,?)",
               (seq, sid, "sale.completed", "{" + "x" * 3000 + "}", datetime.now(), None))
    db.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?)",
               (f"{sid}-a", datetime.now(), user_id, "sale", sid, "{}"))
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def measure(data_dir: Path, members: int, products: int, rounds: int, seed: int,
            encrypted: bool) -> dict:
    rng = random.Random(seed + 1)
    ids = UuidV7Source()
    uow = open_store(data_dir, ids, encrypted=encrypted)
    key = key_for_file(data_dir / DB_FILE) if encrypted else None
    services = build_services(uow, SystemClock(), ids, Argon2PinHasher(fast=True))
    out: dict[str, object] = {}

    def timed(fn, n=rounds):
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t)
        return summary(samples)

    def card_lookup():
        with uow() as w:
            assert w.cards.find_card(f"88{rng.randrange(members):010d}") is not None
    out["card_lookup"] = timed(card_lookup)

    def mobile_lookup():
        with uow() as w:
            assert w.accounts.find_by_mobile(f"13{rng.randrange(members):09d}") is not None
    out["member_by_mobile"] = timed(mobile_lookup)

    def name_prefix():
        with uow() as w:
            w.accounts.search(rng.choice(SURNAMES) + rng.choice(GIVEN), 20)
    out["member_by_name_prefix"] = timed(name_prefix)

    def last4():
        with uow() as w:
            assert w.accounts.search(f"{rng.randrange(10_000):04d}", 20) is not None
    out["member_by_mobile_last4"] = timed(last4)

    def surname():
        with uow() as w:
            w.accounts.search(rng.choice(SURNAMES), 20)
    out["member_by_surname"] = timed(surname)

    def initials():
        with uow() as w:
            w.catalog.search(name_initials(rng.choice(PRODUCT_WORDS) + rng.choice(PRODUCT_WORDS)),
                             20)
    out["product_by_pinyin_initials"] = timed(initials)

    def barcode_lookup():
        with uow() as w:
            assert w.catalog.find_by_code(f"69{rng.randrange(products):011d}") is not None
    out["product_by_barcode"] = timed(barcode_lookup)

    cashier = services.auth.login("cashier", "1111")
    if services.shifts.current() is None:
        services.shifts.open(cashier, 0)
    session = services.selling.new_session()

    commit_samples, bare_samples = [], []
    for _ in range(rounds):
        for _ in range(5):
            session.add_product(services.selling.get_product(f"69{rng.randrange(products):011d}"))
        session.attach_card(f"88{rng.randrange(members):010d}")
        total = session.view().total_fen
        t = time.perf_counter()
        session.complete([TenderInput(TenderKind.CASH, total)], cashier)
        commit_samples.append(time.perf_counter() - t)
        bare_samples.append(bare_insert(data_dir / DB_FILE, rng, key))
    out["commit_5_line_sale"] = summary(commit_samples)
    out["bare_sqlite3_insert_same_rows"] = summary(bare_samples)
    out["commit_overhead_ratio_p99"] = round(pct(commit_samples, .99) / pct(bare_samples, .99), 2)
    out["commit_overhead_ratio_p50"] = round(pct(commit_samples, .5) / pct(bare_samples, .5), 2)

    # Issue 3: a 30-line basket for a Diamond member with promotions in force.
    diamond_cards = [f"88{i:010d}" for i in range(0, members, 20)]
    price_samples, complete_samples = [], []
    promo_codes = []
    with connect_raw(data_dir / DB_FILE, key) as db:
        promo_codes = [r[0] for r in db.execute(
            "SELECT b.code FROM barcodes b JOIN products p ON p.id=b.product_id "
            "WHERE p.promo_rate_bp IS NOT NULL LIMIT 2000")]
    for _ in range(rounds):
        session.attach_card(rng.choice(diamond_cards))
        for i in range(30):
            code = rng.choice(promo_codes) if i % 2 else f"69{rng.randrange(products):011d}"
            session.add_product(services.selling.get_product(code))
        t = time.perf_counter()
        view = session.view()
        price_samples.append(time.perf_counter() - t)
        t = time.perf_counter()
        session.complete([TenderInput(TenderKind.CASH, view.total_fen)], cashier)
        complete_samples.append(time.perf_counter() - t)
    out["price_30_line_diamond_basket"] = summary(price_samples)
    out["complete_30_line_diamond_sale"] = summary(complete_samples)
    uow.engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.01,
                    help="1.0 = 1M members, 300k products, 2M sales")
    ap.add_argument("--data-dir", default="benchmarks/results/store")
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--reuse", action="store_true", help="measure an existing store again")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--plain-only", action="store_true", help="skip the encrypted pass")
    args = ap.parse_args(argv)
    use_file_keyring_unless_configured(Path("benchmarks/results"))
    members = max(int(1_000_000 * args.scale), 100)
    products = max(int(300_000 * args.scale), 100)
    sales = max(int(2_000_000 * args.scale), 100)
    root = Path(args.data_dir)
    plain_dir, cipher_dir = root / "plain", root / "encrypted"
    build_s = encrypt_s = None
    if not (args.reuse and (plain_dir / DB_FILE).exists()):
        for d in (plain_dir, cipher_dir):
            if d.exists():
                shutil.rmtree(d)
        t = time.perf_counter()
        build(plain_dir, members, products, sales, args.seed)
        build_s = round(time.perf_counter() - t, 1)
    result: dict[str, object] = {
        "scale": args.scale, "members": members, "products": products, "past_sales": sales,
        "build_s": build_s, "db_mb": round((plain_dir / DB_FILE).stat().st_size / 2**20, 1)}
    if not args.plain_only and not (args.reuse and (cipher_dir / DB_FILE).exists()):
        # The same data, encrypted in place exactly as an older till's store is on upgrade.
        cipher_dir.mkdir(parents=True, exist_ok=True)
        (cipher_dir / DB_FILE).write_bytes((plain_dir / DB_FILE).read_bytes())
        t = time.perf_counter()
        ensure_encrypted(cipher_dir)
        encrypt_s = round(time.perf_counter() - t, 1)
    result["encrypt_in_place_s"] = encrypt_s
    if not args.plain_only:
        # The encrypted copy stands in for the same till: the same mobile lookup keys (the
        # members' hashes were made with them), which a copied file alone does not bring.
        from pos_app.secrets import MOBILE_LOCAL_KEY, MOBILE_LOOKUP_KEY, open_secret_store
        src, dst = open_secret_store(plain_dir), open_secret_store(cipher_dir)
        for name in (MOBILE_LOOKUP_KEY, MOBILE_LOCAL_KEY):
            value = src.get(name)
            if value:
                dst.set(name, value)
    plain = measure(plain_dir, members, products, args.rounds, args.seed, encrypted=False)
    result["plain"] = plain
    if not args.plain_only:
        enc = measure(cipher_dir, members, products, args.rounds, args.seed, encrypted=True)
        result["encrypted"] = enc
        result["encrypted_vs_plain"] = {
            name: round(enc[name]["p99_ms"] / plain[name]["p99_ms"], 2)  # type: ignore[index]
            for name in ("card_lookup", "member_by_mobile", "member_by_name_prefix",
                         "product_by_barcode", "commit_5_line_sale",
                         "complete_30_line_diamond_sale")}
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
