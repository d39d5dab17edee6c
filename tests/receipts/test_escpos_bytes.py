"""Exact ESC/POS bytes from the builder (Epson reference, hardware-protocols.md §4.1), and a
decoder that survives garbage."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from receipts.escpos import (PROFILE_58MM, PROFILE_80MM_48, Align, BarcodeKind, CutMode,
                             EscPosBuilder, InvalidCommandArgument, PrinterProfile,
                             drawer_pulse_bytes)
from tests.simulators.escpos_decoder import (Barcode, Cut, EscPosDecoder, Pulse, QrCode,
                                             RasterImage, TextLine, decode)


def test_init_enters_chinese_mode_or_leaves_it_with_a_code_page() -> None:
    assert EscPosBuilder(PROFILE_58MM).init().build() == b"\x1b\x40\x1c\x26"
    ascii_only = PrinterProfile("ascii", 48, 576, chinese_mode=False, code_page=16)
    assert EscPosBuilder(ascii_only).init().build() == b"\x1b\x40\x1c\x2e\x1b\x74\x10"


def test_size_alignment_bold_feed_and_cuts_are_the_reference_bytes() -> None:
    b = EscPosBuilder(PROFILE_58MM)
    assert b.size(2, 2).build() == b"\x1d\x21\x11"
    assert EscPosBuilder(PROFILE_58MM).size(1, 2).build() == b"\x1d\x21\x01"
    assert EscPosBuilder(PROFILE_58MM).align(Align.CENTER).build() == b"\x1b\x61\x01"
    assert EscPosBuilder(PROFILE_58MM).bold(True).bold(False).build() == b"\x1b\x45\x01\x1b\x45\x00"
    assert EscPosBuilder(PROFILE_58MM).cut(CutMode.FULL).build() == b"\x1b\x64\x04\x1d\x56\x00"
    assert EscPosBuilder(PROFILE_58MM).cut(CutMode.PARTIAL).build() == b"\x1b\x64\x04\x1d\x56\x01"
    assert EscPosBuilder(PROFILE_58MM).cut(CutMode.NONE).build() == b"\x1b\x64\x04"


def test_qr_is_native_model_2_with_size_level_store_and_print() -> None:
    data = EscPosBuilder(PROFILE_80MM_48).qr("POS:R:1").build()
    assert data == (b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"
                    b"\x1d\x28\x6b\x03\x00\x31\x43\x06"
                    b"\x1d\x28\x6b\x03\x00\x31\x45\x31"
                    b"\x1d\x28\x6b\x0a\x00\x31\x50\x30POS:R:1"
                    b"\x1d\x28\x6b\x03\x00\x31\x51\x30")
    assert decode(data).qr_codes == [QrCode(b"POS:R:1", 2, 6, "M")]


def test_drawer_pulse_is_esc_p_with_two_millisecond_units() -> None:
    assert drawer_pulse_bytes() == b"\x1b\x70\x00\x32\x32"  # python-escpos default, 100 ms
    assert drawer_pulse_bytes(pin=1, on_ms=50, off_ms=200) == b"\x1b\x70\x01\x19\x64"
    with pytest.raises(InvalidCommandArgument):
        drawer_pulse_bytes(pin=2)
    assert decode(drawer_pulse_bytes(1, 50, 200)).pulses == [Pulse(1, 50, 200)]


def test_barcode_and_raster_image_decode_and_the_text_after_them_survives() -> None:
    img = Image.new("1", (16, 2), 1)
    img.putpixel((0, 0), 0)
    b = (EscPosBuilder(PROFILE_58MM).barcode("SH001-01", BarcodeKind.CODE128)
         .barcode("690123456789", BarcodeKind.EAN13).image(img).line("后面"))
    data = b.build()
    assert b"\x1d\x76\x30\x00\x02\x00\x02\x00\x80\x00\x00\x00" in data  # reference §4.1
    doc = decode(data)
    assert doc.of(Barcode) == [Barcode(73, b"{BSH001-01"), Barcode(67, b"690123456789")]
    assert doc.of(RasterImage) == [RasterImage(16, 2)]
    assert doc.texts == ["后面"]
    assert doc.problems == []


def test_the_decoder_reads_a_stream_split_inside_a_gbk_character_and_a_command() -> None:
    data = EscPosBuilder(PROFILE_58MM).init().size(2, 2).line("会员").cut().build()
    dec = EscPosDecoder()
    for i in range(len(data)):
        dec.feed(data[i:i + 1])
    doc = dec.close()
    assert doc.lines == [TextLine("会员", 2, 2, "left", False)]
    assert doc.cuts == [Cut(partial=True)]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=17))
def test_the_decoder_never_crashes_or_hangs_on_garbage(data: bytes, chunk: int) -> None:
    dec = EscPosDecoder()
    for i in range(0, len(data), chunk):
        dec.feed(data[i:i + chunk])
    doc = dec.close()
    assert isinstance(doc.items, list)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\x1d\x28\x6b",
                                 b"\x1d\x76\x30", b"\x1d\x6b", b"\xff\xff", b"\x81",
                                 b"\x00", b"A", b"\n", b"\xb0\xa1"]), max_size=60))
def test_the_decoder_survives_truncated_and_unknown_commands(parts: list[bytes]) -> None:
    doc = decode(b"".join(parts))
    assert isinstance(doc.items, list)
