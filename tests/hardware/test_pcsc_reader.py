"""IC member cards through the real PC/SC stack: our pcscd + vpcd + a virtual Mifare Classic 1K."""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pytest

from hardware.mifare import KeyType, MifareClassic, SectorKey
from hardware.pcsc_errors import (AuthenticationFailed, BlockReadFailed, BlockWriteFailed,
                                  CardChanged, CardRemovedDuringOperation, ChipNotOurs,
                                  NoCardPresent, UnsafeBlock)
from hardware.pcsc_reader import PcscCardWatcher, PcscIcCardReader, open_card, read_uid
from pos_app.domain.card_block import (CardForged, CardSuperseded, MemberBlockMissing,
                                       encode_member_block, verify_member_block)
from pos_app.domain.ic_card import (CardProblem, CardTap, IcCardType, ReaderState, ReaderStatus,
                                    uid_lookup_keys)
from tests.simulators.vpcd_card import (ATR_CLASSIC_4K, ATR_DESFIRE, ATR_ULTRALIGHT,
                                        VpcdCardSimulator, access_bits)

if TYPE_CHECKING:  # conftest is pytest's, not importable by name when several exist
    from conftest import Cards, EventLog, PcscdRig

pytestmark = pytest.mark.pcsc

UID_A = bytes.fromhex("A1B2C3D4")
UID_B = bytes.fromhex("0BADCAFE")
MEMBER_SECTOR = 1
SECTOR_KEY_A = bytes.fromhex("5A1B2C3D4E5F")
SECTOR_KEY_B = bytes.fromhex("B0B1B2B3B4B5")
MASTER_KEY = bytes.fromhex("00112233445566778899AABBCCDDEEFF0123456789ABCDEF")
# Issued sector: data blocks read with A or B, written with B only (C=100); trailer C=011
# (keys and access bits changed with B only, key B unreadable so it can authenticate).
ISSUED_ACCESS = access_bits([(1, 0, 0), (1, 0, 0), (1, 0, 0), (0, 1, 1)])


def member_reader(pcsc: PcscdRig, poll_timeout: float = 0.5) -> PcscIcCardReader:
    """The adapter as ui/main.py would build it from settings."""
    return PcscIcCardReader(pcsc.reader(0), MEMBER_SECTOR, SECTOR_KEY_A, SECTOR_KEY_B,
                            poll_timeout=poll_timeout)


def issued_image_keys(card_sim: VpcdCardSimulator) -> None:
    """What our issuing step leaves on a card: the member sector keyed with our keys."""
    card_sim.card.set_trailer(MEMBER_SECTOR, SECTOR_KEY_A, ISSUED_ACCESS, SECTOR_KEY_B)


def start_watcher(pcsc: PcscdRig, events: EventLog, slot: int = 0) -> PcscCardWatcher:
    watcher = PcscCardWatcher(events.record("present"), events.record("removed"),
                              events.record("state"), reader=pcsc.reader(slot), poll_timeout=0.2,
                              retry_delay=0.2)
    watcher.start()
    events.wait_for("state", lambda s: s == ReaderStatus(pcsc.reader(slot), ReaderState.CONNECTED))
    return watcher


def test_a_tap_and_a_removal_are_reported_with_uid_atr_and_type(pcsc: PcscdRig, cards: Cards,
                                                                 event_log: EventLog) -> None:
    watcher = start_watcher(pcsc, event_log)
    try:
        card = cards.new(UID_A)
        card.insert()
        tap = event_log.wait_for("present")
        assert isinstance(tap, CardTap)
        assert (tap.reader, tap.uid, tap.card_type) == (pcsc.reader(0), UID_A,
                                                        IcCardType.MIFARE_CLASSIC_1K)
        assert tap.atr == bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
        card.remove()
        assert event_log.wait_for("removed") == pcsc.reader(0)
    finally:
        assert watcher.stop(timeout=2)


