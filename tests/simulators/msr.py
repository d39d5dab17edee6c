"""Serial magnetic-stripe reader simulators that speak the real protocols over a pty.

MagTekSimulator sends swipes unasked as ASCII '%…?;…?+…?' CR (MagTek RS-232
manual). Msr605Simulator answers the MSR605 command set byte for byte
(MSR605 Programmer's Manual rev. B §6-§8): reset, communication test, ISO
read armed until a swipe, status bytes, tracks that failed to read.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.simulators.pty import PtyPair

__all__ = ["MagTekSimulator", "Msr605Simulator", "magtek_swipe", "msr605_read_answer"]


def magtek_swipe(
    track1: str | None = None,
    track2: str | None = None,
    track3: str | None = None,
    *,
    errors: tuple[int, ...] = (),
    terminator: bytes = b"\r",
    stx: bool = False,
    esc: bool = False,
    sensor: str | None = None,
    etx: bool = False,
    track3_sentinel: str = "+",
) -> bytes:
    """What a MagTek-style reader sends for one swipe, with the framing its switches select.

    Tracks with sentinels ('E' for unreadable ones), then the terminator; STX
    before, ESC before the data and the card-sensor digit after it (insertion
    readers), ETX at the very end (MagTek RS-232 manuals, reader-to-host format).
    """
    parts: list[str] = []
    for number, sentinel, data in ((1, "%", track1), (2, ";", track2), (3, track3_sentinel, track3)):
        if number in errors:
            parts.append(f"{sentinel}E?")
        elif data is not None:
            parts.append(f"{sentinel}{data}?")
    body = "".join(parts).encode("ascii")
    return (
        (b"\x02" if stx else b"") + (b"\x1b" if esc else b"") + body
        + (sensor.encode("ascii") if sensor is not None else b"")
        + terminator + (b"\x03" if etx else b"")
    )


def msr605_read_answer(
    track1: str | None = None,
    track2: str | None = None,
    track3: str | None = None,
    *,
    status: bytes = b"0",
) -> bytes:
    """The answer to ESC r: 1B 73, 1B 01 [%t1?] 1B 02 [;t2?] 1B 03 [;t3?], 3F 1C, 1B status (manual §7-§8).

    Track strings keep their sentinels; track 3 uses ';' as on the stripe.
    A track with no data is sent as its bare marker.
    """
    body = b"\x1b\x73"
    for marker, sentinel, data in ((b"\x1b\x01", "%", track1), (b"\x1b\x02", ";", track2), (b"\x1b\x03", ";", track3)):
        body += marker
        if data:
            body += f"{sentinel}{data}?".encode("ascii")
    return body + b"\x3f\x1c\x1b" + status


class _DeviceSimulator:
    """A device on the master side of a pty: a thread reads what the driver sends and answers it."""

    def __init__(self, link: Path | None = None) -> None:
        self.pty = PtyPair(link)
        self.received = bytearray()
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()

    @property
    def port(self) -> str:
        return self.pty.port

    def _run(self) -> None:
        while not self._stopping.is_set():
            data = self.pty.read(0.02)
            if data:
                with self._lock:
                    self.received += data
                    self._on_bytes(data)
                    self._lock.notify_all()

    def _on_bytes(self, data: bytes) -> None:
        """Called with the lock held for every chunk the driver sent."""

    def wait_received(self, predicate, timeout: float = 2.0) -> bool:
        """Wait until predicate(received bytes) is true."""
        with self._lock:
            return self._lock.wait_for(lambda: predicate(bytes(self.received)), timeout)

    def unplug(self) -> None:
        """Pull the cable: the simulator stops and the pty disappears."""
        self._stopping.set()
        self._thread.join(2.0)
        self.pty.unplug()

    close = unplug


class MagTekSimulator(_DeviceSimulator):
    """A MagTek-style ASCII reader: every swipe is sent at once, no commands."""

    def swipe(
        self,
        track1: str | None = None,
        track2: str | None = None,
        track3: str | None = None,
        *,
        errors: tuple[int, ...] = (),
        terminator: bytes = b"\r",
        **framing,
    ) -> bytes:
        """Swipe a card; returns the exact bytes sent (framing: see magtek_swipe)."""
        data = magtek_swipe(track1, track2, track3, errors=errors, terminator=terminator, **framing)
        self.pty.write(data)
        return data

    def send(self, data: bytes) -> None:
        """Send raw bytes (line noise, split swipes)."""
        self.pty.write(data)


class Msr605Simulator(_DeviceSimulator):
    """An MSR605 reader/writer: answers ESC e with ESC y, sends a swipe only while an ESC r read is pending."""

    MODEL = b"3"
    FIRMWARE = b"REV?1.00"

    def __init__(self, link: Path | None = None, *, responsive: bool = True) -> None:
        # responsive=False plays a wrong device or wrong baud rate: nothing answers.
        self.responsive = responsive
        self.armed = False
        self.commands: list[bytes] = []
        self._pending = bytearray()
        super().__init__(link)

    def _on_bytes(self, data: bytes) -> None:
        self._pending += data
        while len(self._pending) >= 2:
            if self._pending[0] != 0x1B:
                # Not a command start: the real reader ignores it too.
                del self._pending[0]
                continue
            command = bytes(self._pending[:2])
            del self._pending[:2]
            self.commands.append(command)
            if not self.responsive:
                continue
            self._answer(command)

    def _answer(self, command: bytes) -> None:
        op = command[1]
        if op == 0x61:  # ESC a reset: abandon a pending read, no response
            self.armed = False
        elif op == 0x65:  # ESC e communication test
            self.pty.write(b"\x1b\x79")
        elif op == 0x72:  # ESC r ISO read: answer when a card is swiped
            self.armed = True
        elif op == 0x74:  # ESC t model: ESC [model] S
            self.pty.write(b"\x1b" + self.MODEL + b"S")
        elif op == 0x76:  # ESC v firmware: ESC [version]
            self.pty.write(b"\x1b" + self.FIRMWARE)
        else:
            # Status '4': invalid command (manual §7).
            self.pty.write(b"\x1b\x34")

    def wait_armed(self, timeout: float = 2.0) -> bool:
        """Wait until the driver has a read pending (it sent ESC r after the last reset)."""
        with self._lock:
            return self._lock.wait_for(lambda: self.armed, timeout)

    def swipe(
        self,
        track1: str | None = None,
        track2: str | None = None,
        track3: str | None = None,
        *,
        status: bytes = b"0",
        timeout: float = 2.0,
    ) -> bytes:
        """Swipe a card through a pending read; returns the exact answer sent. Raises if no read is pending."""
        if not self.wait_armed(timeout):
            raise AssertionError("the driver never sent ESC r; a real MSR605 would ignore this swipe")
        answer = msr605_read_answer(track1, track2, track3, status=status)
        with self._lock:
            self.armed = False
        self.pty.write(answer)
        return answer

    def swipe_in_pieces(self, answer: bytes, pause_s: float = 0.01) -> None:
        """Send a read answer a few bytes at a time, as a slow USB-serial bridge does."""
        if not self.wait_armed():
            raise AssertionError("the driver never sent ESC r")
        with self._lock:
            self.armed = False
        for i in range(0, len(answer), 5):
            self.pty.write(answer[i : i + 5])
            time.sleep(pause_s)
