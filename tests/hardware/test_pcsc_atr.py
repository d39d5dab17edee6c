"""ATR identification, UID forms and Mifare APDU bytes (pure; no pcscd needed)."""
from __future__ import annotations

import inspect

import pytest

from hardware.mifare import (KeyType, SectorKey, apdu_authenticate, apdu_get_uid, apdu_load_key,
                             apdu_read_block, apdu_update_block, data_block, first_block,
                             sector_of, trailer_block)
from hardware.pcsc_errors import ReaderUnavailable, UnsafeBlock
from hardware.pcsc_reader import NullIcCardReader, PcscIcCardReader, resolve_reader
from pos_app.domain.ic_card import (CardTap, IcCardType, identify_atr, parse_atr, parse_uid_hex,
                                    uid_decimal_lsb_first, uid_decimal_msb_first, uid_hex,
                                    uid_lookup_keys)
from pos_app.ports.ic_card import IcCardReader


def part3_atr(standard: int, card_name: int) -> str:
    """3B 8F 80 01 80 4F 0C <RID> SS C0 C1 00 00 00 00 TCK, TCK = XOR of T0..last byte."""
    body = (bytes.fromhex("8F8001804F0CA000000306") + bytes([standard])
            + card_name.to_bytes(2, "big") + bytes(4))
    tck = 0
    for byte in body:
        tck ^= byte
    return ("3B" + body.hex() + f"{tck:02X}").upper()


def test_the_part3_helper_reproduces_the_acs_1k_atr() -> None:
    assert part3_atr(0x03, 0x0001) == "3B8F8001804F0CA000000306030001000000006A"


@pytest.mark.parametrize(("atr_hex", "expected"), [
    # PC/SC Part 3 storage-card ATRs (hardware-protocols.md §2.2; the 1K one matches ACS readers).
    ("3B8F8001804F0CA000000306030001000000006A", IcCardType.MIFARE_CLASSIC_1K),
    ("3B8F8001804F0CA0000003060300020000000069", IcCardType.MIFARE_CLASSIC_4K),
    ("3B8F8001804F0CA0000003060300030000000068", IcCardType.ULTRALIGHT),
    (part3_atr(0x03, 0x0026), IcCardType.MIFARE_MINI),
    (part3_atr(0x03, 0xF004), IcCardType.TOPAZ),
    (part3_atr(0x11, 0xF011), IcCardType.FELICA),
    (part3_atr(0x03, 0x0077), IcCardType.STORAGE_OTHER),
    # ISO 14443-4: 3B 8N 80 01 <ATS historical bytes> TCK (DESFire EV1 as ACS readers show it).
    ("3B86800106757781028000", IcCardType.ISO14443_4),
    ("3B8180018080", IcCardType.ISO14443_4),
    # A contact card (T=0 CPU card) is none of the above.
    ("3B6800000073C84013009000", IcCardType.UNKNOWN),
    ("", IcCardType.UNKNOWN),
    ("00", IcCardType.UNKNOWN),
])
def test_the_atr_names_the_card_type(atr_hex: str, expected: IcCardType) -> None:
    assert identify_atr(bytes.fromhex(atr_hex)) is expected


def test_a_part3_atr_exposes_its_standard_and_card_name() -> None:
    info = parse_atr(bytes.fromhex("3B8F8001804F0CA000000306030001000000006A"))
    assert (info.standard, info.card_name, info.protocols) == (0x03, 0x0001, (0, 1))
    assert info.historical.hex().upper() == "804F0CA00000030603000100000000"


def test_uid_forms_for_legacy_decimal_card_numbers() -> None:
    uid = bytes.fromhex("A1B2C3D4")
    assert uid_hex(uid) == "A1B2C3D4"
    assert uid_decimal_msb_first(uid) == "2712847316"  # 0xA1B2C3D4
    assert uid_decimal_lsb_first(uid) == "3569595041"  # 0xD4C3B2A1
    assert uid_lookup_keys(uid) == ("A1B2C3D4", "2712847316", "3569595041")


def test_small_uids_keep_ten_digits_and_long_uids_have_no_decimal_form() -> None:
    assert uid_decimal_msb_first(bytes.fromhex("00000102")) == "0000000258"
    assert uid_lookup_keys(bytes.fromhex("04112233445566")) == ("04112233445566",)


