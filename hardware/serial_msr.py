"""Serial magnetic-stripe readers: MagTek-style ASCII output and the MSR605 command set.

Both drivers run a PortRunner thread (hardware/transports.py) that reopens a
vanished port with backoff, and report swipes through a plain callback. Track
data never reaches a log: only lengths and status bytes do.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import serial

from hardware.errors import (
    DeviceNotResponding,
    ProtocolError,
    ReaderStatusError,
    TrackParseError,
)
from hardware.transports import Backoff, PortRunner, deliver, read_available
from pos_app.domain.magstripe import Swipe, Track, parse_swipe, parse_track
from pos_app.ports.input_devices import (
    DeviceState,
    ErrorHandler,
    StateHandler,
    SwipeHandler,
)

__all__ = [
    "MSR605_STATUS",
    "MagTekSerialReader",
    "magtek_frame_body",
    "Msr605Frame",
    "Msr605FrameParser",
    "Msr605Reader",
    "NullMagCardReader",
    "swipe_from_msr605",
]

log = logging.getLogger(__name__)

# Longest line a reader can send for one swipe: 3 tracks of 79+40+107 chars
# plus terminators, with room to spare; more than this is line noise.
_MAX_LINE = 512


# MagTek RS-232 framing characters, each switched on by a DIP switch or a
# setup command: STX first, ESC before the data (insertion readers), a card
# sensor digit after the last end sentinel, then CR and/or ETX (MagTek
# RS-232 3-track swipe reader manual, figures 3-1/3-2: "STX SS data ES CR
# ETX", SW5-SW7; port-powered and P-series insertion reader manuals, table
# 3-2 and "reader to host formats": "STX ESC %t1? ;t2? +t3? Sensor CR ETX",
# and the sensor-only message "STX ESC 1 CR ETX" when a card goes in or out).
STX, ETX, CR, LF = 0x02, 0x03, 0x0D, 0x0A
_FRAME_ENDS = bytes((CR, LF, ETX))
_FRAME_LEADS = bytes((STX, 0x1B))


def magtek_frame_body(frame: bytes) -> bytes | None:
    """The track text of one MagTek frame with its optional framing removed; None for a card-sensor-only message.

    frame is what came between two line ends (CR, LF or ETX); leading STX/ESC
    and a trailing card-sensor digit after the last '?' are framing, not data.
    """
    body = frame.lstrip(_FRAME_LEADS)
    if body in (b"", b"0", b"1"):
        # A bare sensor change (card inserted or withdrawn) carries no swipe.
        return None
    if len(body) >= 2 and body[-1:] in (b"0", b"1") and body[-2:-1] == b"?":
        body = body[:-1]
    return body


class _SwipeLineSplitter:
    """Splits MagTek-style output into one frame per swipe: CR, LF or ETX ends it (MagTek RS-232 manuals)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)

    def feed(self, data: bytes) -> tuple[list[bytes], bool]:
        """Complete frames in arrival order, and whether an over-long one was discarded."""
        self._buffer += data
        lines: list[bytes] = []
        overflow = False
        while True:
            cut = next((i for i, b in enumerate(self._buffer) if b in _FRAME_ENDS), -1)
            if cut < 0:
                break
            line = bytes(self._buffer[:cut])
            del self._buffer[: cut + 1]
            if line:
                lines.append(line)
        if len(self._buffer) > _MAX_LINE:
            self._buffer.clear()
            overflow = True
        return lines, overflow

    def complete_when_idle(self) -> bool:
        """Whether the pending bytes look like a whole swipe sent without a line end ('?' then maybe a sensor digit)."""
        tail = self._buffer[-2:]
        return tail[-1:] == b"?" or (len(tail) == 2 and tail[:1] == b"?" and tail[1:] in (b"0", b"1"))

    def take(self) -> bytes:
        line = bytes(self._buffer)
        self._buffer.clear()
        return line


class _SerialSwipeReader(ABC):
    """What both serial readers share: a PortRunner thread, its state, start and stop."""

    _kind = "msr"

    def __init__(self, url: str, baudrate: int, backoff: Backoff | None) -> None:
        self.url = url
        self._runner = PortRunner(url, self._session, baudrate=baudrate,
                                  name=f"{self._kind}@{url}", backoff=backoff)
        self._on_swipe: SwipeHandler | None = None

    @property
    def state(self) -> DeviceState:
        """Where the driver is (connecting, ready, offline, stopped)."""
        return self._runner.state

    def start(
        self,
        on_swipe: SwipeHandler,
        on_error: ErrorHandler | None = None,
        on_state: StateHandler | None = None,
    ) -> None:
        """Start reading in the background; a missing or vanished port is retried, not raised."""
        self._on_swipe = on_swipe
        self._runner.start(on_error, on_state)

    def stop(self) -> None:
        """Stop reading and release the port; returns once the driver's thread has ended."""
        self._runner.stop()

    @abstractmethod
    def _session(self, port: serial.SerialBase, ready: Callable[[], None],
                 stopping: threading.Event) -> None:
        """Speak the reader's protocol on an open port until stopping is set or the port fails."""