def test_a_quick_swap_of_two_classic_cards_reports_the_second_uid(pcsc: PcscdRig, cards: Cards,
                                                                   event_log: EventLog) -> None:
    # Both cards have the same ATR: pyscard's CardMonitor would see no change (§2.3).
    watcher = start_watcher(pcsc, event_log)
    try:
        first, second = cards.new(UID_A), cards.new(UID_B)
        first.insert()
        event_log.wait_for("present", lambda t: t.uid == UID_A)
        mark = event_log.mark()
        first.remove()
        second.insert()
        tap = event_log.wait_for("present", lambda t: True, after=mark)
        assert tap.uid == UID_B
        assert "removed" in event_log.kinds()[mark:]
    finally:
        watcher.stop()


def test_the_uid_is_read_and_gives_every_legacy_lookup_form(pcsc: PcscdRig, cards: Cards) -> None:
    card = cards.new(UID_A)
    cards.tap(card)
    uid = read_uid(pcsc.reader(0))
    assert uid == UID_A
    assert uid_lookup_keys(uid) == ("A1B2C3D4", "2712847316", "3569595041")
    # A reader setting may hold only the stable part of the name.
    assert read_uid("POS Test PCD") == UID_A


def test_reading_an_empty_reader_says_no_card(pcsc: PcscdRig, cards: Cards) -> None:
    with pytest.raises(NoCardPresent):
        read_uid(pcsc.reader(1))


@pytest.mark.parametrize(("atr", "expected"), [
    (ATR_CLASSIC_4K, IcCardType.MIFARE_CLASSIC_4K),
    (ATR_ULTRALIGHT, IcCardType.ULTRALIGHT),
    (ATR_DESFIRE, IcCardType.ISO14443_4),
])
def test_the_card_type_comes_from_the_atr_pcscd_reports(pcsc: PcscdRig, cards: Cards, event_log: EventLog,
                                                        atr: bytes, expected: IcCardType) -> None:
    watcher = start_watcher(pcsc, event_log, slot=1)
    try:
        cards.new(UID_B, slot=1, atr=atr).insert()
        tap = event_log.wait_for("present")
        assert (tap.card_type, tap.atr, tap.reader) == (expected, atr, pcsc.reader(1))
    finally:
        watcher.stop()


def test_the_right_sector_key_opens_the_sector_and_a_wrong_one_is_refused(pcsc: PcscdRig,
                                                                          cards: Cards) -> None:
    card = cards.new(UID_A)
    issued_image_keys(card)
    card.card.blocks[4][:] = b"member data 0004"
    cards.tap(card)
    with open_card(pcsc.reader(0)) as channel:
        session = MifareClassic(channel.transmit)
        with pytest.raises(AuthenticationFailed) as caught:
            session.authenticate(4, SectorKey(b"\xff" * 6, KeyType.A))
        assert (caught.value.sw, caught.value.block, caught.value.key_type) == (0x6300, 4, "A")
        # After a failed authentication the card is halted: nothing answers, not even the
        # right key, until the field is reset (MF1S50 §8.6).
        with pytest.raises(BlockReadFailed):
            session.read_block(4)
        with pytest.raises(AuthenticationFailed):
            session.authenticate(4, SectorKey(SECTOR_KEY_A, KeyType.A))
    with open_card(pcsc.reader(0), reset_first=True) as channel:
        session = MifareClassic(channel.transmit)
        session.authenticate(4, SectorKey(SECTOR_KEY_A, KeyType.A))
        assert session.read_block(4) == b"member data 0004"
        # The issued access bits let key A read but not write the member data.
        with pytest.raises(BlockWriteFailed):
            session.update_block(4, bytes(16))
        assert session.read_block(4) == b"member data 0004"
        # Authentication covers one sector only.
        with pytest.raises(BlockReadFailed):
            session.read_block(8)
        # The manufacturer block is read-only even with the right key.
        session.authenticate(1, SectorKey(b"\xff" * 6, KeyType.A))
        with pytest.raises(BlockWriteFailed):
            session.update_block(0, bytes(16))


