"""A virtual Mifare Classic 1K card behind an ACR122U-like reader, spoken to by pcscd through vpcd.

There is no reader firmware between pcscd and this card (hardware-protocols.md §0.6), so the
card itself answers the reader's PC/SC Part 3 pseudo-APDUs (`FF CA`, `FF 82`, `FF 86`,
`FF B0`, `FF D6`) with ACS status words (`63 00` for any failure, ACR122U API v2.04 ch. 5).

Wire protocol (vsmartcard `vpcd.c`, hardware-protocols.md §3): the card is a TCP *client* of
vpcd; each message is a 2-byte big-endian length and a payload; a 1-byte payload is a
control message (00 power off, 01 power on, 02 reset, 04 get ATR - only 04 is answered);
anything else is a C-APDU answered by one R-APDU. Insert = connect, remove = close.
"""
from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# PC/SC Part 3 storage-card ATRs (hardware-protocols.md §2.2), TCK included.
ATR_CLASSIC_1K = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
ATR_CLASSIC_4K = bytes.fromhex("3B8F8001804F0CA0000003060300020000000069")
ATR_ULTRALIGHT = bytes.fromhex("3B8F8001804F0CA0000003060300030000000068")
ATR_DESFIRE = bytes.fromhex("3B86800106757781028000")

FACTORY_KEY = b"\xff" * 6
# Transport configuration: data blocks 000, trailer 001 (NXP MF1S50 datasheet §8.7).
TRANSPORT_ACCESS = bytes.fromhex("FF078069")

SW_OK = b"\x90\x00"
SW_FAIL = b"\x63\x00"  # ACS readers answer every failure, auth included, with 63 00
SW_NOT_SUPPORTED = b"\x6a\x81"
SW_WRONG_LENGTH = b"\x67\x00"

_CTRL_OFF, _CTRL_ON, _CTRL_RESET, _CTRL_ATR = 0, 1, 2, 4

KEY_A, KEY_B = 0x60, 0x61

# Data-block access conditions, indexed by (C1, C2, C3): (who may read, who may write).
# "A" = key A or B, "B" = key B only, "" = never (MF1S50 datasheet table 8, value ops ignored).
_DATA_ACCESS: dict[tuple[int, int, int], tuple[str, str]] = {
    (0, 0, 0): ("AB", "AB"),
    (0, 1, 0): ("AB", ""),
    (1, 0, 0): ("AB", "B"),
    (1, 1, 0): ("AB", "B"),
    (0, 0, 1): ("AB", ""),
    (0, 1, 1): ("B", "B"),
    (1, 0, 1): ("B", ""),
    (1, 1, 1): ("", ""),
}
# Sector-trailer access conditions (MF1S50 datasheet table 7): key A write, access bits
# read, access bits write, key B read, key B write.
_TRAILER_ACCESS: dict[tuple[int, int, int], tuple[str, str, str, str, str]] = {
    (0, 0, 0): ("A", "A", "", "A", "A"),
    (0, 1, 0): ("", "A", "", "A", ""),
    (1, 0, 0): ("B", "AB", "", "", "B"),
    (1, 1, 0): ("", "AB", "", "", ""),
    (0, 0, 1): ("A", "A", "A", "A", "A"),
    (0, 1, 1): ("B", "AB", "B", "", "B"),
    (1, 0, 1): ("", "AB", "B", "", ""),
    (1, 1, 1): ("", "AB", "", "", ""),
}


def access_bits(c_by_block: list[tuple[int, int, int]], gpb: int = 0x69) -> bytes:
    """Encode the 4 trailer bytes 6..9 from (C1, C2, C3) for blocks 0..3 of a sector."""
    c1 = sum(c[0] << i for i, c in enumerate(c_by_block))
    c2 = sum(c[1] << i for i, c in enumerate(c_by_block))
    c3 = sum(c[2] << i for i, c in enumerate(c_by_block))
    b6 = ((~c2 & 0xF) << 4) | (~c1 & 0xF)
    b7 = (c1 << 4) | (~c3 & 0xF)
    b8 = (c3 << 4) | c2
    return bytes([b6, b7, b8, gpb])


def decode_access_bits(trailer: bytes | bytearray) -> list[tuple[int, int, int]] | None:
    """(C1, C2, C3) for blocks 0..3, or None when the inverted copies disagree (bricked)."""
    b6, b7, b8 = trailer[6], trailer[7], trailer[8]
    c1, c2, c3 = b7 >> 4, b8 & 0xF, b8 >> 4
    if (b6 & 0xF) != (~c1 & 0xF) or (b6 >> 4) != (~c2 & 0xF) or (b7 & 0xF) != (~c3 & 0xF):
        return None
    return [((c1 >> i) & 1, (c2 >> i) & 1, (c3 >> i) & 1) for i in range(4)]


