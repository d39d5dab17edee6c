"""The "last receipt" preview reads back what the builder wrote."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from receipt_samples import SHOP, sample_sale

from receipts.escpos import PROFILE_58MM, PROFILE_80MM_48, EscPosBuilder
from receipts.preview import PreviewLine, preview_lines, preview_text
from receipts.sale_receipt import render_sale_receipt
from tests.simulators.escpos_decoder import decode


def test_the_preview_agrees_with_the_independent_decoder_on_every_text_line() -> None:
    data = render_sale_receipt(SHOP, sample_sale(), PROFILE_80MM_48)
    preview = [p for p in preview_lines(data) if p.kind == "text"]
    decoded = decode(data).lines
    assert [(p.text, p.width, p.height, p.align, p.bold) for p in preview] == \
        [(d.text, d.width, d.height, d.align, d.bold) for d in decoded]


def test_the_preview_shows_the_qr_payload_and_the_cut() -> None:
    lines = preview_lines(render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM))
    assert PreviewLine("POS:R:SH001-01-000123", "qr", align="center") in lines
    assert lines[-1].kind == "cut"
    text = preview_text(render_sale_receipt(SHOP, sample_sale(), PROFILE_58MM), 32)
    assert "[QR: POS:R:SH001-01-000123]" in [t.strip() for t in text]
    assert text[0].strip() == "百乐汇生活超市" and text[0].startswith("  ")


def test_the_preview_marks_drawer_pulses_barcodes_and_images() -> None:
    data = (EscPosBuilder(PROFILE_58MM).init().barcode("123").drawer_pulse()
            .raster(8, 1, b"\xff").build())
    kinds = [p.kind for p in preview_lines(data)]
    assert kinds == ["barcode", "pulse", "image"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_the_preview_never_raises_on_garbage(data: bytes) -> None:
    preview_text(data, 32)
