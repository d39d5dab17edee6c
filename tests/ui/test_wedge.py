"""Keyboard-wedge capture in a real window: timed key bursts into a real QLineEdit (offscreen).

A person types through QTest with real per-key delays (150 ms and more).
A reader or scanner types as the window system delivers it: key events
stamped 5-10 ms apart (QKeyEvent.timestamp), handed over back to back the
way a queue of platform events is. That keeps the device side deterministic
on a loaded machine; two tests also drive devices through QTest in real time.
"""
from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.domain.magstripe import CardNumberRule
from tests.ui.keys import reader_types
from ui.wedge import SerialInputBridge, WedgeFilter, install_wedge_filter, make_capture_field

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin warns when a layout sets size hints; that is the test platform, not us.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

PERSON_MS = 150  # a person, even a fast one, takes longer than 100 ms per key

GLOBALPAYMENTS = (
    "%B4012002000060016^VI TEST CREDIT^251210118039000000000396?"
    ";4012002000060016=25121011803939600000?"
)


class Till(QWidget):
    """A stand-in sale screen: a code field, a button and whatever it received."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("wedge test")
        self.field = QLineEdit(self)
        self.button = QPushButton("Pay", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.button)
        self.returns = 0
        self.field.returnPressed.connect(self._returned)

    def _returned(self) -> None:
        self.returns += 1


class Seen:
    def __init__(self, wedge: WedgeFilter) -> None:
        self.cards: list[str] = []
        self.codes: list[str] = []
        self.failures: list[str] = []
        wedge.card_swiped.connect(self.cards.append)
        wedge.barcode_scanned.connect(self.codes.append)
        wedge.swipe_failed.connect(self.failures.append)


@pytest.fixture
def till(qtbot) -> Till:
    window = Till()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.field)
    return window


@pytest.fixture
def wedge(qapp):
    wedge = install_wedge_filter(qapp, CardNumberRule(track=2, field=0))
    yield wedge
    qapp.removeEventFilter(wedge)
    wedge.deleteLater()


def type_text(widget: QWidget, text: str, delay_ms: int = PERSON_MS) -> None:
    """A person: QTest key presses, each delay_ms (real time) after the previous key's release."""
    no_mod = Qt.KeyboardModifier.NoModifier
    for ch in text:
        if ch == "\r":
            QTest.keyPress(widget, Qt.Key.Key_Return, no_mod, delay_ms)
            QTest.keyRelease(widget, Qt.Key.Key_Return, no_mod)
        elif ord(ch) < 0x80:
            QTest.keyPress(widget, ch, no_mod, delay_ms)
            QTest.keyRelease(widget, ch, no_mod)
        else:
            # What a Chinese IME in punctuation mode delivers: a key press whose text is full-width.
            QTest.sendKeyEvent(QTest.KeyAction.Press, widget, Qt.Key.Key_unknown, ch, no_mod, delay_ms)
            QTest.sendKeyEvent(QTest.KeyAction.Release, widget, Qt.Key.Key_unknown, ch, no_mod)


def settle(qtbot) -> None:
    """Let the filter's quiet timer and deferred signals run."""
    qtbot.wait(200)