class MagTekSerialReader(_SerialSwipeReader):
    """A reader that sends each swipe as ASCII '%T1?;T2?+T3?' + CR, unasked (MagTek RS-232, 9600 8N1).

    Every optional framing the MagTek RS-232 manuals list is accepted: STX,
    ESC, the card-sensor digit, CR and/or ETX, and the track-3 sentinels.
    """

    _kind = "magtek"

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        backoff: Backoff | None = None,
        idle_end_s: float = 0.3,
    ) -> None:
        # Some readers are configured without a terminator: a swipe that ends
        # in '?' and is followed by idle_end_s of silence counts as complete.
        self._idle_end_s = idle_end_s
        super().__init__(url, baudrate, backoff)

    def _session(self, port: serial.SerialBase, ready: Callable[[], None], stopping: threading.Event) -> None:
        # An ASCII reader has no handshake: an open port is as ready as it gets.
        ready()
        splitter = _SwipeLineSplitter()
        last_data = time.monotonic()
        while not stopping.is_set():
            data = read_available(port)
            now = time.monotonic()
            if data:
                last_data = now
                lines, overflow = splitter.feed(data)
                if overflow:
                    self._runner.report(ProtocolError(self.url, f"more than {_MAX_LINE} bytes without a line end"))
                for line in lines:
                    self._handle(line)
            elif splitter.complete_when_idle() and now - last_data >= self._idle_end_s:
                self._handle(splitter.take())

    def _handle(self, line: bytes) -> None:
        log.debug("magtek frame: %d bytes", len(line))
        body = magtek_frame_body(line)
        if body is None:
            return
        try:
            swipe = parse_swipe(body.decode("ascii"))
        except UnicodeDecodeError:
            self._runner.report(TrackParseError("bytes outside ASCII"))
            return
        except TrackParseError as exc:
            self._runner.report(exc)
            return
        if self._on_swipe is not None:
            deliver(self._runner.url, self._on_swipe, swipe)


# --- MSR605 / MSR206 family -------------------------------------------------
# MSR605 Programmer's Manual rev. B §6-§8 (same command set as MSR206; see
# also Doridian/libMSRx05 and reference §1.4). Commands are ESC + one byte.
ESC = 0x1B
CMD_RESET = b"\x1b\x61"  # ESC a: no response
CMD_READ_ISO = b"\x1b\x72"  # ESC r: waits for a swipe, answers [Data Block] ESC [Status]
CMD_COMM_TEST = b"\x1b\x65"  # ESC e: answers ESC y
COMM_TEST_OK = b"\x1b\x79"
_BLOCK_START = b"\x1b\x73"  # ESC s
_BLOCK_END = b"\x3f\x1c\x1b"  # '?' FS ESC, then the status byte
_TRACK_MARK = re.compile(rb"\x1b([\x01-\x03])")

# [Status Byte] (manual §7). '9' is documented as "invalid card swipe when in
# write mode" and in the notes as "card moving error" (too fast or too slow).
STATUS_OK = 0x30
MSR605_STATUS: dict[int, str] = {
    0x30: "ok",
    0x31: "read/write error",
    0x32: "command format error",
    0x34: "invalid command",
    0x39: "card moved too fast or too slow",
}


@dataclass(frozen=True)
class Msr605Frame:
    """One answer from an MSR605: a status byte, with the raw track strings if it was a data block."""

    status: int
    tracks: dict[int, bytes] | None = None

    def __repr__(self) -> str:
        lengths = None if self.tracks is None else {n: len(t) for n, t in self.tracks.items()}
        return f"Msr605Frame(status={self.status:#04x}, track_lengths={lengths})"


