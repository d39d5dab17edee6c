"""Serial MSR drivers end to end over a pty: MagTek ASCII output and the MSR605 command set."""
from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.errors import DeviceNotResponding, PortLost, PortUnavailable, ReaderStatusError, TrackParseError
from hardware.serial_msr import (
    MagTekSerialReader,
    Msr605Frame,
    Msr605FrameParser,
    Msr605Reader,
    swipe_from_msr605,
)
from hardware.transports import Backoff
from pos_app.domain.magstripe import CardNumberRule, Swipe, Track, card_number
from pos_app.ports.input_devices import DeviceState, MagCardReader
from tests.simulators.msr import MagTekSimulator, Msr605Simulator, msr605_read_answer

FAST = Backoff(first_s=0.02, factor=2.0, max_s=0.1)
TIMEOUT = 3.0


class Events:
    """Collects what a driver reports, from its thread, for the test thread to wait on."""

    def __init__(self) -> None:
        self.swipes: queue.Queue[Swipe] = queue.Queue()
        self.errors: queue.Queue[Exception] = queue.Queue()
        self.states: list[DeviceState] = []
        self._cond = threading.Condition()

    def on_swipe(self, swipe: Swipe) -> None:
        self.swipes.put(swipe)

    def on_error(self, exc: Exception) -> None:
        self.errors.put(exc)

    def on_state(self, state: DeviceState) -> None:
        with self._cond:
            self.states.append(state)
            self._cond.notify_all()

    def wait_state(self, state: DeviceState, after: int = 0, timeout: float = TIMEOUT) -> bool:
        """Wait until state is reported at index >= after."""
        with self._cond:
            return self._cond.wait_for(lambda: state in self.states[after:], timeout)

    def swipe(self) -> Swipe:
        return self.swipes.get(timeout=TIMEOUT)

    def error(self) -> Exception:
        return self.errors.get(timeout=TIMEOUT)


def start(reader: MagCardReader, events: Events) -> None:
    reader.start(events.on_swipe, events.on_error, events.on_state)


# --- MagTek ASCII -----------------------------------------------------------


def test_magtek_reader_delivers_each_swipe_from_its_thread() -> None:
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sent = sim.swipe(
            "B4012002000060016^VI TEST CREDIT^251210118039000000000396",
            "4012002000060016=25121011803939600000",
        )
        assert sent.startswith(b"%B4012002000060016^") and sent.endswith(b"?\r")
        swipe = events.swipe()
        assert card_number(swipe, CardNumberRule()) == "4012002000060016"
        assert swipe.track(1).fields[1] == "VI TEST CREDIT"
        sim.swipe(track2="12345678", terminator=b"\r\n")
        assert events.swipe() == Swipe((Track(2, "12345678"),))
    finally:
        reader.stop()
        sim.close()
    assert reader.state is DeviceState.STOPPED
    assert events.states[-1] is DeviceState.STOPPED


def test_magtek_error_tracks_arrive_as_errors_beside_the_good_track() -> None:
    # MagTek RS-232 manual example: '%1111…?;E?+3333…?' CR.
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe("1111", None, "3333", errors=(2,))
        swipe = events.swipe()
        assert swipe.errors == (2,)
        assert swipe.track(3) == Track(3, "3333")
    finally:
        reader.stop()
        sim.close()


def test_magtek_line_noise_is_reported_as_a_parse_error_and_reading_goes_on() -> None:
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.send(b"\xff\xfe;12\r")
        assert isinstance(events.error(), TrackParseError)
        sim.send(b";123")  # a swipe split across two USB packets
        sim.send(b"45678?\r")
        assert card_number(events.swipe(), CardNumberRule()) == "12345678"
    finally:
        reader.stop()
        sim.close()


# Every reader-to-host format the MagTek RS-232 manuals show, as the reader's
# switches select it: STX/ETX (3-track swipe reader SW5, SW6), ESC + card
# sensor digit (port-powered / P-series insertion readers), CR or not.
MAGTEK_FRAMINGS = {
    "stx-cr-etx": dict(stx=True, etx=True),
    "stx-etx-no-cr": dict(stx=True, etx=True, terminator=b""),
    "etx-only": dict(etx=True, terminator=b""),
    "stx-esc-sensor-cr-etx": dict(stx=True, esc=True, sensor="0", etx=True),
    "esc-sensor-cr": dict(esc=True, sensor="0"),
    "esc-sensor-blocked-crlf": dict(esc=True, sensor="1", terminator=b"\r\n"),
}


