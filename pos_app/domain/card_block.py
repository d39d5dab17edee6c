"""The signed member data block written to an IC card: card number, generation and a MAC.

Layout of the 16-byte block (format version 1, all integers big-endian):

    0       version (0x01)
    1..2    card generation (0..65535; a reissue increments it)
    3..10   card number: top 5 bits = digit count (1..17), low 59 bits = the number
    11..15  HMAC-SHA256(per-card key, "member-block-v1" || bytes 0..10), first 5 bytes

The per-card key is HMAC-SHA256(master key, "member-block-v1" || UID) - a diversified key
in the spirit of NXP AN10922 - so the block only verifies on the card whose UID it was
written for, and one leaked card key exposes nothing about the others.

Why this is enough: a Mifare Classic can be read and cloned (hardware-protocols.md §2.4),
so the block does not prove a card is genuine; it stops anyone without the master key from
*forging* a member card for another card number, and the generation stops a copy of a
replaced card. The database stays the authority for status and balances. Five MAC bytes
(40 bits) mean a forger needs ~2^39 taps at a till per success, which is out of reach.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from pos_app.domain.errors import PosError

BLOCK_SIZE = 16
FORMAT_VERSION = 1
MAX_CARD_DIGITS = 17  # 10**17 < 2**59, the room left beside the 5-bit digit count
MAX_GENERATION = 0xFFFF
MIN_MASTER_KEY_BYTES = 16
MAC_SIZE = 5
_DOMAIN = b"member-block-v1"
_SIGNED = slice(0, 11)


class MemberBlockError(PosError):
    """Base of the reasons a card's member block is not accepted."""


class MemberBlockMissing(MemberBlockError):
    """The block is blank: a card never issued here, or a clone of a UID without our data."""

    def __init__(self) -> None:
        super().__init__()


class MemberBlockMalformed(MemberBlockError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MemberBlockUnsupported(MemberBlockError):
    """A format version this till does not know (written by a newer release, or garbage)."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


class CardForged(MemberBlockError):
    """The signature does not match this card's UID: forged, altered, or copied to another UID."""

    def __init__(self, expected_card_no: str | None) -> None:
        super().__init__(expected_card_no)
        self.expected_card_no = expected_card_no


class CardMismatch(MemberBlockError):
    """A genuine block that names a different card number than the database has for this UID."""

    def __init__(self, expected_card_no: str, found_card_no: str) -> None:
        super().__init__(expected_card_no, found_card_no)
        self.expected_card_no = expected_card_no
        self.found_card_no = found_card_no


class CardSuperseded(MemberBlockError):
    """An older generation of a card that has since been reissued (补卡): the old card is dead."""

    def __init__(self, card_no: str, card_generation: int, current_generation: int) -> None:
        super().__init__(card_no, card_generation, current_generation)
        self.card_no = card_no
        self.card_generation = card_generation
        self.current_generation = current_generation


class CardNumberNotEncodable(MemberBlockError):
    """Only card numbers of 1..17 digits fit the block."""

    def __init__(self, card_no: str) -> None:
        super().__init__(card_no)
        self.card_no = card_no


class InvalidCardKey(MemberBlockError):
    """A master key too short to sign with (a settings problem, never a card problem)."""

    def __init__(self, length: int, minimum: int) -> None:
        super().__init__(length, minimum)
        self.length = length
        self.minimum = minimum


@dataclass(frozen=True)
class MemberBlock:
    """What a verified block says."""

    card_no: str
    generation: int
    version: int = FORMAT_VERSION


def _card_key(master_key: bytes, uid: bytes) -> bytes:
    if len(master_key) < MIN_MASTER_KEY_BYTES:
        raise InvalidCardKey(len(master_key), MIN_MASTER_KEY_BYTES)
    return hmac.new(master_key, _DOMAIN + uid, hashlib.sha256).digest()


def _mac(master_key: bytes, uid: bytes, signed: bytes) -> bytes:
    return hmac.new(_card_key(master_key, uid), _DOMAIN + signed, hashlib.sha256).digest()[:MAC_SIZE]


def _encode_card_no(card_no: str) -> bytes:
    if not (1 <= len(card_no) <= MAX_CARD_DIGITS) or not card_no.isascii() or not card_no.isdigit():
        raise CardNumberNotEncodable(card_no)
    return ((len(card_no) << 59) | int(card_no)).to_bytes(8, "big")


def _decode_card_no(raw: bytes) -> str:
    packed = int.from_bytes(raw, "big")
    digits, value = packed >> 59, packed & ((1 << 59) - 1)
    if not 1 <= digits <= MAX_CARD_DIGITS or value >= 10 ** digits:
        raise MemberBlockMalformed("card number field out of range")
    return f"{value:0{digits}d}"


def encode_member_block(card_no: str, generation: int, uid: bytes, master_key: bytes) -> bytes:
    """The 16 bytes to write to the card with this UID; raises if the card number does not fit."""
    if not 0 <= generation <= MAX_GENERATION:
        raise MemberBlockMalformed(f"generation {generation} outside 0..{MAX_GENERATION}")
    signed = bytes([FORMAT_VERSION]) + generation.to_bytes(2, "big") + _encode_card_no(card_no)
    return signed + _mac(master_key, uid, signed)


def _decode(block: bytes, uid: bytes, master_key: bytes, expected_card_no: str | None) -> MemberBlock:
    if len(block) != BLOCK_SIZE:
        raise MemberBlockMalformed(f"{len(block)} bytes, expected {BLOCK_SIZE}")
    if block == bytes(BLOCK_SIZE) or block == b"\xff" * BLOCK_SIZE:
        raise MemberBlockMissing()
    if block[0] != FORMAT_VERSION:
        raise MemberBlockUnsupported(block[0])
    expected = _mac(master_key, uid, bytes(block[_SIGNED]))
    if not hmac.compare_digest(expected, bytes(block[11:16])):
        raise CardForged(expected_card_no)
    return MemberBlock(card_no=_decode_card_no(bytes(block[3:11])),
                       generation=int.from_bytes(block[1:3], "big"))


def decode_member_block(block: bytes, uid: bytes, master_key: bytes) -> MemberBlock:
    """Check the block's format and signature for this UID and return what it says."""
    return _decode(block, uid, master_key, None)


def verify_member_block(block: bytes, uid: bytes, expected_card_no: str, expected_generation: int,
                        master_key: bytes) -> MemberBlock:
    """Accept the block only if it is signed for this UID, names the expected card and is not superseded."""
    found = _decode(block, uid, master_key, expected_card_no)
    if found.card_no != expected_card_no:
        raise CardMismatch(expected_card_no, found.card_no)
    if found.generation < expected_generation:
        raise CardSuperseded(found.card_no, found.generation, expected_generation)
    # A higher generation than the database knows is accepted: only a till holding the
    # master key can sign one, so this till has simply not synced the reissue yet.
    return found