class Msr605FrameParser:
    """Incremental parser for MSR605 answers: '1B 73 [1B 01 t1][1B 02 t2][1B 03 t3] 3F 1C 1B s' and '1B s'."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Msr605Frame]:
        """Frames completed by these bytes, in order; raises ValueError if a block outgrows any card."""
        self._buffer += data
        frames: list[Msr605Frame] = []
        while True:
            start = self._buffer.find(b"\x1b")
            if start < 0:
                self._buffer.clear()
                break
            if start > 0:
                # Noise before an ESC (e.g. a reader powering up) carries nothing.
                del self._buffer[:start]
            if len(self._buffer) < 2:
                break
            kind = self._buffer[1]
            if kind == 0x73:  # data block
                end = self._buffer.find(_BLOCK_END, 2)
                if end < 0 or len(self._buffer) < end + 4:
                    if len(self._buffer) > _MAX_LINE:
                        raise ValueError("data block longer than any card holds")
                    break
                body = bytes(self._buffer[2:end])
                status = self._buffer[end + 3]
                del self._buffer[: end + 4]
                frames.append(Msr605Frame(status, _split_tracks(body)))
            else:
                # A bare "ESC status" (or ESC y for the communication test).
                del self._buffer[:2]
                frames.append(Msr605Frame(kind))
        return frames


def _split_tracks(body: bytes) -> dict[int, bytes]:
    # Markers for tracks without data may be sent bare (1B 01 1B 02 ...) or
    # not at all (manual §7 note 2); track data never contains ESC.
    tracks: dict[int, bytes] = {}
    marks = list(_TRACK_MARK.finditer(body))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        data = body[mark.end() : end]
        if data:
            tracks[mark.group(1)[0]] = data
    return tracks


def swipe_from_msr605(frame: Msr605Frame, url: str = "msr605") -> Swipe:
    """Turn a read answer into a Swipe; raises ReaderStatusError or TrackParseError when there is no usable data.

    With status '1' (read error) the reader still sends the tracks it could
    read; those are kept and the empty ones are listed as errors, since a
    member card needs only its number track.
    """
    if frame.tracks is None or (frame.status != STATUS_OK and not frame.tracks):
        raise ReaderStatusError(url, frame.status, MSR605_STATUS.get(frame.status, "unknown status"))
    if frame.status not in (STATUS_OK, 0x31):
        raise ReaderStatusError(url, frame.status, MSR605_STATUS.get(frame.status, "unknown status"))
    tracks: list[Track] = []
    errors: list[int] = []
    for number in (1, 2, 3):
        raw = frame.tracks.get(number)
        if raw is None:
            if frame.status != STATUS_OK:
                errors.append(number)
            continue
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise TrackParseError("bytes outside ASCII", number) from None
        track = parse_track(number, text)
        if track is None:
            errors.append(number)
        else:
            tracks.append(track)
    if not tracks and not errors:
        raise TrackParseError("no track data")
    return Swipe(tuple(tracks), tuple(errors))


class Msr605Reader(_SerialSwipeReader):
    """An MSR605/MSR206-family reader/writer used as a reader: handshake, then ISO reads one swipe at a time."""

    _kind = "msr605"

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        backoff: Backoff | None = None,
        response_timeout_s: float = 1.0,
    ) -> None:
        self._response_timeout_s = response_timeout_s
        super().__init__(url, baudrate, backoff)

    def _session(self, port: serial.SerialBase, ready: Callable[[], None], stopping: threading.Event) -> None:
        # Initialisation sequence from the manual §8: reset, communication
        # test (ESC e -> ESC y), reset.
        port.reset_input_buffer()
        port.write(CMD_RESET)
        port.write(CMD_COMM_TEST)
        self._await_comm_test(port, stopping)
        port.write(CMD_RESET)
        parser = Msr605FrameParser()
        port.write(CMD_READ_ISO)
        ready()
        try:
            while not stopping.is_set():
                data = read_available(port)
                if not data:
                    continue
                try:
                    frames = parser.feed(data)
                except ValueError as exc:
                    self._runner.report(ProtocolError(self.url, str(exc)))
                    parser = Msr605FrameParser()
                    port.write(CMD_RESET + CMD_READ_ISO)
                    continue
                for frame in frames:
                    if self._handle(frame):
                        # A read ends with its answer; arm the next one.
                        port.write(CMD_READ_ISO)
        finally:
            if stopping.is_set():
                # The reader waits for a swipe until reset (manual §6); leave it idle.
                try:
                    port.write(CMD_RESET)
                except (serial.SerialException, OSError):
                    pass

    def _await_comm_test(self, port: serial.SerialBase, stopping: threading.Event) -> None:
        deadline = time.monotonic() + self._response_timeout_s
        received = b""
        while time.monotonic() < deadline and not stopping.is_set():
            received += read_available(port)
            if COMM_TEST_OK in received:
                return
        if stopping.is_set():
            return
        raise DeviceNotResponding(self.url, CMD_COMM_TEST, self._response_timeout_s)

    def _handle(self, frame: Msr605Frame) -> bool:
        """Report one answer; True if it ended the pending read."""
        log.debug("msr605 answer: %r", frame)
        if frame.tracks is None and frame.status in (STATUS_OK, COMM_TEST_OK[1]):
            # A late echo of the handshake, not the answer to a read.
            return False
        try:
            swipe = swipe_from_msr605(frame, self.url)
        except (ReaderStatusError, TrackParseError) as exc:
            self._runner.report(exc)
            return True
        if self._on_swipe is not None:
            deliver(self.url, self._on_swipe, swipe)
        return True


class NullMagCardReader:
    """A till without a serial reader: never reports a swipe (wedge readers need no driver)."""

    def start(
        self,
        on_swipe: SwipeHandler,
        on_error: ErrorHandler | None = None,
        on_state: StateHandler | None = None,
    ) -> None:
        """Do nothing; there is no device."""

    def stop(self) -> None:
        """Do nothing; there is no device."""
