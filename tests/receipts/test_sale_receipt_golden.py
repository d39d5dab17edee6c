"""The sale receipt against reviewed golden bytes, and decoded back by the independent decoder.

Regenerate after an intended change with POS_UPDATE_GOLDEN=1, then review the decoded
text (tests/receipts/show_receipt.py prints it) before committing the .bin files.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from receipt_samples import SHOP, sample_sale

from receipts.escpos import PROFILE_58MM, PROFILE_80MM_42, PROFILE_80MM_48, PrinterProfile
from receipts.sale_receipt import render_sale_receipt
from receipts.texts import ReceiptTexts
from tests.simulators.escpos_decoder import Cut, QrCode, TextLine, decode

GOLDEN = Path(__file__).parent / "golden"
PROFILES = [PROFILE_58MM, PROFILE_80MM_42, PROFILE_80MM_48]


def _width(text: str) -> int:
    # Independent of receipts.layout: the printer's rule is the GBK byte count.
    return len(text.encode("gbk"))


def _line_with(lines: list[TextLine], needle: str) -> TextLine:
    found = [line for line in lines if needle in line.text]
    assert found, f"no line contains {needle!r}"
    return found[0]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_sale_receipt_bytes_match_the_reviewed_golden_file(profile: PrinterProfile) -> None:
    data = render_sale_receipt(SHOP, sample_sale(), profile, ReceiptTexts.zh_cn())
    path = GOLDEN / f"sale_gold_member_{profile.columns}.bin"
    if os.environ.get("POS_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes()


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_golden_sale_receipt_decodes_to_the_expected_lines(profile: PrinterProfile) -> None:
    doc = decode((GOLDEN / f"sale_gold_member_{profile.columns}.bin").read_bytes())
    cols = profile.columns
    assert doc.problems == []
    lines = doc.lines

    shop = lines[0]
    assert (shop.width, shop.height, shop.align, shop.bold) == (2, 2, "center", True)
    assert "百乐汇生活超市" in shop.text
    assert _line_with(lines, "世纪大道100号").align == "center"

    for label, value in [("单号：", "SH001-01-000123"), ("日期：", "2026-11-28 14:35:08"),
                         ("收银机：", "01"), ("收银员：", "李娜")]:
        line = _line_with(lines, label)
        assert line.text.startswith(label) and line.text.endswith(value)
        assert _width(line.text) == cols  # value flush right

    # The stacked discount of membership-rules.md §2: 100.00 x 0.8 x 0.88 = 70.40.
    texts = [line.text.strip() for line in lines]
    i = texts.index("智利进口车厘子礼盒 JJ级 2.5kg")
    if cols >= 42:   # 80 mm: 品名 / 数量 / 单价 / 金额 columns under their headings
        assert texts[i - 1 if texts[i - 1].startswith("品名") else 0].split() == [
            "品名", "数量", "单价", "金额"]
        assert texts[i + 1].split() == ["1", "￥100.00", "￥100.00"]
    else:
        assert texts[i + 1].startswith("1 × ￥100.00") and texts[i + 1].endswith("￥100.00")
    assert texts[i + 2].startswith("促销8折") and texts[i + 2].endswith("-￥20.00")
    assert texts[i + 3].startswith("会员8.8折") and texts[i + 3].endswith("-￥9.60")
    j = texts.index("戴森 Supersonic 吹风机 HD08")
    assert texts[j + 2] == "特价"
    assert _line_with(lines, "烟台红富士苹果").text.strip() == "烟台红富士苹果(大果)"

    total = _line_with(lines, "应付")
    assert total.text.endswith("￥2603.19") and total.bold and total.height == 2
    assert _line_with(lines, "抹零").text.endswith("-￥0.09")
    assert _line_with(lines, "实付").text.endswith("￥2603.10")
    assert _line_with(lines, "储值卡").text.endswith("￥2000.00")
    assert _line_with(lines, "现金实收").text.endswith("￥610.00")
    assert _line_with(lines, "找零").text.endswith("￥6.90")

    assert _line_with(lines, "会员卡号：").text.endswith("8800********9012")
    assert _line_with(lines, "手机：").text.endswith("138****5678")
    assert _line_with(lines, "会员等级：").text.endswith("金卡")
    assert _line_with(lines, "本次积分").text == "本次积分 +270（含奖励10）"
    assert _line_with(lines, "可用积分").text.endswith("1268")
    assert _line_with(lines, "储值余额").text.endswith("￥388.00")
    assert _line_with(lines, "洗车次卡").text == "洗车次卡 剩余8次"
    assert _line_with(lines, "抽奖").bold
    assert "生日礼品" in _line_with(lines, "生日快乐").text
    assert _line_with(lines, "再积").text == "再积 232 分可兑换 ￥400.00 礼品"

    assert [q.payload for q in doc.qr_codes] == [b"POS:R:SH001-01-000123"]
    assert doc.qr_codes[0].model == 2
    assert isinstance(doc.items[-1], Cut) and doc.items[-1].partial
    qr_at = doc.items.index(doc.qr_codes[0])
    assert any(isinstance(x, TextLine) and "谢谢惠顾" in x.text for x in doc.items[qr_at:])
    assert not any(isinstance(x, QrCode) for x in doc.items[qr_at + 1:])


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_no_decoded_line_is_wider_than_the_paper(profile: PrinterProfile) -> None:
    doc = decode((GOLDEN / f"sale_gold_member_{profile.columns}.bin").read_bytes())
    for line in doc.lines:
        assert _width(line.text) * line.width <= profile.columns, line


def test_the_receipt_starts_with_init_and_chinese_mode_and_never_sends_4_byte_yen() -> None:
    data = render_sale_receipt(SHOP, sample_sale(), PROFILE_80MM_48)
    assert data.startswith(b"\x1b\x40\x1c\x26")
    assert "￥".encode("gbk") == b"\xa3\xa4" and b"\xa3\xa4" in data
    assert b"\x81\x30\x84\x36" not in data  # GB18030 '¥', prints as "0 6" (§4.3)


def test_a_reprint_is_marked_with_its_count() -> None:
    doc = decode(render_sale_receipt(SHOP, sample_sale(reprint_count=2), PROFILE_58MM))
    mark = _line_with(doc.lines, "重印")
    assert mark.text == "*** 重印 第2次 ***" and mark.bold and mark.align == "center"
    assert not any("重印" in t for t in decode(
        render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM)).texts)


def test_an_english_receipt_uses_english_labels_and_keeps_chinese_names() -> None:
    doc = decode(render_sale_receipt(SHOP, sample_sale(), PROFILE_80MM_48, ReceiptTexts.en()))
    assert doc.problems == []
    texts = doc.texts
    assert any(t.strip().startswith("Promotion 20% off") for t in texts)
    assert any(t.strip().startswith("Member 12% off") for t in texts)
    assert _line_with(doc.lines, "Total").text.endswith("￥2603.19")
    assert _line_with(doc.lines, "Tier:").text.endswith("Gold")
    assert any("车厘子" in t for t in texts)
