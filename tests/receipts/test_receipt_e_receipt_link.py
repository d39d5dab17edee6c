"""A receipt whose sale carries an e-receipt link prints it as the QR, with a hint a customer
understands; the printed QR decodes back to the link (and the till reads the number from it)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from receipt_samples import SHOP, sample_sale

from pos_app.domain.sale import receipt_no_from_scan
from receipts.escpos import PROFILE_58MM, PROFILE_80MM_48, PrinterProfile
from receipts.sale_receipt import render_sale_receipt
from receipts.texts import ReceiptTexts
from tests.simulators.escpos_decoder import TextLine, decode

LINK = "https://hq.example.cn/m/r/SH001-01-000123/q5Yb3cR0-k2_Zt9LmW4xAA"


@pytest.mark.parametrize("profile", [PROFILE_58MM, PROFILE_80MM_48], ids=lambda p: p.name)
def test_the_qr_is_the_e_receipt_link_with_a_customer_hint(profile: PrinterProfile) -> None:
    sale = replace(sample_sale(), receipt_link=LINK)
    doc = decode(render_sale_receipt(SHOP, sale, profile, ReceiptTexts.zh_cn()))
    assert [q.payload for q in doc.qr_codes] == [LINK.encode()]
    qr_at = doc.items.index(doc.qr_codes[0])
    near = [x.text for x in doc.items[max(0, qr_at - 3):qr_at + 3] if isinstance(x, TextLine)]
    assert any("扫码查看电子小票" in t for t in near)
    assert receipt_no_from_scan(doc.qr_codes[0].payload.decode()) == "SH001-01-000123"


def test_without_a_link_the_staff_code_stays() -> None:
    doc = decode(render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM, ReceiptTexts.en()))
    assert [q.payload for q in doc.qr_codes] == [b"POS:R:SH001-01-000123"]
