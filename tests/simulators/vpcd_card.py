"""A virtual Mifare Classic 1K/4K card behind an ACR122U-like reader, spoken to by pcscd through vpcd.

There is no reader firmware between pcscd and this card (hardware-protocols.md §0.6), so the
card itself answers the reader's PC/SC Part 3 pseudo-APDUs (`FF CA`, `FF 82`, `FF 86`,
`FF B0`, `FF D6`) with ACS status words (`63 00` for any failure, ACR122U API v2.04 ch. 5).

Wire protocol (vsmartcard `vpcd.c`, hardware-protocols.md §3): the card is a TCP *client* of
vpcd; each message is a 2-byte big-endian length and a payload; a 1-byte payload is a
control message (00 power off, 01 power on, 02 reset, 04 get ATR - only 04 is answered);
anything else is a C-APDU answered by one R-APDU. Insert = connect, remove = close.

Behaviours of real chips and readers that the issuing flow has to survive (NXP MF1S50/MF1S70
datasheets, ACR122U API v2.04, PC/SC Part 3), each switchable per card:
- a failed authentication halts the card: it answers nothing until the field is reset
  (`02`/power cycle; `SCardReconnect(SCARD_RESET_CARD)`), MF1S50 §8.6 / §9.3;
- a readable key B authenticates, but the card then refuses every memory access (§8.7.2);
- 4- or 7-byte UIDs (MF1S50 vs MF1S70 7B), 1K (16 sectors) or 4K (32 x 4 + 8 x 16 blocks);
- `status="generic"` answers 69 82 (security status not satisfied) for an unauthenticated
  read/write instead of the ACS 63 00; `unsupported` INS bytes answer 6A 81;
- `delay` seconds before every answer (a slow reader or a card at the edge of the field);
- `answer_on`: a forced status word (63 00, 69 82) for chosen commands;
- `leave_on` / `leave_after`: the card leaves the field instead of answering a C-APDU,
  before or after the command took effect (a customer pulling it away mid-write);
- `stays_on_reader`: when pcscd goes away (restart) the card is still lying on the reader,
  so it reconnects to vpcd as soon as pcscd listens again.
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
SW_SECURITY = b"\x69\x82"  # PC/SC Part 3 generic: security status not satisfied
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


def sector_of(block: int) -> int:
    """The sector of an absolute block (1K: 4 blocks a sector; 4K: 16 from block 128 on)."""
    return block // 4 if block < 128 else 32 + (block - 128) // 16


def trailer_of(sector: int) -> int:
    return sector * 4 + 3 if sector < 32 else 128 + (sector - 32) * 16 + 15


def _group_of(block: int) -> int:
    """Which of the trailer's four access conditions governs a block (MF1S70 §8.7.1: the
    16-block sectors of a 4K card share one condition per five data blocks)."""
    if block < 128:
        return block % 4
    offset = (block - 128) % 16
    return 3 if offset == 15 else offset // 5


@dataclass
class MifareClassic1K:
    """A card image with the memory rules of a genuine NXP MF1S50/MF1S70 (non-magic).

    `size_kb` 1 = 64 blocks, 4 = 256 blocks; the UID has 4 or 7 bytes.
    """

    uid: bytes
    blocks: list[bytearray] = field(default_factory=list)
    size_kb: int = 1

    def __post_init__(self) -> None:
        if len(self.uid) not in (4, 7):
            raise ValueError("a Classic simulator needs a 4- or 7-byte UID")
        if self.size_kb not in (1, 4):
            raise ValueError("a Classic card holds 1 or 4 KB")
        if not self.blocks:
            self.blocks = [bytearray(16) for _ in range(self.block_count)]
            self.blocks[0] = bytearray(_block0(self.uid, self.size_kb))
            for sector in range(self.sector_count):
                self.blocks[trailer_of(sector)] = bytearray(FACTORY_KEY + TRANSPORT_ACCESS + FACTORY_KEY)

    @property
    def block_count(self) -> int:
        return 64 if self.size_kb == 1 else 256

    @property
    def sector_count(self) -> int:
        return 16 if self.size_kb == 1 else 40

    def set_trailer(self, sector: int, key_a: bytes, access: bytes, key_b: bytes) -> None:
        """Set a sector trailer directly (test setup; bypasses the access rules)."""
        self.blocks[trailer_of(sector)] = bytearray(key_a + access + key_b)

    def copy(self, uid: bytes | None = None) -> MifareClassic1K:
        """A deep copy, optionally with another UID (block 0 rewritten as a magic card would)."""
        blocks = [bytearray(b) for b in self.blocks]
        new_uid = uid if uid is not None else self.uid
        if uid is not None:
            blocks[0][:] = _block0(uid, self.size_kb)
        return MifareClassic1K(uid=new_uid, blocks=blocks, size_kb=self.size_kb)


def MifareClassic4K(uid: bytes) -> MifareClassic1K:  # noqa: N802 - reads like the class it makes
    """A blank 4K image (40 sectors)."""
    return MifareClassic1K(uid=uid, size_kb=4)


def _block0(uid: bytes, size_kb: int) -> bytes:
    sak = 0x08 if size_kb == 1 else 0x18
    if len(uid) == 4:
        # 4-byte NUID: UID, BCC, SAK, ATQA, manufacturer data (MF1S50 §8.6.1).
        bcc = uid[0] ^ uid[1] ^ uid[2] ^ uid[3]
        return uid + bytes([bcc, sak, 0x04, 0x00]) + bytes.fromhex("6263646566676869")
    # 7-byte UID: UID0..6, SAK, ATQA (44 00 for double-size UIDs), manufacturer data (MF1S70 7B).
    return uid + bytes([sak, 0x44, 0x00]) + bytes.fromhex("626364656667")


class Acr122uEmulation:
    """The ACR122U-side state: volatile key slots, the current authentication, the card's quirks."""

    def __init__(self, card: MifareClassic1K, atr: bytes, status: str = "acs",
                 unsupported: frozenset[int] = frozenset(), delay: float = 0.0) -> None:
        if status not in ("acs", "generic"):
            raise ValueError("status is 'acs' (63 00 for everything) or 'generic' (69 82)")
        self.card = card
        self.atr = atr
        self.status = status
        self.unsupported = unsupported
        self.delay = delay
        self.key_slots: dict[int, bytes] = {}
        self.auth: tuple[int, int] | None = None  # (sector, key type)
        self.halted = False
        self.refuse_memory = False  # authenticated with a readable key B
        self.apdu_log: list[bytes] = []

    def power_cycle(self) -> None:
        # Crypto1 authentication and the HALT state die with the RF field; the reader keeps
        # its key slots.
        self.auth = None
        self.halted = False
        self.refuse_memory = False

    def _denied(self) -> bytes:
        return SW_SECURITY if self.status == "generic" else SW_FAIL

    def handle(self, apdu: bytes) -> bytes:
        self.apdu_log.append(apdu)
        if self.delay:
            time.sleep(self.delay)
        if len(apdu) < 4 or apdu[0] != 0xFF:
            return SW_NOT_SUPPORTED
        ins, p1, p2 = apdu[1], apdu[2], apdu[3]
        if ins in self.unsupported:
            return SW_NOT_SUPPORTED
        body = apdu[4:]
        if ins == 0xCA:
            return self._get_data(p1)
        if ins == 0x82:
            return self._load_key(p1, p2, body)
        if self.halted and ins in (0x86, 0x88, 0xB0, 0xD6):
            # A halted card does not answer the reader; ACS readers report that as 63 00.
            return SW_FAIL
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
        self.refuse_memory = False
        if block >= self.card.block_count or key_type not in (KEY_A, KEY_B) \
                or slot not in self.key_slots:
            return SW_FAIL
        sector = sector_of(block)
        trailer = self.card.blocks[trailer_of(sector)]
        access = decode_access_bits(trailer)
        if access is None:
            return SW_FAIL  # malformed access bits brick the sector
        key = bytes(trailer[0:6]) if key_type == KEY_A else bytes(trailer[10:16])
        if self.key_slots[slot] != key:
            # The three-pass authentication failed: the card goes to HALT and stays silent
            # until the reader resets the field (MF1S50 §8.6 / §9.3).
            self.halted = True
            return SW_FAIL
        self.auth = (sector, key_type)
        if key_type == KEY_B and "A" in _TRAILER_ACCESS[access[3]][3]:
            # A readable key B is data, not a key: the authentication itself succeeds, but
            # the card refuses every memory access after it (MF1S50 datasheet §8.7.2).
            self.refuse_memory = True
        return SW_OK

    def _check(self, block: int) -> tuple[int, tuple[int, int, int]] | None:
        if block >= self.card.block_count or self.auth is None \
                or self.auth[0] != sector_of(block) or self.refuse_memory:
            return None
        access = decode_access_bits(self.card.blocks[trailer_of(sector_of(block))])
        if access is None:
            return None
        return self.auth[1], access[_group_of(block)]

    def _read(self, block: int, body: bytes) -> bytes:
        if len(body) != 1 or body[0] not in (0x10, 0x00):
            return SW_WRONG_LENGTH
        checked = self._check(block)
        if checked is None:
            return self._denied()
        key_type, cond = checked
        data = bytearray(self.card.blocks[block])
        if _group_of(block) == 3:
            _, acc_read, _, keyb_read, _ = _TRAILER_ACCESS[cond]
            data[0:6] = bytes(6)  # key A never reads back
            if not _rule_allows(acc_read, key_type):
                data[6:10] = bytes(4)
            if not _rule_allows(keyb_read, key_type):
                data[10:16] = bytes(6)
            return bytes(data) + SW_OK
        if not _rule_allows(_DATA_ACCESS[cond][0], key_type):
            return self._denied()
        return bytes(data) + SW_OK

    def _update(self, block: int, body: bytes) -> bytes:
        if len(body) != 17 or body[0] != 0x10:
            return SW_WRONG_LENGTH
        data = bytes(body[1:])
        if block == 0:
            return SW_FAIL  # manufacturer block is read-only on a genuine card
        checked = self._check(block)
        if checked is None:
            return self._denied()
        key_type, cond = checked
        if _group_of(block) == 3:
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
            return self._denied()
        self.card.blocks[block] = bytearray(data)
        return SW_OK


