"""Mifare Classic through a PC/SC reader's storage-card pseudo-APDUs (PC/SC Part 3, ACR122U API v2.04).

Pure protocol: APDU builders, status-word handling and block/sector arithmetic over any
`transmit(apdu) -> (data, sw)` callable, so the same code runs on a real reader, on pcscd
with the vpcd simulator, or on a recorded exchange.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from hardware.pcsc_errors import (AuthenticationFailed, BlockReadFailed, BlockWriteFailed,
                                  KeyLoadFailed, UidUnavailable, UnsafeBlock, WriteNotVerified)

SW_OK = 0x9000
BLOCK_SIZE = 16
KEY_SIZE = 6

Transmit = Callable[[bytes], tuple[bytes, int]]


class KeyType(IntEnum):
    # GENERAL AUTHENTICATE key type byte: 60 = key A, 61 = key B (ACR122U API §5.2).
    A = 0x60
    B = 0x61

    @classmethod
    def parse(cls, text: str) -> KeyType:
        """'A' or 'B' (any case), as settings store it."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"key type must be A or B, not {text!r}") from None


@dataclass(frozen=True)
class SectorKey:
    """A 6-byte Crypto1 key and whether it is the sector's key A or key B."""

    key: bytes
    key_type: KeyType = KeyType.A

    def __post_init__(self) -> None:
        if len(self.key) != KEY_SIZE:
            raise ValueError(f"a Mifare Classic key has {KEY_SIZE} bytes, not {len(self.key)}")

    def __repr__(self) -> str:
        # Keys are never logged, not even at DEBUG (ARCHITECTURE §7).
        return f"SectorKey(key=<{len(self.key)} bytes>, key_type={self.key_type.name})"


def sector_of(block: int) -> int:
    """The sector holding an absolute block number (1K: 4 blocks/sector; 4K: 16 above block 127)."""
    return block // 4 if block < 128 else 32 + (block - 128) // 16


def first_block(sector: int) -> int:
    """The first absolute block of a sector."""
    return sector * 4 if sector < 32 else 128 + (sector - 32) * 16


def trailer_block(sector: int) -> int:
    """The sector trailer (keys and access bits) of a sector."""
    return first_block(sector) + (3 if sector < 32 else 15)


def data_block(sector: int, index: int) -> int:
    """The absolute number of a data block inside a sector; refuses the trailer and block 0."""
    block = first_block(sector) + index
    if block >= trailer_block(sector):
        raise UnsafeBlock(block, "sector trailer")
    if block == 0:
        raise UnsafeBlock(block, "manufacturer block")
    return block


def record_blocks(sector: int, index: int, count: int) -> list[int]:
    """`count` data blocks from (sector, index) on, running into the following sectors and
    skipping their trailers: where a member record longer than one block lives."""
    data_block(sector, index)
    blocks: list[int] = []
    s, i = sector, index
    while len(blocks) < count:
        block = first_block(s) + i
        if block >= trailer_block(s):
            s, i = s + 1, 0
            continue
        if block != 0:
            blocks.append(block)
        i += 1
    return blocks


def encode_access_bits(conditions: tuple[tuple[int, int, int], ...], gpb: int = 0x69) -> bytes:
    """Trailer bytes 6..9 from (C1, C2, C3) of blocks 0..3, with the inverted copies (MF1S50 §8.7)."""
    if len(conditions) != 4 or any(bit not in (0, 1) for cond in conditions for bit in cond):
        raise ValueError("four (C1, C2, C3) triples of 0/1 are needed")
    c1 = sum(cond[0] << i for i, cond in enumerate(conditions))
    c2 = sum(cond[1] << i for i, cond in enumerate(conditions))
    c3 = sum(cond[2] << i for i, cond in enumerate(conditions))
    return bytes([((~c2 & 0xF) << 4) | (~c1 & 0xF), (c1 << 4) | (~c3 & 0xF), (c3 << 4) | c2, gpb])


def access_bits_valid(access: bytes) -> bool:
    """True when the inverted copies agree; a card given anything else bricks the sector."""
    b6, b7, b8 = access[0], access[1], access[2]
    c1, c2, c3 = b7 >> 4, b8 & 0xF, b8 >> 4
    return (b6 & 0xF) == (~c1 & 0xF) and (b6 >> 4) == (~c2 & 0xF) and (b7 & 0xF) == (~c3 & 0xF)


FACTORY_KEY = b"\xff" * KEY_SIZE
# Member sector after issue: data blocks readable with key A or B and writable with key B only
# (C=100); trailer C=011, so keys and access bits change only with key B and key B is not
# readable (a readable key B cannot authenticate, MF1S50 §8.7.2). Bytes: 78 77 88 69.
MEMBER_SECTOR_ACCESS = encode_access_bits(((1, 0, 0), (1, 0, 0), (1, 0, 0), (0, 1, 1)))


