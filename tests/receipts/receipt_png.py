"""Render decoded ESC/POS receipts to PNG for a human look: `python tests/receipts/receipt_png.py OUT_DIR`.

Draws what the independent decoder (tests/simulators/escpos_decoder.py) read, on a paper as
wide as the profile (12 dots per column, hanzi 24 dots), with WenQuanYi Zen Hei; QR codes
are drawn as a box with their payload. Used for the screenshots of issue 13's receipts.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.simulators.escpos_decoder import QrCode, TextLine, decode  # noqa: E402

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
CELL_W, CELL_H = 12, 26


def render(data: bytes, columns: int, gb18030: bool = False) -> Image.Image:
    doc = decode(data, gb18030=gb18030)
    rows: list[tuple[str, object]] = []
    for item in doc.items:
        if isinstance(item, TextLine | QrCode):
            rows.append(("x", item))
    height = 20 + sum((CELL_H * it.height if isinstance(it, TextLine) else 140) for _, it in rows)
    img = Image.new("L", (columns * CELL_W + 24, height), 255)
    draw = ImageDraw.Draw(img)
    y = 10
    for _, item in rows:
        if isinstance(item, QrCode):
            draw.rectangle([columns * CELL_W // 2 - 50, y + 10, columns * CELL_W // 2 + 50, y + 110],
                           outline=0, width=3)
            draw.text((columns * CELL_W // 2 - 45, y + 115), "QR", fill=0,
                      font=ImageFont.truetype(FONT, 14))
            y += 140
            continue
        assert isinstance(item, TextLine)
        font = ImageFont.truetype(FONT, 22 * item.height)
        width = sum((1 if ord(c) < 0x80 else 2) for c in item.text) * CELL_W * item.width
        x = 12
        if item.align == "center":
            x = 12 + (columns * CELL_W - width) // 2
        elif item.align == "right":
            x = 12 + columns * CELL_W - width
        for ch in item.text:
            w = (1 if ord(ch) < 0x80 else 2) * CELL_W * item.width
            if item.width == 1 and item.height == 1:
                draw.text((x, y), ch, fill=0, font=font)
            else:
                glyph = Image.new("L", (w // item.width, CELL_H), 255)
                ImageDraw.Draw(glyph).text((0, 0), ch, fill=0, font=ImageFont.truetype(FONT, 22))
                glyph = glyph.resize((w, CELL_H * item.height))
                img.paste(glyph, (x, y))
            if item.bold and item.width == 1 and item.height == 1:
                draw.text((x + 1, y), ch, fill=0, font=font)
            x += w
        y += CELL_H * item.height
    return img


def main(out: Path) -> None:
    from receipt_samples import SHOP, sample_sale, sample_top_up, sample_z_report

    from pos_app.domain.catalog import Product
    from pos_app.domain.pricing import BasketItem, price_basket
    from pos_app.domain.rules import default_rule_set
    from receipts.escpos import PROFILE_58MM, PROFILE_80MM_48
    from receipts.sale_receipt import render_sale_receipt
    from receipts.slips import render_stored_value_slip, render_z_report
    from receipts.texts import ReceiptTexts
    out.mkdir(parents=True, exist_ok=True)
    rules = default_rule_set()
    names = ["可口可乐零度无糖汽水饮料330ml×24罐（整箱）", "康师傅红烧牛肉面五连包经典(大果)",
             "㐀𠮷特产礼盒", "农夫山泉"]
    basket = price_basket([BasketItem(Product(f"p{i}", f"9{i}", n, 350 + i), 1 + i)
                           for i, n in enumerate(names)], rules, None, sample_sale().created_at.date())
    sale = replace(sample_sale(), lines=basket.lines + sample_sale().lines)
    shop = replace(SHOP, receipt_footer="7天内凭小票退换\n会员日：每月8日")
    gb = replace(PROFILE_80MM_48, gb18030=True)
    jobs = {
        "receipt_sale_58mm_zh": (render_sale_receipt(shop, sale, PROFILE_58MM), 32, False),
        "receipt_sale_80mm_zh": (render_sale_receipt(shop, sale, PROFILE_80MM_48), 48, False),
        "receipt_sale_80mm_gb18030": (render_sale_receipt(shop, sale, gb), 48, True),
        "receipt_sale_80mm_en": (render_sale_receipt(shop, sale, PROFILE_80MM_48,
                                                     ReceiptTexts.en()), 48, False),
        "receipt_top_up_58mm_zh": (render_stored_value_slip(shop, replace(sample_top_up(), member_name="𠮷野家"),
                                                 PROFILE_58MM), 32, False),
        "receipt_z_report_80mm_zh": (render_z_report(shop, sample_z_report(), PROFILE_80MM_48),
                                     48, False),
    }
    for name, (data, columns, gb18030) in jobs.items():
        render(data, columns, gb18030).save(out / f"{name}.png")
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("test-artifacts"))
