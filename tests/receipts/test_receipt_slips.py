"""Returns, top-ups, card slips, passes, cash movements and the Z report, decoded back."""
from __future__ import annotations

import pytest
from receipt_samples import (AT, SHOP, sample_card_slip, sample_cash_movement, sample_pass,
                             sample_return, sample_top_up, sample_z_report)

from pos_app.domain.card import CardEventKind
from receipts.escpos import PROFILE_58MM, PROFILE_80MM_48, PrinterProfile
from receipts.sale_receipt import render_sale_receipt
from receipts.slips import (render_card_slip, render_cash_movement, render_pass_slip,
                            render_stored_value_slip, render_z_report)
from receipts.texts import ReceiptTexts
from tests.simulators.escpos_decoder import Cut, Document, decode


def _ok(data: bytes, profile: PrinterProfile = PROFILE_58MM) -> Document:
    doc = decode(data)
    assert doc.problems == []
    assert isinstance(doc.items[-1], Cut)
    for line in doc.lines:
        assert len(line.text.encode("gbk")) * line.width <= profile.columns
    return doc


def _find(doc: Document, needle: str) -> str:
    hits = [t for t in doc.texts if needle in t]
    assert hits, f"{needle!r} not in {doc.texts}"
    return hits[0]


def test_a_return_receipt_names_the_original_receipt_and_the_refund() -> None:
    doc = _ok(render_sale_receipt(SHOP, sample_return(), PROFILE_58MM))
    assert "退货单" in doc.texts
    assert _find(doc, "原单号：").endswith("SH001-01-000123")
    assert _find(doc, "退款合计").endswith("￥11.26")
    assert _find(doc, "退回现金").endswith("￥11.26")
    assert not any("找零" in t for t in doc.texts)


def test_a_top_up_shows_the_bonus_apart_from_the_money_paid() -> None:
    doc = _ok(render_stored_value_slip(SHOP, sample_top_up(), PROFILE_58MM))
    assert "储值充值" in doc.texts
    assert _find(doc, "充值金额").endswith("￥1000.00")
    assert _find(doc, "赠送金额").endswith("￥100.00")
    assert _find(doc, "支付方式").endswith("微信")
    assert _find(doc, "储值余额").endswith("￥1700.00")
    assert _find(doc, "其中赠送").endswith("￥200.00")
    assert _find(doc, "会员：").endswith("王**")


def test_a_balance_refund_says_bonus_is_not_refunded_and_is_signed() -> None:
    doc = _ok(render_stored_value_slip(SHOP, sample_top_up(refund=True), PROFILE_58MM))
    assert "储值退款" in doc.texts
    assert _find(doc, "退款金额").endswith("￥500.00")
    assert "赠送金额不可退" in doc.texts
    assert _find(doc, "会员签名").endswith("_")


@pytest.mark.parametrize("kind,title", [(CardEventKind.ISSUED, "办卡"),
                                        (CardEventKind.REPLACED, "补卡"),
                                        (CardEventKind.LOST, "挂失"),
                                        (CardEventKind.UNBLOCKED, "解挂"),
                                        (CardEventKind.RENEWED, "续期"),
                                        (CardEventKind.CANCELLED, "注销")])
def test_every_card_slip_has_its_title_and_a_signature_line(kind: CardEventKind,
                                                            title: str) -> None:
    doc = _ok(render_card_slip(SHOP, sample_card_slip(kind), PROFILE_58MM))
    assert title in doc.texts
    assert _find(doc, "会员签名：")
    assert _find(doc, "会员卡号：").endswith("8800********9099")
    if kind is CardEventKind.REPLACED:
        assert _find(doc, "原卡号：").endswith("8800********9012")
    else:
        assert not any("原卡号" in t for t in doc.texts)
    if kind is CardEventKind.CANCELLED:
        assert _find(doc, "退款").endswith("￥200.00")


def test_pass_sale_and_pass_use_show_the_uses_left() -> None:
    sold = _ok(render_pass_slip(SHOP, sample_pass(is_use=False), PROFILE_58MM))
    assert "次卡购买" in sold.texts and _find(sold, "金额").endswith("￥299.00")
    used = _ok(render_pass_slip(SHOP, sample_pass(is_use=True), PROFILE_58MM))
    assert "次卡消费" in used.texts
    assert _find(used, "剩余次数").endswith("7")
    assert _find(used, "服务项目").endswith("精致洗车")


def test_pay_in_and_pay_out_slips_are_told_apart_and_signed() -> None:
    out = _ok(render_cash_movement(SHOP, sample_cash_movement(-20_000), PROFILE_58MM))
    assert "现金取出" in out.texts and _find(out, "金额").endswith("￥200.00")
    assert _find(out, "收银员签名")
    pay_in = _ok(render_cash_movement(SHOP, sample_cash_movement(5_000), PROFILE_58MM))
    assert "备用金存入" in pay_in.texts and _find(pay_in, "事由").endswith("补充零钱")


def test_the_z_report_lists_tenders_stored_value_and_the_cash_difference() -> None:
    doc = _ok(render_z_report(SHOP, sample_z_report(), PROFILE_80MM_48, printed_at=AT),
              PROFILE_80MM_48)
    assert "交班报表（Z）" in doc.texts
    assert _find(doc, "销售 86笔").endswith("￥12345.67")
    assert _find(doc, "现金 40笔").endswith("￥3456.00")
    assert _find(doc, "储值卡 21笔").endswith("￥4567.00")
    assert _find(doc, "充值赠送").endswith("￥300.00")
    assert _find(doc, "现金差额").endswith("-￥0.42")
    assert _find(doc, "打印时间").endswith("2026-11-28 14:35:08")


def test_english_slips_use_english_titles() -> None:
    doc = _ok(render_card_slip(SHOP, sample_card_slip(CardEventKind.LOST), PROFILE_58MM,
                               ReceiptTexts.en()))
    assert "CARD REPORTED LOST" in doc.texts
    assert _find(doc, "Member signature")


def test_a_pass_visit_and_a_points_gift_show_what_covered_the_line() -> None:
    from dataclasses import replace

    from pos_app.domain.pricing import PriceReason, ReasonKind
    from receipt_samples import sample_sale

    sale = sample_sale()
    wash = replace(sale.lines[2], name="精致洗车", amount_fen=0,
                   reasons=(PriceReason(ReasonKind.PASS),), earns_points=False)
    gift = replace(sale.lines[0], name="保温杯", amount_fen=0, redeemed_points=1_000,
                   reasons=(PriceReason(ReasonKind.GIFT, 0, 0),))
    doc = _ok(render_sale_receipt(SHOP, replace(sale, lines=(wash, gift)), PROFILE_58MM))
    assert _find(doc, "计次卡抵扣").endswith("-￥38.40")
    assert _find(doc, "积分兑换（用1000分）").endswith("-￥100.00")


def test_an_upgrade_is_congratulated_by_the_new_tier_name_not_its_code() -> None:
    from dataclasses import replace

    from receipt_samples import sample_sale

    sale = sample_sale()
    assert sale.member is not None
    member = replace(sale.member, tier_code="diamond", tier_name_zh="钻石卡",
                     tier_name_en="Diamond", upgraded_to="diamond")
    doc = _ok(render_sale_receipt(SHOP, replace(sale, member=member), PROFILE_58MM))
    assert "恭喜升级为钻石卡" in [t.strip() for t in doc.texts]
    assert not any("diamond" in t for t in doc.texts)