# --- APDUs (hardware-protocols.md §2.1) -------------------------------------------------

def apdu_get_uid() -> bytes:
    """GET DATA, P1=00: the UID; Le=00 asks for all of it."""
    return bytes([0xFF, 0xCA, 0x00, 0x00, 0x00])


def apdu_load_key(key: bytes, slot: int = 0) -> bytes:
    """LOAD KEYS into a volatile reader slot (P1=00: ACR122U keeps no non-volatile keys)."""
    return bytes([0xFF, 0x82, 0x00, slot, KEY_SIZE]) + key


def apdu_authenticate(block: int, key_type: KeyType, slot: int = 0) -> bytes:
    """GENERAL AUTHENTICATE (version 01, block MSB 00); the obsolete FF 88 form is not used."""
    return bytes([0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, block, int(key_type), slot])


def apdu_read_block(block: int) -> bytes:
    """READ BINARY of one 16-byte block."""
    return bytes([0xFF, 0xB0, 0x00, block, BLOCK_SIZE])


def apdu_update_block(block: int, data: bytes) -> bytes:
    """UPDATE BINARY of one 16-byte block."""
    return bytes([0xFF, 0xD6, 0x00, block, BLOCK_SIZE]) + data


# --- a session over one connected card --------------------------------------------------

class MifareClassic:
    """Commands to the Mifare Classic card on one reader connection."""

    def __init__(self, transmit: Transmit, key_slot: int = 0) -> None:
        self._transmit = transmit
        self._slot = key_slot

    def get_uid(self) -> bytes:
        """The card's UID (4 bytes on a Classic), or UidUnavailable."""
        data, sw = self._transmit(apdu_get_uid())
        if sw != SW_OK or not data:
            raise UidUnavailable(sw)
        return data

    def load_key(self, key: bytes) -> None:
        """Put a key in the reader's volatile slot for the next authentication."""
        if len(key) != KEY_SIZE:
            raise ValueError(f"a Mifare Classic key has {KEY_SIZE} bytes")
        _, sw = self._transmit(apdu_load_key(key, self._slot))
        if sw != SW_OK:
            raise KeyLoadFailed(sw, self._slot)

    def authenticate(self, block: int, key: SectorKey) -> None:
        """Load the key and authenticate the sector holding `block`; AuthenticationFailed if wrong."""
        self.load_key(key.key)
        _, sw = self._transmit(apdu_authenticate(block, key.key_type, self._slot))
        if sw != SW_OK:
            raise AuthenticationFailed(sw, block, key.key_type.name)

    def read_block(self, block: int) -> bytes:
        """One block of the authenticated sector."""
        data, sw = self._transmit(apdu_read_block(block))
        if sw != SW_OK or len(data) != BLOCK_SIZE:
            raise BlockReadFailed(sw, block)
        return data

    def update_block(self, block: int, data: bytes) -> None:
        """Overwrite one block of the authenticated sector."""
        if len(data) != BLOCK_SIZE:
            raise ValueError(f"a block has {BLOCK_SIZE} bytes, not {len(data)}")
        _, sw = self._transmit(apdu_update_block(block, data))
        if sw != SW_OK:
            raise BlockWriteFailed(sw, block)

    def read_data_block(self, sector: int, index: int, key: SectorKey) -> bytes:
        """Authenticate the sector and read one of its data blocks."""
        block = data_block(sector, index)
        self.authenticate(block, key)
        return self.read_block(block)

    def set_sector_keys(self, sector: int, current: SectorKey, key_a: bytes, key_b: bytes,
                        access: bytes = MEMBER_SECTOR_ACCESS) -> None:
        """Rewrite a sector trailer (new keys and access bits); refuses access bits that would brick it."""
        if len(key_a) != KEY_SIZE or len(key_b) != KEY_SIZE or len(access) != 4:
            raise ValueError("keys have 6 bytes and access bits 4")
        trailer = trailer_block(sector)
        if not access_bits_valid(access):
            raise UnsafeBlock(trailer, "malformed access bits")
        self.authenticate(trailer, current)
        self.update_block(trailer, key_a + access + key_b)

    def write_data_block(self, sector: int, index: int, key: SectorKey, data: bytes) -> None:
        """Authenticate, write one data block, read it back; WriteNotVerified if it differs."""
        block = data_block(sector, index)
        self.authenticate(block, key)
        self.update_block(block, data)
        # A tap is short and Classic writes are not atomic against the card leaving the field,
        # so only a read-back proves the block holds what the database will now rely on.
        if self.read_block(block) != data:
            raise WriteNotVerified(block)
