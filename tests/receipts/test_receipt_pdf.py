"""PDF receipts and reports: the Chinese text extracts, every font is embedded, pages render.

Rendered pages land in test-artifacts/ (gitignored) for a person to look at.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from receipt_samples import AT, SHOP, sample_sale, sample_statement, sample_z_report

from receipts.pdf import FontNotFound, find_cjk_font, member_statement_pdf, sale_receipt_pdf, \
    z_report_pdf
from receipts.texts import ReceiptTexts

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} missing: install poppler-utils (scripts/bootstrap.sh does)")
    return path


def _save(name: str, pdf: bytes) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(pdf)
    return path


def _text(path: Path) -> str:
    out = subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True, timeout=30).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


def _fonts(path: Path) -> list[list[str]]:
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, check=True,
                         timeout=30).stdout.decode()
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _render(path: Path, dpi: int) -> Image.Image:
    prefix = path.with_suffix("")
    subprocess.run([_tool("pdftoppm"), "-png", "-r", str(dpi), "-singlefile", str(path),
                    str(prefix)], check=True, timeout=60)
    return Image.open(prefix.with_suffix(".png"))


def _assert_all_fonts_embedded(path: Path) -> None:
    fonts = _fonts(path)
    assert fonts, "no fonts in the PDF"
    for row in fonts:
        emb = row[-5]  # columns: name type encoding emb sub uni object ID
        assert emb == "yes", f"font not embedded: {row}"


def test_the_font_lookup_takes_a_path_and_refuses_cff_opentype() -> None:
    font = find_cjk_font(WQY, 0)
    assert font.path == WQY and font.name.startswith("CJK-")
    with pytest.raises(FontNotFound) as err:
        find_cjk_font("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    assert "postscript outlines" in str(err.value)
    with pytest.raises(FontNotFound):
        find_cjk_font(candidates=[("/nope/simhei.ttf", 0)])


def test_the_sale_receipt_pdf_has_the_chinese_text_an_embedded_font_and_renders() -> None:
    path = _save("sale_receipt.pdf", sale_receipt_pdf(SHOP, sample_sale()))
    text = _text(path)
    for expected in ["百乐汇生活超市", "销售小票", "会员8.8折", "促销8折", "特价",
                     "应付", "￥2603.19", "会员卡号：8800********9012", "再积232分可兑换",
                     "谢谢惠顾"]:
        assert expected in text, expected
    _assert_all_fonts_embedded(path)
    page = _render(path, 100)
    assert page.width < page.height / 3  # a long narrow receipt, 80 mm wide
    assert abs(page.width - round(80 / 25.4 * 100)) <= 2
    assert page.convert("L").getextrema()[0] < 50  # something black was drawn


def test_the_same_sale_gives_the_same_pdf_bytes() -> None:
    assert sale_receipt_pdf(SHOP, sample_sale()) == sale_receipt_pdf(SHOP, sample_sale())


def test_the_z_report_pdf_is_a4_with_the_shift_figures() -> None:
    path = _save("z_report.pdf", z_report_pdf(SHOP, sample_z_report(), printed_at=AT))
    text = _text(path)
    for expected in ["交班报表（Z）", "销售86笔", "￥12345.67", "储值卡21笔", "现金差额",
                     "-￥0.42", "打印时间：2026-11-2814:35:08"]:
        assert expected in text, expected
    _assert_all_fonts_embedded(path)
    page = _render(path, 50)
    assert abs(page.width / page.height - 210 / 297) < 0.01


def test_the_member_statement_lists_both_ledgers_with_balances() -> None:
    statement = sample_statement()
    path = _save("member_statement.pdf", member_statement_pdf(SHOP, statement))
    text = _text(path)
    for expected in ["会员对账单", "积分明细", "储值明细", "期初余额", "期末余额",
                     "8800********9012", "138****5678", "+270", "1268", "-￥2000.00",
                     "￥388.00", "2026-11-01~2026-11-30"]:
        assert expected in text, expected
    assert statement.points_closing == 1_268 and statement.balance_closing_fen == 38_800
    _assert_all_fonts_embedded(path)
    _render(path, 60)


def test_an_english_statement_uses_english_headings() -> None:
    path = _save("member_statement_en.pdf",
                 member_statement_pdf(SHOP, sample_statement(), ReceiptTexts.en()))
    text = _text(path)
    assert "MEMBERSTATEMENT" in text and "Openingbalance" in text and "王小明" in text