@dataclass
class MifareClassic1K:
    """A 64-block card image with the memory rules of a genuine NXP MF1S50 (non-magic)."""

    uid: bytes
    blocks: list[bytearray] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.uid) != 4:
            raise ValueError("a Classic 1K simulator needs a 4-byte UID")
        if not self.blocks:
            bcc = self.uid[0] ^ self.uid[1] ^ self.uid[2] ^ self.uid[3]
            # Block 0: UID, BCC, SAK 08, ATQA 04 00, manufacturer data.
            block0 = self.uid + bytes([bcc, 0x08, 0x04, 0x00]) + bytes.fromhex("6263646566676869")
            self.blocks = [bytearray(16) for _ in range(64)]
            self.blocks[0] = bytearray(block0)
            for sector in range(16):
                self.blocks[sector * 4 + 3] = bytearray(FACTORY_KEY + TRANSPORT_ACCESS + FACTORY_KEY)

    def set_trailer(self, sector: int, key_a: bytes, access: bytes, key_b: bytes) -> None:
        """Set a sector trailer directly (test setup; bypasses the access rules)."""
        self.blocks[sector * 4 + 3] = bytearray(key_a + access + key_b)

    def copy(self, uid: bytes | None = None) -> MifareClassic1K:
        """A deep copy, optionally with another UID (block 0 rewritten as a magic card would)."""
        blocks = [bytearray(b) for b in self.blocks]
        new_uid = uid if uid is not None else self.uid
        if uid is not None:
            bcc = uid[0] ^ uid[1] ^ uid[2] ^ uid[3]
            blocks[0][0:5] = uid + bytes([bcc])
        return MifareClassic1K(uid=new_uid, blocks=blocks)


