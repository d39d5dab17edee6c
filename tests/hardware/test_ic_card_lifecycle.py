"""IC member cards end to end on the real PC/SC stack: issue, pay, lose, replace, clones, crashes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hardware.pcsc_reader import PcscIcCardReader
from pos_app.domain.card_block import CardForged
from pos_app.domain.errors import CardBlocked, CardReplaced, UnknownCard
from pos_app.domain.ic_card import CardTap, IcCardType
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.cards import IdentityCheck, MemberForm
from pos_app.domain.till_keys import TillSigner
from pos_app.services.ic_cards import IcCardService
from tests.ic_support import Chain

if TYPE_CHECKING:
    from conftest import Cards, PcscdRig

pytestmark = pytest.mark.pcsc

ROOT = Path(__file__).resolve().parents[2]
UID_OLD = bytes.fromhex("11223344")
UID_NEW = bytes.fromhex("55667788")
KEY_A = bytes.fromhex("5A1B2C3D4E5F")
KEY_B = bytes.fromhex("B0B1B2B3B4B5")
MASTER = bytes.fromhex("00112233445566778899AABBCCDDEEFF0123456789ABCDEF")
ID_OK = IdentityCheck("13912345678", "880101")


def tap_of(pcsc: PcscdRig, uid: bytes) -> CardTap:
    return CardTap(pcsc.reader(0), uid, b"", IcCardType.MIFARE_CLASSIC_1K)


@pytest.fixture
def chain() -> Chain:
    return Chain()


@pytest.fixture
def till_key(chain: Chain) -> TillSigner:
    return chain.till()


@pytest.fixture
def ic(stocked, pcsc, chain: Chain, till_key: TillSigner):
    reader = PcscIcCardReader(pcsc.reader(0), 1, KEY_A, KEY_B)
    s = stocked.services
    return IcCardService(stocked.uow, stocked.clock, s.ids, s.cards, s.selling,
                         chain.codec(till_key)), reader


def test_issue_top_up_lose_replace_and_pay_with_the_moved_balance(stocked, pcsc, cards: Cards, ic):
    service, reader = ic
    old = cards.new(UID_OLD)
    cards.tap(old)
    slip = service.issue(stocked.manager, MemberForm("周敏", "13912345678", id_check="880101"),
                         "660001", tap_of(pcsc, UID_OLD), reader)
    assert slip.card_no == "660001"
    member = service.member_for_tap(tap_of(pcsc, UID_OLD), reader)
    assert member.account.name == "周敏" and member.card.uid == UID_OLD.hex().upper()
    stolen_copy = cards.adopt(old.clone(with_data=True))   # someone copied the whole chip
    cards.take_off(old)

    stocked.open_shift()
    stocked.services.members.top_up(stocked.manager, "660001", 30_000, TenderKind.CASH)
    stocked.services.cards.report_lost(stocked.manager, "660001", ID_OK)
    cards.tap(stolen_copy)
    with pytest.raises(CardBlocked):
        service.member_for_tap(tap_of(pcsc, UID_OLD), reader)
    cards.take_off(stolen_copy)

    new = cards.new(UID_NEW)
    cards.tap(new)
    slip = service.replace(stocked.manager, "660001", "660002", tap_of(pcsc, UID_NEW), reader,
                           ID_OK)
    assert slip.old_card_no == "660001" and slip.balance_fen == 30_000
    at_till = service.member_for_tap(tap_of(pcsc, UID_NEW), reader)
    assert at_till.card.generation == 2
    s = stocked.services.selling.new_session()
    s.add("REG100")
    s.attach_card(at_till.card.card_no)
    sale = s.complete([TenderInput(TenderKind.STORED_VALUE, 10_000)], stocked.cashier)
    assert sale.member.balance_after_fen == 20_000
    cards.take_off(new)

    cards.tap(stolen_copy)        # the copy of the old card: replaced for good
    with pytest.raises(CardReplaced):
        service.member_for_tap(tap_of(pcsc, UID_OLD), reader)


def test_a_clone_of_the_uid_without_our_block_is_refused(stocked, pcsc, cards: Cards, ic):
    service, reader = ic
    card = cards.new(UID_OLD)
    cards.tap(card)
    service.issue(stocked.manager, MemberForm("周敏", "13912345678"), "660001",
                  tap_of(pcsc, UID_OLD), reader)
    cards.take_off(card)
    forged = cards.new(UID_OLD)            # a blank magic card with the same UID
    cards.tap(forged)
    with pytest.raises(CardForged):
        service.member_for_tap(tap_of(pcsc, UID_OLD), reader)


def run_child(stocked, pcsc, when: str, chain: Chain, till_key: TillSigner
              ) -> subprocess.CompletedProcess:
    stocked.uow.engine.dispose()
    assert till_key.certificate is not None
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SECTOR_KEY_A": KEY_A.hex(),
           "SECTOR_KEY_B": KEY_B.hex(), "TILL_KEY": till_key.private_bytes().hex(),
           "TILL_CERT": json.dumps(till_key.certificate.to_json()),
           "HQ_KEYS": json.dumps(chain.trusted.to_document())}
    return subprocess.run([sys.executable, str(Path(__file__).with_name("ic_issue_child.py")),
                           str(stocked.data_dir), pcsc.reader(0), UID_OLD.hex(), when],
                          env=env, cwd=ROOT, capture_output=True, timeout=120)


def test_killed_after_the_chip_write_the_next_tap_completes_the_issue(stocked, pcsc, cards, ic,
                                                                      chain, till_key):
    service, reader = ic
    card = cards.new(UID_OLD)
    cards.tap(card)
    result = run_child(stocked, pcsc, "after_write", chain, till_key)
    assert result.returncode == -9, result.stderr
    assert stocked.services.selling.search_members("13511112222") == []   # not a member yet
    with pytest.raises(UnknownCard):
        stocked.services.selling.member_by_card("660001")
    member = service.member_for_tap(tap_of(pcsc, UID_OLD), reader)        # rolls forward
    assert member.account.name == "断电" and member.card.card_no == "660001"


def test_killed_before_the_chip_write_leaves_no_member_and_a_blank_chip(stocked, pcsc, cards, ic,
                                                                        chain, till_key):
    service, reader = ic
    card = cards.new(UID_OLD)
    cards.tap(card)
    result = run_child(stocked, pcsc, "before_write", chain, till_key)
    assert result.returncode == -9, result.stderr
    assert service.recover(tap_of(pcsc, UID_OLD), reader) is None          # abandoned
    with pytest.raises(UnknownCard):
        stocked.services.selling.member_by_card("660001")
    with pytest.raises(CardForged):
        service.member_for_tap(tap_of(pcsc, UID_OLD), reader)
    # The same member and chip can be issued again cleanly.
    service.issue(stocked.manager, MemberForm("断电", "13511112222"), "660001",
                  tap_of(pcsc, UID_OLD), reader)
    assert service.member_for_tap(tap_of(pcsc, UID_OLD), reader).card.card_no == "660001"
