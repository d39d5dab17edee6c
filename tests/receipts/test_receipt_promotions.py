"""A receipt shows what the promotions saved, the coupons taken, 满送 gifts, the coupons the
sale gave (each as a scannable QR), multiplier points and points lapsing soon (issue 16)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from receipt_samples import SHOP, sample_sale

from pos_app.domain.coupons import coupon_code, coupon_code_from_scan, is_coupon_code
from pos_app.domain.sale import SaleCoupon, SalePromotion
from receipts.escpos import PROFILE_58MM, PROFILE_80MM_48, PrinterProfile
from receipts.sale_receipt import render_sale_receipt
from receipts.texts import ReceiptTexts
from tests.simulators.escpos_decoder import decode

GIVEN = coupon_code("given-1")


def promoted_sale():
    sale = sample_sale()
    assert sale.member is not None
    return replace(
        sale,
        promotions=(SalePromotion("MJ200", 2, "basket", "满200减20", 2_000, 20_000, 2_000),),
        coupons=(SaleCoupon("CABCDEFGHJKLM0", "T10", 1, 1_000, "满100减10券", 10_000),),
        coupons_issued=(GIVEN,), gifts=(("TOWEL", 1),),
        member=replace(sale.member, promo_points=14, points_expiring=990,
                       points_expiring_on="2026-12-28"))


@pytest.mark.parametrize("profile", [PROFILE_58MM, PROFILE_80MM_48], ids=lambda p: p.name)
def test_promotions_coupons_and_expiring_points_are_printed(profile: PrinterProfile) -> None:
    doc = decode(render_sale_receipt(SHOP, promoted_sale(), profile, ReceiptTexts.zh_cn()))
    text = "".join(t.strip() for t in doc.texts)   # a long line wraps on the 58 mm roll
    assert "本单促销共优惠 ￥20.00" in text
    assert "本单用券" in text and "满100减10券" in text and "CABCDEFGHJKLM0" in text
    assert "满送赠品 TOWEL ×1" in text
    assert f"获赠优惠券：{GIVEN}" in text
    assert "其中活动加赠 14" in text
    assert "990 积分将于 2026-12-28 后过期" in text.replace("2026-12-28后", "2026-12-28 后")
    codes = [coupon_code_from_scan(q.payload.decode()) for q in doc.qr_codes]
    assert GIVEN in codes and is_coupon_code(GIVEN)


def test_a_plain_sale_prints_no_promotion_section() -> None:
    doc = decode(render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM, ReceiptTexts.en()))
    text = "\n".join(doc.texts)
    assert "Coupons used" not in text and "Promotions saved" not in text