def _rule_allows(rule: str, key_type: int) -> bool:
    if key_type == KEY_A:
        return "A" in rule
    return "B" in rule


class VpcdCardSimulator:
    """A card that can be put on (insert) and taken off (remove) one vpcd reader slot."""

    def __init__(self, port: int, card: MifareClassic1K, atr: bytes = ATR_CLASSIC_1K,
                 host: str = "127.0.0.1", *, status: str = "acs",
                 unsupported: frozenset[int] = frozenset(), delay: float = 0.0,
                 stays_on_reader: bool = False) -> None:
        self.host = host
        self.port = port
        self._reader = Acr122uEmulation(card, atr, status=status, unsupported=unsupported,
                                        delay=delay)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self.reconnects = 0
        self.stays_on_reader = stays_on_reader
        # Test hooks: when one returns True for a C-APDU, the card leaves the field instead of
        # answering - before the command reaches the chip (leave_on) or after it took effect
        # (leave_after), as a customer pulling the card away mid-write does.
        self.leave_on: Callable[[bytes], bool] | None = None
        self.leave_after: Callable[[bytes], bool] | None = None
        # Test hook: a status word to answer instead of the card's own answer (a read that
        # fails with 63 00 or 69 82 at the edge of the field), or None to answer normally.
        self.answer_on: Callable[[bytes], bytes | None] | None = None

    @property
    def card(self) -> MifareClassic1K:
        return self._reader.card

    @property
    def emulation(self) -> Acr122uEmulation:
        return self._reader

    @property
    def apdu_log(self) -> list[bytes]:
        return self._reader.apdu_log

    def clone(self, with_data: bool = False, uid: bytes | None = None) -> VpcdCardSimulator:
        """A second card with this UID (or `uid`); a blank factory image unless `with_data`."""
        target_uid = uid if uid is not None else self.card.uid
        image = (self.card.copy(uid=target_uid) if with_data
                 else MifareClassic1K(uid=target_uid, size_kb=self.card.size_kb))
        return VpcdCardSimulator(self.port, image, atr=self._reader.atr, host=self.host,
                                 status=self._reader.status, unsupported=self._reader.unsupported,
                                 delay=self._reader.delay)

    def _connect(self, deadline: float) -> socket.socket | None:
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                sock.settimeout(0.2)
                return sock
            except OSError:
                if time.monotonic() > deadline:
                    return None
                if self._stop.wait(0.05):
                    return None

    def insert(self, timeout: float = 10.0) -> None:
        """Put the card on the reader: connect to vpcd (retrying until pcscd listens)."""
        self.remove()
        self._stop.clear()
        sock = self._connect(time.monotonic() + timeout)
        if sock is None:
            raise ConnectionError(f"vpcd does not listen on {self.host}:{self.port}")
        self.disconnected.clear()
        self._reader.power_cycle()
        with self._lock:
            self._sock = sock
        self.connected.set()
        self._thread = threading.Thread(target=self._run, args=(sock,),
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

    def _run(self, sock: socket.socket) -> None:
        while True:
            left = self._serve(sock)
            try:
                sock.close()
            except OSError:
                pass
            self.connected.clear()
            if left or self._stop.is_set() or not self.stays_on_reader:
                break
            # vpcd went away (pcscd stopped) while the card lies on the reader: the field
            # comes back with pcscd, so connect again and answer its fresh power-on.
            self._reader.power_cycle()
            reconnected = self._connect(time.monotonic() + 3600)
            if reconnected is None:
                break
            with self._lock:
                if self._stop.is_set():
                    reconnected.close()
                    break
                self._sock = sock = reconnected
            self.reconnects += 1
            self.connected.set()
        self.disconnected.set()

    def _serve(self, sock: socket.socket) -> bool:
        """Answer vpcd until it goes away (False) or the card leaves the field (True)."""
        try:
            while not self._stop.is_set():
                header = self._recv_exact(sock, 2)
                if header is None:
                    return False
                (length,) = struct.unpack("!H", header)
                msg = self._recv_exact(sock, length) if length else b""
                if msg is None:
                    return False
                if length == 1:
                    ctrl = msg[0]
                    if ctrl == _CTRL_ATR:
                        sock.sendall(struct.pack("!H", len(self._reader.atr)) + self._reader.atr)
                    elif ctrl in (_CTRL_OFF, _CTRL_ON, _CTRL_RESET):
                        self._reader.power_cycle()
                    continue
                if self.leave_on is not None and self.leave_on(msg):
                    self.leave_on = None
                    return True
                forced = self.answer_on(msg) if self.answer_on is not None else None
                rapdu = forced if forced is not None else self._reader.handle(msg)
                if self.leave_after is not None and self.leave_after(msg):
                    self.leave_after = None
                    return True
                sock.sendall(struct.pack("!H", len(rapdu)) + rapdu)
        except OSError:
            return False
        return False
