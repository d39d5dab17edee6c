"""Customer-display receivers: record the exact bytes a display got over a pty and decode what it shows.

Decoders follow the command sheets in reference §5: CD5220 (CD5220 / POSX
XP8200 manuals), Epson ESC/POS display mode (LCDproc serialPOS_epson.c) and
the Chinese 8-digit LED price display. A byte sequence a decoder does not know
is kept in `unknown`, so tests can insist that a renderer sends only real
commands.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from pathlib import Path

from tests.simulators.pty import PtyPair

__all__ = ["Cd5220Screen", "DisplayReceiver", "EpsonScreen", "Led8Screen"]

COLUMNS = 20


class _Incomplete(Exception):
    """The buffer ends inside a command; wait for more bytes."""


class _Screen(ABC):
    def __init__(self) -> None:
        self._buffer = bytearray()
        self.unknown: list[bytes] = []

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while self._buffer:
            try:
                used = self._step(bytes(self._buffer))
            except _Incomplete:
                return
            del self._buffer[:used]

    @abstractmethod
    def _step(self, buf: bytes) -> int:
        """Decode one command at the start of buf; return how many bytes it used."""

    @staticmethod
    def _need(buf: bytes, n: int) -> None:
        if len(buf) < n:
            raise _Incomplete


class _TwoLineScreen(_Screen):
    def __init__(self) -> None:
        super().__init__()
        self.rows = [[" "] * COLUMNS, [" "] * COLUMNS]
        self.col, self.row = 0, 0

    @property
    def lines(self) -> tuple[str, str]:
        """What the two rows show now."""
        return "".join(self.rows[0]), "".join(self.rows[1])

    def _clear(self) -> None:
        self.rows = [[" "] * COLUMNS, [" "] * COLUMNS]
        self.col, self.row = 0, 0

    def _put(self, ch: str) -> None:
        self.rows[self.row][self.col] = ch
        self.col += 1
        if self.col >= COLUMNS:
            # Overwrite mode: wrap to the start of the other line.
            self.col = 0
            self.row = 1 - self.row


class Cd5220Screen(_TwoLineScreen):
    """A 2x20 VFD in CD5220 mode."""

    def _step(self, buf: bytes) -> int:
        b = buf[0]
        if b == 0x0C:  # CLR
            self._clear()
            return 1
        if b == 0x18:  # CAN: clear the cursor line
            self.rows[self.row] = [" "] * COLUMNS
            self.col = 0
            return 1
        if b == 0x0B:  # HOM
            self.col, self.row = 0, 0
            return 1
        if b == 0x0D:
            self.col = 0
            return 1
        if b == 0x0A:
            self.row = 1 - self.row
            return 1
        if 0x20 <= b <= 0x7E:
            self._put(chr(b))
            return 1
        if b == 0x1B:
            self._need(buf, 2)
            op = buf[1]
            if op == 0x40:  # ESC @ initialise
                self._clear()
                return 2
            if op == 0x51:  # ESC Q A/B/D string + CR
                self._need(buf, 3)
                end = buf.find(b"\x0d", 3)
                if end < 0:
                    raise _Incomplete
                which, text = buf[2], buf[3:end].decode("ascii", errors="replace")
                if which in (0x41, 0x44):
                    self.rows[0] = list(text[:COLUMNS].ljust(COLUMNS))
                elif which == 0x42:
                    self.rows[1] = list(text[:COLUMNS].ljust(COLUMNS))
                else:
                    self.unknown.append(buf[: end + 1])
                return end + 1
            if op == 0x6C:  # ESC l x y cursor
                self._need(buf, 4)
                self.col, self.row = buf[2] - 1, buf[3] - 1
                return 4
            if op in (0x11, 0x12, 0x13):  # overwrite / vertical / horizontal scroll
                return 2
            if op in (0x5F, 0x2A, 0x3D, 0x66, 0x23):  # cursor, brightness, peripheral, intl set, command set
                self._need(buf, 3)
                return 3
        self.unknown.append(buf[:1])
        return 1


class EpsonScreen(_TwoLineScreen):
    """A 2x20 VFD in Epson ESC/POS display mode."""

    def __init__(self) -> None:
        super().__init__()
        self.mode = "overwrite"

    def _step(self, buf: bytes) -> int:
        b = buf[0]
        if b == 0x0C:  # CLR: clear and home
            self._clear()
            return 1
        if b == 0x0B:
            self.col, self.row = 0, 0
            return 1
        if b == 0x0A:
            self.row = 1 - self.row
            return 1
        if b == 0x0D:
            self.col = 0
            return 1
        if 0x20 <= b <= 0x7E:
            self._put(chr(b))
            return 1
        if b == 0x1B:
            self._need(buf, 2)
            if buf[1] == 0x40:
                self._clear()
                self.mode = "overwrite"
                return 2
        if b == 0x1F:
            self._need(buf, 2)
            op = buf[1]
            if op == 0x24:  # US $ x y
                self._need(buf, 4)
                self.col, self.row = buf[2] - 1, buf[3] - 1
                return 4
            if op in (0x01, 0x02, 0x03):
                self.mode = {0x01: "overwrite", 0x02: "vertical", 0x03: "horizontal"}[op]
                return 2
            if op in (0x43, 0x58):  # cursor on/off, brightness
                self._need(buf, 3)
                return 3
        self.unknown.append(buf[:1])
        return 1


class Led8Screen(_Screen):
    """The Chinese 8-digit LED price display: one number and one of four indicator lights."""

    NAMES = (None, "单价", "总计", "收款", "找零")

    def __init__(self, lights: str = "ascii") -> None:
        """lights: how this unit's firmware reads n of ESC s n, 'ascii' ('0'-'4') or 'raw' (00-04)."""
        super().__init__()
        base = 0x30 if lights == "ascii" else 0x00
        self.LIGHTS = {base + i: name for i, name in enumerate(self.NAMES)}
        self.number = ""
        self.light: str | None = None

    def _step(self, buf: bytes) -> int:
        b = buf[0]
        if b == 0x0C:  # CLR: blank the digits
            self.number = ""
            return 1
        if b == 0x18:
            self.number = ""
            return 1
        if b == 0x1B:
            self._need(buf, 2)
            op = buf[1]
            if op == 0x40:
                self.number, self.light = "", None
                return 2
            if op == 0x73:  # ESC s n: n as this unit's firmware reads it
                self._need(buf, 3)
                if buf[2] in self.LIGHTS:
                    self.light = self.LIGHTS[buf[2]]
                else:
                    self.unknown.append(buf[:3])
                return 3
            if op == 0x51:  # ESC Q A digits CR
                self._need(buf, 3)
                end = buf.find(b"\x0d", 3)
                if end < 0:
                    raise _Incomplete
                text = buf[3:end].decode("ascii", errors="replace")
                if buf[2] != 0x41 or any(ch not in "0123456789-." for ch in text):
                    self.unknown.append(buf[: end + 1])
                else:
                    self.number = text
                return end + 1
        if b == 0x02:
            self._need(buf, 2)
            if buf[1] == 0x4C:  # STX L d1..d4: each light on/off
                self._need(buf, 6)
                return 6
            if buf[1] == 0x4D:  # STX M: open drawer
                return 2
            if buf[1] == 0x42:  # STX B n: baud rate
                self._need(buf, 3)
                return 3
        self.unknown.append(buf[:1])
        return 1


class DisplayReceiver:
    """A display on the master side of a pty: records every byte and feeds the decoder."""

    def __init__(self, screen: _Screen, link: Path | None = None) -> None:
        self.screen = screen
        self.pty = PtyPair(link)
        self.received = bytearray()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="display-receiver", daemon=True)
        self._thread.start()

    @property
    def port(self) -> str:
        return self.pty.port

    def _run(self) -> None:
        while not self._stopping.is_set():
            data = self.pty.read(0.02)
            if data:
                with self._cond:
                    self.received += data
                    self.screen.feed(data)
                    self._cond.notify_all()

    def wait_received(self, predicate, timeout: float = 2.0) -> bool:
        """Wait until predicate(all bytes received so far) is true."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(bytes(self.received)), timeout)

    def take(self) -> bytes:
        """The bytes received since the last take (and forget them)."""
        with self._cond:
            data = bytes(self.received)
            self.received.clear()
            return data

    def unplug(self) -> None:
        self._stopping.set()
        self._thread.join(2.0)
        self.pty.unplug()

    close = unplug
