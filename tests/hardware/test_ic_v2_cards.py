"""v2 member records on the PC/SC rig: v1 cards migrate on tap, a revoked till's cards are
re-signed or refused as the rule set says, and a till's stolen settings forge nothing."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest

from hardware.pcsc_reader import PcscIcCardReader
from pos_app.domain.card_block import (CardForged, IssuerRevoked, IssuerUnknown, V1BlockRefused,
                                       encode_member_block)
from pos_app.domain.ic_card import CardTap, IcCardType
from pos_app.domain.rules import default_rule_set
from pos_app.domain.till_keys import TillSigner
from pos_app.services.cards import CardBinding, MemberForm
from pos_app.services.ic_cards import IcCardService
from pos_app.settings import SETTINGS_FILE, Settings, save_settings, with_section
from tests.ic_support import V1_MASTER, Chain

if TYPE_CHECKING:
    from conftest import Cards, PcscdRig

pytestmark = pytest.mark.pcsc

UID = bytes.fromhex("0A0B0C0D")
KEY_A = bytes.fromhex("5A1B2C3D4E5F")
KEY_B = bytes.fromhex("B0B1B2B3B4B5")
FORM = MemberForm("周敏", "13912345678")


def tap_of(pcsc: PcscdRig) -> CardTap:
    return CardTap(pcsc.reader(0), UID, b"", IcCardType.MIFARE_CLASSIC_1K)


@pytest.fixture
def reader(pcsc: PcscdRig) -> PcscIcCardReader:
    return PcscIcCardReader(pcsc.reader(0), 1, KEY_A, KEY_B)


def service_for(stocked, codec) -> IcCardService:
    s = stocked.services
    return IcCardService(stocked.uow, stocked.clock, s.ids, s.cards, s.selling, codec)


def test_a_v1_card_is_accepted_in_the_window_rewritten_as_v2_on_its_tap_and_refused_after(
        stocked, pcsc, cards: Cards, reader) -> None:
    chain = Chain()
    old_till = service_for(stocked, chain.codec(None, v1_key=V1_MASTER))   # not yet certified
    card = cards.new(UID)
    cards.tap(card)
    old_till.issue(stocked.manager, FORM, "660001", tap_of(pcsc), reader)
    assert bytes(card.card.blocks[4])[0] == 1                              # a v1 block
    new_till = service_for(stocked, chain.codec(chain.till(), v1_key=V1_MASTER))
    assert new_till.member_for_tap(tap_of(pcsc), reader).card.card_no == "660001"
    assert bytes(card.card.blocks[4])[0] == 2                              # migrated on the tap
    closed = service_for(stocked, chain.codec(chain.till("T02"), v1_key=None))
    assert closed.member_for_tap(tap_of(pcsc), reader).card.card_no == "660001"
    with stocked.uow() as uow:
        assert uow.audit.open_intents("ic_block_resigned", ()) != []
    # A v1 card that never passed a till is refused once the window is closed.
    other = cards.new(bytes.fromhex("0A0B0C0E"))
    cards.take_off(card)
    cards.tap(other)
    tap = CardTap(pcsc.reader(0), bytes.fromhex("0A0B0C0E"), b"", IcCardType.MIFARE_CLASSIC_1K)
    old_till.issue(stocked.manager, MemberForm("李雷", "13600000000"), "660002", tap, reader)
    with pytest.raises(V1BlockRefused):
        closed.member_for_tap(tap, reader)


def test_v1_blocks_are_rewritten_up_to_the_rule_set_s_last_day_and_refused_after_it(
        stocked, pcsc, cards: Cards, reader) -> None:
    stocked.set_rules(default_rule_set(2).with_changes(v1_blocks_accepted_until="2026-11-30"))
    chain = Chain()
    old_till = service_for(stocked, chain.codec(None, v1_key=V1_MASTER))   # not yet certified
    first, second = UID, bytes.fromhex("0A0B0C0E")
    taps = {uid: CardTap(pcsc.reader(0), uid, b"", IcCardType.MIFARE_CLASSIC_1K)
            for uid in (first, second)}
    chips = {}
    for uid, card_no, form in ((first, "660001", FORM),
                               (second, "660002", MemberForm("李雷", "13600000000"))):
        chips[uid] = cards.new(uid)
        cards.tap(chips[uid])
        old_till.issue(stocked.manager, form, card_no, taps[uid], reader)
        assert bytes(chips[uid].card.blocks[4])[0] == 1                 # a v1 block
        cards.take_off(chips[uid])
    # The till still holds the v1 key: only the rule set's date closes the window.
    new_till = service_for(stocked, chain.codec(chain.till(), v1_key=V1_MASTER))
    stocked.clock.at = datetime(2026, 11, 30, 23, 59)                  # the last day
    cards.tap(chips[first])
    assert new_till.member_for_tap(taps[first], reader).card.card_no == "660001"
    assert bytes(chips[first].card.blocks[4])[0] == 2                  # rewritten as v2
    cards.take_off(chips[first])
    stocked.clock.at = datetime(2026, 12, 1, 8, 0)                     # the day after
    cards.tap(chips[second])
    with pytest.raises(V1BlockRefused) as refused:
        new_till.member_for_tap(taps[second], reader)
    assert refused.value.accepted_until == date(2026, 11, 30)
    assert bytes(chips[second].card.blocks[4])[0] == 1                 # left as it was
    from ui.error_messages import describe
    title, text = describe(refused.value)
    assert "2026-11-30" in text and "forged" not in text.lower()
    cards.take_off(chips[second])
    cards.tap(chips[first])                                            # migrated in time
    assert new_till.member_for_tap(taps[first], reader).card.card_no == "660001"


@pytest.mark.parametrize("policy", ["resign", "refuse"])
def test_a_revoked_till_s_cards_are_re_signed_or_refused_as_the_rule_set_says(
        stocked, pcsc, cards: Cards, reader, policy: str) -> None:
    stocked.set_rules(default_rule_set(2).with_changes(revoked_till_cards=policy))
    chain = Chain()
    stolen_till_key = chain.till("T09")
    card = cards.new(UID)
    cards.tap(card)
    service_for(stocked, chain.codec(stolen_till_key)).issue(stocked.manager, FORM, "660001",
                                                             tap_of(pcsc), reader)
    chain.revoke(stolen_till_key, datetime(2026, 11, 28, 9))
    good_key = chain.till("T01")
    good = service_for(stocked, chain.codec(good_key))
    if policy == "refuse":
        with pytest.raises(IssuerRevoked):
            good.member_for_tap(tap_of(pcsc), reader)
        return
    assert good.member_for_tap(tap_of(pcsc), reader).card.card_no == "660001"
    record = reader.read_member_block(tap_of(pcsc))
    assert chain.verifier().decode(record, UID).issuer == good_key.kid      # re-signed


def test_a_block_forged_with_a_till_s_stolen_settings_file_is_refused(
        stocked, pcsc, cards: Cards, reader, tmp_path) -> None:
    chain = Chain()
    till = service_for(stocked, chain.codec(chain.till()))
    card = cards.new(UID)
    cards.tap(card)
    till.issue(stocked.manager, FORM, "660001", tap_of(pcsc), reader)
    # Everything a thief copies from the till's data dir: till.toml holds no key at all.
    stolen_dir = tmp_path / "till-copy"
    save_settings(stolen_dir, with_section(Settings(), "security", mifare_sector_key=KEY_A.hex()))
    assert KEY_A.hex() not in (stolen_dir / SETTINGS_FILE).read_text(encoding="utf-8").lower()
    # The best they can do: sign with a key of their own, or with the old v1 master key.
    stocked.services.cards.register(stocked.manager, MemberForm("钱多多", "13511110000"),
                                    CardBinding("660777"))
    forger = TillSigner.generate()
    forger.certificate = chain.issuers.certificates[till._codec.signer.kid]  # noqa: SLF001
    reader.write_member_block(tap_of(pcsc), forger.encode("660777", 1, UID,
                                                          stocked.clock.now().date()))
    with pytest.raises(IssuerUnknown):
        till.member_for_tap(tap_of(pcsc), reader)
    reader.write_member_block(tap_of(pcsc), encode_member_block("660777", 1, UID, V1_MASTER))
    with pytest.raises(V1BlockRefused):
        till.member_for_tap(tap_of(pcsc), reader)


def test_a_tampered_v2_block_is_refused_as_forged(stocked, pcsc, cards: Cards, reader) -> None:
    chain = Chain()
    till = service_for(stocked, chain.codec(chain.till()))
    card = cards.new(UID)
    cards.tap(card)
    till.issue(stocked.manager, FORM, "660001", tap_of(pcsc), reader)
    card.card.blocks[4][2] ^= 0x01                       # someone bumps the generation
    with pytest.raises(CardForged):
        till.member_for_tap(tap_of(pcsc), reader)
