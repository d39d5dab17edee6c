"""Fixed documents for receipt tests: a Gold member's sale priced by the real domain code."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pos_app.domain.card import CardEventKind
from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.documents import (CardSlip, CashMovementSlip, PassSlip, StoredValueSlip,
                                      TenderTotal, ZReport)
from pos_app.domain.pricing import BasketItem, price_basket
from pos_app.domain.rules import default_rule_set
from pos_app.domain.sale import CompletedSale, MemberOnSale, PassBalance, SaleKind
from pos_app.domain.shop import ShopInfo
from pos_app.domain.tenders import Tender, TenderKind

AT = datetime(2026, 11, 28, 14, 35, 8)
DAY = date(2026, 11, 28)

SHOP = ShopInfo(code="SH001", name="百乐汇生活超市 世纪大道店",
                address="上海市浦东新区世纪大道100号B1层", phone="021-5888 8888",
                receipt_footer="7天内凭小票退换 (特价商品除外)")

CHERRIES = Product("p1", "100001", "智利进口车厘子礼盒 JJ级 2.5kg", 10_000,
                   promo_rate_bp=8_000, barcode="6901234567892")
HAIR_DRYER = Product("p2", "200002", "戴森 Supersonic 吹风机 HD08", 249_900,
                     kind=ProductKind.SPECIAL)
APPLES = Product("p3", "300003", "烟台红富士苹果(大果)", 1_280)


def sample_sale(reprint_count: int = 0) -> CompletedSale:
    """¥100 cherries on an 8折 promotion with Gold 8.8折 on top (¥70.40, rules §2), a
    special-price hair dryer, apples at 8.8折; stored value + cash with 抹零 and change."""
    rules = default_rule_set()
    basket = price_basket([BasketItem(CHERRIES, 1), BasketItem(HAIR_DRYER, 1),
                           BasketItem(APPLES, 3)], rules, rules.tier("gold"), DAY)
    total = basket.total_fen
    sv = 200_000
    cash_due_exact = total - sv
    rounding = cash_due_exact % 10
    cash_due = cash_due_exact - rounding
    received = 61_000
    member = MemberOnSale(
        member_id="m1", name="王小明", mobile="13812345678", card_no="8800123456789012",
        tier_code="gold", tier_name_zh="金卡", tier_name_en="Gold",
        points_earned=270, bonus_points=10, points_redeemed=0,
        spendable_after=1_268, accumulated_after=5_268, balance_after_fen=38_800,
        passes=(PassBalance("洗车次卡", 8, "2027-06-30"),), lottery=True, birthday=True,
        next_step_points=232, next_step_cap_fen=40_000)
    return CompletedSale(
        sale_id="s1", receipt_no="SH001-01-000123", kind=SaleKind.SALE, shop_code="SH001",
        till_code="01", cashier_name="李娜", created_at=AT, rule_version=1,
        lines=basket.lines,
        tenders=(Tender(TenderKind.STORED_VALUE, sv, sv_paid_fen=180_000, sv_bonus_fen=20_000),
                 Tender(TenderKind.CASH, cash_due, received_fen=received)),
        change_fen=received - cash_due, rounding_fen=rounding, member=member,
        reprint_count=reprint_count)


def sample_return() -> CompletedSale:
    rules = default_rule_set()
    basket = price_basket([BasketItem(APPLES, 1)], rules, rules.tier("gold"), DAY)
    return CompletedSale(
        sale_id="r1", receipt_no="SH001-01-000124", kind=SaleKind.RETURN, shop_code="SH001",
        till_code="01", cashier_name="李娜", created_at=AT, rule_version=1,
        lines=basket.lines, tenders=(Tender(TenderKind.CASH, basket.total_fen),),
        change_fen=0, rounding_fen=0, original_receipt_no="SH001-01-000123")


def sample_top_up(refund: bool = False) -> StoredValueSlip:
    if refund:
        return StoredValueSlip("t2", "SH001-01-T0002", "SH001", "01", "李娜", AT, "王小明",
                         "13812345678", "8800123456789012", -50_000, 0, TenderKind.CASH,
                         0, 10_000, is_refund=True)
    return StoredValueSlip("t1", "SH001-01-T0001", "SH001", "01", "李娜", AT, "王小明", "13812345678",
                     "8800123456789012", 100_000, 10_000, TenderKind.WECHAT, 150_000, 20_000,
                     reference="4200001234202611281234")


def sample_card_slip(kind: CardEventKind = CardEventKind.REPLACED) -> CardSlip:
    return CardSlip("e1", "SH001-01-C0001", kind, "SH001", "01", "张店长", AT, "王小明",
                    "13812345678", "8800123456789099", "金卡", "Gold",
                    old_card_no="8800123456789012" if kind is CardEventKind.REPLACED else None,
                    fee_fen=1_000, expires_on="2029-11-27", balance_fen=38_800,
                    spendable_points=1_268,
                    refund_fen=20_000 if kind is CardEventKind.CANCELLED else 0)


def sample_pass(is_use: bool) -> PassSlip:
    return PassSlip("ps1", "SH001-01-P0001", "SH001", "01", "李娜", AT, "王小明",
                    "8800123456789012", "精致洗车", 10, 7 if is_use else 10, is_use,
                    price_fen=0 if is_use else 29_900, expires_on="2027-06-30")


def sample_cash_movement(amount_fen: int) -> CashMovementSlip:
    return CashMovementSlip("cm1", "SH001", "01", "李娜", AT, amount_fen,
                            "银行存款" if amount_fen < 0 else "补充零钱")


def sample_z_report() -> ZReport:
    return ZReport(
        shift_id="SH001-01-20261128-1", shop_code="SH001", till_code="01", cashier_name="李娜",
        opened_at=datetime(2026, 11, 28, 8, 0), closed_at=datetime(2026, 11, 28, 20, 5),
        opening_float_fen=50_000, sales_count=86, sales_total_fen=1_234_567,
        returns_count=2, returns_total_fen=6_758, discounts_fen=98_760, rounding_fen=231,
        tenders=(TenderTotal(TenderKind.CASH, 40, 345_600),
                 TenderTotal(TenderKind.STORED_VALUE, 21, 456_700),
                 TenderTotal(TenderKind.WECHAT, 25, 432_267)),
        refunds_by_tender=(TenderTotal(TenderKind.CASH, 2, 6_758),),
        points_issued=1_150, points_redeemed=3_000, stored_value_topped_up_fen=300_000,
        stored_value_bonus_fen=30_000, stored_value_spent_fen=456_700,
        stored_value_refunded_fen=0, pay_ins_fen=10_000, pay_outs_fen=-200_000,
        member_sales_count=51, expected_cash_fen=198_842, counted_cash_fen=198_800)


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def sample_statement():  # type: ignore[no-untyped-def]
    from pos_app.domain.statement import MemberStatement, StatementLine

    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 11, day, hour, 0)

    return MemberStatement(
        member_name="王小明", card_no="8800123456789012", mobile="13812345678",
        tier_name_zh="金卡", tier_name_en="Gold", period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30), points_opening=998,
        points_lines=(StatementLine(at(3, 10), "消费积分 SH001-01-000100", 45, 1_043, "世纪大道店"),
                      StatementLine(at(28, 14), "消费积分（含奖励10） SH001-01-000123", 270, 1_313,
                                    "世纪大道店"),
                      StatementLine(at(28, 15), "退货扣回 SH001-01-000124", -45, 1_268)),
        balance_opening_fen=250_000,
        stored_value_lines=(StatementLine(at(5, 9), "充值 (赠送￥100.00)", 110_000, 360_000,
                                          "陆家嘴店"),
                            StatementLine(at(28, 14), "消费 SH001-01-000123", -200_000, 160_000),
                            StatementLine(at(29, 11), "消费 SH002-03-000777", -121_200, 38_800,
                                          "徐家汇店")))
