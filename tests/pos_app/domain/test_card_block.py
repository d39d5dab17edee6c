"""The signed member block: round trip, tamper detection, supersession (pure, no card needed)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain.card_block import (BLOCK_SIZE, CardForged, CardMismatch, CardNumberNotEncodable,
                                       CardSuperseded, InvalidCardKey, MemberBlock,
                                       MemberBlockError, MemberBlockMalformed, MemberBlockMissing,
                                       MemberBlockUnsupported, decode_member_block,
                                       encode_member_block, verify_member_block)

UID = bytes.fromhex("A1B2C3D4")
MASTER = bytes(range(32))

card_numbers = st.from_regex(r"[0-9]{1,17}", fullmatch=True)
generations = st.integers(min_value=0, max_value=0xFFFF)
uids = st.one_of(st.binary(min_size=4, max_size=4), st.binary(min_size=7, max_size=7))
master_keys = st.binary(min_size=16, max_size=64)


@settings(deadline=None)
@given(card_no=card_numbers, generation=generations, uid=uids, master=master_keys)
def test_an_encoded_block_verifies_and_says_what_was_written(card_no: str, generation: int,
                                                             uid: bytes, master: bytes) -> None:
    block = encode_member_block(card_no, generation, uid, master)
    assert len(block) == BLOCK_SIZE
    assert verify_member_block(block, uid, card_no, generation, master) == MemberBlock(card_no, generation)


@settings(deadline=None)
@given(card_no=card_numbers, generation=generations, uid=uids, master=master_keys,
       bit=st.integers(min_value=0, max_value=BLOCK_SIZE * 8 - 1))
def test_any_flipped_bit_is_refused(card_no: str, generation: int, uid: bytes, master: bytes,
                                    bit: int) -> None:
    block = bytearray(encode_member_block(card_no, generation, uid, master))
    block[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(MemberBlockError) as caught:
        verify_member_block(bytes(block), uid, card_no, generation, master)
    if bit >= 8:  # everything after the version byte is covered by the signature
        assert isinstance(caught.value, CardForged)


@settings(deadline=None)
@given(card_no=card_numbers, generation=generations, uid=uids, other_uid=uids, master=master_keys)
def test_a_block_copied_to_a_card_with_another_uid_is_forged(card_no: str, generation: int, uid: bytes,
                                                              other_uid: bytes, master: bytes) -> None:
    if other_uid == uid:
        return
    block = encode_member_block(card_no, generation, uid, master)
    with pytest.raises(CardForged):
        verify_member_block(block, other_uid, card_no, generation, master)


@settings(deadline=None)
@given(card_no=card_numbers, uid=uids, master=master_keys, other=master_keys)
def test_a_block_signed_with_another_master_key_is_forged(card_no: str, uid: bytes, master: bytes,
                                                          other: bytes) -> None:
    if other == master:
        return
    block = encode_member_block(card_no, 1, uid, other)
    with pytest.raises(CardForged) as caught:
        verify_member_block(block, uid, card_no, 1, master)
    assert caught.value.expected_card_no == card_no


@settings(deadline=None)
@given(card_no=card_numbers, uid=uids, master=master_keys,
       gens=st.tuples(generations, generations).filter(lambda g: g[0] < g[1]))
def test_an_older_generation_is_superseded_and_a_newer_one_accepted(card_no: str, uid: bytes, master: bytes,
                                                                    gens: tuple[int, int]) -> None:
    old, new = gens
    with pytest.raises(CardSuperseded) as caught:
        verify_member_block(encode_member_block(card_no, old, uid, master), uid, card_no, new, master)
    assert (caught.value.card_generation, caught.value.current_generation) == (old, new)
    # The till may not have synced a reissue yet; a newer signed generation is fine.
    assert verify_member_block(encode_member_block(card_no, new, uid, master), uid, card_no, old,
                               master).generation == new


def test_leading_zeros_of_a_card_number_survive() -> None:
    block = encode_member_block("000123", 1, UID, MASTER)
    assert decode_member_block(block, UID, MASTER).card_no == "000123"


def test_a_genuine_block_for_another_card_number_is_a_mismatch() -> None:
    block = encode_member_block("8800000001", 1, UID, MASTER)
    with pytest.raises(CardMismatch) as caught:
        verify_member_block(block, UID, "8800000002", 1, MASTER)
    assert caught.value.found_card_no == "8800000001"


@pytest.mark.parametrize("blank", [bytes(16), b"\xff" * 16])
def test_a_blank_block_is_missing_not_forged(blank: bytes) -> None:
    with pytest.raises(MemberBlockMissing):
        verify_member_block(blank, UID, "1", 1, MASTER)


def test_an_unknown_format_version_is_unsupported() -> None:
    block = bytearray(encode_member_block("1", 1, UID, MASTER))
    block[0] = 0x02
    with pytest.raises(MemberBlockUnsupported) as caught:
        verify_member_block(bytes(block), UID, "1", 1, MASTER)
    assert caught.value.version == 2


def test_a_block_of_the_wrong_length_is_malformed() -> None:
    with pytest.raises(MemberBlockMalformed):
        verify_member_block(b"\x01" * 15, UID, "1", 1, MASTER)


@pytest.mark.parametrize("card_no", ["", "123456789012345678", "12A4", "１２３", "-12"])
def test_card_numbers_that_do_not_fit_are_refused(card_no: str) -> None:
    with pytest.raises(CardNumberNotEncodable):
        encode_member_block(card_no, 1, UID, MASTER)


def test_a_short_master_key_is_refused() -> None:
    with pytest.raises(InvalidCardKey) as caught:
        encode_member_block("1", 1, UID, b"short")
    assert caught.value.length == 5


def test_the_block_layout_is_stable() -> None:
    # Golden bytes: cards already issued must keep verifying after any refactor.
    block = encode_member_block("8800012345678", 3, UID, b"k" * 32)
    assert block.hex() == "01000368000800e99c214eb114f9f6d7"
