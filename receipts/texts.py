"""Receipt labels in the shop's receipt language (a per-shop setting; Chinese by default).

Templates use str.format fields; every Chinese label is GBK-printable (no '¥', no '•').
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pos_app.domain.card import CardEventKind
from pos_app.domain.money import BP_ONE, format_zhe
from pos_app.domain.pricing import ReasonKind
from pos_app.domain.tenders import TenderKind


@dataclass(frozen=True)
class ReceiptTexts:
    """Every word a receipt prints; build with zh_cn() or en()."""

    lang: str
    currency: str                 # before an amount: '￥'
    times: str                    # qty × unit price

    # header
    sale_title: str
    return_title: str
    reprint: str                  # {count}
    receipt_no: str
    original_receipt_no: str
    date: str
    till: str
    cashier: str
    operator: str

    # lines and totals
    reasons: dict[ReasonKind, str] = field(hash=False, compare=False)
    items_count: str = ""          # {count}
    subtotal: str = ""
    discount: str = ""
    total: str = ""
    rounding: str = ""
    due: str = ""
    refund_total: str = ""
    tenders: dict[TenderKind, str] = field(default_factory=dict, hash=False, compare=False)
    cash_received: str = ""
    change: str = ""
    refunded_to: str = ""          # {tender}
    points_used: str = ""          # {points}

    # member block
    member_card: str = ""
    member_mobile: str = ""
    member_tier: str = ""
    points_earned: str = ""        # {points}
    points_earned_bonus: str = ""  # {points} {bonus}
    points_redeemed: str = ""
    points_spendable: str = ""
    points_accumulated: str = ""
    balance_after: str = ""
    pass_left: str = ""            # {name} {uses}
    pass_expires: str = ""         # {date}
    lottery: str = ""
    birthday: str = ""
    next_step: str = ""            # {points} {amount}
    upgraded: str = ""             # {tier}
    points_promo: str = ""         # {points}: extra points of a multiplier (积分翻倍, 会员日)
    points_expiring: str = ""      # {points} {date}
    tier_lapse: str = ""           # {tier} {date} {points}: rolling tier validity, told ahead
    tier_lapse_receipt: str = ""   # {tier} {date}: a tier only a qualifying receipt keeps
    forfeited_closed: str = ""     # {amount}: points/bonus share not paid to a cancelled member
    coupons_used: str = ""         # heading of the coupons a sale took
    coupon_issued: str = ""        # {name}: a coupon the sale gave (满送), its code as a QR
    coupon_qr_hint: str = ""
    promo_gift: str = ""           # {sku} {qty}: a 满送 gift item to hand over
    promotions_saved: str = ""     # {amount}: what the promotions saved in all

    # top-ups
    top_up_title: str = ""
    top_up_refund_title: str = ""
    top_up_paid: str = ""
    top_up_bonus: str = ""
    top_up_refunded: str = ""
    top_up_bonus_note: str = ""
    package: str = ""
    package_points: str = ""
    package_points_back: str = ""
    package_coupons: str = ""
    package_coupons_back: str = ""
    package_pass: str = ""
    package_pass_back: str = ""
    package_tier: str = ""
    package_tier_back: str = ""
    package_kept: str = ""
    paid_by: str = ""
    balance_paid_part: str = ""
    balance_bonus_part: str = ""
    member_name: str = ""
    reference: str = ""

    # card slips
    card_titles: dict[CardEventKind, str] = field(default_factory=dict, hash=False, compare=False)
    old_card: str = ""
    card_fee: str = ""
    expires_on: str = ""
    refund: str = ""
    signature: str = ""
    slip_keep_note: str = ""

    # passes
    pass_sale_title: str = ""
    pass_use_title: str = ""
    pass_service: str = ""
    pass_uses_total: str = ""
    pass_uses_left: str = ""
    pass_price: str = ""

    # cash movements
    pay_in_title: str = ""
    pay_out_title: str = ""
    amount: str = ""
    movement_reason: str = ""
    cashier_signature: str = ""

    # Z report
    z_title: str = ""
    shift_id: str = ""
    opened_at: str = ""
    closed_at: str = ""
    still_open: str = ""
    opening_float: str = ""
    sales: str = ""               # {count}
    returns: str = ""             # {count}
    discounts: str = ""
    tender_totals: str = ""
    refunds_by_tender: str = ""
    tender_line: str = ""         # {tender} {count}
    points_issued: str = ""
    points_redeemed_total: str = ""
    sv_topped_up: str = ""
    sv_bonus: str = ""
    sv_spent: str = ""
    sv_refunded: str = ""
    pay_ins: str = ""
    pay_outs: str = ""
    member_sales: str = ""
    expected_cash: str = ""
    counted_cash: str = ""
    not_counted: str = ""
    cash_difference: str = ""
    held_baskets: str = ""          # "{count}": baskets still on hold at the report
    held_line: str = ""             # "{time} {items} {member}"
    printed_at: str = ""

    # statements (PDF)
    statement_title: str = ""
    period: str = ""
    points_ledger: str = ""
    stored_value_ledger: str = ""
    col_date: str = ""
    col_description: str = ""
    col_change: str = ""
    col_balance: str = ""
    no_entries: str = ""
    opening: str = ""
    closing: str = ""
    page: str = ""                # {page}

    thanks: str = ""
    qr_hint: str = ""
    qr_hint_link: str = ""
    colon: str = ":"               # after a field label: '：' in Chinese text
    # line-table headings on wide (80 mm) receipts
    col_item: str = ""
    col_qty: str = ""
    col_unit_price: str = ""
    col_amount: str = ""

    def tier_name(self, zh: str, en: str) -> str:
        return zh if self.lang.startswith("zh") else (en or zh)

    def money(self, fen: int) -> str:
        """'￥70.40' / '-￥3.00': the sign before the currency."""
        whole, frac = divmod(abs(fen), 100)
        return f"{'-' if fen < 0 else ''}{self.currency}{whole}.{frac:02d}"

    def reason(self, kind: ReasonKind, rate_bp: int) -> str:
        """The reason a line costs what it does: '会员8.8折' / 'Member 12% off'."""
        template = self.reasons.get(kind, str(kind))  # a new kind must not stop the printer
        return template.format(zhe=format_zhe(rate_bp), off=_percent_off(rate_bp))

    def tender(self, kind: TenderKind) -> str:
        return self.tenders.get(kind, str(kind))

    def card_title(self, kind: CardEventKind) -> str:
        return self.card_titles.get(kind, str(kind))

    @classmethod
    def zh_cn(cls) -> ReceiptTexts:
        """Simplified Chinese, the default receipt language."""
        return cls(
            lang="zh_CN", currency="￥", times="×",
            sale_title="销售小票", return_title="退货单", reprint="重印 第{count}次",
            receipt_no="单号", original_receipt_no="原单号", date="日期", till="收银机",
            cashier="收银员", operator="操作员",
            reasons={ReasonKind.TIER: "会员{zhe}折", ReasonKind.PROMOTION: "促销{zhe}折",
                     ReasonKind.SPECIAL: "特价", ReasonKind.MANUAL: "手工折扣{zhe}折",
                     ReasonKind.GIFT: "积分兑换", ReasonKind.PASS: "计次卡抵扣",
                     ReasonKind.MEMBER_PRICE: "会员价", ReasonKind.MEMBER_DAY: "会员日{zhe}折",
                     ReasonKind.MULTI_BUY: "多买优惠", ReasonKind.BASKET: "满减",
                     ReasonKind.COUPON: "优惠券"},
            items_count="共{count}件", subtotal="商品合计", discount="优惠", total="应付",
            rounding="抹零", due="实付", refund_total="退款合计",
            tenders={TenderKind.CASH: "现金", TenderKind.STORED_VALUE: "储值卡",
                     TenderKind.BANK_CARD: "银行卡", TenderKind.WECHAT: "微信",
                     TenderKind.ALIPAY: "支付宝", TenderKind.POINTS: "积分抵现"},
            cash_received="现金实收", change="找零", refunded_to="退回{tender}",
            points_used="（用{points}分）",
            member_card="会员卡号", member_mobile="手机", member_tier="会员等级",
            points_earned="本次积分 {points}", points_earned_bonus="本次积分 {points}（含奖励{bonus}）",
            points_redeemed="本次兑换积分", points_spendable="可用积分",
            points_accumulated="累计积分", balance_after="储值余额",
            pass_left="{name} 剩余{uses}次", pass_expires="  有效期至{date}",
            lottery="积分尾数为8，可参加抽奖活动", birthday="生日快乐！凭小票领取生日礼品",
            next_step="再积 {points} 分可兑换 {amount} 礼品", upgraded="恭喜升级为{tier}",
            points_promo="  其中活动加赠 {points}", points_expiring="{points} 积分将于 {date} 后过期，请尽快使用",
            tier_lapse="{tier}将于{date}到期，再累计{points}积分可保级",
            tier_lapse_receipt="{tier}将于{date}到期，到期前单张小票满额消费可保级",
            forfeited_closed="会员已注销：积分及赠送金部分 {amount} 不退",
            coupons_used="本单用券", coupon_issued="获赠优惠券：{name}", coupon_qr_hint="下次消费出示此码使用",
            promo_gift="满送赠品 {sku} ×{qty}，请到服务台领取", promotions_saved="本单促销共优惠 {amount}",
            top_up_title="储值充值", top_up_refund_title="储值退款", top_up_paid="充值金额",
            top_up_bonus="赠送金额", top_up_refunded="退款金额",
            top_up_bonus_note="赠送金额不可退",
            package="储值套餐", package_points="赠送积分", package_points_back="扣回积分",
            package_coupons="赠送优惠券", package_coupons_back="收回优惠券",
            package_pass="赠送次卡", package_pass_back="收回次数", package_tier="升级为",
            package_tier_back="等级恢复为", package_kept="已享用（不退）", paid_by="支付方式", balance_paid_part="  其中本金",
            balance_bonus_part="  其中赠送", member_name="会员", reference="参考号",
            card_titles={CardEventKind.ISSUED: "办卡", CardEventKind.LOST: "挂失",
                         CardEventKind.UNBLOCKED: "解挂", CardEventKind.REPLACED: "补卡",
                         CardEventKind.RENEWED: "续期", CardEventKind.CANCELLED: "注销",
                         CardEventKind.PIN_SET: "设置密码"},
            old_card="原卡号", card_fee="工本费", expires_on="有效期至", refund="退款",
            signature="会员签名", slip_keep_note="本单由门店留存",
            pass_sale_title="次卡购买", pass_use_title="次卡消费", pass_service="服务项目",
            pass_uses_total="总次数", pass_uses_left="剩余次数", pass_price="金额",
            pay_in_title="备用金存入", pay_out_title="现金取出", amount="金额", movement_reason="事由",
            cashier_signature="收银员签名",
            z_title="交班报表（Z）", shift_id="班次", opened_at="开班", closed_at="交班",
            still_open="未结束", opening_float="备用金", sales="销售 {count}笔", returns="退货 {count}笔",
            discounts="优惠合计", tender_totals="收款方式", refunds_by_tender="退款方式",
            tender_line="{tender} {count}笔", points_issued="发放积分",
            points_redeemed_total="兑换积分", sv_topped_up="储值充值", sv_bonus="充值赠送",
            sv_spent="储值消费", sv_refunded="储值退款", pay_ins="备用金存入", pay_outs="现金取出",
            member_sales="会员交易笔数", expected_cash="应有现金", counted_cash="实点现金",
            not_counted="未清点", cash_difference="现金差额",
            held_baskets="挂单未取 {count}笔", held_line="{time} {items}件 {member}", printed_at="打印时间",
            statement_title="会员对账单", period="期间", points_ledger="积分明细",
            stored_value_ledger="储值明细", col_date="日期", col_description="摘要",
            col_change="变动", col_balance="余额", no_entries="本期无记录",
            opening="期初余额", closing="期末余额", page="第{page}页",
            thanks="谢谢惠顾，欢迎再次光临", qr_hint="扫码退货/查询", qr_hint_link="扫码查看电子小票", colon="：",
            col_item="品名", col_qty="数量", col_unit_price="单价", col_amount="金额",
        )

    @classmethod
    def en(cls) -> ReceiptTexts:
        """English receipts, for shops that choose them."""
        return cls(
            lang="en", currency="￥", times="x",
            sale_title="SALES RECEIPT", return_title="RETURN", reprint="REPRINT #{count}",
            receipt_no="Receipt", original_receipt_no="Original receipt", date="Date",
            till="Till", cashier="Cashier", operator="Operator",
            reasons={ReasonKind.TIER: "Member {off} off", ReasonKind.PROMOTION: "Promotion {off} off",
                     ReasonKind.SPECIAL: "Special price", ReasonKind.MANUAL: "Manual {off} off",
                     ReasonKind.GIFT: "Points gift", ReasonKind.PASS: "Pass visit",
                     ReasonKind.MEMBER_PRICE: "Member price",
                     ReasonKind.MEMBER_DAY: "Member day {off} off",
                     ReasonKind.MULTI_BUY: "Multi-buy", ReasonKind.BASKET: "Spend & save",
                     ReasonKind.COUPON: "Coupon"},
            items_count="{count} items", subtotal="Subtotal", discount="Discount", total="Total",
            rounding="Rounding", due="Due", refund_total="Refund total",
            tenders={TenderKind.CASH: "Cash", TenderKind.STORED_VALUE: "Stored value",
                     TenderKind.BANK_CARD: "Bank card", TenderKind.WECHAT: "WeChat Pay",
                     TenderKind.ALIPAY: "Alipay", TenderKind.POINTS: "Points"},
            cash_received="Cash received", change="Change", refunded_to="Refunded to {tender}",
            points_used="({points} pts)",
            member_card="Card", member_mobile="Mobile", member_tier="Tier",
            points_earned="Points earned {points}",
            points_earned_bonus="Points earned {points} (bonus {bonus})",
            points_redeemed="Points redeemed", points_spendable="Points available",
            points_accumulated="Points accumulated", balance_after="Card balance",
            pass_left="{name}: {uses} left", pass_expires="  valid until {date}",
            lottery="Points end in 8: you may join the lucky draw",
            birthday="Happy birthday! Collect your gift with this receipt",
            next_step="{points} more points for a {amount} gift", upgraded="Upgraded to {tier}",
            points_promo="  of which promotion bonus {points}",
            points_expiring="{points} points lapse after {date}: use them soon",
            tier_lapse="{tier} lapses on {date}: earn {points} more points to keep it",
            tier_lapse_receipt="{tier} lapses on {date}: one qualifying receipt before then "
                               "keeps it",
            forfeited_closed="Membership cancelled: points and bonus share {amount} not paid",
            coupons_used="Coupons used", coupon_issued="Coupon for you: {name}",
            coupon_qr_hint="Show this code on your next visit",
            promo_gift="Gift {sku} x{qty}: collect it at the service desk",
            promotions_saved="Promotions saved you {amount}",
            top_up_title="STORED VALUE TOP-UP", top_up_refund_title="STORED VALUE REFUND",
            top_up_paid="Top-up", top_up_bonus="Bonus", top_up_refunded="Refunded",
            top_up_bonus_note="Bonus money is not refundable",
            package="Top-up package", package_points="Points given",
            package_points_back="Points taken back", package_coupons="Coupons given",
            package_coupons_back="Coupons withdrawn", package_pass="Pass given",
            package_pass_back="Pass uses closed", package_tier="Tier raised to",
            package_tier_back="Tier back to", package_kept="Already used (kept)", paid_by="Paid by",
            balance_paid_part="  paid-in", balance_bonus_part="  bonus", member_name="Member",
            reference="Reference",
            card_titles={CardEventKind.ISSUED: "CARD ISSUED", CardEventKind.LOST: "CARD REPORTED LOST",
                         CardEventKind.UNBLOCKED: "CARD UNBLOCKED",
                         CardEventKind.REPLACED: "CARD REPLACED", CardEventKind.RENEWED: "CARD RENEWED",
                         CardEventKind.CANCELLED: "CARD CANCELLED", CardEventKind.PIN_SET: "PIN SET"},
            old_card="Old card", card_fee="Card fee", expires_on="Valid until", refund="Refund",
            signature="Member signature", slip_keep_note="Shop copy",
            pass_sale_title="PASS SOLD", pass_use_title="PASS USED", pass_service="Service",
            pass_uses_total="Uses", pass_uses_left="Uses left", pass_price="Price",
            pay_in_title="PAY-IN", pay_out_title="PAY-OUT", amount="Amount", movement_reason="Reason",
            cashier_signature="Cashier signature",
            z_title="SHIFT REPORT (Z)", shift_id="Shift", opened_at="Opened", closed_at="Closed",
            still_open="open", opening_float="Opening float", sales="Sales ({count})",
            returns="Returns ({count})", discounts="Discounts", tender_totals="Tenders",
            refunds_by_tender="Refunds", tender_line="{tender} ({count})",
            points_issued="Points issued", points_redeemed_total="Points redeemed",
            sv_topped_up="SV top-ups", sv_bonus="SV bonus", sv_spent="SV spent",
            sv_refunded="SV refunded", pay_ins="Pay-ins", pay_outs="Pay-outs",
            member_sales="Member sales", expected_cash="Expected cash", counted_cash="Counted cash",
            not_counted="not counted", cash_difference="Difference",
            held_baskets="Held, not recalled ({count})", held_line="{time} {items} item(s) {member}", printed_at="Printed",
            statement_title="MEMBER STATEMENT", period="Period", points_ledger="Points",
            stored_value_ledger="Stored value", col_date="Date", col_description="Description",
            col_change="Change", col_balance="Balance", no_entries="No entries in this period",
            opening="Opening balance", closing="Closing balance", page="Page {page}",
            thanks="Thank you, please come again", qr_hint="Scan for returns", qr_hint_link="Scan to see your e-receipt", colon=":",
            col_item="Item", col_qty="Qty", col_unit_price="Price", col_amount="Amount",
        )


def _percent_off(rate_bp: int) -> str:
    """8_800 -> '12%', 8_750 -> '12.5%'."""
    off = BP_ONE - rate_bp
    whole, rest = divmod(off, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"
