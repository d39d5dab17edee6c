"""The virtual card itself: vpcd framing and genuine-Classic memory rules (no pcscd needed).

The PC/SC tests are only as good as this simulator, so its card rules are checked here
against the MF1S50 datasheet tables, and its framing against vpcd.c.
"""
from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from tests.simulators.vpcd_card import (ATR_CLASSIC_1K, ATR_CLASSIC_4K, FACTORY_KEY,
                                        TRANSPORT_ACCESS, Acr122uEmulation, MifareClassic1K,
                                        MifareClassic4K, VpcdCardSimulator, access_bits,
                                        decode_access_bits)

UID = bytes.fromhex("A1B2C3D4")
KEY_A = bytes.fromhex("5A1B2C3D4E5F")
KEY_B = bytes.fromhex("B0B1B2B3B4B5")
ISSUED = access_bits([(1, 0, 0), (1, 0, 0), (1, 0, 0), (0, 1, 1)])
OK, FAIL = b"\x90\x00", b"\x63\x00"


def load(key: bytes, slot: int = 0) -> bytes:
    return bytes([0xFF, 0x82, 0x00, slot, 0x06]) + key


def auth(block: int, key_type: int, slot: int = 0) -> bytes:
    return bytes([0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, block, key_type, slot])


def read(block: int) -> bytes:
    return bytes([0xFF, 0xB0, 0x00, block, 0x10])


def update(block: int, data: bytes) -> bytes:
    return bytes([0xFF, 0xD6, 0x00, block, 0x10]) + data


@pytest.fixture
def issued() -> Acr122uEmulation:
    card = MifareClassic1K(uid=UID)
    card.set_trailer(1, KEY_A, ISSUED, KEY_B)
    return Acr122uEmulation(card, ATR_CLASSIC_1K)


def test_access_bits_encode_the_well_known_values() -> None:
    assert access_bits([(0, 0, 0)] * 3 + [(0, 0, 1)]) == TRANSPORT_ACCESS
    assert ISSUED.hex().upper() == "78778869"
    assert decode_access_bits(FACTORY_KEY + ISSUED + KEY_B) == [(1, 0, 0)] * 3 + [(0, 1, 1)]


def test_block_0_carries_the_uid_and_its_bcc(issued: Acr122uEmulation) -> None:
    block0 = bytes(issued.card.blocks[0])
    assert block0[:4] == UID and block0[4] == 0xA1 ^ 0xB2 ^ 0xC3 ^ 0xD4


def test_key_a_reads_but_only_key_b_writes_an_issued_sector(issued: Acr122uEmulation) -> None:
    assert issued.handle(load(KEY_A)) == OK
    assert issued.handle(auth(4, 0x60)) == OK
    assert issued.handle(read(4)) == bytes(16) + OK
    assert issued.handle(update(4, b"x" * 16)) == FAIL
    assert issued.handle(load(KEY_B, slot=1)) == OK
    assert issued.handle(auth(5, 0x61, slot=1)) == OK
    assert issued.handle(update(5, b"y" * 16)) == OK
    assert issued.handle(read(5)) == b"y" * 16 + OK


def test_a_trailer_reads_back_without_its_keys(issued: Acr122uEmulation) -> None:
    issued.handle(load(KEY_A))
    issued.handle(auth(7, 0x60))
    assert issued.handle(read(7)) == bytes(6) + ISSUED + bytes(6) + OK


def test_a_readable_key_b_authenticates_and_then_every_memory_access_is_refused(
        issued: Acr122uEmulation) -> None:
    # Sector 2 is still in the transport configuration, where key B is plain data (§8.7.2).
    issued.handle(load(FACTORY_KEY))
    assert issued.handle(auth(8, 0x61)) == OK
    assert issued.handle(update(9, b"x" * 16)) == FAIL
    assert issued.handle(read(9)) == FAIL
    assert bytes(issued.card.blocks[9]) == bytes(16)
    assert issued.handle(auth(8, 0x60)) == OK
    assert issued.handle(update(9, b"x" * 16)) == OK


def test_a_failed_authentication_silences_the_card_until_the_field_is_reset(
        issued: Acr122uEmulation) -> None:
    issued.handle(load(KEY_B))
    assert issued.handle(auth(8, 0x60)) == FAIL            # wrong key: the card halts
    issued.handle(load(FACTORY_KEY))
    assert issued.handle(auth(8, 0x60)) == FAIL            # even the right key now
    assert issued.handle(bytes.fromhex("FFCA000000")) == UID + OK   # the reader still knows the UID
    issued.power_cycle()
    assert issued.handle(auth(8, 0x60)) == OK


