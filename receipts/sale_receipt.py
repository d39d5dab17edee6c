"""The sale and return receipt: a CompletedSale as ESC/POS bytes (pure: no I/O, no clock)."""
from __future__ import annotations

from pos_app.domain.card import mask_card_no, mask_mobile
from pos_app.domain.coupons import coupon_qr_payload
from pos_app.domain.pricing import ReasonKind
from pos_app.domain.sale import CompletedSale, MemberOnSale, SaleKind, receipt_qr_payload
from pos_app.domain.shop import ShopInfo
from pos_app.domain.tenders import TenderKind
from receipts import layout
from receipts.escpos import PrinterProfile
from receipts.texts import ReceiptTexts
from receipts.writer import ReceiptWriter


def render_sale_receipt(shop: ShopInfo, sale: CompletedSale, profile: PrinterProfile,
                        texts: ReceiptTexts | None = None) -> bytes:
    """The customer's receipt for a sale or a return (a reprint says 重印 and its count)."""
    texts = texts or ReceiptTexts.zh_cn()
    w = ReceiptWriter(profile, texts)
    is_return = sale.kind is SaleKind.RETURN
    write_shop_header(w, shop)
    w.center(texts.return_title if is_return else texts.sale_title, bold=True)
    if sale.reprint_count > 0:
        w.center(f"*** {texts.reprint.format(count=sale.reprint_count)} ***", bold=True)
    w.sep()
    w.field(texts.receipt_no, sale.receipt_no)
    if sale.original_receipt_no:
        w.field(texts.original_receipt_no, sale.original_receipt_no)
    w.field(texts.date, w.when(sale.created_at))
    w.field(texts.till, sale.till_code)
    w.field(texts.cashier, sale.cashier_name)
    w.sep()
    _write_lines(w, sale)
    w.sep()
    _write_totals(w, sale)
    w.sep()
    _write_tenders(w, sale)
    _write_promotions(w, sale)
    if sale.member is not None:
        w.sep()
        write_member(w, sale.member)
    w.sep()
    if sale.receipt_link:
        # A phone opens the e-receipt; the till's returns screen reads the number from it.
        w.qr(sale.receipt_link, texts.qr_hint_link or texts.qr_hint)
    else:
        w.qr(receipt_qr_payload(sale.receipt_no), texts.qr_hint)
    write_footer(w, shop)
    return w.finish()


def _write_promotions(w: ReceiptWriter, sale: CompletedSale) -> None:
    """Coupons taken, what the promotions saved, 满送 gifts and coupons given (as QR codes)."""
    t = w.texts
    if not (sale.coupons or sale.promotions or sale.gifts or sale.coupons_issued):
        return
    w.sep()
    saved = sum(p.saved_fen for p in sale.promotions)
    if saved:
        w.text(t.promotions_saved.format(amount=t.money(saved)))
    if sale.coupons:
        w.text(t.coupons_used)
        for c in sale.coupons:
            w.lr(f"  {c.name or c.code}", t.money(-c.value_fen))
            w.text(c.code, indent=4)
    for sku, qty in sale.gifts:
        w.text(t.promo_gift.format(sku=sku, qty=qty))
    for code in sale.coupons_issued:
        w.center(t.coupon_issued.format(name=code), bold=True)
        w.qr(coupon_qr_payload(code), t.coupon_qr_hint)


def write_shop_header(w: ReceiptWriter, shop: ShopInfo) -> None:
    """Shop name large and centred, then address and phone."""
    w.title(shop.name)
    w.center(shop.address)
    w.center(shop.phone)


def write_footer(w: ReceiptWriter, shop: ShopInfo, *, goods: bool = True) -> None:
    """The shop's footer (its own lines; often a goods return policy), then the thanks line
    unless the footer already says it. goods=False (top-ups, pass visits): thanks only, since
    a goods return policy does not apply to money on a card."""
    w.blank()
    footer = shop.receipt_footer.strip() if goods else ""
    if footer:
        w.center(footer)
    if _words(w.texts.thanks) not in _words(footer):
        w.center(w.texts.thanks)


def _words(text: str) -> str:
    """Text without punctuation and spaces, to compare a footer with the thanks line."""
    return "".join(ch for ch in text if ch.isalnum())


# Line table on wide paper: 品名 | 数量 | 单价 | 金额 (the name column takes what is left).
_QTY_COLUMNS, _PRICE_COLUMNS, _AMOUNT_COLUMNS = 6, 11, 12
WIDE_RECEIPT_COLUMNS = 42