def test_issuing_provisions_a_blank_card_and_writes_a_block_that_verifies_on_the_next_tap(
        pcsc: PcscdRig, cards: Cards, event_log: EventLog) -> None:
    card = cards.new(UID_A)  # factory card: transport access bits, key FF FF FF FF FF FF
    reader = member_reader(pcsc, poll_timeout=0.2)
    reader.start(event_log.record("present"), event_log.record("removed"), event_log.record("state"))
    try:
        card.insert()
        tap = event_log.wait_for("present")
        block = encode_member_block("8800012345678", 1, tap.uid, MASTER_KEY)
        reader.write_member_block(tap, block)
        assert bytes(card.card.blocks[4]) == block
        trailer = bytes(card.card.blocks[7])
        assert (trailer[:6], trailer[6:10], trailer[10:]) == (SECTOR_KEY_A, ISSUED_ACCESS, SECTOR_KEY_B)

        mark = event_log.mark()
        card.remove()
        card.insert()
        again = event_log.wait_for("present", after=mark)
        found = verify_member_block(reader.read_member_block(again), again.uid, "8800012345678", 1,
                                    MASTER_KEY)
        assert (found.card_no, found.generation) == ("8800012345678", 1)
        # Rewriting an issued card uses key B directly (no second provisioning).
        reader.write_member_block(again, encode_member_block("8800012345678", 2, again.uid, MASTER_KEY))
        assert verify_member_block(reader.read_member_block(again), again.uid, "8800012345678", 2,
                                   MASTER_KEY).generation == 2
    finally:
        reader.stop()


def test_one_configured_sector_key_serves_as_key_a_and_key_b(pcsc: PcscdRig, cards: Cards) -> None:
    # Settings may hold a single sector key (security.mifare_sector_key).
    card = cards.new(UID_A)
    cards.tap(card)
    reader = PcscIcCardReader(pcsc.reader(0), MEMBER_SECTOR, SECTOR_KEY_A)
    tap = CardTap(pcsc.reader(0), UID_A, b"", IcCardType.MIFARE_CLASSIC_1K)
    block = encode_member_block("42", 7, UID_A, MASTER_KEY)
    reader.write_member_block(tap, block)
    assert bytes(card.card.blocks[7]) == SECTOR_KEY_A + ISSUED_ACCESS + SECTOR_KEY_A
    reader.write_member_block(tap, block)  # a second write authenticates with key B directly
    assert reader.read_member_block(tap) == block


def test_a_card_of_another_system_is_neither_provisioned_nor_written(pcsc: PcscdRig, cards: Cards) -> None:
    foreign = cards.new(UID_B)
    foreign.card.set_trailer(MEMBER_SECTOR, bytes.fromhex("A0A1A2A3A4A5"), ISSUED_ACCESS,
                             bytes.fromhex("B0B1B2B3B4B6"))
    before = [bytes(b) for b in foreign.card.blocks]
    cards.tap(foreign)
    tap = CardTap(pcsc.reader(0), UID_B, b"", IcCardType.MIFARE_CLASSIC_1K)
    with pytest.raises(ChipNotOurs) as caught:
        member_reader(pcsc).write_member_block(tap, encode_member_block("1", 1, UID_B, MASTER_KEY))
    assert caught.value.problem is CardProblem.NOT_OURS and caught.value.untouched
    assert [bytes(b) for b in foreign.card.blocks] == before


def test_a_blank_clone_of_the_uid_is_refused(pcsc: PcscdRig, cards: Cards) -> None:
    original = cards.new(UID_A)
    issued_image_keys(original)
    clone = cards.adopt(original.clone(with_data=False))  # a magic card with our UID only
    cards.tap(clone)
    tap = CardTap(pcsc.reader(0), UID_A, b"", IcCardType.MIFARE_CLASSIC_1K)
    # Our key fails, the transport key opens it: it reads as blank, which no block verifies.
    with pytest.raises(MemberBlockMissing):
        verify_member_block(member_reader(pcsc).read_member_block(tap), UID_A, "8800012345678",
                            1, MASTER_KEY)


