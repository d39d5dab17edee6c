"""Receipt labels: complete in both languages and printable on a GBK printer."""
from __future__ import annotations

from dataclasses import fields

import pytest

from pos_app.domain.card import CardEventKind
from pos_app.domain.pricing import ReasonKind
from pos_app.domain.tenders import TenderKind
from receipts.escpos import encode_text
from receipts.texts import ReceiptTexts


@pytest.mark.parametrize("texts", [ReceiptTexts.zh_cn(), ReceiptTexts.en()],
                         ids=["zh_CN", "en"])
def test_every_label_is_filled_in_and_prints_in_gbk(texts: ReceiptTexts) -> None:
    for f in fields(texts):
        value = getattr(texts, f.name)
        if isinstance(value, str):
            assert value, f"{texts.lang}: {f.name} is empty"
            encode_text(value, chinese_mode=True)
    assert set(texts.reasons) == set(ReasonKind)
    assert set(texts.tenders) == set(TenderKind)
    assert set(texts.card_titles) == set(CardEventKind)
    for label in [*texts.reasons.values(), *texts.tenders.values(),
                  *texts.card_titles.values()]:
        encode_text(label, chinese_mode=True)


def test_discount_reasons_read_as_zhe_in_chinese_and_percent_off_in_english() -> None:
    zh, en = ReceiptTexts.zh_cn(), ReceiptTexts.en()
    assert zh.reason(ReasonKind.TIER, 8_800) == "会员8.8折"
    assert zh.reason(ReasonKind.PROMOTION, 8_000) == "促销8折"
    assert zh.reason(ReasonKind.SPECIAL, 10_000) == "特价"
    assert zh.reason(ReasonKind.MANUAL, 9_500) == "手工折扣9.5折"
    assert zh.reason(ReasonKind.GIFT, 0) == "积分兑换"
    assert en.reason(ReasonKind.TIER, 8_750) == "Member 12.5% off"
    assert en.reason(ReasonKind.PROMOTION, 8_000) == "Promotion 20% off"


def test_money_puts_the_sign_before_the_full_width_yuan_sign() -> None:
    t = ReceiptTexts.zh_cn()
    assert t.money(7_040) == "￥70.40"
    assert t.money(-5) == "-￥0.05"
    assert t.money(0) == "￥0.00"