@pytest.mark.parametrize("framing", list(MAGTEK_FRAMINGS), ids=list(MAGTEK_FRAMINGS))
def test_magtek_reader_accepts_every_framing_the_manuals_list(framing: str) -> None:
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        for _ in range(2):  # the second swipe proves the first frame ended cleanly
            sent = sim.swipe("B6225880012345678^WANG/FANG^2912", "6225880012345678=2912",
                             **MAGTEK_FRAMINGS[framing])
            swipe = events.swipe()
            assert card_number(swipe, CardNumberRule()) == "6225880012345678"
            assert swipe.track(1).fields[1] == "WANG/FANG" and swipe.errors == ()
        assert events.errors.empty(), (sent, events.errors.get_nowait())
    finally:
        reader.stop()
        sim.close()


@pytest.mark.parametrize("sentinel", ["+", "#", "!", ";", "B"])
def test_magtek_track3_start_sentinels_do_not_fail_the_swipe(sentinel: str) -> None:
    # MagTek full-size port reader table 3-1: '+' ISO, '#' AAMVA, '!' CDL;
    # 3-track RS-232 reader figure 3-1: "'!', ';', or 'B'" may be used too.
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe(None, "88000012=4912", "0123456789=99", track3_sentinel=sentinel, stx=True, etx=True)
        swipe = events.swipe()
        assert card_number(swipe, CardNumberRule()) == "88000012"
        assert swipe.track(3) == Track(3, "0123456789=99")
        assert events.errors.empty()
    finally:
        reader.stop()
        sim.close()


def test_magtek_card_sensor_messages_are_not_swipes_or_errors() -> None:
    # Insertion readers send "STX ESC 1 CR ETX" when a card goes in and
    # "STX ESC 0 CR ETX" when it leaves without data; then the data frame.
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.send(b"\x02\x1b1\r\x03")
        sim.send(b"\x02\x1b0\r\x03")
        sim.swipe(track2="12345678", errors=(1,), stx=True, esc=True, sensor="0", etx=True)
        swipe = events.swipe()
        assert card_number(swipe, CardNumberRule()) == "12345678" and swipe.errors == (1,)
        assert events.swipes.empty() and events.errors.empty()
    finally:
        reader.stop()
        sim.close()


def test_magtek_swipe_with_sensor_digit_and_no_terminator_ends_after_a_quiet_moment() -> None:
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST, idle_end_s=0.15)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe(track2="87654321", esc=True, sensor="0", terminator=b"")
        assert card_number(events.swipe(), CardNumberRule()) == "87654321"
        assert events.errors.empty()
    finally:
        reader.stop()
        sim.close()


def test_magtek_swipe_without_a_terminator_ends_after_a_quiet_moment() -> None:
    sim = MagTekSimulator()
    reader = MagTekSerialReader(sim.port, backoff=FAST, idle_end_s=0.15)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe(track2="87654321", terminator=b"")
        assert card_number(events.swipe(), CardNumberRule()) == "87654321"
    finally:
        reader.stop()
        sim.close()


