"""The signed member record written to an IC card: card number, generation and a signature.

Two formats exist. Version 2 (Ed25519, below) is what tills write; version 1 (HMAC under a
chain-wide master key) is still read during the migration window and rewritten as version 2
on its next tap, because whoever copies one till's settings could forge v1 blocks for any
card number in the chain.

Version 2 (all integers big-endian), from data block 0 of the member sector on, running
into the data blocks of the following sectors (trailers skipped):

    0        version (0x02)
    1        record length L = 79 + n (header, card number and signature; at most 143)
    2..3     card generation (a reissue increments it)
    4..5     issue day, days since 2020-01-01 (checked against the certificate's validity)
    6..13    issuing till key id: first 8 bytes of SHA-256 of the till's Ed25519 public key
    14       n = length of the card number in UTF-8 bytes (1..64)
    15..     the card number (any text the shop uses: digits, letters, hex UIDs, long ones)
    15+n..   64-byte Ed25519 signature, by the issuing till's key, over
             signed_message("ic-block", UID || bytes 0..14+n) (pos_app.domain.signing)
    L..      zero padding to the end of the last 16-byte block

Two sectors (96 bytes) hold card numbers up to 17 bytes, three sectors up to 64.

The UID is signed but not stored, so a block copied to another chip does not verify. Any
till verifies with head office's public key alone: the key id names a till certificate
(till id, shop, public key, validity, head office's signature) that reaches every till
through the settings feed with the revocations, so no till holds a secret that could sign a
block another till would accept as someone else's.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

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
    """The card number does not fit the block (v1: 1..17 digits; v2: 1..64 UTF-8 bytes)."""

    def __init__(self, card_no: str) -> None:
        super().__init__(card_no)
        self.card_no = card_no


class InvalidCardKey(MemberBlockError):
    """A master key too short to sign with (a settings problem, never a card problem)."""

    def __init__(self, length: int, minimum: int) -> None:
        super().__init__(length, minimum)
        self.length = length
        self.minimum = minimum


class IssuerUnknown(MemberBlockError):
    """A v2 block names a till key this till has no certificate for (not yet pulled)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(key_id)
        self.key_id = key_id


class IssuerRevoked(MemberBlockError):
    """A genuine v2 block whose issuing till has been revoked; `block` says what it holds."""

    def __init__(self, block: MemberBlock) -> None:
        super().__init__(block.issuer)
        self.block = block


class V1BlockRefused(MemberBlockError):
    """A v1 (HMAC) block after the migration window, or on a till without the v1 key;
    `accepted_until` is the rule set's last day for v1 blocks when that is why."""

    def __init__(self, accepted_until: date | None = None) -> None:
        super().__init__(accepted_until)
        self.accepted_until = accepted_until


@dataclass(frozen=True)
class MemberBlock:
    """What a verified block says; `issuer` is the v2 issuing till key id (hex)."""

    card_no: str
    generation: int
    version: int = FORMAT_VERSION
    issuer: str | None = None


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


# --- version 2 -------------------------------------------------------------------------

FORMAT_V2 = 2
V2_HEADER = 15
EPOCH = date(2020, 1, 1)
V2_SIGNATURE = 64
V2_KEY_ID = 8
V2_MAX_CARD_NO_BYTES = 64
V2_MAX_RECORD = V2_HEADER + V2_MAX_CARD_NO_BYTES + V2_SIGNATURE
CONTEXT_IC_BLOCK = "ic-block"   # pos_app.domain.signing.CONTEXT_IC_BLOCK