def test_generic_readers_answer_69_82_and_6a_81() -> None:
    reader = Acr122uEmulation(MifareClassic1K(uid=UID), ATR_CLASSIC_1K, status="generic",
                              unsupported=frozenset({0xCA}))
    assert reader.handle(read(4)) == b"\x69\x82"
    assert reader.handle(bytes.fromhex("FFCA000000")) == b"\x6a\x81"


def test_a_7_byte_uid_4k_card_has_40_sectors_and_16_block_sectors_at_the_top() -> None:
    uid7 = bytes.fromhex("04A1B2C3D4E5F6")
    reader = Acr122uEmulation(MifareClassic4K(uid7), ATR_CLASSIC_4K)
    assert reader.handle(bytes.fromhex("FFCA000000")) == uid7 + OK
    assert bytes(reader.card.blocks[0][:7]) == uid7
    reader.handle(load(FACTORY_KEY))
    assert reader.handle(auth(128 + 16 * 3, 0x60)) == OK     # sector 35, its first block
    assert reader.handle(update(128 + 16 * 3 + 14, b"q" * 16)) == OK
    assert reader.handle(read(128 + 16 * 3 + 14)) == b"q" * 16 + OK
    assert reader.handle(read(128 + 16 * 4)) == FAIL          # sector 36: not authenticated
    assert reader.handle(read(128 + 16 * 3 + 15)) == bytes(6) + TRANSPORT_ACCESS + FACTORY_KEY + OK


def test_a_failed_authentication_drops_the_previous_one(issued: Acr122uEmulation) -> None:
    issued.handle(load(KEY_A))
    assert issued.handle(auth(4, 0x60)) == OK
    issued.handle(load(FACTORY_KEY))
    assert issued.handle(auth(4, 0x60)) == FAIL
    assert issued.handle(read(4)) == FAIL


def test_a_power_cycle_ends_the_authentication_but_keeps_the_reader_keys(issued: Acr122uEmulation) -> None:
    issued.handle(load(KEY_A))
    issued.handle(auth(4, 0x60))
    issued.power_cycle()
    assert issued.handle(read(4)) == FAIL
    assert issued.handle(auth(4, 0x60)) == OK


def test_trailer_writes_change_only_what_the_access_bits_allow(issued: Acr122uEmulation) -> None:
    new_a, new_b = bytes.fromhex("111111111111"), bytes.fromhex("222222222222")
    issued.handle(load(KEY_A))
    issued.handle(auth(7, 0x60))
    assert issued.handle(update(7, new_a + TRANSPORT_ACCESS + new_b)) == OK  # accepted, nothing changes
    assert bytes(issued.card.blocks[7]) == KEY_A + ISSUED + KEY_B
    issued.handle(load(KEY_B))
    issued.handle(auth(7, 0x61))
    assert issued.handle(update(7, new_a + ISSUED + new_b)) == OK
    assert bytes(issued.card.blocks[7]) == new_a + ISSUED + new_b


def test_malformed_access_bits_brick_the_sector(issued: Acr122uEmulation) -> None:
    issued.handle(load(FACTORY_KEY))
    issued.handle(auth(11, 0x60))
    assert issued.handle(update(11, FACTORY_KEY + b"\x00\x00\x00\x69" + FACTORY_KEY)) == OK
    assert issued.handle(auth(8, 0x60)) == FAIL


@pytest.mark.parametrize(("apdu", "sw"), [
    (bytes.fromhex("FFCA000000"), UID + OK),
    (bytes.fromhex("FFCA010000"), b"\x6a\x81"),  # a Classic has no ATS
    (load(KEY_A, slot=2), FAIL),  # ACR122U has key slots 00-01 only
    (bytes.fromhex("FF82200006") + KEY_A, FAIL),  # no non-volatile key store
    (bytes.fromhex("FF8200000501020304"), b"\x67\x00"),
    (read(4)[:4] + b"\x04", b"\x67\x00"),
    (auth(64, 0x60), FAIL),
    (bytes.fromhex("00A4040000"), b"\x6a\x81"),  # ISO APDUs go nowhere on a storage card
])
def test_pseudo_apdu_status_words(issued: Acr122uEmulation, apdu: bytes, sw: bytes) -> None:
    assert issued.handle(apdu) == sw


