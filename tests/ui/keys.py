"""Key events as a keyboard-wedge reader or scanner delivers them, for tests of real windows.

A device types a key every 5-10 ms (reference §1.3) and the window system stamps each event
(QKeyEvent.timestamp). The events here carry such stamps and are handed over back to back, the
way a queue of platform input is, so the wedge filter judges them by their stamps and a loaded
machine cannot stretch a burst into "human typing" (QTest.keyClick's real-time delays can).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

DEVICE_MS = 8  # a reader or scanner types a key every 5-10 ms (reference §1.3)


class PlatformClock:
    """Window-system key timestamps (ms); each burst starts well after the previous one."""

    def __init__(self) -> None:
        self.now = int(time.monotonic() * 1000)

    def burst(self) -> int:
        self.now += 10_000
        return self.now

    def tick(self, ms: int) -> int:
        self.now += ms
        return self.now


CLOCK = PlatformClock()


def key_for(ch: str) -> Qt.Key:
    if ch == "\r":
        return Qt.Key.Key_Return
    if " " <= ch <= "~":
        # Qt key codes for printable ASCII are the (upper-case) ASCII codes.
        return Qt.Key(ord(ch.upper()))
    return Qt.Key.Key_unknown


def send_key(widget: QWidget, etype: QEvent.Type, key: Qt.Key, mods: Qt.KeyboardModifier,
             text: str, at: int) -> None:
    event = QKeyEvent(etype, key, mods, text)
    event.setTimestamp(at)
    QApplication.sendEvent(widget, event)


def reader_types(widget: QWidget, text: str, gap_ms: int = DEVICE_MS, *, shift: bool = False) -> None:
    """A reader or scanner: key events stamped gap_ms apart, delivered back to back like queued platform input.

    With shift=True the reader presses Shift around capitals and the symbols
    that need it on a US layout, as HID readers do.
    """
    at = CLOCK.burst()
    for ch in text:
        needs_shift = shift and (ch.isupper() or ch in "%^?")
        mods = Qt.KeyboardModifier.ShiftModifier if needs_shift else Qt.KeyboardModifier.NoModifier
        if needs_shift:
            send_key(widget, QEvent.Type.KeyPress, Qt.Key.Key_Shift, mods, "", at)
        at = CLOCK.tick(gap_ms)
        send_key(widget, QEvent.Type.KeyPress, key_for(ch), mods, ch, at)
        send_key(widget, QEvent.Type.KeyRelease, key_for(ch), mods, ch, at + 2)
        if needs_shift:
            send_key(widget, QEvent.Type.KeyRelease, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier, "", at + 3)


def scanner_scans(widget: QWidget, code: str) -> None:
    """A wedge scanner or reader: the code at device speed, then Enter."""
    reader_types(widget, code + "\r")