def test_a_fast_swipe_emits_the_card_number_and_never_reaches_the_field(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
        reader_types(till.field, GLOBALPAYMENTS + "\r")
    assert blocker.args == ["4012002000060016"]
    settle(qtbot)
    assert till.field.text() == ""
    assert till.returns == 0
    assert seen.cards == ["4012002000060016"] and seen.codes == [] and seen.failures == []


def test_a_reader_pressing_shift_around_capitals_and_symbols_is_still_one_swipe(qtbot, till, wedge) -> None:
    # A real HID reader types US-layout scan codes: Shift down, '%', Shift up, ...
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
        reader_types(till.field, "%B1234^LI/LEI^99?;66778899?\r", shift=True)
    assert blocker.args == ["66778899"]
    settle(qtbot)
    assert till.field.text() == ""


def test_a_track_two_member_card_is_read_with_the_configured_rule(qtbot, till, wedge) -> None:
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
        reader_types(till.field, ";12345678=9912?\r")
    assert blocker.args == ["12345678"]
    settle(qtbot)
    assert till.field.text() == ""


def test_a_person_typing_a_semicolon_slowly_gets_it_in_the_field_untouched(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    type_text(till.field, ";12?", PERSON_MS)
    settle(qtbot)
    assert till.field.text() == ";12?"
    type_text(till.field, "\r", PERSON_MS)
    settle(qtbot)
    assert till.returns == 1
    assert seen.cards == [] and seen.codes == [] and seen.failures == []


def test_a_fast_barcode_ending_in_enter_is_consumed_and_emitted(qtbot, till, wedge) -> None:
    with qtbot.waitSignal(wedge.barcode_scanned, timeout=2000) as blocker:
        reader_types(till.field, "6901234567892\r")
    assert blocker.args == ["6901234567892"]
    settle(qtbot)
    assert till.field.text() == "" and till.returns == 0


def test_a_code_39_barcode_starting_with_a_percent_sign_is_a_scan_not_a_bad_swipe(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    with qtbot.waitSignal(wedge.barcode_scanned, timeout=2000) as blocker:
        reader_types(till.field, "%ABC-123\r")
    assert blocker.args == ["%ABC-123"]
    settle(qtbot)
    assert seen.failures == [] and till.field.text() == ""


def test_a_person_typing_a_barcode_by_hand_gets_text_and_enter_as_typed(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    type_text(till.field, "69012\r", PERSON_MS)
    settle(qtbot)
    assert till.field.text() == "69012"
    assert till.returns == 1
    assert seen.codes == []


def test_a_short_fast_burst_with_enter_is_typing_and_its_enter_still_arrives(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    reader_types(till.field, "12\r")
    settle(qtbot)
    assert till.field.text() == "12"
    assert till.returns == 1
    assert seen.codes == [] and seen.cards == []


def test_full_width_punctuation_from_a_chinese_ime_is_still_a_swipe(qtbot, till, wedge) -> None:
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
        reader_types(till.field, "％B1234……LI/LEI……99？；88001234？\r")
    assert blocker.args == ["88001234"]
    settle(qtbot)
    assert till.field.text() == ""


def test_a_swipe_whose_number_track_failed_is_reported_not_typed(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    with qtbot.waitSignal(wedge.swipe_failed, timeout=2000) as blocker:
        reader_types(till.field, "%B1234^ZHANG/SAN^99?;E?\r")
    assert "track 2" in blocker.args[0] and "1234" not in blocker.args[0]
    settle(qtbot)
    assert till.field.text() == "" and seen.cards == []


def test_a_swipe_without_enter_ends_after_a_quiet_moment(qtbot, till, wedge) -> None:
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
        reader_types(till.field, ";55667788?")
    assert blocker.args == ["55667788"]
    settle(qtbot)
    assert till.field.text() == "" and till.returns == 0


def test_typing_a_swipe_and_typing_again_keeps_the_persons_text_in_order(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    type_text(till.field, "ab", PERSON_MS)
    qtbot.wait(PERSON_MS)  # the hand moves from the keys to the reader
    reader_types(till.field, ";12345678?\r")
    type_text(till.field, "c", PERSON_MS)
    qtbot.wait(PERSON_MS)
    reader_types(till.field, "6901234567892\r")
    type_text(till.field, ";", PERSON_MS)
    settle(qtbot)
    assert till.field.text() == "abc;"
    assert seen.cards == ["12345678"]
    assert seen.codes == ["6901234567892"]
    assert till.returns == 0


def test_a_key_typed_an_instant_before_a_swipe_is_kept_as_typing(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    type_text(till.field, "7", PERSON_MS)
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
        reader_types(till.field, ";12345678?\r")
    assert blocker.args == ["12345678"]
    settle(qtbot)
    assert till.field.text() == "7"
    assert seen.codes == []


def test_keys_held_for_timing_reach_the_field_before_a_following_backspace(qtbot, till, wedge) -> None:
    # Two quick keys (a fast typist's rollover) are held; the Backspace right
    # after them must apply to them, not overtake them.
    reader_types(till.field, "xy")
    QTest.keyClick(till.field, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier)
    settle(qtbot)
    assert till.field.text() == "x"


def test_a_reader_programmed_with_a_prefix_may_send_the_bare_number(qtbot, qapp, till) -> None:
    wedge = install_wedge_filter(qapp, CardNumberRule(), prefixes=("@@",))
    try:
        with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
            reader_types(till.field, "@@20240001\r")
        assert blocker.args == ["20240001"]
        type_text(till.field, "@", PERSON_MS)
        settle(qtbot)
        assert till.field.text() == "@"
    finally:
        qapp.removeEventFilter(wedge)
        wedge.deleteLater()


def test_a_single_key_shortcut_does_not_fire_inside_a_swipe_but_does_for_a_person(qtbot, till, wedge) -> None:
    fired: list[bool] = []
    shortcut = QShortcut(QKeySequence("+"), till)
    shortcut.activated.connect(lambda: fired.append(True))
    till.button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.button)
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000):
        # Through QTest so Qt's shortcut map sees the keys; no waits inside the burst.
        type_text(till.button, ";111?+333?\r", 0)
    assert fired == []
    type_text(till.button, "+", PERSON_MS)
    settle(qtbot)
    assert fired == [True]


def test_a_swipe_on_a_focused_button_does_not_press_it(qtbot, till, wedge) -> None:
    clicks: list[bool] = []
    till.button.clicked.connect(lambda: clicks.append(True))
    till.button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.button)
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000):
        reader_types(till.button, "%B1 2^A B/C D^99?;4455?\r")
    settle(qtbot)
    assert clicks == []


def test_with_capture_turned_off_every_key_reaches_the_field(qtbot, till, wedge) -> None:
    seen = Seen(wedge)
    wedge.set_enabled(False)
    reader_types(till.field, ";12345678?\r")
    settle(qtbot)
    assert till.field.text() == ";12345678?"
    assert till.returns == 1 and seen.cards == []


def test_a_capture_field_has_its_input_method_turned_off(till) -> None:
    make_capture_field(till.field)
    assert not till.field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert till.field.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly
    assert till.field.inputMethodHints() & Qt.InputMethodHint.ImhNoPredictiveText


def test_platform_timestamps_decide_even_when_the_gui_thread_was_busy(qtbot, till, wedge) -> None:
    # The GUI thread was blocked, so all keys are delivered back to back; only
    # their window-system timestamps tell a person from a reader.
    seen = Seen(wedge)
    reader_types(till.field, ";42?", gap_ms=200)  # a person: 200 ms apart
    reader_types(till.field, ";31415926?\r")  # a reader: 8 ms apart
    settle(qtbot)
    assert till.field.text() == ";42?"
    assert seen.cards == ["31415926"]


def test_real_time_qtest_bursts_with_per_key_delays_are_told_from_a_person(qtbot, qapp, till) -> None:
    # Real waits between keys, as QTest.keyClick makes them: 5 ms per key
    # event for the reader, 400 ms for the person. The gap threshold is
    # widened so scheduling jitter on a loaded machine cannot make the
    # reader look like a person.
    wedge = install_wedge_filter(qapp, CardNumberRule(), gap_ms=150)
    seen = Seen(wedge)
    try:
        with qtbot.waitSignal(wedge.card_swiped, timeout=3000) as blocker:
            type_text(till.field, ";12345678?\r", 5)
        assert blocker.args == ["12345678"]
        type_text(till.field, ";9\r", 400)
        settle(qtbot)
        assert till.field.text() == ";9"
        assert till.returns == 1
        assert seen.cards == ["12345678"]
    finally:
        qapp.removeEventFilter(wedge)
        wedge.deleteLater()


def test_serial_readers_and_scanners_reach_the_gui_thread_through_the_bridge(qtbot) -> None:
    from hardware.serial_msr import Msr605Reader
    from hardware.serial_scanner import SerialBarcodeScanner
    from hardware.transports import Backoff
    from tests.simulators.msr import Msr605Simulator
    from tests.simulators.scanner import SerialScannerSimulator

    msr, scanner_sim = Msr605Simulator(), SerialScannerSimulator()
    bridge = SerialInputBridge(CardNumberRule(track=2, field=0))
    states: list[tuple[str, str]] = []
    bridge.device_state.connect(lambda name, state: states.append((name, state)))
    try:
        bridge.attach_reader("msr", Msr605Reader(msr.port, backoff=Backoff(0.02, 2, 0.1)))
        bridge.attach_scanner("scanner", SerialBarcodeScanner(scanner_sim.port, backoff=Backoff(0.02, 2, 0.1)))
        with qtbot.waitSignal(bridge.card_swiped, timeout=3000) as blocker:
            msr.swipe(track2="12345678=4912")
        assert blocker.args == ["12345678"]
        with qtbot.waitSignal(bridge.swipe_failed, timeout=3000):
            msr.swipe(track1="B1^A/B^99")  # no track 2 on this card
        # pyserial flushes input when it opens a port: scan only once the scanner is open.
        qtbot.waitUntil(lambda: ("scanner", "ready") in states, timeout=3000)
        with qtbot.waitSignal(bridge.barcode_scanned, timeout=3000) as blocker:
            scanner_sim.scan("6901234567892")
        assert blocker.args == ["6901234567892"]
        assert ("msr", "ready") in states
    finally:
        bridge.stop()
        msr.close()
        scanner_sim.close()


def test_a_swipe_logs_lengths_only_never_track_data(qtbot, till, wedge, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000):
        reader_types(till.field, "%B4012002000060016^ZHANG/SAN^2512?;4012002000060016=2512?\r")
    with qtbot.waitSignal(wedge.swipe_failed, timeout=2000):
        reader_types(till.field, "%B4012002000060016^ZHANG/SAN^2512?;E?\r")
    settle(qtbot)
    logged = caplog.text
    assert "wedge swipe" in logged
    assert "40120020" not in logged and "ZHANG" not in logged


def test_keys_through_the_window_like_a_real_keyboard_are_judged_once_each(qtbot, till, wedge) -> None:
    # Real key events reach the QWindow first, then the focus widget, then its
    # parents; the filter must decide once per key, not once per receiver.
    seen = Seen(wedge)
    window = till.windowHandle()
    no_mod = Qt.KeyboardModifier.NoModifier
    with qtbot.waitSignal(wedge.card_swiped, timeout=2000) as blocker:
        for ch in ";10203040?":
            QTest.keyClick(window, ch, no_mod)
        QTest.keyClick(window, Qt.Key.Key_Return, no_mod)
    assert blocker.args == ["10203040"]
    for ch in ";7":
        QTest.keyClick(window, ch, no_mod, PERSON_MS)
    QTest.keyClick(window, Qt.Key.Key_Return, no_mod, PERSON_MS)
    settle(qtbot)
    assert till.field.text() == ";7"
    assert till.returns == 1
    assert seen.cards == ["10203040"] and seen.codes == []
