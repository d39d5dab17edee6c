"""Money, discount reasons, tiers and tenders as the cashier reads them (translated)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from pos_app.domain.money import format_yuan, format_zhe
from pos_app.domain.pricing import PricedLine, PriceReason, ReasonKind
from pos_app.domain.rules import Tier
from pos_app.domain.tenders import TenderKind

if TYPE_CHECKING:
    from pos_app.domain.ledger import LedgerLine

_CTX = "Formatting"


class Text(str):
    """A translated string whose %1, %2... are filled in by args() (Qt's QString::arg)."""

    def args(self, *values: object) -> str:
        out = str(self)
        # Highest first, so %1 never eats the start of %10.
        for i in range(len(values), 0, -1):
            out = out.replace(f"%{i}", str(values[i - 1]))
        return out


def tr_fill(context: str, text: str) -> Text:
    """QCoreApplication.translate for module-level code (lupdate knows it by an alias)."""
    return Text(QCoreApplication.translate(context, text))


def yuan(fen: int) -> str:
    """'¥70.40' (money is formatted only in ui/ and receipts/)."""
    return ("-¥" if fen < 0 else "¥") + format_yuan(abs(fen))


def reason_text(line: PricedLine) -> str:
    """会员8.8折 / 促销8折 / 特价 / 手工9折 / 积分兑换 / 计次, joined when stacked (折上折)."""
    parts = []
    for r in line.reasons:
        if r.kind is ReasonKind.TIER:
            parts.append(tr_fill("Formatting", "Member %1折").args(format_zhe(r.rate_bp)))
        elif r.kind is ReasonKind.PROMOTION:
            parts.append(tr_fill("Formatting", "Promotion %1折").args(format_zhe(r.rate_bp)))
        elif r.kind is ReasonKind.SPECIAL:
            parts.append(tr_fill("Formatting", "Special price"))
        elif r.kind is ReasonKind.MANUAL:
            parts.append(tr_fill("Formatting", "Manual %1折").args(format_zhe(r.rate_bp)))
        elif r.kind is ReasonKind.GIFT:
            parts.append(tr_fill("Formatting", "Points gift (%1 pts)").args(line.redeemed_points))
        elif r.kind is ReasonKind.PASS:
            parts.append(tr_fill("Formatting", "Count pass"))
        else:
            parts.append(promotion_reason(r))
    return "+".join(parts)


def promotion_reason(r: PriceReason) -> str:
    """A promotion's or coupon's reason: its own name when head office gave one."""
    if r.label:
        return r.label
    if r.kind is ReasonKind.MEMBER_PRICE:
        return tr_fill("Formatting", "Member price")
    if r.kind is ReasonKind.MEMBER_DAY:
        return tr_fill("Formatting", "Member day %1折").args(format_zhe(r.rate_bp))
    if r.kind is ReasonKind.MULTI_BUY:
        return tr_fill("Formatting", "Multi-buy")
    if r.kind is ReasonKind.BASKET:
        return tr_fill("Formatting", "Spend and save")
    if r.kind is ReasonKind.COUPON:
        return tr_fill("Formatting", "Coupon")
    return str(r.kind)


def savings_text(line: PricedLine) -> str:
    """Each promotion on a line and what it saved, one per row (the line's tooltip)."""
    rows = []
    for r in line.reasons:
        if not r.discount_fen:
            continue
        one = PricedLine(line.line_no, line.product_id, line.sku, line.barcode, line.name,
                         line.kind, line.qty, line.unit_price_fen, line.gross_fen,
                         line.amount_fen, (r,), line.earns_points, line.redeemed_points)
        rows.append(f"{reason_text(one)}  {yuan(-r.discount_fen)}")
    return "\n".join(rows)


def tier_name(tier: Tier | None, language: str) -> str:
    if tier is None:
        return ""
    return tier.name_zh if language.startswith("zh") else tier.name_en


def tender_name(kind: TenderKind) -> str:
    names = {
        TenderKind.CASH: tr_fill("Formatting", "Cash"),
        TenderKind.STORED_VALUE: tr_fill("Formatting", "Stored value"),
        TenderKind.BANK_CARD: tr_fill("Formatting", "Bank card"),
        TenderKind.WECHAT: tr_fill("Formatting", "WeChat Pay"),
        TenderKind.ALIPAY: tr_fill("Formatting", "Alipay"),
        TenderKind.POINTS: tr_fill("Formatting", "Points"),
    }
    return names[kind]


def card_status_name(status: str) -> str:
    names = {"active": tr_fill("Formatting", "active"), "lost": tr_fill("Formatting", "reported lost"),
             "replaced": tr_fill("Formatting", "replaced"), "cancelled": tr_fill("Formatting", "cancelled"),
             "expired": tr_fill("Formatting", "expired")}
    return names.get(status, status)


def ledger_kind_name(kind: str) -> str:
    names = {"earn": tr_fill("Formatting", "earned"), "bonus": tr_fill("Formatting", "bonus"),
             "gift": tr_fill("Formatting", "gift redeemed"),
             "points_cash": tr_fill("Formatting", "points as cash"),
             "return": tr_fill("Formatting", "return"), "bonus_reversal": tr_fill("Formatting", "bonus reversed"),
             "points_cash_back": tr_fill("Formatting", "points refunded"),
             "topup": tr_fill("Formatting", "top-up"), "spend": tr_fill("Formatting", "spent"),
             "refund": tr_fill("Formatting", "refund to card"),
             "refund_balance": tr_fill("Formatting", "balance paid out"),
             "opening": tr_fill("Formatting", "opening balance"),
             "adjustment": tr_fill("Formatting", "adjustment")}
    return names.get(kind, kind)


def ledger_note_text(note: str) -> str:
    """A ledger entry's note as the screen shows it: the words the system writes itself
    (an opening balance from a CSV import is noted "import") in the till's language; a
    person's own note as it was typed."""
    names = {"import": tr_fill("Formatting", "imported from a CSV file")}
    return names.get(note, note)


def ledger_line_row(h: LedgerLine) -> list[str]:
    """A points or stored-value entry as a row of a member's ledger table: when, which ledger,
    kind, change, receipt, note."""
    if h.ledger == "points":
        ledger, change = tr_fill("Formatting", "Points"), f"{h.spendable:+d}"
    else:
        ledger, change = tr_fill("Formatting", "Balance"), yuan(h.paid_fen + h.bonus_fen)
    return [h.at.strftime("%Y-%m-%d %H:%M"), ledger, ledger_kind_name(h.kind), change,
            h.receipt_no or "", ledger_note_text(h.note)]
