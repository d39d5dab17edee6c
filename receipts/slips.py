"""Slips for non-sale events: top-ups, card events, passes, pay-in/out, the Z report (pure)."""
from __future__ import annotations

from datetime import datetime

from pos_app.domain.card import CardEventKind, mask_card_no, mask_mobile, mask_name
from pos_app.domain.documents import CardSlip, CashMovementSlip, PassSlip, StoredValueSlip, ZReport
from pos_app.domain.shop import ShopInfo
from receipts.escpos import PrinterProfile
from receipts.sale_receipt import write_footer, write_shop_header
from receipts.texts import ReceiptTexts
from receipts.writer import ReceiptWriter


def _start(shop: ShopInfo, profile: PrinterProfile, texts: ReceiptTexts | None,
           title: str) -> ReceiptWriter:
    w = ReceiptWriter(profile, texts or ReceiptTexts.zh_cn())
    write_shop_header(w, shop)
    w.center(title, bold=True)
    w.sep()
    return w


def _where(w: ReceiptWriter, receipt_no: str, at: datetime, till: str,
           person_label: str, person: str) -> None:
    t = w.texts
    if receipt_no:
        w.field(t.receipt_no, receipt_no)
    w.field(t.date, w.when(at))
    w.field(t.till, till)
    w.field(person_label, person)
    w.sep()


def render_stored_value_slip(shop: ShopInfo, doc: StoredValueSlip, profile: PrinterProfile,
                             texts: ReceiptTexts | None = None) -> bytes:
    """A top-up (bonus shown apart from the money paid) or a refund of the paid-in balance."""
    texts = texts or ReceiptTexts.zh_cn()
    w = _start(shop, profile, texts, texts.top_up_refund_title if doc.is_refund
               else texts.top_up_title)
    _where(w, doc.receipt_no, doc.created_at, doc.till_code, texts.cashier, doc.cashier_name)
    w.field(texts.member_name, mask_name(doc.member_name))
    w.field(texts.member_card, mask_card_no(doc.card_no))
    if doc.mobile:
        w.field(texts.member_mobile, mask_mobile(doc.mobile))
    w.sep()
    if doc.is_refund:
        w.money(texts.top_up_refunded, abs(doc.paid_fen), bold=True)
        w.field(texts.paid_by, texts.tender(doc.tender))
        w.text(texts.top_up_bonus_note)
    else:
        w.money(texts.top_up_paid, doc.paid_fen, bold=True)
        if doc.bonus_fen:
            w.money(texts.top_up_bonus, doc.bonus_fen)
        w.field(texts.paid_by, texts.tender(doc.tender))
    if doc.reference:
        w.field(texts.reference, doc.reference)
    if doc.package_name:
        _package_parts(w, texts, doc)
    w.sep()
    w.money(texts.balance_after, doc.balance_after_fen, bold=True)
    w.money(texts.balance_paid_part, doc.balance_paid_after_fen)
    w.money(texts.balance_bonus_part, doc.balance_bonus_after_fen)
    if doc.is_refund:
        w.signature(texts.signature)
    write_footer(w, shop, goods=False)
    return w.finish()


def _package_parts(w: ReceiptWriter, texts: ReceiptTexts, doc: StoredValueSlip) -> None:
    """A top-up package (储值套餐): what it gave, or what its refund took back."""
    w.sep()
    w.field(texts.package, doc.package_name)
    if doc.package_points:
        w.field(texts.package_points_back if doc.is_refund else texts.package_points,
                str(doc.package_points))
    for name, n in doc.package_coupons:
        w.field(texts.package_coupons_back if doc.is_refund else texts.package_coupons,
                f"{name} {texts.times}{n}")
    if doc.package_pass is not None:
        name, uses = doc.package_pass
        w.field(texts.package_pass_back if doc.is_refund else texts.package_pass,
                f"{name} {texts.times}{uses}".strip())
    if doc.package_tier:
        w.field(texts.package_tier_back if doc.is_refund else texts.package_tier,
                doc.package_tier)
    if doc.package_kept_fen:
        w.money(texts.package_kept, doc.package_kept_fen)


def render_card_slip(shop: ShopInfo, slip: CardSlip, profile: PrinterProfile,
                     texts: ReceiptTexts | None = None) -> bytes:
    """Issue / replacement (old card shown) / loss / unblock / renewal / cancellation; signed."""
    texts = texts or ReceiptTexts.zh_cn()
    w = _start(shop, profile, texts, texts.card_title(slip.kind))
    _where(w, slip.receipt_no, slip.created_at, slip.till_code, texts.operator,
           slip.operator_name)
    w.field(texts.member_name, mask_name(slip.member_name))
    if slip.mobile:
        w.field(texts.member_mobile, mask_mobile(slip.mobile))
    if slip.old_card_no:
        w.field(texts.old_card, mask_card_no(slip.old_card_no))
    w.field(texts.member_card, mask_card_no(slip.card_no))
    w.field(texts.member_tier, texts.tier_name(slip.tier_name_zh, slip.tier_name_en))
    if slip.expires_on:
        w.field(texts.expires_on, slip.expires_on)
    if slip.fee_fen:
        w.money(texts.card_fee, slip.fee_fen)
    if slip.kind is not CardEventKind.LOST:
        w.money(texts.balance_after, slip.balance_fen)
        w.lr(texts.points_spendable, str(slip.spendable_points))
    if slip.refund_fen:
        w.money(texts.refund, slip.refund_fen, bold=True)
    w.signature(texts.signature)
    w.center(texts.slip_keep_note)
    return w.finish()