def test_unplugged_magtek_reader_reports_the_loss_and_recovers_when_plugged_back(tmp_path: Path) -> None:
    link = tmp_path / "ttyMSR"
    sim = MagTekSimulator(link)
    reader = MagTekSerialReader(str(link), backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe(track2="1001")
        assert card_number(events.swipe(), CardNumberRule()) == "1001"

        sim.unplug()
        assert isinstance(events.error(), PortLost)
        assert events.wait_state(DeviceState.OFFLINE)
        mark = len(events.states)

        sim = MagTekSimulator(link)  # same udev-style name, new tty behind it
        assert events.wait_state(DeviceState.READY, after=mark)
        sim.swipe(track2="1002")
        assert card_number(events.swipe(), CardNumberRule()) == "1002"
    finally:
        reader.stop()
        sim.close()
    assert events.errors.empty()


def test_reader_on_a_missing_port_reports_it_once_and_stops_cleanly(tmp_path: Path) -> None:
    reader = MagTekSerialReader(str(tmp_path / "no-such-tty"), backoff=FAST)
    events = Events()
    start(reader, events)
    assert events.wait_state(DeviceState.OFFLINE)
    assert isinstance(events.error(), PortUnavailable)
    threading.Event().wait(0.2)  # several retries happen meanwhile
    reader.stop()
    assert reader.state is DeviceState.STOPPED
    assert events.errors.empty()


# --- MSR605 -----------------------------------------------------------------


def test_msr605_handshake_then_iso_read_delivers_the_swipe() -> None:
    sim = Msr605Simulator()
    reader = Msr605Reader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        # Manual §8: reset, communication test, reset, then the read command.
        assert sim.wait_received(lambda b: b.startswith(b"\x1b\x61\x1b\x65\x1b\x61\x1b\x72"))
        answer = sim.swipe(
            "B5350290149345177^FATEHI/SUALEH^16042010000000000000000000000000000567001000",
            "5350290149345177=16042010000056700100",
        )
        assert answer.startswith(b"\x1b\x73\x1b\x01%B5350") and answer.endswith(b"?\x1b\x03\x3f\x1c\x1b\x30")
        swipe = events.swipe()
        assert swipe.errors == ()
        assert card_number(swipe, CardNumberRule()) == "5350290149345177"
        assert swipe.track(1).fields[1] == "FATEHI/SUALEH"
        # The driver re-arms for the next card.
        sim.swipe(track2="12345678", track3="45")
        swipe = events.swipe()
        assert swipe.track(2) == Track(2, "12345678") and swipe.track(3) == Track(3, "45")
        reader.stop()
        # Stopping resets the reader so it no longer waits for a swipe.
        assert sim.wait_received(lambda b: b.endswith(b"\x1b\x72\x1b\x61"))
    finally:
        reader.stop()
        sim.close()


def test_msr605_status_bytes_become_typed_errors_and_reading_continues() -> None:
    sim = Msr605Simulator()
    reader = Msr605Reader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe(status=b"9")
        err = events.error()
        assert isinstance(err, ReaderStatusError) and err.status == 0x39
        assert "too fast or too slow" in err.meaning
        sim.swipe(status=b"1")
        assert isinstance(events.error(), ReaderStatusError)
        sim.swipe(track2="777")
        assert card_number(events.swipe(), CardNumberRule()) == "777"
    finally:
        reader.stop()
        sim.close()


def test_msr605_read_error_keeps_the_tracks_it_could_read() -> None:
    sim = Msr605Simulator()
    reader = Msr605Reader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe(None, "6200001234", None, status=b"1")
        swipe = events.swipe()
        assert card_number(swipe, CardNumberRule()) == "6200001234"
        assert swipe.errors == (1, 3)
    finally:
        reader.stop()
        sim.close()


def test_msr605_answer_split_across_packets_is_reassembled() -> None:
    sim = Msr605Simulator()
    reader = Msr605Reader(sim.port, backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.swipe_in_pieces(msr605_read_answer("B1^A/B^99", "4455667788", "12"))
        swipe = events.swipe()
        assert [t.number for t in swipe.tracks] == [1, 2, 3]
    finally:
        reader.stop()
        sim.close()


def test_msr605_that_never_answers_the_test_is_reported_as_not_responding() -> None:
    sim = Msr605Simulator(responsive=False)
    reader = Msr605Reader(sim.port, backoff=FAST, response_timeout_s=0.2)
    events = Events()
    start(reader, events)
    try:
        err = events.error()
        assert isinstance(err, DeviceNotResponding) and err.command == b"\x1b\x65"
        assert events.wait_state(DeviceState.OFFLINE)
        assert DeviceState.READY not in events.states
    finally:
        reader.stop()
        sim.close()


def test_unplugged_msr605_reports_the_loss_and_recovers_with_a_new_handshake(tmp_path: Path) -> None:
    link = tmp_path / "ttyMSR605"
    sim = Msr605Simulator(link)
    reader = Msr605Reader(str(link), backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        assert events.wait_state(DeviceState.READY)
        sim.unplug()
        assert isinstance(events.error(), PortLost)
        assert events.wait_state(DeviceState.OFFLINE)
        mark = len(events.states)
        sim = Msr605Simulator(link)
        assert events.wait_state(DeviceState.READY, after=mark)
        assert sim.wait_received(lambda b: b.startswith(b"\x1b\x61\x1b\x65\x1b\x61\x1b\x72"))
        sim.swipe(track2="31415926")
        assert card_number(events.swipe(), CardNumberRule()) == "31415926"
    finally:
        reader.stop()
        sim.close()


# --- MSR605 frames, without a port --------------------------------------------


def test_msr605_frame_with_only_track_two_follows_the_manual_example() -> None:
    # Manual §7 note 2: "1B 73 1B 01 1B 02 [string] 3F 1C" for a track-2-only card.
    frames = Msr605FrameParser().feed(b"\x1b\x73\x1b\x01\x1b\x02;23?\x3f\x1c\x1b\x30")
    assert frames == [Msr605Frame(0x30, {2: b";23?"})]
    assert swipe_from_msr605(frames[0]) == Swipe((Track(2, "23"),))


def test_msr605_frame_from_the_manual_read_sequence_has_three_tracks() -> None:
    # Manual §8: ESC s ESC 01 %01? ESC 02 ;23? ESC 03 ;45? ? FS ESC status.
    raw = bytes.fromhex("1b731b012530313f1b023b32333f1b033b34353f3f1c1b30")
    (frame,) = Msr605FrameParser().feed(raw)
    swipe = swipe_from_msr605(frame)
    assert [(t.number, t.data) for t in swipe.tracks] == [(1, "01"), (2, "23"), (3, "45")]


def test_msr605_bare_status_and_empty_data_block_are_errors_not_swipes() -> None:
    parser = Msr605FrameParser()
    (bare,) = parser.feed(b"\x1b\x34")
    with pytest.raises(ReaderStatusError, match="invalid command"):
        swipe_from_msr605(bare)
    (empty,) = parser.feed(b"\x1b\x73\x1b\x01\x1b\x02\x1b\x03\x3f\x1c\x1b\x30")
    with pytest.raises(TrackParseError, match="no track data"):
        swipe_from_msr605(empty)


_MSR_BYTES = st.lists(
    st.one_of(
        st.sampled_from([b"\x1b", b"\x1b\x73", b"\x1b\x01", b"\x1b\x02", b"\x1b\x03", b"\x3f\x1c\x1b", b"0", b"1", b"9"]),
        st.sampled_from([b"%B1^A/B^99?", b";1234?", b";E?", b"?", b"=", b"\x1c"]),
        st.binary(max_size=8),
    ),
    max_size=40,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(_MSR_BYTES, st.integers(min_value=1, max_value=16))
def test_any_bytes_from_an_msr605_yield_frames_or_typed_errors_only(data: bytes, chunk: int) -> None:
    parser = Msr605FrameParser()
    for i in range(0, len(data), chunk):
        try:
            frames = parser.feed(data[i : i + chunk])
        except ValueError:
            parser = Msr605FrameParser()
            continue
        for frame in frames:
            try:
                swipe = swipe_from_msr605(frame)
            except (ReaderStatusError, TrackParseError):
                continue
            assert swipe.tracks or swipe.errors


def test_a_reader_behind_a_serial_device_server_works_over_socket_url() -> None:
    # Shops sometimes put serial devices behind a network serial server
    # (RFC 2217-less raw TCP); pyserial's socket:// speaks to it unchanged.
    import socket

    server = socket.create_server(("127.0.0.1", 0))
    host, port = server.getsockname()
    reader = MagTekSerialReader(f"socket://{host}:{port}", backoff=FAST)
    events = Events()
    start(reader, events)
    try:
        server.settimeout(TIMEOUT)
        conn, _ = server.accept()
        with conn:
            assert events.wait_state(DeviceState.READY)
            conn.sendall(b";20241128?\r")
            assert card_number(events.swipe(), CardNumberRule()) == "20241128"
    finally:
        reader.stop()
        server.close()


def test_drivers_log_lengths_and_statuses_never_track_data(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    magtek, msr = MagTekSimulator(), Msr605Simulator()
    magtek_reader = MagTekSerialReader(magtek.port, backoff=FAST)
    msr_reader = Msr605Reader(msr.port, backoff=FAST)
    magtek_events, msr_events = Events(), Events()
    start(magtek_reader, magtek_events)
    start(msr_reader, msr_events)
    try:
        assert magtek_events.wait_state(DeviceState.READY) and msr_events.wait_state(DeviceState.READY)
        magtek.swipe("B6225880012345678^WANG/FANG^2912", "6225880012345678=2912")
        msr.swipe("B6225880012345678^WANG/FANG^2912", "6225880012345678=2912")
        magtek.send(b";6225880012345678A?\r")
        magtek_events.swipe(), msr_events.swipe(), magtek_events.error()
    finally:
        magtek_reader.stop()
        msr_reader.stop()
        magtek.close()
        msr.close()
    assert "magtek frame" in caplog.text and "msr605 answer" in caplog.text
    assert "62258800" not in caplog.text and "WANG" not in caplog.text
