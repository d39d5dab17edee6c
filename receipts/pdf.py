"""PDF versions of receipts and reports (reportlab), with an embedded CJK TrueType font.

reportlab embeds only TrueType outlines: CFF-flavoured OpenType such as Noto CJK
(.otf/.ttc) fails with "postscript outlines are not supported". So the font search list
holds TrueType fonts only (WenQuanYi Zen Hei's TTC, SimHei, Microsoft YaHei's TTC...),
and a caller can pass its own path (the packaged app ships one; see README notes).
PDFs are built with invariant=1: no creation time or random id, the same input gives
the same bytes.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import qrcode
import qrcode.constants
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pos_app.domain.card import mask_card_no, mask_mobile
from pos_app.domain.documents import ZReport
from pos_app.domain.sale import CompletedSale
from pos_app.domain.shop import ShopInfo
from pos_app.domain.statement import MemberStatement, StatementLine
from receipts.escpos import PROFILE_80MM_48, PrinterProfile
from receipts.layout import char_width, text_width
from receipts.preview import PreviewLine, preview_lines
from receipts.sale_receipt import render_sale_receipt
from receipts.texts import ReceiptTexts

__all__ = ["CjkFont", "FontNotFound", "MemberStatement", "StatementLine", "cjk_font_candidates",
           "escpos_pdf", "find_cjk_font", "member_statement_pdf", "sale_receipt_pdf",
           "z_report_pdf"]


class FontNotFound(LookupError):
    """No usable TrueType CJK font at any of `tried` (path, reason)."""

    def __init__(self, tried: Sequence[tuple[str, str]]) -> None:
        super().__init__("no TrueType CJK font found; tried: "
                         + "; ".join(f"{p} ({why})" for p, why in tried))
        self.tried = list(tried)


@dataclass(frozen=True)
class CjkFont:
    """A registered reportlab font name and where it came from."""

    name: str
    path: str
    subfont_index: int = 0


def cjk_font_candidates() -> list[tuple[str, int]]:
    """Where a TrueType CJK font usually is: bundled, Windows, Debian/Ubuntu, macOS."""
    windir = os.environ.get("WINDIR", r"C:\Windows")
    bundled = Path(__file__).with_name("fonts")
    return [
        (str(bundled / "cjk.ttf"), 0),
        (str(bundled / "cjk.ttc"), 0),
        (os.path.join(windir, "Fonts", "simhei.ttf"), 0),   # SimHei 黑体, TrueType
        (os.path.join(windir, "Fonts", "msyh.ttc"), 0),     # Microsoft YaHei, TrueType TTC
        (os.path.join(windir, "Fonts", "simsun.ttc"), 0),   # SimSun 宋体
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian fonts-wqy-zenhei
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
        ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
        ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
        ("/Library/Fonts/Arial Unicode.ttf", 0),
    ]


def find_cjk_font(path: str | os.PathLike[str] | None = None, subfont_index: int = 0,
                  candidates: Iterable[tuple[str, int]] | None = None) -> CjkFont:
    """Register and return the first loadable TrueType CJK font: `path` if given, else
    the search list. Raises FontNotFound naming every place tried and why."""
    tried: list[tuple[str, str]] = []
    todo = [(os.fspath(path), subfont_index)] if path is not None else list(
        candidates if candidates is not None else cjk_font_candidates())
    for file, index in todo:
        if not os.path.isfile(file):
            tried.append((file, "missing"))
            continue
        name = f"CJK-{Path(file).stem}-{index}"
        if name in pdfmetrics.getRegisteredFontNames():
            return CjkFont(name, file, index)
        try:
            pdfmetrics.registerFont(TTFont(name, file, subfontIndex=index))
        except (TTFError, OSError, ValueError) as exc:
            tried.append((file, str(exc)))
            continue
        return CjkFont(name, file, index)
    raise FontNotFound(tried)


# -- ESC/POS job -> narrow PDF page ---------------------------------------------------

def escpos_pdf(data: bytes, columns: int, font: CjkFont | None = None,
               paper_mm: float = 80.0, margin_mm: float = 4.0) -> bytes:
    """Any rendered ESC/POS job drawn on a receipt-wide page as the printer would print
    it: fixed columns (a hanzi takes two), sizes, alignment, bold, QR codes."""
    font = font or find_cjk_font()
    lines = preview_lines(data)
    cell = (paper_mm - 2 * margin_mm) * mm / columns
    size = 2 * cell  # a hanzi is one em wide and two columns
    lead = size * 1.3
    qr_side = 32 * mm

    def line_height(line: PreviewLine) -> float:
        if line.kind == "qr":
            return qr_side + 2 * mm
        if line.kind == "cut":
            return 0
        return lead * line.height

    height = sum(line_height(x) for x in lines) + 2 * margin_mm * mm
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(paper_mm * mm, height), invariant=1,
                      initialFontName=font.name)
    c.setTitle("Receipt")
    y = height - margin_mm * mm
    left = margin_mm * mm
    for line in lines:
        y -= line_height(line)
        if line.kind == "qr":
            _draw_qr(c, line.text, left + (columns * cell - qr_side) / 2, y + mm, qr_side)
            continue
        if line.kind != "text":
            continue
        printed = text_width(line.text) * line.width
        gap = max(columns - printed, 0)
        start = gap // 2 if line.align == "center" else gap if line.align == "right" else 0
        col = start
        baseline = y + lead * 0.3
        for ch in line.text:
            if ch != " ":
                t = c.beginText()
                t.setFont(font.name, size * line.height)
                t.setHorizScale(100 * line.width / line.height)
                t.setTextRenderMode(2 if line.bold else 0)  # fill+stroke = bold
                c.setLineWidth(0.25)
                # An ASCII glyph is half an em: centre it in its single cell.
                w = pdfmetrics.stringWidth(ch, font.name, size) * line.width
                x = left + col * cell + (char_width(ch) * cell * line.width - w) / 2
                t.setTextOrigin(x, baseline)
                t.textOut(ch)
                c.drawText(t)
            col += char_width(ch) * line.width
    c.showPage()
    c.save()
    return buf.getvalue()


def _draw_qr(c: canvas.Canvas, payload: str, x: float, y: float, side: float) -> None:
    # Modules as filled squares: reportlab's QR widget goes through renderPDF, which
    # selects Helvetica (a font we'd then reference without embedding it).
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    module = side / len(matrix)
    c.setFillColor(colors.black)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                c.rect(x + col * module, y + side - (row + 1) * module, module, module,
                       stroke=0, fill=1)


def sale_receipt_pdf(shop: ShopInfo, sale: CompletedSale, texts: ReceiptTexts | None = None,
                     *, profile: PrinterProfile = PROFILE_80MM_48,
                     font: CjkFont | None = None) -> bytes:
    """The sale (or return) receipt as an 80 mm PDF, identical in content to the paper one."""
    data = render_sale_receipt(shop, sale, profile, texts or ReceiptTexts.zh_cn())
    return escpos_pdf(data, profile.columns, font)


# -- A4 documents ---------------------------------------------------------------------

def _styles(font: CjkFont) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font.name, fontSize=10, leading=14,
                          wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=1),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9, leading=12, alignment=1,
                              textColor=colors.grey),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=8),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "num": ParagraphStyle("num", parent=base, fontSize=9, leading=12, alignment=2),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: list[list[object]], widths: list[float], font: CjkFont,
           header: bool = False, right_cols: Sequence[int] = ()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [("FONTNAME", (0, 0), (-1, -1), font.name), ("FONTSIZE", (0, 0), (-1, -1), 9),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]
    for col in right_cols:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                  ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black)]
    table.setStyle(TableStyle(style))
    return table


def _build(story: list[object], title: str, font: CjkFont, texts: ReceiptTexts) -> bytes:
    buf = io.BytesIO()

    def footer(c: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        c.saveState()
        c.setFont(font.name, 8)
        c.drawCentredString(A4[0] / 2, 10 * mm, texts.page.format(page=doc.page))
        c.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=title,
                            invariant=1, initialFontName=font.name)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def z_report_pdf(shop: ShopInfo, report: ZReport, texts: ReceiptTexts | None = None, *,
                 printed_at: datetime | None = None, font: CjkFont | None = None) -> bytes:
    """The shift (Z) report on A4: the same figures as the printed one, as tables."""
    t = texts or ReceiptTexts.zh_cn()
    font = font or find_cjk_font()
    st = _styles(font)
    when = "%Y-%m-%d %H:%M:%S"
    head = [[t.shift_id, report.shift_id], [t.till, report.till_code],
            [t.cashier, report.cashier_name], [t.opened_at, report.opened_at.strftime(when)],
            [t.closed_at, report.closed_at.strftime(when) if report.closed_at else t.still_open]]
    money = [
        [t.opening_float, t.money(report.opening_float_fen)],
        [t.sales.format(count=report.sales_count), t.money(report.sales_total_fen)],
        [t.returns.format(count=report.returns_count), t.money(-abs(report.returns_total_fen))],
        [t.discounts, t.money(report.discounts_fen)],
        [t.rounding, t.money(report.rounding_fen)],
        [t.member_sales, str(report.member_sales_count)],
    ]
    tenders = [[t.tender_line.format(tender=t.tender(x.kind), count=x.count),
                t.money(x.amount_fen)] for x in report.tenders]
    refunds = [[t.tender_line.format(tender=t.tender(x.kind), count=x.count),
                t.money(-abs(x.amount_fen))] for x in report.refunds_by_tender]
    members = [
        [t.points_issued, str(report.points_issued)],
        [t.points_redeemed_total, str(report.points_redeemed)],
        [t.sv_topped_up, t.money(report.stored_value_topped_up_fen)],
        [t.sv_bonus, t.money(report.stored_value_bonus_fen)],
        [t.sv_spent, t.money(report.stored_value_spent_fen)],
        [t.sv_refunded, t.money(report.stored_value_refunded_fen)],
        [t.pay_ins, t.money(report.pay_ins_fen)],
        [t.pay_outs, t.money(-abs(report.pay_outs_fen))],
    ]
    diff = report.cash_difference_fen
    cash = [[t.expected_cash, t.money(report.expected_cash_fen)],
            [t.counted_cash, t.not_counted if report.counted_cash_fen is None
             else t.money(report.counted_cash_fen)]]
    if diff is not None:
        cash.append([t.cash_difference, ("+" if diff > 0 else "") + t.money(diff)])
    held = [[t.held_line.format(time=h.held_at.strftime("%H:%M"), items=h.item_count,
                                member=h.member_name).strip(),
             "" if h.total_fen is None else t.money(h.total_fen)]
            for h in report.held_baskets]
    widths = [90 * mm, 50 * mm]
    story: list[object] = [Paragraph(_esc(shop.name), st["title"]),
                           Paragraph(_esc(t.z_title), st["title"]),
                           Paragraph(_esc(" ".join(x for x in (shop.address, shop.phone) if x)),
                                     st["sub"]), Spacer(1, 6 * mm),
                           _table(head, widths, font)]
    for title, rows in [("", money), (t.tender_totals, tenders),
                        (t.refunds_by_tender, refunds), ("", members), ("", cash),
                        (t.held_baskets.format(count=len(held)), held)]:
        if not rows:
            continue
        story.append(Paragraph(_esc(title), st["h2"]) if title else Spacer(1, 4 * mm))
        story.append(_table(rows, widths, font, right_cols=[1]))
    if printed_at is not None:
        story += [Spacer(1, 6 * mm),
                  Paragraph(_esc(f"{t.printed_at}{t.colon}{printed_at.strftime(when)}"), st["base"])]
    return _build(story, t.z_title, font, t)


def member_statement_pdf(shop: ShopInfo, statement: MemberStatement,
                         texts: ReceiptTexts | None = None, *,
                         font: CjkFont | None = None) -> bytes:
    """The member's statement on A4: points and stored value, each line with its balance."""
    t = texts or ReceiptTexts.zh_cn()
    font = font or find_cjk_font()
    st = _styles(font)
    s = statement
    period = f"{s.period_start.isoformat()} ~ {s.period_end.isoformat()}"
    info = [[t.member_name, s.member_name], [t.member_card, mask_card_no(s.card_no)],
            [t.member_mobile, mask_mobile(s.mobile)],
            [t.member_tier, t.tier_name(s.tier_name_zh, s.tier_name_en)], [t.period, period]]
    story: list[object] = [Paragraph(_esc(shop.name), st["title"]),
                           Paragraph(_esc(t.statement_title), st["title"]),
                           Paragraph(_esc(" ".join(x for x in (shop.address, shop.phone) if x)),
                                     st["sub"]), Spacer(1, 6 * mm),
                           _table(info, [40 * mm, 100 * mm], font)]

    def ledger(title: str, opening: int, lines: tuple[StatementLine, ...], closing: int,
               is_money: bool) -> None:
        def show(v: int, signed: bool = False) -> str:
            text = t.money(v) if is_money else str(v)
            return ("+" + text) if signed and v > 0 else text

        rows: list[list[object]] = [[t.col_date, t.col_description, t.col_change,
                                     t.col_balance]]
        rows.append(["", Paragraph(_esc(t.opening), st["cell"]), "", show(opening)])
        for line in lines:
            desc = line.description + (f" ({line.shop_name})" if line.shop_name else "")
            rows.append([line.at.strftime("%Y-%m-%d %H:%M"), Paragraph(_esc(desc), st["cell"]),
                         show(line.change, signed=True), show(line.balance)])
        if not lines:
            rows.append(["", Paragraph(_esc(t.no_entries), st["cell"]), "", ""])
        rows.append(["", Paragraph(_esc(t.closing), st["cell"]), "", show(closing)])
        story.append(Paragraph(_esc(title), st["h2"]))
        story.append(_table(rows, [32 * mm, 74 * mm, 24 * mm, 26 * mm], font, header=True,
                            right_cols=[2, 3]))

    ledger(t.points_ledger, s.points_opening, s.points_lines, s.points_closing, False)
    ledger(t.stored_value_ledger, s.balance_opening_fen, s.stored_value_lines,
           s.balance_closing_fen, True)
    return _build(story, t.statement_title, font, t)