def test_block_0_is_never_written(issued: Acr122uEmulation) -> None:
    issued.handle(load(FACTORY_KEY))
    issued.handle(auth(0, 0x60))
    assert issued.handle(update(0, bytes(16))) == FAIL


def test_a_clone_shares_the_uid_but_not_the_data(issued: Acr122uEmulation) -> None:
    original = VpcdCardSimulator(1, issued.card)
    original.card.blocks[4][:] = b"z" * 16
    blank, full = original.clone(), original.clone(with_data=True)
    assert blank.card.uid == full.card.uid == UID
    assert bytes(blank.card.blocks[4]) == bytes(16) and bytes(full.card.blocks[4]) == b"z" * 16
    full.card.blocks[4][:] = b"w" * 16
    assert bytes(original.card.blocks[4]) == b"z" * 16


class FakeVpcd:
    """The server half of vpcd.c on a loopback port, to check the card's framing without pcscd."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        self.server.settimeout(5)
        self.conn, _ = self.server.accept()
        self.conn.settimeout(5)

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(struct.pack("!H", len(payload)) + payload)

    def recv(self) -> bytes:
        assert self.conn is not None
        (length,) = struct.unpack("!H", self._exact(2))
        return self._exact(length)

    def _exact(self, n: int) -> bytes:
        assert self.conn is not None
        buf = b""
        while len(buf) < n:
            chunk = self.conn.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("card closed the connection")
            buf += chunk
        return buf

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()


@pytest.fixture
def vpcd() -> Iterator[FakeVpcd]:
    server = FakeVpcd()
    yield server
    server.close()


def test_the_card_speaks_vpcd_framing(vpcd: FakeVpcd) -> None:
    card = VpcdCardSimulator(vpcd.port, MifareClassic1K(uid=UID))
    card.insert()
    try:
        vpcd.accept()
        vpcd.send(b"\x04")  # get ATR: the only control message that is answered
        assert vpcd.recv() == ATR_CLASSIC_1K
        vpcd.send(b"\x01")  # power on: no reply, so the next frame answers the APDU
        vpcd.send(bytes.fromhex("FFCA000000"))
        assert vpcd.recv() == UID + OK
        vpcd.send(b"\x00")  # power off, and the card must still answer get ATR
        vpcd.send(b"\x04")
        assert vpcd.recv() == ATR_CLASSIC_1K
    finally:
        card.remove()


def test_removing_the_card_closes_the_socket(vpcd: FakeVpcd) -> None:
    card = VpcdCardSimulator(vpcd.port, MifareClassic1K(uid=UID))
    card.insert()
    vpcd.accept()
    card.remove()
    assert card.disconnected.wait(2)
    with pytest.raises(ConnectionError):
        vpcd.recv()


def test_a_card_left_on_the_reader_reconnects_when_vpcd_comes_back() -> None:
    first = FakeVpcd()
    port = first.port
    card = VpcdCardSimulator(port, MifareClassic1K(uid=UID), stays_on_reader=True)
    card.insert()
    try:
        first.accept()
        first.close()                       # pcscd stops: vpcd closes the card's socket
        second = socket.create_server(("127.0.0.1", port))
        second.settimeout(5)
        conn, _ = second.accept()           # pcscd is back: the card is still there
        conn.settimeout(5)
        conn.sendall(struct.pack("!H", 5) + bytes.fromhex("FFCA000000"))
        (length,) = struct.unpack("!H", conn.recv(2))
        assert conn.recv(length) == UID + OK
        assert card.reconnects >= 1         # a retry may land while the old listener is closing
        conn.close()
        second.close()
    finally:
        card.remove()


def test_a_card_leaving_after_the_write_took_effect_never_answers(vpcd: FakeVpcd) -> None:
    image = MifareClassic1K(uid=UID)
    card = VpcdCardSimulator(vpcd.port, image)
    card.leave_after = lambda apdu: apdu[1] == 0xD6
    card.insert()
    try:
        vpcd.accept()
        for apdu in (load(FACTORY_KEY), auth(4, 0x60)):
            vpcd.send(apdu)
            assert vpcd.recv() == OK
        vpcd.send(update(4, b"t" * 16))
        with pytest.raises(ConnectionError):
            vpcd.recv()
        assert bytes(image.blocks[4]) == b"t" * 16      # torn: written, never acknowledged
    finally:
        card.remove()
