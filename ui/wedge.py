"""Keyboard-wedge capture: tell a card swipe or barcode scan typed by a device from a person typing.

Wedge readers and scanners are keyboards (reference §1.2, §6). A global
event filter on the QApplication sees every key press whatever has focus
(reference §6), holds printable keys for a few milliseconds, and decides
from the timing (reference §1.3) whether they are a device burst or a person:

- a swipe starts with a start sentinel ('%', ';', or their full-width IME
  forms) or a configured prefix, continues with gaps <= gap_ms, and ends on
  Enter or after end_idle_ms of quiet following the end sentinel '?';
- a scan is at least min_barcode_length keys with gaps <= gap_ms ending in Enter.

Recognised bursts never reach the focused widget; they are emitted as
card_swiped(card number) or barcode_scanned(code). Anything else (slow gaps,
too short, no Enter) is replayed to the widget it was typed into, in order.
Held keys reach the widget at most settle_ms late (end_idle_ms after a
sentinel-led '?'). Track contents are never
logged: only lengths.

Keys that reach the input method are not key presses: turn the IME off on
capture fields with make_capture_field(). SerialInputBridge gives serial
readers and scanners the same signals, so screens need not care how a
device is attached.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.domain.magstripe import (
    CardNumberRule,
    Swipe,
    TrackParseError,
    card_number,
    fold_ime_punctuation,
    parse_swipe,
    parse_track,
)
from pos_app.ports.input_devices import BarcodeScanner, MagCardReader

__all__ = ["SerialInputBridge", "WedgeFilter", "install_wedge_filter", "make_capture_field"]

log = logging.getLogger(__name__)

_SENTINELS = ("%", ";")
_END_SENTINEL = "?"
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
    }
)
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)
# Fewer keys than this ("%?", ";?") are a person's typo, not a swipe.
_MIN_SWIPE_KEYS = 3


@dataclass
class _HeldKey:
    target: QObject
    event: QKeyEvent
    text: str
    stamp_ms: int  # the window system's timestamp, 0 for synthesised events
    arrived_ms: float  # when the filter saw it (monotonic clock)


def _gap_ms(previous: _HeldKey, stamp_ms: int, arrived_ms: float) -> float:
    # Platform key events carry the window system's timestamp in ms, which
    # stays right even if the GUI thread was busy and delivered them late.
    # Synthesised events (QTest on a widget, other filters) carry 0: compare
    # arrival times then, and never one clock with the other.
    if previous.stamp_ms and stamp_ms:
        return float(stamp_ms - previous.stamp_ms)
    return arrived_ms - previous.arrived_ms


class WedgeFilter(QObject):
    """Application event filter that turns wedge bursts into signals and leaves human typing alone."""

    # The member card number the CardNumberRule selects.
    card_swiped = Signal(str)
    # A scanned code (IME full-width forms folded back to ASCII).
    barcode_scanned = Signal(str)
    # A machine-speed burst that looked like a swipe but could not be read; the reason never quotes the card.
    swipe_failed = Signal(str)

    def __init__(
        self,
        rule: CardNumberRule | None = None,
        *,
        gap_ms: int = 40,
        end_idle_ms: int = 100,
        settle_ms: int | None = None,
        min_barcode_length: int = 6,
        prefixes: tuple[str, ...] = (),
        terminator_keys: tuple[Qt.Key, ...] = (Qt.Key.Key_Return, Qt.Key.Key_Enter),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.rule = rule if rule is not None else CardNumberRule()
        self.gap_ms = gap_ms
        self.end_idle_ms = end_idle_ms
        # Held keys wait a little longer than gap_ms for the next key, so a key
        # the event loop delivers a few ms late still joins its burst.
        self.settle_ms = settle_ms if settle_ms is not None else gap_ms + 20
        self.min_barcode_length = min_barcode_length
        self.prefixes = tuple(p for p in prefixes if p)
        self.terminator_keys = frozenset(terminator_keys)
        self.enabled = True
        self._held: list[_HeldKey] = []
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_quiet)

    # --- Qt entry point -----------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        etype = event.type()
        if etype not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if self._replaying or not self.enabled or not self._is_first_delivery(watched):
            return False
        assert isinstance(event, QKeyEvent)
        if etype == QEvent.Type.ShortcutOverride:
            return self._shortcut_override(event)
        return self._key_press(watched, event)

    # --- decisions ------------------------------------------------------------

    @staticmethod
    def _is_first_delivery(watched: QObject) -> bool:
        # A key event passes the app filter once per receiver: the window,
        # the focus widget, then each parent it propagates to. Act once, at
        # the focus widget (or the window itself when nothing has focus).
        if not isinstance(watched, QWidget):
            return False
        focus = QApplication.focusWidget()
        return watched is focus or (focus is None and watched.isWindow())

    def _printable(self, event: QKeyEvent) -> str | None:
        text = event.text()
        if not text or event.modifiers() & _COMMAND_MODIFIERS:
            return None
        # One key is one character, except the IME's two-character '……' for '^'.
        if len(text) > 2 or not text.isprintable():
            return None
        return text

    def _shortcut_override(self, event: QKeyEvent) -> bool:
        # Mid-burst, claim printable keys so a single-key shortcut on the
        # focused screen cannot fire on a character of a swipe.
        if self._held and self._printable(event) is not None:
            event.accept()
            return True
        if (self._held and event.key() not in self.terminator_keys
                and event.key() not in _MODIFIER_KEYS):
            # A shortcut (F2, Del) right after typed keys: let the typed keys land first, so
            # "300 F2" pays ¥300, not the amount shown before the last key arrived.
            self._settle(terminated=False)
        return False

    def _key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS:
            # Shift goes down and up around every '%', '?' and capital a reader types.
            return False
        stamp, arrived = int(event.timestamp()), time.monotonic() * 1000.0
        if self._held and _gap_ms(self._held[-1], stamp, arrived) > self._allowed_gap():
            self._settle(terminated=False)
        if event.isAutoRepeat():
            # Devices never auto-repeat; a held-down key is a person.
            self._settle(terminated=False)
            return False
        if key in self.terminator_keys:
            if not self._held:
                return False
            return self._settle(terminated=True)
        text = self._printable(event)
        if text is None:
            # Backspace, arrows, F-keys, Ctrl+...: a person; let what is held go first.
            if self._held:
                self._settle(terminated=False)
            return False
        self._held.append(_HeldKey(watched, event.clone(), text, stamp, arrived))
        self._timer.start(self._settle_delay())
        return True

    def _burst_text(self) -> str:
        return fold_ime_punctuation("".join(h.text for h in self._held))

    def _swipe_body(self, text: str) -> str | None:
        """The swipe part of a burst if it starts like one (sentinel or prefix), else None."""
        for prefix in self.prefixes:
            folded_prefix = fold_ime_punctuation(prefix)
            if text.startswith(folded_prefix):
                return text[len(folded_prefix) :]
            if folded_prefix.startswith(text):
                return ""  # still typing the prefix
        if text.startswith(_SENTINELS):
            return text
        return None

    def _allowed_gap(self) -> float:
        body = self._swipe_body(self._burst_text())
        if body and body.endswith(_END_SENTINEL):
            # Between tracks and before the terminator a reader may pause a little longer.
            return float(max(self.gap_ms, self.end_idle_ms))
        return float(self.gap_ms)

    def _settle_delay(self) -> int:
        body = self._swipe_body(self._burst_text())
        if body and body.endswith(_END_SENTINEL):
            return max(self.settle_ms, self.end_idle_ms)
        return self.settle_ms

    def _on_quiet(self) -> None:
        if self._held:
            self._settle(terminated=False)

    def _settle(self, *, terminated: bool) -> bool:
        """Decide what the held keys were; True if they were a device burst (consumed)."""
        self._timer.stop()
        held, self._held = self._held, []
        text = fold_ime_punctuation("".join(h.text for h in held))
        body = self._swipe_body(text)
        if body is None and (terminated or text.endswith(_END_SENTINEL)):
            split = self._typing_before_swipe(held)
            if split:
                # A key typed an instant before the swipe began joined its burst.
                self._replay(held[:split])
                held = held[split:]
                text = fold_ime_punctuation("".join(h.text for h in held))
                body = self._swipe_body(text)
        # Every track ends in '?', so a sentinel-led scan without one is a
        # barcode that starts with '%' (Code 39 can encode it), not a swipe.
        looks_like_code = body == text and _END_SENTINEL not in text
        if (
            body is not None
            and not looks_like_code
            and len(held) >= _MIN_SWIPE_KEYS
            and (terminated or body.endswith(_END_SENTINEL))
        ):
            self._finish_swipe(body)
            return True
        if (body is None or looks_like_code) and terminated and len(held) >= self.min_barcode_length:
            log.debug("wedge scan: %d characters", len(text))
            self._emit_later(self.barcode_scanned, text)
            return True
        self._replay(held)
        return False

    def _typing_before_swipe(self, held: list[_HeldKey]) -> int:
        """How many leading held keys come before a start sentinel that begins a readable swipe (0: none)."""
        for i in range(1, len(held)):
            rest = fold_ime_punctuation("".join(h.text for h in held[i:]))
            if rest.startswith(_SENTINELS) and len(held) - i >= _MIN_SWIPE_KEYS:
                try:
                    parse_swipe(rest)
                except TrackParseError:
                    continue
                return i
        return 0

    def _finish_swipe(self, body: str) -> None:
        log.debug("wedge swipe: %d characters", len(body))
        try:
            swipe = self._parse(body)
            number = card_number(swipe, self.rule)
        except TrackParseError as exc:
            log.debug("wedge swipe unreadable: %s", exc.reason)
            self._emit_later(self.swipe_failed, str(exc))
            return
        self._emit_later(self.card_swiped, number)

    def _parse(self, body: str) -> Swipe:
        if body.startswith((*_SENTINELS, "+")):
            return parse_swipe(body)
        # A reader programmed with a prefix may send the bare number track.
        track = parse_track(self.rule.track, body)
        if track is None:
            return Swipe((), (self.rule.track,))
        return Swipe((track,))

    def _emit_later(self, signal: SignalInstance, value: str) -> None:
        # Emit from the event loop, not from inside the filter: a slot that
        # opens a dialog must not run nested in the key event's delivery.
        QTimer.singleShot(0, self, lambda: signal.emit(value))

    def _replay(self, held: list[_HeldKey]) -> None:
        """Deliver held key presses, unchanged and in order, to the widgets they were typed into."""
        if not held:
            return
        log.debug("wedge: %d key(s) were typing, replaying", len(held))
        self._replaying = True
        try:
            for item in held:
                target = item.target
                if not shiboken6.isValid(target):
                    target = QApplication.focusWidget()
                if target is None:
                    continue
                QApplication.sendEvent(target, item.event)
        finally:
            self._replaying = False

    # --- control --------------------------------------------------------------

    def flush(self) -> None:
        """Settle whatever is held now (e.g. before a modal dialog opens)."""
        if self._held:
            self._settle(terminated=False)

    def set_enabled(self, enabled: bool) -> None:
        """Turn capture on or off (off for a password field); turning it off releases held keys."""
        if not enabled:
            self.flush()
        self.enabled = enabled


def install_wedge_filter(app: QApplication, rule: CardNumberRule | None = None, **options: object) -> WedgeFilter:
    """Create a WedgeFilter owned by the application and install it on every key event."""
    wedge = WedgeFilter(rule, parent=app, **options)  # type: ignore[arg-type]
    app.installEventFilter(wedge)
    return wedge


def make_capture_field(widget: QWidget) -> None:
    """Turn the input method off on a field that takes wedge input, so a Chinese IME cannot rewrite '; ? ^'."""
    # With WA_InputMethodEnabled off, Qt's Windows plugin detaches the IME
    # context from the window while this widget has focus
    # (QWindowsInputContext::updateEnabled, reference §6); the hints keep
    # on-screen keyboards and predictive input out of the way.
    widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    widget.setInputMethodHints(
        widget.inputMethodHints()
        | Qt.InputMethodHint.ImhLatinOnly
        | Qt.InputMethodHint.ImhNoPredictiveText
        | Qt.InputMethodHint.ImhNoAutoUppercase
    )


class SerialInputBridge(QObject):
    """Carries swipes and scans from serial driver threads into the GUI thread as the wedge filter's signals.

    Give the app one place to listen: connect the same slots to a WedgeFilter
    and to this bridge, and it does not matter how a reader is attached.
    Signals are emitted from driver threads; connect them to methods of
    QObjects that live in the GUI thread (or give connect() such a context
    object), so Qt queues each call into the GUI thread. A bare lambda
    without a context would run in the driver thread.
    """

    card_swiped = Signal(str)
    barcode_scanned = Signal(str)
    swipe_failed = Signal(str)
    # A device's name and its new state ("ready", "offline", ...), for a status bar.
    device_state = Signal(str, str)
    # A device's name and what went wrong (str of a typed device error; never card data).
    device_error = Signal(str, str)

    def __init__(self, rule: CardNumberRule | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rule = rule if rule is not None else CardNumberRule()
        self._devices: list[MagCardReader | BarcodeScanner] = []

    def attach_reader(self, name: str, reader: MagCardReader) -> None:
        """Start a serial card reader whose swipes become card_swiped / swipe_failed."""

        def on_swipe(swipe: Swipe) -> None:
            try:
                self.card_swiped.emit(card_number(swipe, self.rule))
            except TrackParseError as exc:
                self.swipe_failed.emit(str(exc))

        def on_error(exc: Exception) -> None:
            if isinstance(exc, TrackParseError):
                self.swipe_failed.emit(str(exc))
            else:
                self.device_error.emit(name, str(exc))

        reader.start(on_swipe, on_error, lambda state: self.device_state.emit(name, state.value))
        self._devices.append(reader)

    def attach_scanner(self, name: str, scanner: BarcodeScanner) -> None:
        """Start a serial scanner whose codes become barcode_scanned."""
        scanner.start(
            self.barcode_scanned.emit,
            lambda exc: self.device_error.emit(name, str(exc)),
            lambda state: self.device_state.emit(name, state.value),
        )
        self._devices.append(scanner)

    def stop(self) -> None:
        """Stop every attached device (call on shutdown)."""
        devices, self._devices = self._devices, []
        for device in devices:
            device.stop()