def _write_lines(w: ReceiptWriter, sale: CompletedSale) -> None:
    t = w.texts
    wide = w.width >= WIDE_RECEIPT_COLUMNS
    name_columns = w.width - _QTY_COLUMNS - _PRICE_COLUMNS - _AMOUNT_COLUMNS
    if wide:
        w.out.line(layout.columns(
            [(w.clean(t.col_item), name_columns, "l"), (w.clean(t.col_qty), _QTY_COLUMNS, "r"),
             (w.clean(t.col_unit_price), _PRICE_COLUMNS, "r"),
             (w.clean(t.col_amount), _AMOUNT_COLUMNS, "r")], w.width))
    for line in sale.lines:
        if wide:
            name = w.clean(line.name)
            numbers = [(str(line.qty), _QTY_COLUMNS, "r"),
                       (w.clean(t.money(line.unit_price_fen)), _PRICE_COLUMNS, "r"),
                       (w.clean(t.money(line.gross_fen)), _AMOUNT_COLUMNS, "r")]
            if layout.text_width(name) < name_columns:
                w.out.line(layout.columns([(name, name_columns, "l"), *numbers], w.width))
            else:
                w.text(line.name)
                w.out.line(layout.columns([("", name_columns, "l"), *numbers], w.width))
        else:
            w.text(line.name)
            qty_price = f"  {line.qty} {t.times} {t.money(line.unit_price_fen)}"
            w.lr(qty_price, t.money(line.gross_fen))
        for reason in line.reasons:
            label = t.reason(reason.kind, reason.rate_bp)
            if reason.label and reason.kind is not ReasonKind.TIER:
                label = reason.label  # a promotion's or coupon's name as head office wrote it
            if reason.kind is ReasonKind.GIFT and line.redeemed_points:
                label += t.points_used.format(points=line.redeemed_points)
            off = reason.discount_fen
            if not off and reason.kind in (ReasonKind.GIFT, ReasonKind.PASS):
                off = line.discount_fen  # the whole line is covered by points / the pass
            if off:
                w.lr(f"    {label}", t.money(-off))
            else:
                w.text(label, indent=4)
    count = sum(line.qty for line in sale.lines)
    w.text(t.items_count.format(count=count))


def _write_totals(w: ReceiptWriter, sale: CompletedSale) -> None:
    t = w.texts
    w.money(t.subtotal, sale.subtotal_fen)
    if sale.discount_fen:
        w.money(t.discount, -sale.discount_fen)
    label = t.refund_total if sale.kind is SaleKind.RETURN else t.total
    w.out.size(1, 2)  # double height only: the line keeps its full width
    w.money(label, sale.total_fen, bold=True)
    w.out.size(1, 1)
    if sale.rounding_fen:
        w.money(t.rounding, -sale.rounding_fen)
        w.money(t.due, sale.due_fen)


def _write_tenders(w: ReceiptWriter, sale: CompletedSale) -> None:
    t = w.texts
    is_return = sale.kind is SaleKind.RETURN
    for tender in sale.tenders:
        name = t.tender(tender.kind)
        if is_return:
            name = t.refunded_to.format(tender=name)
        if tender.kind is TenderKind.POINTS and tender.points_used:
            name += t.points_used.format(points=tender.points_used)
        if tender.kind is TenderKind.CASH and tender.received_fen and not is_return:
            w.money(t.cash_received, tender.received_fen)
        else:
            w.money(name, tender.amount_fen)
        if tender.reference:
            w.text(f"{t.reference}: {tender.reference}", indent=2)
    if is_return and sale.forfeited_fen:
        w.text(t.forfeited_closed.format(amount=t.money(sale.forfeited_fen)))
    if not is_return and (sale.change_fen or any(x.kind is TenderKind.CASH
                                                 for x in sale.tenders)):
        w.money(t.change, sale.change_fen)


def write_member(w: ReceiptWriter, member: MemberOnSale) -> None:
    """Masked card and mobile, tier, points and balance after the sale, passes, offers."""
    t = w.texts
    w.field(t.member_card, mask_card_no(member.card_no))
    if member.mobile:
        w.field(t.member_mobile, mask_mobile(member.mobile))
    w.field(t.member_tier, t.tier_name(member.tier_name_zh, member.tier_name_en))
    if member.upgraded_to:
        # upgraded_to is the new tier's code; the tier names on the snapshot are the new tier's.
        w.center(t.upgraded.format(tier=t.tier_name(member.tier_name_zh, member.tier_name_en)),
                 bold=True)
    sign = "+" if member.points_earned > 0 else ""
    if member.bonus_points:
        w.text(t.points_earned_bonus.format(points=f"{sign}{member.points_earned}",
                                            bonus=member.bonus_points))
    else:
        w.text(t.points_earned.format(points=f"{sign}{member.points_earned}"))
    if member.promo_points:
        w.text(t.points_promo.format(points=member.promo_points))
    if member.points_redeemed:
        w.lr(t.points_redeemed, str(-member.points_redeemed))
    w.lr(t.points_spendable, str(member.spendable_after))
    w.money(t.balance_after, member.balance_after_fen)
    for p in member.passes:
        w.text(t.pass_left.format(name=p.name, uses=p.uses_left))
        if p.expires_on:
            w.text(t.pass_expires.format(date=p.expires_on))
    if member.points_expiring and member.points_expiring_on:
        w.text(t.points_expiring.format(points=member.points_expiring,
                                        date=member.points_expiring_on))
    if member.tier_lapse_on:
        tier = t.tier_name(member.tier_name_zh, member.tier_name_en)
        if member.tier_keep_points is not None:
            w.text(t.tier_lapse.format(tier=tier, date=member.tier_lapse_on,
                                       points=member.tier_keep_points))
        else:
            w.text(t.tier_lapse_receipt.format(tier=tier, date=member.tier_lapse_on))
    if member.lottery:
        w.center(t.lottery, bold=True)
    if member.birthday:
        w.center(t.birthday, bold=True)
    if member.next_step_points > 0 and member.next_step_cap_fen > 0:
        w.text(t.next_step.format(points=member.next_step_points,
                                  amount=t.money(member.next_step_cap_fen)))
