"""A believable demo shop: a department-store counter mix with members in every tier."""
from __future__ import annotations

import csv
import io
import random

DEMO_USERS = (("admin", "系统管理员", "admin", "9999"),
              ("manager", "王店长", "manager", "2222"),
              ("cashier", "李收银", "cashier", "1111"))

_CATALOG: dict[str, dict[str, list[tuple[str, int]]]] = {
    "服装": {"女装": [("衬衫", 19900), ("连衣裙", 39900), ("针织衫", 25900), ("半身裙", 22900)],
             "男装": [("衬衫", 21900), ("夹克", 59900), ("休闲裤", 29900), ("T恤", 9900)],
             "童装": [("卫衣", 12900), ("套装", 16900)]},
    "食品": {"零食": [("坚果礼盒", 8800), ("牛肉干", 3990), ("饼干", 1290), ("巧克力", 2590)],
             "饮料": [("矿泉水", 200), ("绿茶", 350), ("果汁", 590), ("咖啡", 1200)],
             "粮油": [("东北大米5kg", 4990), ("花生油5L", 7990), ("挂面", 690)]},
    "日化": {"洗护": [("洗发水", 3990), ("沐浴露", 3590), ("护发素", 3290)],
             "清洁": [("洗衣液", 2990), ("洗洁精", 990), ("纸巾", 1990)]},
    "医药保健": {"保健品": [("维生素C片", 6800), ("钙片", 9800), ("蛋白粉", 19800)],
                 "器械": [("电子体温计", 3900), ("血压计", 19900), ("口罩", 1500)]},
    "服务": {"洗车": [("普通洗车", 3000), ("精洗", 8000)], "美发": [("洗剪吹", 6800), ("烫发", 38800)]},
}
_BRANDS = ["雅致", "悦享", "优品", "臻选", "康源", "美家", "恒丰", "福满", "安心", "青禾"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
          "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "晓燕", "文"]


def demo_products_csv(seed: int = 7) -> bytes:
    """About three hundred products in three-level categories, with promotions and specials."""
    rng = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["sku", "barcode", "name", "category", "price", "kind", "promo_rate",
                "pass_uses", "pass_valid_days"])
    n = 0
    for top, subs in _CATALOG.items():
        for sub, leaves in subs.items():
            for leaf, base in leaves:
                variants = 2 if top == "服务" else 12
                for v in range(variants):
                    n += 1
                    brand = _BRANDS[(n + v) % len(_BRANDS)]
                    price = base + rng.randrange(0, max(base // 5, 1), 10) if v else base
                    kind = "regular"
                    promo = ""
                    if top != "服务":
                        roll = rng.random()
                        if roll < 0.12:
                            kind = "special"
                        elif roll < 0.30:
                            promo = rng.choice(["0.8", "0.9", "0.85"])
                    name = f"{brand}{leaf}" if top == "服务" else f"{brand}{leaf} {v + 1:02d}款"
                    barcode = f"69{n:011d}"[:13]
                    w.writerow([f"P{n:05d}", barcode, name, f"{top}/{sub}/{leaf}",
                                f"{price // 100}.{price % 100:02d}", kind, promo, "", ""])
    # Count passes (计次卡) and excluded goods (gift cards do not earn or discount).
    extras = [("PASS-WASH10", "6910000000101", "洗车10次卡", "服务/洗车/次卡", "250.00", "regular", "", "10", "365"),
              ("PASS-HAIR5", "6910000000102", "洗剪吹5次卡", "服务/美发/次卡", "300.00", "regular", "", "5", "180"),
              ("GIFT-100", "6910000000201", "购物卡 ￥100", "服务/礼品卡/购物卡", "100.00", "excluded", "", "", ""),
              ("GIFT-500", "6910000000202", "购物卡 ￥500", "服务/礼品卡/购物卡", "500.00", "excluded", "", "", "")]
    for row in extras:
        w.writerow(row)
    return out.getvalue().encode("utf-8")


def demo_members_csv(seed: int = 11, count: int = 60) -> bytes:
    """Members in every tier with points and stored value; one card reported lost."""
    rng = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["card_no", "name", "mobile", "tier", "birthday", "birthday_calendar", "points",
                "accumulated_points", "balance", "card_kind", "card_status", "card_expiry"])
    for i in range(count):
        tier = "diamond" if i % 10 == 0 else "gold" if i % 3 == 0 else "regular"
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        mobile = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        cal = "lunar" if i % 7 == 0 else "solar"
        birthday = f"{rng.randrange(1960, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        accumulated = {"diamond": rng.randrange(8000, 20000), "gold": rng.randrange(500, 6000),
                       "regular": rng.randrange(0, 1500)}[tier]
        points = rng.randrange(0, accumulated + 1)
        balance = rng.choice([0, 0, 5000, 20000, 100000, 38800]) if i % 2 == 0 else 0
        status = "lost" if i == 5 else "active"
        w.writerow([f"8800{i + 1:08d}", name, mobile, tier, birthday, cal, points, accumulated,
                    f"{balance // 100}.{balance % 100:02d}", "magstripe", status, ""])
    return out.getvalue().encode("utf-8")
