"""Receipt defects a cashier met in the first hour (issue 13), each checked on the decoded bytes."""
from __future__ import annotations

import re
from dataclasses import fields, replace

import pytest
from receipt_samples import DAY, SHOP, sample_sale, sample_top_up, sample_z_report

from pos_app.domain.card import mask_name
from pos_app.domain.catalog import Product
from pos_app.domain.pricing import BasketItem, price_basket
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderKind
from receipts.escpos import PROFILE_58MM, PROFILE_80MM_42, PROFILE_80MM_48, PrinterProfile
from receipts.sale_receipt import render_sale_receipt
from receipts.slips import render_stored_value_slip, render_z_report
from receipts.texts import ReceiptTexts
from tests.simulators.escpos_decoder import decode

DEFAULT_FOOTER = "谢谢惠顾，欢迎再次光临"     # pos_app.settings.ShopSettings default


def _sale_of(*names: str):  # noqa: ANN202
    rules = default_rule_set()
    products = [Product(f"p{i}", f"90000{i}", name, 350) for i, name in enumerate(names)]
    basket = price_basket([BasketItem(p, 1) for p in products], rules, None, DAY)
    return replace(sample_sale(), lines=basket.lines, member=None)


FILLER = "可口可乐零度无糖汽水饮料康师傅红烧牛肉面"
# Names whose break on 32 columns falls on every position around a number with its unit or
# a bracket: k filler characters before it.
NAMES = ([(FILLER[:k] + "330ml×24罐", ["330ml×24罐"]) for k in range(11, 16)]
         + [(FILLER[:k] + "(大果)", []) for k in range(14, 18)]
         + [(FILLER[:k] + "2.5kg（五香味）", ["2.5kg"]) for k in range(10, 15)])


@pytest.mark.parametrize("name,whole", NAMES)
def test_58mm_names_break_between_characters_but_never_inside_a_number_and_its_unit(
        name: str, whole: list[str]) -> None:
    doc = decode(render_sale_receipt(SHOP, _sale_of(name), PROFILE_58MM))
    assert doc.problems == []
    texts = doc.texts
    start = next(i for i, t in enumerate(texts) if t and name.startswith(t))
    wrapped = []
    for t in texts[start:]:
        wrapped.append(t)
        if "".join(wrapped) == name:
            break
    assert "".join(wrapped) == name, wrapped
    assert len(wrapped) == 2                        # it did need wrapping on 58 mm
    for piece in whole:
        assert any(piece in line for line in wrapped), (piece, wrapped)
    assert wrapped[1][0] not in ")）】」，。、：；！？", wrapped   # no orphan closing bracket
    assert wrapped[0][-1] not in "(（【「", wrapped


def test_the_default_footer_prints_once_and_a_footer_newline_makes_two_lines() -> None:
    shop = replace(SHOP, receipt_footer=DEFAULT_FOOTER)
    doc = decode(render_sale_receipt(shop, sample_sale(), PROFILE_58MM))
    assert sum("谢谢惠顾" in t for t in doc.texts) == 1
    shop = replace(SHOP, receipt_footer="7天内凭小票退换\n会员日：每月8日")
    doc = decode(render_sale_receipt(shop, sample_sale(), PROFILE_58MM))
    assert doc.problems == []
    assert not any("?" in t for t in doc.texts)
    i = doc.texts.index("7天内凭小票退换")
    assert doc.texts[i + 1] == "会员日：每月8日" and doc.lines[i + 1].align == "center"
    assert doc.texts[i + 2] == "谢谢惠顾，欢迎再次光临"


def test_english_receipts_label_the_stored_value_tender_and_the_balance_differently() -> None:
    doc = decode(render_sale_receipt(SHOP, sample_sale(), PROFILE_80MM_48, ReceiptTexts.en()))
    tender = [t for t in doc.texts if t.startswith("Stored value")]
    balance = [t for t in doc.texts if t.startswith("Card balance")]
    assert len(tender) == 1 and tender[0].endswith("￥2000.00")
    assert len(balance) == 1 and balance[0].endswith("￥388.00")
    en = ReceiptTexts.en()
    assert en.balance_after != en.tender(TenderKind.STORED_VALUE)


def _gb18030_80mm() -> PrinterProfile:
    return replace(PROFILE_80MM_48, name="80mm-48-gb18030", gb18030=True)