def member_record_length(first_block: bytes) -> int:
    """How many bytes (whole 16-byte blocks) the record starting with this block occupies,
    so a reader knows how far to read; a v1 or blank block is one block."""
    if len(first_block) >= 2 and first_block[0] == FORMAT_V2 and \
            V2_HEADER + 1 + V2_SIGNATURE <= first_block[1] <= V2_MAX_RECORD:
        return -(-first_block[1] // BLOCK_SIZE) * BLOCK_SIZE
    return BLOCK_SIZE


def _v2_card_no_bytes(card_no: str) -> bytes:
    raw = card_no.encode("utf-8")
    if not card_no or card_no != card_no.strip() or not 1 <= len(raw) <= V2_MAX_CARD_NO_BYTES \
            or any(ch.isspace() or not ch.isprintable() for ch in card_no):
        raise CardNumberNotEncodable(card_no)
    return raw


def check_card_no_v2(card_no: str) -> None:
    """Raise CardNumberNotEncodable unless a v2 block can carry this card number."""
    _v2_card_no_bytes(card_no)


def v2_payload(card_no: str, generation: int, issued_on: date, key_id: bytes) -> bytes:
    """Bytes 0..14+n of a v2 record (what is signed, after the UID)."""
    if not 0 <= generation <= MAX_GENERATION:
        raise MemberBlockMalformed(f"generation {generation} outside 0..{MAX_GENERATION}")
    if len(key_id) != V2_KEY_ID:
        raise MemberBlockMalformed("a key id has 8 bytes")
    day = (issued_on - EPOCH).days
    if not 0 <= day <= 0xFFFF:
        raise MemberBlockMalformed("issue day outside 2020-01-01 + 65535 days")
    raw = _v2_card_no_bytes(card_no)
    length = V2_HEADER + len(raw) + V2_SIGNATURE
    return (bytes([FORMAT_V2, length]) + generation.to_bytes(2, "big") + day.to_bytes(2, "big")
            + key_id + bytes([len(raw)]) + raw)


def v2_signed_bytes(uid: bytes, payload: bytes) -> bytes:
    """What the issuing till signs (under the "ic-block" context)."""
    return bytes(uid) + bytes(payload)


def encode_member_block_v2(card_no: str, generation: int, uid: bytes, issued_on: date,
                           key_id: bytes, sign: Callable[[bytes], bytes]) -> bytes:
    """A v2 record for the card with this UID, padded to whole blocks; `sign` is the issuing
    till's Ed25519 signature over signed_message("ic-block", data)."""
    payload = v2_payload(card_no, generation, issued_on, key_id)
    signature = sign(v2_signed_bytes(uid, payload))
    if len(signature) != V2_SIGNATURE:
        raise MemberBlockMalformed("an Ed25519 signature has 64 bytes")
    record = payload + signature
    return record + bytes(-len(record) % BLOCK_SIZE)


@dataclass(frozen=True)
class V2Record:
    """A v2 record split into its parts, signature not yet checked."""

    block: MemberBlock
    key_id: bytes
    issued_on: date
    payload: bytes
    signature: bytes


def parse_member_block_v2(record: bytes) -> V2Record:
    """Split a v2 record; MemberBlockMalformed if the layout does not hold."""
    if len(record) < V2_HEADER + 1 + V2_SIGNATURE or record[0] != FORMAT_V2:
        raise MemberBlockMalformed("not a v2 record")
    length, n = record[1], record[14]
    if not 1 <= n <= V2_MAX_CARD_NO_BYTES or length != V2_HEADER + n + V2_SIGNATURE \
            or len(record) < length:
        raise MemberBlockMalformed("v2 record lengths do not agree")
    try:
        card_no = bytes(record[V2_HEADER:V2_HEADER + n]).decode("utf-8")
    except UnicodeDecodeError:
        raise MemberBlockMalformed("card number is not UTF-8") from None
    key_id = bytes(record[6:14])
    block = MemberBlock(card_no=card_no, generation=int.from_bytes(record[2:4], "big"),
                        version=FORMAT_V2, issuer=key_id.hex())
    issued_on = EPOCH + timedelta(days=int.from_bytes(record[4:6], "big"))
    return V2Record(block, key_id, issued_on, bytes(record[:V2_HEADER + n]),
                    bytes(record[V2_HEADER + n:length]))


def record_version(record: bytes) -> int | None:
    """The format version of a raw record, None when blank (all 00 or all FF)."""
    if not record or set(record[:BLOCK_SIZE]) in ({0}, {0xFF}):
        return None
    return record[0]