def test_a_clone_with_cracked_keys_but_no_block_or_a_forged_block_is_refused(pcsc: PcscdRig,
                                                                           cards: Cards) -> None:
    clone = cards.new(UID_A)
    issued_image_keys(clone)  # the attacker recovered the sector keys (Crypto1 is broken)
    cards.tap(clone)
    reader = member_reader(pcsc)
    tap = CardTap(pcsc.reader(0), UID_A, b"", IcCardType.MIFARE_CLASSIC_1K)
    with pytest.raises(MemberBlockMissing):
        verify_member_block(reader.read_member_block(tap), UID_A, "8800012345678", 1, MASTER_KEY)
    # Without the master key the best an attacker can do is sign with a key of their own.
    forged = encode_member_block("8800012345678", 1, UID_A, b"attacker-guess-key-0123456789")
    reader.write_member_block(tap, forged)
    with pytest.raises(CardForged):
        verify_member_block(reader.read_member_block(tap), UID_A, "8800012345678", 1, MASTER_KEY)


def test_a_copy_of_a_replaced_card_is_refused_as_superseded(pcsc: PcscdRig, cards: Cards) -> None:
    card = cards.new(UID_A)
    issued_image_keys(card)
    cards.tap(card)
    reader = member_reader(pcsc)
    tap = CardTap(pcsc.reader(0), UID_A, b"", IcCardType.MIFARE_CLASSIC_1K)
    reader.write_member_block(tap, encode_member_block("8800012345678", 1, UID_A, MASTER_KEY))
    cards.take_off(card)
    dump = cards.adopt(card.clone(with_data=True))  # a full dump made before the reissue
    cards.tap(dump)
    # The database now knows generation 2 (补卡 reissued this card number).
    with pytest.raises(CardSuperseded) as caught:
        verify_member_block(reader.read_member_block(tap), UID_A, "8800012345678", 2, MASTER_KEY)
    assert (caught.value.card_generation, caught.value.current_generation) == (1, 2)


def test_a_card_swapped_between_tap_and_write_is_not_written(pcsc: PcscdRig, cards: Cards) -> None:
    other = cards.new(UID_B)
    issued_image_keys(other)
    cards.tap(other)
    reader = member_reader(pcsc)
    tapped = CardTap(pcsc.reader(0), UID_A, b"", IcCardType.MIFARE_CLASSIC_1K)
    with pytest.raises(CardChanged):
        reader.write_member_block(tapped, encode_member_block("1", 1, UID_A, MASTER_KEY))
    assert bytes(other.card.blocks[4]) == bytes(16)


def test_a_card_pulled_away_during_the_write_is_a_typed_error(pcsc: PcscdRig, cards: Cards) -> None:
    card = cards.new(UID_A)
    issued_image_keys(card)
    card.leave_on = lambda apdu: apdu[:2] == b"\xff\xd6"  # gone at UPDATE BINARY
    cards.tap(card)
    tap = CardTap(pcsc.reader(0), UID_A, b"", IcCardType.MIFARE_CLASSIC_1K)
    with pytest.raises(CardRemovedDuringOperation) as caught:
        member_reader(pcsc).write_member_block(tap, encode_member_block("1", 1, UID_A, MASTER_KEY))
    assert caught.value.reader == pcsc.reader(0)
    assert caught.value.problem is CardProblem.REMOVED and not caught.value.untouched
    assert bytes(card.card.blocks[4]) == bytes(16)


def test_the_adapter_refuses_a_trailer_as_member_block() -> None:
    with pytest.raises(UnsafeBlock):
        PcscIcCardReader("any", MEMBER_SECTOR, SECTOR_KEY_A, SECTOR_KEY_B, block_index=3)


def test_a_failing_callback_does_not_stop_the_watcher(pcsc: PcscdRig, cards: Cards,
                                                      event_log: EventLog) -> None:
    calls: list[CardTap] = []

    def flaky(tap: CardTap) -> None:
        calls.append(tap)
        event_log.record("present")(tap)
        if len(calls) == 1:
            raise RuntimeError("bug in a slot")

    watcher = PcscCardWatcher(flaky, event_log.record("removed"), reader=pcsc.reader(0), poll_timeout=0.2)
    watcher.start()
    try:
        card = cards.new(UID_A)
        card.insert()
        event_log.wait_for("present")
        card.remove()
        event_log.wait_for("removed")
        mark = event_log.mark()
        card.insert()
        event_log.wait_for("present", after=mark)
        assert len(calls) == 2 and watcher.running
    finally:
        watcher.stop()