class Acr122uEmulation:
    """The ACR122U-side state: volatile key slots and the current authentication."""

    def __init__(self, card: MifareClassic1K, atr: bytes) -> None:
        self.card = card
        self.atr = atr
        self.key_slots: dict[int, bytes] = {}
        self.auth: tuple[int, int] | None = None  # (sector, key type)
        self.apdu_log: list[bytes] = []

    def power_cycle(self) -> None:
        # Crypto1 authentication dies with the RF field; the reader keeps its key slots.
        self.auth = None

    def handle(self, apdu: bytes) -> bytes:
        self.apdu_log.append(apdu)
        if len(apdu) < 4 or apdu[0] != 0xFF:
            return SW_NOT_SUPPORTED
        ins, p1, p2 = apdu[1], apdu[2], apdu[3]
        body = apdu[4:]
        if ins == 0xCA:
            return self._get_data(p1)
        if ins == 0x82:
            return self._load_key(p1, p2, body)
        if ins == 0x86:
            if len(body) != 6 or body[0] != 5 or body[1] != 0x01:
                return SW_WRONG_LENGTH
            return self._authenticate(block=body[3], key_type=body[4], slot=body[5])
        if ins == 0x88:  # obsolete ACR122U form: FF 88 00 block keytype slot
            if len(apdu) != 6:
                return SW_WRONG_LENGTH
            return self._authenticate(block=p2, key_type=apdu[4], slot=apdu[5])
        if ins == 0xB0:
            return self._read(p2, body)
        if ins == 0xD6:
            return self._update(p2, body)
        return SW_NOT_SUPPORTED

    def _get_data(self, p1: int) -> bytes:
        if p1 == 0x00:
            return self.card.uid + SW_OK
        # A Classic card has no ATS (ACR122U API §4.1: 6A 81 "function not supported").
        return SW_NOT_SUPPORTED

    def _load_key(self, p1: int, p2: int, body: bytes) -> bytes:
        if len(body) != 7 or body[0] != 6:
            return SW_WRONG_LENGTH
        if p1 != 0x00 or p2 > 1:  # ACR122U: volatile structure only, slots 00-01
            return SW_FAIL
        self.key_slots[p2] = bytes(body[1:])
        return SW_OK

    def _authenticate(self, block: int, key_type: int, slot: int) -> bytes:
        self.auth = None
        if block >= 64 or key_type not in (KEY_A, KEY_B) or slot not in self.key_slots:
            return SW_FAIL
        sector = block // 4
        trailer = self.card.blocks[sector * 4 + 3]
        access = decode_access_bits(trailer)
        if access is None:
            return SW_FAIL  # malformed access bits brick the sector
        key = bytes(trailer[0:6]) if key_type == KEY_A else bytes(trailer[10:16])
        if key_type == KEY_B and "A" in _TRAILER_ACCESS[access[3]][3]:
            # A readable key B is data, not a key (MF1S50 datasheet §8.7.2).
            return SW_FAIL
        if self.key_slots[slot] != key:
            return SW_FAIL
        self.auth = (sector, key_type)
        return SW_OK

    def _check(self, block: int) -> tuple[int, tuple[int, int, int]] | None:
        if block >= 64 or self.auth is None or self.auth[0] != block // 4:
            return None
        access = decode_access_bits(self.card.blocks[(block // 4) * 4 + 3])
        if access is None:
            return None
        return self.auth[1], access[block % 4]

    def _read(self, block: int, body: bytes) -> bytes:
        if len(body) != 1 or body[0] not in (0x10, 0x00):
            return SW_WRONG_LENGTH
        checked = self._check(block)
        if checked is None:
            return SW_FAIL
        key_type, cond = checked
        data = bytearray(self.card.blocks[block])
        if block % 4 == 3:
            _, acc_read, _, keyb_read, _ = _TRAILER_ACCESS[cond]
            data[0:6] = bytes(6)  # key A never reads back
            if not _rule_allows(acc_read, key_type):
                data[6:10] = bytes(4)
            if not _rule_allows(keyb_read, key_type):
                data[10:16] = bytes(6)
            return bytes(data) + SW_OK
        if not _rule_allows(_DATA_ACCESS[cond][0], key_type):
            return SW_FAIL
        return bytes(data) + SW_OK

    def _update(self, block: int, body: bytes) -> bytes:
        if len(body) != 17 or body[0] != 0x10:
            return SW_WRONG_LENGTH
        data = bytes(body[1:])
        if block == 0:
            return SW_FAIL  # manufacturer block is read-only on a genuine card
        checked = self._check(block)
        if checked is None:
            return SW_FAIL
        key_type, cond = checked
        if block % 4 == 3:
            keya_w, _, acc_w, _, keyb_w = _TRAILER_ACCESS[cond]
            trailer = self.card.blocks[block]
            # Each part changes only where its access condition allows it.
            if _rule_allows(keya_w, key_type):
                trailer[0:6] = data[0:6]
            if _rule_allows(acc_w, key_type):
                trailer[6:10] = data[6:10]
            if _rule_allows(keyb_w, key_type):
                trailer[10:16] = data[10:16]
            return SW_OK
        if not _rule_allows(_DATA_ACCESS[cond][1], key_type):
            return SW_FAIL
        self.card.blocks[block] = bytearray(data)
        return SW_OK


def _rule_allows(rule: str, key_type: int) -> bool:
    if key_type == KEY_A:
        return "A" in rule
    return "B" in rule


class VpcdCardSimulator:
    """A card that can be put on (insert) and taken off (remove) one vpcd reader slot."""

    def __init__(self, port: int, card: MifareClassic1K, atr: bytes = ATR_CLASSIC_1K,
                 host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self._reader = Acr122uEmulation(card, atr)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        # Test hook: when it returns True for a C-APDU, the card leaves the field instead of
        # answering (a customer pulling the card away mid-write).
        self.leave_on: Callable[[bytes], bool] | None = None

    @property
    def card(self) -> MifareClassic1K:
        return self._reader.card

    @property
    def apdu_log(self) -> list[bytes]:
        return self._reader.apdu_log

    def clone(self, with_data: bool = False, uid: bytes | None = None) -> VpcdCardSimulator:
        """A second card with this UID (or `uid`); a blank factory image unless `with_data`."""
        target_uid = uid if uid is not None else self.card.uid
        image = self.card.copy(uid=target_uid) if with_data else MifareClassic1K(uid=target_uid)
        return VpcdCardSimulator(self.port, image, atr=self._reader.atr, host=self.host)

    def insert(self, timeout: float = 10.0) -> None:
        """Put the card on the reader: connect to vpcd (retrying until pcscd listens)."""
        self.remove()
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.settimeout(0.2)
        self._stop.clear()
        self.disconnected.clear()
        self._reader.power_cycle()
        with self._lock:
            self._sock = sock
        self.connected.set()
        self._thread = threading.Thread(target=self._serve, args=(sock,),
                                        name=f"vpcd-card-{self.port}", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Take the card off the reader: close the socket (vpcd sees a removal)."""
        self._stop.set()
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None
        self.connected.clear()

    def _recv_exact(self, sock: socket.socket, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            if self._stop.is_set():
                return None
            try:
                chunk = sock.recv(n - len(buf))
            except TimeoutError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return buf

    def _serve(self, sock: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                header = self._recv_exact(sock, 2)
                if header is None:
                    break
                (length,) = struct.unpack("!H", header)
                msg = self._recv_exact(sock, length) if length else b""
                if msg is None:
                    break
                if length == 1:
                    ctrl = msg[0]
                    if ctrl == _CTRL_ATR:
                        sock.sendall(struct.pack("!H", len(self._reader.atr)) + self._reader.atr)
                    elif ctrl in (_CTRL_OFF, _CTRL_ON, _CTRL_RESET):
                        self._reader.power_cycle()
                    continue
                if self.leave_on is not None and self.leave_on(msg):
                    self.leave_on = None
                    break
                rapdu = self._reader.handle(msg)
                sock.sendall(struct.pack("!H", len(rapdu)) + rapdu)
        except OSError:
            pass
        finally:
            # vpcd closed the connection (pcscd stopped), we were removed, or we left the field.
            try:
                sock.close()
            except OSError:
                pass
            self.connected.clear()
            self.disconnected.set()
