"""Issuing IC cards with every chip and every interruption, on pcscd + the extended simulator.

Each test here failed before the issuing flow was fixed (issue 18, item 7): a UID card number
that v1 could not carry, recovery that abandoned a written chip after a hurried tap, reader
problems reported as forged cards, a card fee without a shift, stale intents.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from hardware.pcsc_errors import CardRemovedDuringOperation, ChipNotOurs, PcscUnavailable
from hardware.pcsc_reader import PcscIcCardReader
from pos_app.domain.card_block import CardForged
from pos_app.domain.errors import PermissionDenied, ShiftNotOpen, ValidationFailed
from pos_app.domain.ic_card import CardIoError, CardProblem, CardTap, IcCardType, uid_hex
from pos_app.domain.rules import default_rule_set
from pos_app.services.cards import MemberForm
from pos_app.services.ic_cards import INTENT, CardWriteUnfinished, IcCardService
from tests.ic_support import Chain
from tests.simulators.vpcd_card import (ATR_CLASSIC_4K, FACTORY_KEY, MifareClassic1K,
                                        MifareClassic4K)
from ui.card_ic import ReaderIcCardDesk

if TYPE_CHECKING:
    from conftest import Cards, PcscdRig

pytestmark = pytest.mark.pcsc

UID4 = bytes.fromhex("11223344")
UID7 = bytes.fromhex("04A1B2C3D4E5F6")
KEY_A = bytes.fromhex("5A1B2C3D4E5F")
KEY_B = bytes.fromhex("B0B1B2B3B4B5")
FORM = MemberForm("周敏", "13912345678")
UPDATE, READ = 0xD6, 0xB0


def tap_of(pcsc: PcscdRig, uid: bytes, card_type: IcCardType = IcCardType.MIFARE_CLASSIC_1K
           ) -> CardTap:
    return CardTap(pcsc.reader(0), uid, b"", card_type)


@pytest.fixture
def chain() -> Chain:
    return Chain()


@pytest.fixture
def service(stocked, chain: Chain) -> IcCardService:
    s = stocked.services
    return IcCardService(stocked.uow, stocked.clock, s.ids, s.cards, s.selling,
                         chain.codec(chain.till()))


@pytest.fixture
def reader(pcsc: PcscdRig) -> PcscIcCardReader:
    return PcscIcCardReader(pcsc.reader(0), 1, KEY_A, KEY_B)


def intents(stocked) -> list[tuple[str, dict]]:
    """Every write intent ever recorded, open or not."""
    with stocked.uow() as uow:
        return [(t, d) for t, d, _ in uow.audit.open_intents(INTENT, ())]


def open_intents(stocked) -> list[str]:
    with stocked.uow() as uow:
        return [t for t, _, _ in uow.audit.open_intents(
            INTENT, ("ic_write_done", "ic_write_abandoned", "ic_write_superseded"))]


def member_blocks_blank(image: MifareClassic1K) -> bool:
    return all(bytes(image.blocks[b]) == bytes(16) for b in (4, 5, 6, 8, 9, 10))


# -- the card number ---------------------------------------------------------------------

def test_a_blank_card_number_issues_the_7_byte_uid_of_a_4k_card_in_hex(stocked, pcsc, cards,
                                                                       service, reader) -> None:
    card = cards.new(UID7, atr=ATR_CLASSIC_4K, image=MifareClassic4K(UID7))
    cards.tap(card)
    tap = tap_of(pcsc, UID7, IcCardType.MIFARE_CLASSIC_4K)
    desk = ReaderIcCardDesk(service, reader, lambda: tap)
    slip = desk.issue(stocked.manager, FORM, "")            # the screen's "use the chip's UID"
    assert slip.card_no == "04A1B2C3D4E5F6"
    member = service.member_for_tap(tap, reader)
    assert member.card.card_no == "04A1B2C3D4E5F6" and member.account.name == "周敏"


def test_long_and_lettered_card_numbers_fit_the_v2_record(stocked, pcsc, cards, service,
                                                          reader) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    long_no = "VIP2026SHANGHAI0001ABCDEFGH77"          # 29 characters: three sectors
    service.issue(stocked.manager, FORM, long_no, tap_of(pcsc, UID4), reader)
    assert service.member_for_tap(tap_of(pcsc, UID4), reader).card.card_no == long_no
    assert bytes(card.card.blocks[12]) != bytes(16)      # the record runs into sector 3


def test_a_card_number_the_chip_cannot_carry_is_refused_before_anything_is_recorded(
        stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    for bad in ("X" * 65, "88 00", ""):
        with pytest.raises(ValidationFailed) as caught:
            service.issue(stocked.manager, FORM, bad, tap_of(pcsc, UID4), reader)
        assert caught.value.field == "card_no"
    assert intents(stocked) == []
    assert member_blocks_blank(card.card) and card.apdu_log == []


# -- preconditions before the chip is written ----------------------------------------------

def test_a_card_fee_without_an_open_shift_is_refused_before_the_chip_is_written(
        stocked, pcsc, cards, service, reader) -> None:
    stocked.set_rules(default_rule_set(2).with_changes(card_fee_fen=1_000))
    card = cards.new(UID4)
    cards.tap(card)
    with pytest.raises(ShiftNotOpen):
        service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert intents(stocked) == [] and member_blocks_blank(card.card)
    stocked.open_shift()
    slip = service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert slip.fee_fen == 1_000


def test_a_cashier_cannot_issue_and_nothing_touches_the_chip(stocked, pcsc, cards, service,
                                                             reader) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    with pytest.raises(PermissionDenied):
        service.issue(stocked.cashier, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert intents(stocked) == [] and card.apdu_log == []


# -- interruptions: intents closed only on proof -------------------------------------------

class CrashAfterWrite:
    """The real reader, but the till dies right after the chip write (before step 3)."""

    def __init__(self, real: PcscIcCardReader) -> None:
        self.real = real

    def write_member_block(self, tap: CardTap, block: bytes) -> None:
        self.real.write_member_block(tap, block)
        raise SystemExit("power cut")

    def read_member_block(self, tap: CardTap) -> bytes:
        return self.real.read_member_block(tap)


def test_a_hurried_tap_after_an_unfinished_issue_keeps_the_intent_and_the_next_tap_completes_it(
        stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    with pytest.raises(SystemExit):
        service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), CrashAfterWrite(reader))
    assert len(open_intents(stocked)) == 1
    card.leave_on = lambda apdu: apdu[1] == READ        # pulled away during the read
    with pytest.raises(CardIoError) as caught:
        service.member_for_tap(tap_of(pcsc, UID4), reader)
    assert caught.value.problem is CardProblem.REMOVED
    assert not isinstance(caught.value, CardForged) and len(open_intents(stocked)) == 1
    cards.take_off(card)
    cards.tap(card)
    member = service.member_for_tap(tap_of(pcsc, UID4), reader)
    assert member.card.card_no == "660001" and member.account.name == "周敏"
    assert open_intents(stocked) == []


def test_a_card_pulled_after_the_write_took_effect_is_finished_by_the_next_tap(
        stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    # The last block written (the record's first) reaches the chip, the answer never comes.
    card.leave_after = lambda apdu: apdu[1] == UPDATE and apdu[3] == 4
    with pytest.raises(CardWriteUnfinished) as caught:
        service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert caught.value.problem is CardProblem.REMOVED and len(open_intents(stocked)) == 1
    cards.take_off(card)
    cards.tap(card)
    assert service.member_for_tap(tap_of(pcsc, UID4), reader).card.card_no == "660001"


def test_a_card_pulled_before_the_write_took_effect_is_abandoned_on_the_next_good_read(
        stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    card.leave_on = lambda apdu: apdu[1] == UPDATE and apdu[3] % 4 != 3   # data, not a trailer
    with pytest.raises(CardWriteUnfinished):
        service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    cards.take_off(card)
    cards.tap(card)
    with pytest.raises(CardForged):                        # a good read: the chip is blank
        service.member_for_tap(tap_of(pcsc, UID4), reader)
    assert open_intents(stocked) == []


@pytest.mark.parametrize("status", [b"\x63\x00", b"\x69\x82"])
def test_a_failed_read_asks_for_another_tap_instead_of_calling_the_card_forged(
        stocked, pcsc, cards, service, reader, status: bytes) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    card.answer_on = lambda apdu: status if apdu[1] == READ else None
    with pytest.raises(CardIoError) as caught:
        service.member_for_tap(tap_of(pcsc, UID4), reader)
    assert caught.value.problem is CardProblem.FAILED and not isinstance(caught.value, CardForged)
    card.answer_on = None
    assert service.member_for_tap(tap_of(pcsc, UID4), reader).card.card_no == "660001"


def test_a_reader_without_the_command_says_so(stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID4, unsupported=frozenset({0x86}))   # no GENERAL AUTHENTICATE
    cards.tap(card)
    with pytest.raises(CardIoError) as caught:
        service.member_for_tap(tap_of(pcsc, UID4), reader)
    assert caught.value.problem is CardProblem.UNSUPPORTED
    with pytest.raises(CardIoError) as caught:
        service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert caught.value.problem is CardProblem.UNSUPPORTED and caught.value.untouched
    assert open_intents(stocked) == []                   # nothing written: closed at once


def test_a_pcscd_restart_during_a_tap_asks_for_another_tap_and_the_card_stays_usable(
        stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID4, stays_on_reader=True)
    cards.tap(card)
    service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    pcsc.stop()
    with pytest.raises(PcscUnavailable) as caught:
        service.member_for_tap(tap_of(pcsc, UID4), reader)
    assert caught.value.problem is CardProblem.SERVICE
    with pytest.raises(PcscUnavailable) as caught:          # an issue while it is down
        service.issue(stocked.manager, MemberForm("李雷", "13600000000"), "660002",
                      tap_of(pcsc, UID7), reader)
    assert caught.value.untouched and open_intents(stocked) == []
    pcsc.start()
    assert card.connected.wait(10)                           # still lying on the reader
    from tests.hardware.conftest import wait_reader_state
    wait_reader_state(pcsc.reader(0), present=True)
    assert service.member_for_tap(tap_of(pcsc, UID4), reader).card.card_no == "660001"
    assert card.reconnects >= 1


def test_a_foreign_card_closes_its_intent_at_once_and_is_not_called_a_reader_fault(
        stocked, pcsc, cards, service, reader) -> None:
    image = MifareClassic1K(uid=UID4)
    from hardware.mifare import MEMBER_SECTOR_ACCESS
    image.set_trailer(1, bytes.fromhex("A0A1A2A3A4A5"), MEMBER_SECTOR_ACCESS,
                      bytes.fromhex("C0C1C2C3C4C5"))
    card = cards.new(UID4, image=image)
    cards.tap(card)
    with pytest.raises(ChipNotOurs):
        service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert open_intents(stocked) == [] and len(intents(stocked)) == 1
    with pytest.raises(CardForged):
        service.member_for_tap(tap_of(pcsc, UID4), reader)


def test_retrying_an_interrupted_issue_supersedes_the_stale_intent(stocked, pcsc, cards,
                                                                   service, reader) -> None:
    card = cards.new(UID4)
    cards.tap(card)
    card.leave_on = lambda apdu: apdu[1] == UPDATE and apdu[3] % 4 != 3
    with pytest.raises(CardWriteUnfinished):
        service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    cards.take_off(card)
    cards.tap(card)
    slip = service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert slip.card_no == "660001" and open_intents(stocked) == []
    # Later taps and recoveries never try to complete the stale intent ("already bound").
    assert service.recover(tap_of(pcsc, UID4), reader) is None
    assert service.member_for_tap(tap_of(pcsc, UID4), reader).card.card_no == "660001"


# -- chips that behave like real ones ------------------------------------------------------

def test_a_transport_card_whose_key_b_is_readable_is_provisioned_not_refused(
        stocked, pcsc, cards, service) -> None:
    # Settings whose key B is the transport key: on a factory card it authenticates (it is
    # readable) and then every write is refused (MF1S50 §8.7.2) - the sector is provisioned.
    reader = PcscIcCardReader(pcsc.reader(0), 1, KEY_A, FACTORY_KEY)
    card = cards.new(UID4)
    cards.tap(card)
    service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert service.member_for_tap(tap_of(pcsc, UID4), reader).card.card_no == "660001"


def test_a_blank_tap_silences_the_card_but_issuing_right_after_still_works(
        stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID7, atr=ATR_CLASSIC_4K, image=MifareClassic4K(UID7))
    cards.tap(card)
    tap = tap_of(pcsc, UID7, IcCardType.MIFARE_CLASSIC_4K)
    with pytest.raises(CardForged):                        # our key fails: the card halts
        service.member_for_tap(tap, reader)
    slip = service.issue(stocked.manager, FORM, uid_hex(UID7), tap, reader)
    assert slip.card_no == uid_hex(UID7)


def test_slow_answers_are_waited_for(stocked, pcsc, cards, service, reader) -> None:
    card = cards.new(UID4, delay=0.03)
    cards.tap(card)
    service.issue(stocked.manager, FORM, "660001", tap_of(pcsc, UID4), reader)
    assert service.member_for_tap(tap_of(pcsc, UID4), reader).card.card_no == "660001"