@pytest.mark.parametrize("member", ["𠮷野家", "㐀", "𠮷"])
def test_rare_surnames_print_with_gb18030_or_as_a_square_never_revealing_the_name_length(
        member: str) -> None:
    doc = replace(sample_top_up(), member_name=member)
    full = decode(render_stored_value_slip(SHOP, doc, _gb18030_80mm()), gb18030=True)
    assert full.problems == []
    line = next(t for t in full.texts if t.startswith("会员："))
    assert line.endswith(member[0] + "**")
    plain = decode(render_stored_value_slip(SHOP, doc, PROFILE_80MM_48))
    assert plain.problems == []                      # nothing a GBK font misreads
    line = next(t for t in plain.texts if t.startswith("会员："))
    assert line.endswith("□**") and "?" not in line
    # The same mask whatever the name's length.
    assert mask_name(member) == member[0] + "**"


def test_a_rare_character_in_a_product_name_is_a_square_on_gbk_and_itself_on_gb18030() -> None:
    sale = _sale_of("㐀𠮷特产礼盒")
    gbk = decode(render_sale_receipt(SHOP, sale, PROFILE_80MM_48))
    assert gbk.problems == [] and any(t.startswith("□□特产礼盒") for t in gbk.texts)
    full = decode(render_sale_receipt(SHOP, sale, _gb18030_80mm()), gb18030=True)
    assert full.problems == [] and any(t.startswith("㐀𠮷特产礼盒") for t in full.texts)


def test_top_up_slips_leave_out_the_goods_return_policy() -> None:
    assert "退换" in SHOP.receipt_footer
    doc = decode(render_stored_value_slip(SHOP, sample_top_up(), PROFILE_58MM))
    assert not any("退换" in t for t in doc.texts)
    assert doc.texts[-1] == "谢谢惠顾，欢迎再次光临"
    sale = decode(render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM))
    assert any("退换" in t for t in sale.texts)      # goods receipts keep it


def test_the_z_report_shows_money_out_and_money_given_away_as_negative() -> None:
    report = replace(sample_z_report(), stored_value_refunded_fen=12_300)
    doc = decode(render_z_report(SHOP, report, PROFILE_80MM_48))

    def amount(label: str) -> str:
        return next(t for t in doc.texts if t.startswith(label)).split()[-1]

    for label in ("退货", "优惠合计", "抹零", "储值退款", "现金取出"):
        assert amount(label).startswith("-￥"), label
    for label in ("销售", "备用金", "储值充值", "充值赠送", "储值消费", "备用金存入"):
        assert amount(label).startswith("￥"), label


@pytest.mark.parametrize("profile", [PROFILE_80MM_42, PROFILE_80MM_48])
def test_80mm_receipts_head_the_lines_with_item_qty_price_amount(profile: PrinterProfile) -> None:
    doc = decode(render_sale_receipt(SHOP, sample_sale(), profile))
    header = next(t for t in doc.texts if t.startswith("品名"))
    assert header.split() == ["品名", "数量", "单价", "金额"]
    assert len(header.encode("gbk")) == profile.columns     # 金额 flush right over the amounts
    row = doc.texts[doc.texts.index("烟台红富士苹果(大果)") + 1]
    assert row.split() == ["3", "￥12.80", "￥38.40"] and len(row.encode("gbk")) == profile.columns
    en = decode(render_sale_receipt(SHOP, sample_sale(), profile, ReceiptTexts.en()))
    assert any(t.split() == ["Item", "Qty", "Price", "Amount"] for t in en.texts)
    narrow = decode(render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM))
    assert not any(t.startswith("品名") for t in narrow.texts)  # 32 columns keep two-line items


def test_chinese_receipt_text_uses_chinese_punctuation() -> None:
    zh = ReceiptTexts.zh_cn()
    for f in fields(zh):
        value = getattr(zh, f.name)
        values = value.values() if isinstance(value, dict) else [value]
        for text in values:
            if isinstance(text, str) and re.search(r"[\u4e00-\u9fff]", text):
                assert not re.search(r"[,:;!?()]", text), (f.name, text)
    doc = decode(render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM))
    assert any(t.startswith("单号：") for t in doc.texts)
    assert not any(re.search(r"[\u4e00-\u9fff][:,!]", t) for t in doc.texts)
