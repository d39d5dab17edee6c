"""The log scanner finds each kind of personal data and secret, and leaves ordinary lines alone."""
from __future__ import annotations

import pytest

from tests.log_scanner import scan


@pytest.mark.parametrize("line, kind", [
    ("member 13912345678 registered", "mobile"),
    ("tap: card 880000000001 attached", "card number"),
    ("lookup card_no=VIP0012345", "card number"),
    ("login failed pin=2222", "pin"),
    ("sending SMS code: 482913", "sms code"),
    ("验证码 602913 sent", "sms code"),
    ("loaded key 00112233445566778899AABBCCDDEEFF", "key"),
    ("enrolled with hq_Zx9KqLw83hsKJd92jskQ0aP", "api key"),
    ("mifare_sector_key=5A1B2C3D4E5F", "key"),
    ("-----BEGIN PRIVATE KEY----- MC4CAQAw", "private key"),
])
def test_each_kind_of_leak_is_found(line: str, kind: str) -> None:
    hits = scan(line)
    assert kind in {h.kind for h in hits}
    assert all(len(h.text) <= 5 for h in hits)          # the report redacts what it found


@pytest.mark.parametrize("line", [
    "sale 0190f000-0000-7000-8000-000000000001 committed (total 7040 fen, 3 lines)",
    "card tapped on POS Test PCD 00 00: mifare_classic_1k",
    "published head-office signing key 1a2b3c4d5e6f7a8b",
    "pushed 500 events (acked to 1234)",
    "receipt S001-T01-20261128-0007 printed",
    "published head-office signing key a6312345678901272",      # digits inside a hex key id
    "refused event 2236104987765436 seq 3 from till S001/T01: malformed",
])
def test_ordinary_lines_pass(line: str) -> None:
    assert scan(line) == []


def test_uids_may_appear_at_debug_but_card_numbers_are_checked_above_it() -> None:
    assert scan("card UID 04a1b2c3d4e5f6", card_numbers=False) == []
    assert scan("card 880000000001", card_numbers=False) == []
    assert scan("card 880000000001")