def test_a_typed_uid_is_parsed_with_separators() -> None:
    assert parse_uid_hex("a1:b2 c3-d4") == bytes.fromhex("A1B2C3D4")
    with pytest.raises(ValueError):
        parse_uid_hex("A1B2C3")


def test_a_tap_repr_does_not_show_the_uid() -> None:
    tap = CardTap("r", bytes.fromhex("A1B2C3D4"), b"", IcCardType.MIFARE_CLASSIC_1K)
    assert "A1" not in repr(tap).upper().replace("READER", "")


def test_apdu_bytes_match_the_acr122u_api() -> None:
    key = bytes.fromhex("FFFFFFFFFFFF")
    assert apdu_get_uid().hex(" ").upper() == "FF CA 00 00 00"
    assert apdu_load_key(key).hex(" ").upper() == "FF 82 00 00 06 FF FF FF FF FF FF"
    assert apdu_authenticate(4, KeyType.A).hex(" ").upper() == "FF 86 00 00 05 01 00 04 60 00"
    assert apdu_authenticate(9, KeyType.B, 1).hex(" ").upper() == "FF 86 00 00 05 01 00 09 61 01"
    assert apdu_read_block(4).hex(" ").upper() == "FF B0 00 04 10"
    assert apdu_update_block(5, bytes(16)).hex(" ").upper() == "FF D6 00 05 10 " + " ".join(["00"] * 16)


def test_sector_arithmetic_covers_1k_and_4k_layouts() -> None:
    assert [first_block(s) for s in (0, 1, 15, 31, 32, 39)] == [0, 4, 60, 124, 128, 240]
    assert [trailer_block(s) for s in (0, 1, 32, 39)] == [3, 7, 143, 255]
    assert [sector_of(b) for b in (0, 7, 127, 128, 143, 144, 255)] == [0, 1, 31, 32, 32, 33, 39]


@pytest.mark.parametrize(("sector", "index"), [(0, 0), (1, 3), (2, 7)])
def test_member_data_never_goes_to_block_0_or_a_trailer(sector: int, index: int) -> None:
    with pytest.raises(UnsafeBlock):
        data_block(sector, index)


def test_a_sector_key_never_shows_in_its_repr() -> None:
    key = SectorKey(bytes.fromhex("A0A1A2A3A4A5"), KeyType.B)
    assert "A0A1" not in repr(key).upper() and "a0a1" not in repr(key)
    assert KeyType.parse(" b ") is KeyType.B
    with pytest.raises(ValueError):
        SectorKey(b"\x00" * 5)


def test_a_reader_setting_may_name_only_the_stable_prefix() -> None:
    readers = ["ACS ACR122U PICC Interface 00 00", "Virtual PCD 00 00"]
    assert resolve_reader(readers, "Virtual PCD") == "Virtual PCD 00 00"
    assert resolve_reader(readers, "ACS ACR122U PICC Interface 00 00") == readers[0]
    assert resolve_reader(readers, None) == readers[0]
    assert resolve_reader(readers, "Gemalto") is None


@pytest.mark.parametrize("adapter", [PcscIcCardReader, NullIcCardReader])
def test_the_adapters_implement_the_ic_card_port(adapter: type) -> None:
    for name in ("start", "stop", "read_member_block", "write_member_block"):
        wanted = inspect.signature(getattr(IcCardReader, name))
        got = inspect.signature(getattr(adapter, name))
        assert list(got.parameters) == list(wanted.parameters), name
        assert [p.default for p in got.parameters.values()] == [p.default for p in wanted.parameters.values()]


def test_a_till_without_a_reader_refuses_card_io() -> None:
    null = NullIcCardReader()
    null.start(lambda tap: None)
    tap = CardTap("r", b"\x01\x02\x03\x04", b"", IcCardType.MIFARE_CLASSIC_1K)
    with pytest.raises(ReaderUnavailable):
        null.read_member_block(tap)
    with pytest.raises(ReaderUnavailable):
        null.write_member_block(tap, bytes(16))
    null.stop()
