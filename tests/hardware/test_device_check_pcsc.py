"""The settings screen's IC reader test on the real PC/SC stack: our pcscd, vpcd and a virtual card."""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pytest

from hardware.device_check import check_pcsc_reader, pcsc_reader_names

if TYPE_CHECKING:  # conftest is pytest's, not importable by name when several exist
    from conftest import Cards, PcscdRig

pytestmark = pytest.mark.pcsc

UID = bytes.fromhex("C0FFEE42")


def test_the_rig_reader_is_listed_and_found_by_its_stable_prefix(pcsc: PcscdRig, cards: Cards) -> None:
    assert pcsc.reader(0) in pcsc_reader_names()
    result = check_pcsc_reader("POS Test PCD")
    assert result.ok and result.values == (pcsc.reader(0),)


def test_the_check_says_whether_a_card_is_on_the_reader_without_reading_it(
        pcsc: PcscdRig, cards: Cards, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert check_pcsc_reader(pcsc.reader(0)).key == "no_card"
    card = cards.new(UID)
    cards.tap(card)
    result = check_pcsc_reader(pcsc.reader(0))
    assert (result.ok, result.key, result.values) == (True, "card_present", (pcsc.reader(0),))
    # Presence only: no APDU reached the card, and its UID is in no result and no log line.
    assert card.apdu_log == []
    assert UID.hex() not in repr(result).lower() and UID.hex() not in caplog.text.lower()
    cards.take_off(card)
    assert check_pcsc_reader(pcsc.reader(0)).key == "no_card"


def test_an_unknown_reader_name_and_a_stopped_service_fail_clearly(pcsc: PcscdRig) -> None:
    missing = check_pcsc_reader("ACS ACR122U")
    assert (missing.ok, missing.key, missing.values) == (False, "reader_not_found", ("ACS ACR122U",))
    pcsc.stop()
    try:
        started = time.monotonic()
        down = check_pcsc_reader("")
        assert (down.ok, down.key) == (False, "pcsc_unavailable")
        assert time.monotonic() - started < 5
    finally:
        pcsc.start()
