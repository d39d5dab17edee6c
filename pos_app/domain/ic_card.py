"""IC / contactless member cards: what a tap tells us (card type from the ATR, UID forms)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.errors import DeviceFailure


class IcCardType(StrEnum):
    MIFARE_CLASSIC_1K = "mifare_classic_1k"
    MIFARE_CLASSIC_4K = "mifare_classic_4k"
    MIFARE_MINI = "mifare_mini"
    ULTRALIGHT = "ultralight"  # NTAG21x too: the ATR cannot tell them apart (§2.2)
    TOPAZ = "topaz"
    FELICA = "felica"
    STORAGE_OTHER = "storage_other"  # a PC/SC Part 3 storage card we have no name for
    ISO14443_4 = "iso14443_4"  # DESFire, FM1208 and other CPU cards
    UNKNOWN = "unknown"


class ReaderState(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    SERVICE_DOWN = "service_down"  # the PC/SC service (pcscd / SCardSvr) is not reachable


class CardProblem(StrEnum):
    """Why a read or write of a tapped card did not complete, in words a cashier can act on."""

    REMOVED = "removed"          # the card left the reader too soon (or was never on it)
    SERVICE = "service"          # the PC/SC service (pcscd / SCardSvr) did not answer
    READER = "reader"            # the configured reader is not connected
    UNSUPPORTED = "unsupported"  # the reader or card does not know a command (6A 81)
    CHANGED = "changed"          # another card lies on the reader than the one tapped
    NOT_OURS = "not_ours"        # neither our sector keys nor the factory key open the card
    FAILED = "failed"            # the card answered with a failure (63 00, 69 82, a bad read-back)


class CardIoError(DeviceFailure):
    """A tap's read or write did not complete.

    `problem` says what happened; `untouched` is True only when the member data on the chip
    was certainly not changed (the failure came before any member-data block was sent), so an
    issue in progress may be abandoned without reading the chip again.
    """

    problem: CardProblem = CardProblem.FAILED
    untouched: bool = False


@dataclass(frozen=True)
class CardTap:
    """A card put on a reader: its UID (None when the reader cannot read one), ATR and type."""

    reader: str
    uid: bytes | None
    atr: bytes
    card_type: IcCardType

    def __repr__(self) -> str:
        # UIDs are card data: keep them out of reprs that may reach an INFO log.
        return f"CardTap(reader={self.reader!r}, card_type={self.card_type.value})"


@dataclass(frozen=True)
class ReaderStatus:
    """A change in a reader's or the PC/SC service's availability; reader None = the service."""

    reader: str | None
    state: ReaderState


# PC/SC Part 3 (v2.01.09 §3.1.3.2.3): storage cards get historical bytes
# 80 4F 0C <RID A0 00 00 03 06> <SS standard> <C0 C1 card name> 00 00 00 00.
PCSC_RID = bytes.fromhex("A000000306")
_PART3_PREFIX = bytes.fromhex("804F0C") + PCSC_RID
STANDARD_ISO14443A_3 = 0x03
_CARD_NAMES: dict[int, IcCardType] = {
    0x0001: IcCardType.MIFARE_CLASSIC_1K,
    0x0002: IcCardType.MIFARE_CLASSIC_4K,
    0x0003: IcCardType.ULTRALIGHT,
    0x0026: IcCardType.MIFARE_MINI,
    0xF004: IcCardType.TOPAZ,
    0xF011: IcCardType.FELICA,
    0xF012: IcCardType.FELICA,
}


@dataclass(frozen=True)
class AtrInfo:
    """The parts of an ATR that identify a card; standard/card_name only for Part 3 storage cards."""

    historical: bytes
    protocols: tuple[int, ...]
    standard: int | None
    card_name: int | None
    card_type: IcCardType


def _interface_bytes(atr: bytes) -> tuple[int, tuple[int, ...], int]:
    """Walk ISO 7816-3 TA/TB/TC/TD; return (offset of historical bytes, protocols, K)."""
    if len(atr) < 2 or atr[0] not in (0x3B, 0x3F):
        raise ValueError("not an ATR (TS must be 3B or 3F)")
    y = atr[1] >> 4
    k = atr[1] & 0x0F
    i = 2
    protocols: list[int] = []
    while True:
        td = None
        for bit in (1, 2, 4, 8):
            if y & bit:
                if i >= len(atr):
                    raise ValueError("ATR truncated in its interface bytes")
                if bit == 8:
                    td = atr[i]
                i += 1
        if td is None:
            break
        protocols.append(td & 0x0F)
        y = td >> 4
    return i, tuple(protocols), k


def parse_atr(atr: bytes) -> AtrInfo:
    """Split an ATR into historical bytes and protocols, and name the card it belongs to."""
    start, protocols, k = _interface_bytes(atr)
    historical = bytes(atr[start:start + k])
    standard = card_name = None
    if historical.startswith(_PART3_PREFIX) and len(historical) >= len(_PART3_PREFIX) + 3:
        standard = historical[8]
        card_name = int.from_bytes(historical[9:11], "big")
        card_type = _CARD_NAMES.get(card_name, IcCardType.STORAGE_OTHER)
    elif atr[1] & 0xF0 == 0x80 and atr[2:4] == b"\x80\x01":
        # Contactless ISO 14443-4 cards: 3B 8N 80 01 <ATS historical bytes> TCK (Part 3 §3.1.3.2.3.2).
        card_type = IcCardType.ISO14443_4
    else:
        card_type = IcCardType.UNKNOWN
    return AtrInfo(historical=historical, protocols=protocols, standard=standard,
                   card_name=card_name, card_type=card_type)


def identify_atr(atr: bytes) -> IcCardType:
    """The card type an ATR announces; UNKNOWN for anything that is not a valid ATR."""
    try:
        return parse_atr(atr).card_type
    except ValueError:
        return IcCardType.UNKNOWN


def is_mifare_classic(card_type: IcCardType) -> bool:
    """True for the card types that hold sectors behind Crypto1 keys."""
    return card_type in (IcCardType.MIFARE_CLASSIC_1K, IcCardType.MIFARE_CLASSIC_4K,
                         IcCardType.MIFARE_MINI)


def uid_hex(uid: bytes) -> str:
    """The UID as upper-case hex without separators, in reader order (A1B2C3D4)."""
    return uid.hex().upper()


def parse_uid_hex(text: str) -> bytes:
    """A UID typed or stored as hex, with or without spaces, colons or dashes."""
    cleaned = "".join(ch for ch in text if ch not in " :-")
    uid = bytes.fromhex(cleaned)
    if len(uid) not in (4, 7, 10):
        raise ValueError(f"a UID has 4, 7 or 10 bytes, not {len(uid)}")
    return uid


def uid_decimal_msb_first(uid: bytes) -> str | None:
    """The 10-digit decimal a wedge reader types for a 4-byte UID read as a big-endian uint32."""
    if len(uid) != 4:
        return None
    return f"{int.from_bytes(uid, 'big'):010d}"


def uid_decimal_lsb_first(uid: bytes) -> str | None:
    """The 10-digit decimal of the 4-byte UID read little-endian (the other of 正码/反码)."""
    if len(uid) != 4:
        return None
    return f"{int.from_bytes(uid, 'little'):010d}"


def uid_lookup_keys(uid: bytes) -> tuple[str, ...]:
    """Every form a legacy card number may have taken for this UID: hex, then both decimals."""
    # Older Chinese USB wedge readers print the UID as a 10-digit number and vendors
    # disagree on which byte order is 正码 and which 反码 (hardware-protocols.md §2.2),
    # so a member imported from such a system may be keyed by either.
    keys = [uid_hex(uid)]
    for form in (uid_decimal_msb_first(uid), uid_decimal_lsb_first(uid)):
        if form is not None and form not in keys:
            keys.append(form)
    return tuple(keys)
