"""Layout by printed width: random Chinese/mixed text never overflows, splits or escapes GBK."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from receipt_samples import (SHOP, sample_card_slip, sample_cash_movement, sample_pass,
                             sample_sale, sample_top_up, sample_z_report)

from pos_app.domain.shop import ShopInfo
from receipts import layout
from receipts.escpos import (PROFILE_58MM, PROFILE_80MM_42, PROFILE_80MM_48, PrinterProfile,
                             UnencodableText, encode_text)
from receipts.sale_receipt import render_sale_receipt
from receipts.slips import (render_card_slip, render_cash_movement, render_pass_slip,
                            render_stored_value_slip, render_z_report)
from receipts.texts import ReceiptTexts
from tests.simulators.escpos_decoder import decode

PROFILES = [PROFILE_58MM, PROFILE_80MM_42, PROFILE_80MM_48]

# Hanzi, ASCII, full-width forms, the troublemakers of reference §4.3 ('¥', '•', '€', '×',
# '·'), emoji and rare CJK outside GBK, control bytes that could inject commands.
names = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from(list("￥¥•€×·—，。（）【】ＡＢ１２\t\x1b\x1d\x00\n😀𠀀ｶ")),
    ),
    min_size=1, max_size=60)


def _width(text: str) -> int:
    return len(text.encode("gbk"))


@settings(max_examples=60, deadline=None)
@given(names, names, st.sampled_from(PROFILES))
def test_random_names_never_overflow_split_or_leave_gbk(product_name: str, shop_name: str,
                                                         profile: PrinterProfile) -> None:
    sale = sample_sale()
    lines = tuple(replace(line, name=product_name) for line in sale.lines)
    shop = ShopInfo("X", shop_name, address=product_name, receipt_footer=shop_name)
    data = render_sale_receipt(shop, replace(sale, lines=lines), profile, ReceiptTexts.zh_cn())
    doc = decode(data)
    assert doc.problems == []
    for line in doc.lines:
        assert "\ufffd" not in line.text
        assert _width(line.text) * line.width <= profile.columns, line


@settings(max_examples=30, deadline=None)
@given(names, names, st.sampled_from(PROFILES))
def test_random_names_on_slips_stay_within_the_paper(member_name: str, text: str,
                                                     profile: PrinterProfile) -> None:
    shop = ShopInfo("X", text, address=text, phone=text, receipt_footer=text)
    docs = [
        render_stored_value_slip(shop, replace(sample_top_up(), member_name=member_name,
                                    reference=text), profile),
        render_card_slip(shop, replace(sample_card_slip(), member_name=member_name,
                                       tier_name_zh=text), profile),
        render_pass_slip(shop, replace(sample_pass(True), service_name=text), profile),
        render_cash_movement(shop, replace(sample_cash_movement(-100), reason=text), profile),
        render_z_report(shop, replace(sample_z_report(), cashier_name=text), profile),
    ]
    for data in docs:
        doc = decode(data)
        assert doc.problems == []
        for line in doc.lines:
            assert _width(line.text) * line.width <= profile.columns, line


def test_a_printer_without_chinese_font_gets_pure_ascii() -> None:
    ascii_profile = PrinterProfile("ascii-48", 48, 576, chinese_mode=False)
    data = render_sale_receipt(SHOP, sample_sale(), ascii_profile, ReceiptTexts.en())
    assert data.startswith(b"\x1b\x40\x1c\x2e\x1b\x74\x00")
    doc = decode(data, chinese_mode=False)
    assert doc.problems == []
    assert all(ord(c) < 0x80 for t in doc.texts for c in t)
    assert any(t.startswith("Total") and t.endswith("RMB2603.19") for t in doc.texts)
    assert any(t.split() == ["Item", "Qty", "Price", "Amount"] for t in doc.texts)
    assert any(t.split() == ["1", "RMB100.00", "RMB100.00"] for t in doc.texts)
    assert [q.payload for q in doc.qr_codes] == [b"POS:R:SH001-01-000123"]


@settings(max_examples=200, deadline=None)
@given(names, st.integers(min_value=2, max_value=48))
def test_wrapping_keeps_every_character_in_order_within_the_width(text: str, width: int) -> None:
    clean = layout.clean(text)
    wrapped = layout.wrap(clean, width)
    for line in wrapped:
        assert layout.text_width(line) <= width
        encode_text(line, chinese_mode=True)  # every piece is printable GBK
    squeezed = "".join(clean.split())
    assert "".join("".join(wrapped).split()) == squeezed


@settings(max_examples=200, deadline=None)
@given(names, names, st.sampled_from([32, 42, 48]))
def test_left_right_puts_the_amount_flush_right_and_never_overflows(left: str, right: str,
                                                                    width: int) -> None:
    left, right = layout.clean(left), layout.clean(right)[:10]
    out = layout.left_right(left, right, width)
    assert all(layout.text_width(line) <= width for line in out)
    if right.strip() and "\n" not in left and layout.text_width(right) < width:
        assert out[-1].endswith(right.strip())


def test_width_is_the_gbk_byte_count_not_unicode_ambiguity() -> None:
    # '×' and '·' are "ambiguous" in Unicode but 2-byte GBK: they print double width.
    assert layout.text_width("2×12.80") == 8
    assert layout.text_width("会员8.8折") == 9
    assert layout.text_width("A·B") == 4


def test_clean_swaps_the_yen_sign_and_replaces_what_gbk_cannot_print() -> None:
    assert layout.clean("¥12.50 • 好") == "￥12.50 · 好"
    assert layout.clean("a\x1b@b\x00") == "a?@b?"
    assert layout.clean("😀𠀀") == "?□"   # a missing hanzi shows as a square
    assert layout.clean("价格 ￥5", chinese_mode=False) == "?? RMB5"


def test_the_builder_refuses_text_the_printer_would_misread() -> None:
    for bad in ("¥", "€", "😀", "\x1b"):
        with pytest.raises(UnencodableText) as err:
            encode_text(f"a{bad}", chinese_mode=True)
        assert err.value.char == bad
    with pytest.raises(UnencodableText):
        encode_text("中", chinese_mode=False)
    assert encode_text("合计￥", chinese_mode=True) == "合计￥".encode("gbk")


def test_a_chinese_name_breaks_between_characters_and_a_latin_word_stays_whole() -> None:
    assert layout.wrap("智利进口车厘子礼盒", 8) == ["智利进口", "车厘子礼", "盒"]
    assert layout.wrap("Supersonic hair dryer HD08", 12) == ["Supersonic", "hair dryer", "HD08"]
    assert layout.wrap("百乐汇生活超市 世纪大道店", 24) == ["百乐汇生活超市", "世纪大道店"]
    assert layout.wrap("ABCDEFGHIJKLMNOP", 6) == ["ABCDEF", "GHIJKL", "MNOP"]
    assert layout.wrap("a中", 2) == ["a", "中"]


def test_left_right_moves_the_amount_to_its_own_line_when_the_name_fills_the_line() -> None:
    assert layout.left_right("合计", "￥9.00", 16) == ["合计      ￥9.00"]
    assert layout.left_right("一二三四五六七八", "￥9.00", 16) == ["一二三四五六七八",
                                                                 " " * 10 + "￥9.00"]
