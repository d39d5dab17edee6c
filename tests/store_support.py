"""A till on a real SQLite file for tests: the store, the services, a clock tests move, stock."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.pin_hasher import Argon2PinHasher
from db.reports import SqlReportQueriesFactory
from db.store import DB_FILE, open_store
from db.unit_of_work import SqlUnitOfWorkFactory
from pos_app.bootstrap import Services, build_services
from pos_app.demo import DEMO_USERS
from pos_app.domain.coupons import CouponKind, CouponTemplate
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.promotions import Promotion, PromotionKind, Schedule, Scope
from pos_app.domain.rules import RuleSet, default_rule_set
from pos_app.domain.shop import ShopInfo, TillInfo
from pos_app.ports.clock import FixedClock
from pos_app.services.auth import User
from pos_app.services.setup import initialise

NOON = datetime(2026, 11, 28, 12, 0, 0)


@dataclass
class Shop:
    """A till on a real SQLite file with the demo users and helpers to stock it."""

    data_dir: Path
    uow: SqlUnitOfWorkFactory
    clock: FixedClock
    services: Services
    hasher: Argon2PinHasher

    def user(self, username: str) -> User:
        pins = {u[0]: u[3] for u in DEMO_USERS}
        return self.services.auth.login(username, pins[username])

    @property
    def cashier(self) -> User:
        return self.user("cashier")

    @property
    def manager(self) -> User:
        return self.user("manager")

    def products(self, rows: list[tuple]) -> None:
        """rows: (sku, barcode, name, category, price, kind, promo_rate[, pass_uses, pass_days])."""
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["sku", "barcode", "name", "category", "price", "kind", "promo_rate",
                    "pass_uses", "pass_valid_days"])
        for r in rows:
            w.writerow(list(r) + [""] * (9 - len(r)))
        self.services.imports.import_as_system("products", out.getvalue().encode())

    def members(self, rows: list[dict[str, str]]) -> None:
        cols = ["card_no", "name", "mobile", "tier", "birthday", "birthday_calendar", "points",
                "accumulated_points", "balance", "card_kind", "card_status", "card_expiry"]
        out = io.StringIO()
        w = csv.DictWriter(out, cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})
        self.services.imports.import_as_system("members", out.getvalue().encode())

    def set_rules(self, rules: RuleSet) -> None:
        with self.uow() as uow:
            uow.rules.add(rules, self.clock.now().replace(year=2001), self.clock.now())
            uow.commit()

    def open_shift(self, float_fen: int = 50_000) -> User:
        cashier = self.cashier
        self.services.shifts.open(cashier, float_fen)
        return cashier


def make_shop(data_dir: Path, at: datetime = NOON) -> Shop:
    ids = UuidV7Source()
    clock = FixedClock(at)
    hasher = Argon2PinHasher(fast=True)
    uow = open_store(data_dir, ids)
    initialise(uow, clock, ids, hasher, ShopInfo("S001", "示范百货", "人民路1号", "021-5555 0000"),
               TillInfo("T01"), DEMO_USERS, default_rule_set())
    from db.member_code_store import SqlMemberCodeStore
    services = build_services(uow, clock, ids, hasher, SqlReportQueriesFactory(data_dir / DB_FILE),
                              member_codes=SqlMemberCodeStore(uow.engine))
    return Shop(data_dir, uow, clock, services, hasher)


STANDARD_GOODS = [
    ("REG100", "6900000000017", "羊毛衫", "服装/女装/针织衫", "100.00", "regular", ""),
    ("PROMO100", "6900000000024", "真丝衬衫", "服装/女装/衬衫", "100.00", "regular", "0.8"),
    ("SPECIAL50", "6900000000031", "特价围巾", "服装/配饰/围巾", "50.00", "special", ""),
    ("CARD100", "6900000000048", "购物卡", "服务/礼品卡/购物卡", "100.00", "excluded", ""),
    ("WATER", "6900000000055", "矿泉水", "食品/饮料/水", "2.00", "regular", ""),
    ("WASH10", "6900000000062", "洗车10次卡", "服务/洗车/次卡", "300.00", "regular", "", "10", "365"),
    ("WASH", "6900000000079", "普通洗车", "服务/洗车/单次", "30.00", "regular", ""),
    ("GIFT180", "6900000000086", "保温杯", "礼品/积分/杯", "180.00", "regular", ""),
    ("GIFT350", "6900000000093", "电饭煲", "礼品/积分/厨电", "350.00", "regular", ""),
]

# Promotions of every kind in force over STANDARD_GOODS (their scopes name its categories and
# SKUs), and a coupon template: what the issue-16 state machines run with, at one till and
# across tills and head office.
STANDARD_PROMOTIONS = (
    Promotion("MD", 1, PromotionKind.MEMBER_DAY, "周六会员日",
              schedule=Schedule(weekdays=frozenset({6})),
              tier_rates=(("gold", 9_500), ("diamond", 9_000)),
              points_multiplier_bp=20_000, points_cap=50),
    Promotion("MJ", 1, PromotionKind.SPEND_SAVE, "满150减15", threshold_fen=15_000,
              save_fen=1_500, repeat=True, scope=Scope(categories=frozenset({"服装"}))),
    Promotion("N2", 1, PromotionKind.MULTI_BUY, "第二件半价", group_size=2, discounted_units=1,
              rate_bp=5_000, scope=Scope(categories=frozenset({"食品"}))),
    Promotion("X2", 1, PromotionKind.POINTS, "洗车双倍积分", points_multiplier_bp=20_000,
              scope=Scope(skus=frozenset({"WASH"}))),
)
STANDARD_COUPON_TEMPLATE = CouponTemplate("T10", 1, "满100减10", CouponKind.AMOUNT_OFF,
                                          amount_fen=1_000, threshold_fen=10_000,
                                          valid_days=10)

STANDARD_MEMBERS = [
    {"card_no": "100001", "name": "张伟", "mobile": "13800001111", "tier": "regular",
     "points": "0", "balance": "0"},
    {"card_no": "100002", "name": "李娜", "mobile": "13800002222", "tier": "gold",
     "points": "990", "accumulated_points": "1500", "balance": "200.00"},
    {"card_no": "100003", "name": "王芳", "mobile": "13800003333", "tier": "diamond",
     "points": "1200", "accumulated_points": "9000", "balance": "1000.00"},
    {"card_no": "100004", "name": "赵强", "mobile": "13800004444", "tier": "gold",
     "card_status": "lost"},
    {"card_no": "100005", "name": "孙丽", "mobile": "13800005555", "tier": "gold",
     "card_expiry": "2025-12-31"},
]


def store_db(path: Path, key_of: Path | None = None):  # noqa: ANN201 - a DB-API connection
    """A raw connection on a till's store file (SQLCipher-encrypted: keyed from the
    credential store of the till whose store is `key_of`, by default `path` itself)."""
    from db.cipher import connect_raw, key_for_file
    return connect_raw(path, key_for_file(key_of or path))