def test_the_watcher_stops_promptly(pcsc: PcscdRig, event_log: EventLog) -> None:
    watcher = PcscCardWatcher(event_log.record("present"), reader=pcsc.reader(0), poll_timeout=5.0)
    watcher.start()
    time.sleep(0.3)  # let it block inside SCardGetStatusChange
    started = time.monotonic()
    assert watcher.stop(timeout=3)
    assert time.monotonic() - started < 1.5  # SCardCancel wakes it; no 5 s wait


def test_the_watcher_survives_a_pcscd_restart(pcsc: PcscdRig, cards: Cards, event_log: EventLog) -> None:
    watcher = start_watcher(pcsc, event_log)
    try:
        card = cards.new(UID_A)
        card.insert()
        event_log.wait_for("present")
        mark = event_log.mark()

        pcsc.stop()
        assert card.disconnected.wait(5)  # vpcd went away with pcscd: the card is off
        event_log.wait_for("removed", after=mark)
        event_log.wait_for("state", lambda s: s.state is ReaderState.SERVICE_DOWN, after=mark)

        pcsc.start()
        event_log.wait_for("state", lambda s: s == ReaderStatus(pcsc.reader(0), ReaderState.CONNECTED),
                           after=mark)
        after_restart = event_log.mark()
        card.insert()
        tap = event_log.wait_for("present", after=after_restart)
        assert tap.uid == UID_A and watcher.running
    finally:
        watcher.stop()


def test_a_watcher_started_before_pcscd_reports_taps_once_it_runs(pcsc: PcscdRig, cards: Cards,
                                                                  event_log: EventLog) -> None:
    pcsc.stop()  # a till booting before the PC/SC service (or with it crashed)
    watcher = PcscCardWatcher(event_log.record("present"), event_log.record("removed"),
                              event_log.record("state"), reader=pcsc.reader(0), poll_timeout=0.2,
                              retry_delay=0.2)
    watcher.start()
    try:
        assert event_log.wait_for("state") == ReaderStatus(None, ReaderState.SERVICE_DOWN)
        time.sleep(0.6)  # several retries while the service stays down
        pcsc.start()
        connected = ReaderStatus(pcsc.reader(0), ReaderState.CONNECTED)
        event_log.wait_for("state", lambda s: s == connected)
        cards.new(UID_B).insert()
        assert event_log.wait_for("present").uid == UID_B
        # Down is reported once per outage, not once per retry.
        states = [p for k, p in event_log.events if k == "state"]
        assert states[:2] == [ReaderStatus(None, ReaderState.SERVICE_DOWN), connected]
    finally:
        watcher.stop()


def test_keys_never_reach_the_log_and_uids_only_at_debug(pcsc: PcscdRig, cards: Cards, event_log: EventLog,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    reader = member_reader(pcsc, poll_timeout=0.2)
    reader.start(event_log.record("present"), event_log.record("removed"), event_log.record("state"))
    try:
        card = cards.new(UID_A)
        card.insert()
        tap = event_log.wait_for("present")
        reader.write_member_block(tap, encode_member_block("8800012345678", 1, UID_A, MASTER_KEY))
        reader.read_member_block(tap)
        card.remove()
        event_log.wait_for("removed")
    finally:
        reader.stop()
    secrets = [SECTOR_KEY_A, SECTOR_KEY_B, MASTER_KEY]
    for record in caplog.records:
        text = record.getMessage() + repr(record.args)
        for secret in secrets:
            assert secret.hex() not in text.lower() and str(secret) not in text
        if record.levelno > logging.DEBUG:
            assert UID_A.hex() not in text.lower()
    assert any(UID_A.hex() in r.getMessage().lower() for r in caplog.records
               if r.levelno == logging.DEBUG)  # the check above would pass vacuously otherwise