def render_pass_slip(shop: ShopInfo, slip: PassSlip, profile: PrinterProfile,
                     texts: ReceiptTexts | None = None) -> bytes:
    """A count pass sold, or one use of it, with the uses left."""
    texts = texts or ReceiptTexts.zh_cn()
    w = _start(shop, profile, texts, texts.pass_use_title if slip.is_use
               else texts.pass_sale_title)
    _where(w, slip.receipt_no, slip.created_at, slip.till_code, texts.cashier, slip.cashier_name)
    w.field(texts.member_name, mask_name(slip.member_name))
    w.field(texts.member_card, mask_card_no(slip.card_no))
    w.sep()
    w.field(texts.pass_service, slip.service_name)
    w.lr(texts.pass_uses_total, str(slip.uses_total))
    w.lr(texts.pass_uses_left, str(slip.uses_left), bold=True)
    if slip.expires_on:
        w.field(texts.expires_on, slip.expires_on)
    if not slip.is_use and slip.price_fen:
        w.money(texts.pass_price, slip.price_fen, bold=True)
    if slip.is_use:
        w.signature(texts.signature)
    write_footer(w, shop, goods=not slip.is_use)
    return w.finish()


def render_cash_movement(shop: ShopInfo, slip: CashMovementSlip, profile: PrinterProfile,
                         texts: ReceiptTexts | None = None) -> bytes:
    """A pay-in (positive amount) or pay-out (negative) slip for the drawer, signed."""
    texts = texts or ReceiptTexts.zh_cn()
    w = _start(shop, profile, texts, texts.pay_in_title if slip.amount_fen >= 0
               else texts.pay_out_title)
    _where(w, "", slip.created_at, slip.till_code, texts.cashier, slip.cashier_name)
    w.money(texts.amount, abs(slip.amount_fen), bold=True)
    w.field(texts.movement_reason, slip.reason)
    w.signature(texts.cashier_signature)
    return w.finish()


def render_z_report(shop: ShopInfo, report: ZReport, profile: PrinterProfile,
                    texts: ReceiptTexts | None = None,
                    printed_at: datetime | None = None) -> bytes:
    """The shift (Z) report: sales, returns, tenders, members, stored value, cash count."""
    texts = texts or ReceiptTexts.zh_cn()
    t = texts
    w = _start(shop, profile, texts, t.z_title)
    w.field(t.shift_id, report.shift_id)
    w.field(t.till, report.till_code)
    w.field(t.cashier, report.cashier_name)
    w.field(t.opened_at, w.when(report.opened_at))
    w.field(t.closed_at, w.when(report.closed_at) if report.closed_at else t.still_open)
    w.sep()
    w.money(t.opening_float, report.opening_float_fen)
    w.money(t.sales.format(count=report.sales_count), report.sales_total_fen, bold=True)
    # One sign rule for the whole report: money that came in is positive, money that went
    # out or was given away (returns, refunds, discounts, rounding, pay-outs) negative.
    w.money(t.returns.format(count=report.returns_count), -abs(report.returns_total_fen))
    w.money(t.discounts, -abs(report.discounts_fen))
    w.money(t.rounding, -abs(report.rounding_fen))
    w.lr(t.member_sales, str(report.member_sales_count))
    w.sep()
    w.text(t.tender_totals)
    for tt in report.tenders:
        w.money("  " + t.tender_line.format(tender=t.tender(tt.kind), count=tt.count),
                tt.amount_fen)
    if report.refunds_by_tender:
        w.text(t.refunds_by_tender)
        for tt in report.refunds_by_tender:
            w.money("  " + t.tender_line.format(tender=t.tender(tt.kind), count=tt.count),
                    -abs(tt.amount_fen))
    w.sep()
    w.lr(t.points_issued, str(report.points_issued))
    w.lr(t.points_redeemed_total, str(report.points_redeemed))
    w.money(t.sv_topped_up, report.stored_value_topped_up_fen)
    w.money(t.sv_bonus, report.stored_value_bonus_fen)
    w.money(t.sv_spent, report.stored_value_spent_fen)
    w.money(t.sv_refunded, -abs(report.stored_value_refunded_fen))
    w.money(t.pay_ins, report.pay_ins_fen)
    w.money(t.pay_outs, -abs(report.pay_outs_fen))
    w.sep()
    w.money(t.expected_cash, report.expected_cash_fen, bold=True)
    if report.counted_cash_fen is None:
        w.lr(t.counted_cash, t.not_counted)
    else:
        w.money(t.counted_cash, report.counted_cash_fen)
        diff = report.cash_difference_fen or 0
        w.lr(t.cash_difference, ("+" if diff > 0 else "") + t.money(diff), bold=True)
    if report.held_baskets:
        # A basket left on hold at shift close is listed so it is recalled or voided, not lost.
        w.sep()
        w.text(t.held_baskets.format(count=len(report.held_baskets)))
        for h in report.held_baskets:
            label = t.held_line.format(time=h.held_at.strftime("%H:%M"), items=h.item_count,
                                       member=h.member_name).strip()
            if h.total_fen is None:
                w.text("  " + label)
            else:
                w.money("  " + label, h.total_fen)
    if printed_at is not None:
        w.sep()
        w.field(t.printed_at, w.when(printed_at))
    w.signature(t.cashier_signature)
    return w.finish()
