"""The devices tab of the manager screens: where each device is, how it speaks, and a Test button.

Checks run on the background "device" lane through `ctx.device_checks` (ui/device_wiring.py
wires the real ones from hardware/device_check.py; screens never import hardware/). A check
answers with an object carrying `ok`, `key` and `values`; this screen turns the key into a
translated sentence. Saved settings take effect when the till is restarted.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import PosError
from pos_app.settings import DeviceSettings
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import tr_fill

log = logging.getLogger(__name__)

DEVICES = ("printer", "drawer", "msr", "scanner", "display", "pcsc")
SERIAL_DEVICES = ("msr", "scanner", "display")
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
# (value stored in till.toml, what the manager reads); the values are receipts.escpos.PROFILES keys.
PRINTER_PROFILES = (("58mm", "58 mm · 32"), ("80mm-42", "80 mm · 42"), ("80mm-48", "80 mm · 48"))
OK_STYLE = "color: #1b5e20; font-weight: bold;"
FAIL_STYLE = "color: #b71c1c; font-weight: bold;"

DeviceCheck = Callable[[str, DeviceSettings], Any]


def result_text(key: str, values: tuple[str, ...] | list[str] = ()) -> str:
    """The sentence for a check result's key (hardware/device_check.py), %1.. filled from values."""
    texts = {
        "printed": tr_fill("DeviceSettingsScreen", "OK: the test page printed."),
        "printed_paper_low": tr_fill("DeviceSettingsScreen", "OK: the test page printed. The paper is running low."),
        "printed_no_status": tr_fill("DeviceSettingsScreen", "Sent: this connection reports no status; check the test page."),
        "drawer_opened": tr_fill("DeviceSettingsScreen", "OK: the drawer opened."),
        "port_open": tr_fill("DeviceSettingsScreen", "OK: the port is open. Swipe a card to try the reader."),
        "port_open_scan": tr_fill("DeviceSettingsScreen", "OK: the port is open. Scan a code to try the scanner."),
        "reader_answered": tr_fill("DeviceSettingsScreen", "OK: the card reader answered."),
        "display_shown": tr_fill("DeviceSettingsScreen", "OK: the display shows TEST."),
        "card_present": tr_fill("DeviceSettingsScreen", "OK: %1 · a card is on the reader."),
        "no_card": tr_fill("DeviceSettingsScreen", "OK: %1 · no card on the reader."),
        "not_configured": tr_fill("DeviceSettingsScreen", "Enter the address first."),
        "paper_out": tr_fill("DeviceSettingsScreen", "The printer is out of paper: put in a new roll."),
        "cover_open": tr_fill("DeviceSettingsScreen", "The printer cover is open: close it."),
        "printer_offline": tr_fill("DeviceSettingsScreen", "The printer is offline: press its feed button or switch it off "
                              "and on."),
        "printer_fault": tr_fill("DeviceSettingsScreen", "The printer reports a fault (cutter jam?): open it, clear it, "
                            "close it."),
        "no_answer": tr_fill("DeviceSettingsScreen", "No answer: check the cable, the power and the baud rate."),
        "unreachable": tr_fill("DeviceSettingsScreen", "Cannot connect (%1): check the address, the cable and the power."),
        "interrupted": tr_fill("DeviceSettingsScreen", "The connection broke during the test: check the cable."),
        "bad_status_reply": tr_fill("DeviceSettingsScreen", "Unexpected answer (%1): not an ESC/POS printer, or a wrong "
                               "baud rate."),
        "unsupported_url": tr_fill("DeviceSettingsScreen", "This address cannot be used (%1)."),
        "port_unavailable": tr_fill("DeviceSettingsScreen", "Cannot open the port (%1): check the name and that no other "
                               "program uses it."),
        "bad_setting": tr_fill("DeviceSettingsScreen", "Invalid setting (%1)."),
        "no_readers": tr_fill("DeviceSettingsScreen", "No card reader is connected."),
        "reader_not_found": tr_fill("DeviceSettingsScreen", "No reader named \"%1\" is connected: pick one from the list."),
        "pcsc_unavailable": tr_fill("DeviceSettingsScreen", "The smart card service (PC/SC) is not running."),
        "pcsc_error": tr_fill("DeviceSettingsScreen", "The card reader reported an error (%1)."),
        "printer_error": tr_fill("DeviceSettingsScreen", "The printer reported an error (%1)."),
    }
    text = texts.get(key, tr_fill("DeviceSettingsScreen", "Unexpected result (%1).").replace("%1", key) if key not in texts
                     else "")
    for i in range(len(values), 0, -1):
        text = text.replace(f"%{i}", str(values[i - 1]))
    return text


def _combo(name: str, items: list[tuple[object, str]], current: object) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for data, label in items:
        box.addItem(label, data)
    index = box.findData(current)
    if index < 0:  # a value typed into till.toml by hand is kept, not silently changed
        box.addItem(str(current), current)
        index = box.count() - 1
    box.setCurrentIndex(index)
    return box


def _baud_combo(name: str, current: int) -> QComboBox:
    return _combo(name, [(b, str(b)) for b in BAUD_RATES], current)


def _comma_list(text: str) -> list[str]:
    """'88, 66，' -> ['88', '66'] (a Chinese comma counts as a comma)."""
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _spin(name: str, value: int, low: int, high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setValue(min(max(value, low), high))
    box.setSuffix(suffix)
    return box


class DeviceSettingsScreen(QWidget):
    """Per device: address, protocol or profile, a Test button and its result; Save writes till.toml."""

    check_finished = Signal(str, bool)   # device, ok (tests and the status bar wait on it)
    saved = Signal(object)               # the Settings written
    ports_listed = Signal(int)           # how many serial ports were found

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceSettings")
        self._ctx = ctx
        self._check: DeviceCheck | None = ctx.device_checks
        self._list_readers: Callable[[], list[str] | None] | None = ctx.pcsc_readers
        self._readers_listed = False
        d = ctx.settings.devices
        self.test_buttons: dict[str, QPushButton] = {}
        self.results: dict[str, QLabel] = {}

        self.printer_url = self._address("printer_url", d.printer_url,
                                         "tcp://192.168.1.50:9100, COM3, /dev/usb/lp0")
        self.printer_profile = _combo("printer_profile", list(PRINTER_PROFILES),
                                      "58mm" if d.printer_profile == "58mm-32"
                                      else d.printer_profile)
        self.receipt_language = _combo("receipt_language",
                                       [("zh_CN", "中文"), ("en", "English")], d.receipt_language)
        self.printer_gb18030 = QCheckBox(self.tr("Font has GB18030 (rare characters such as 𠮷)"))
        self.printer_gb18030.setObjectName("printer_gb18030")
        self.printer_gb18030.setChecked(d.printer_gb18030)
        self.printer_gb18030.setToolTip(self.tr(
            "Tick only if the printer's manual lists GB18030. Otherwise a character the "
            "printer cannot print shows as a square."))
        self.drawer_pin = _combo("drawer_pin", [(0, self.tr("Pin 2")), (1, self.tr("Pin 5"))],
                                 d.drawer_pin)
        self.msr_url = self._address("msr_url", d.msr_url, "COM4, /dev/ttyUSB0")
        self.msr_protocol = _combo("msr_protocol", [("magtek", self.tr("MagTek (ASCII)")),
                                                    ("msr605", "MSR605 / MSR206")],
                                   d.msr_protocol)
        self.msr_baudrate = _baud_combo("msr_baudrate", d.msr_baudrate)
        self.scanner_url = self._address("scanner_url", d.scanner_url, "COM5, /dev/ttyACM0")
        self.scanner_baudrate = _baud_combo("scanner_baudrate", d.scanner_baudrate)
        self.display_url = self._address("display_url", d.display_url, "COM6, /dev/ttyUSB1")
        self.display_protocol = _combo("display_protocol",
                                       [("cd5220", "CD5220"), ("epson", "Epson"),
                                        ("led8", self.tr("8-digit LED (2400 baud)"))],
                                       d.display_protocol)
        self.display_baudrate = _baud_combo("display_baudrate", d.display_baudrate)
        self.display_led8_lights = _combo(
            "display_led8_lights",
            [("ascii", self.tr("ASCII digit '0'-'4'")), ("raw", self.tr("Raw byte 00-04"))],
            d.display_led8_lights)
        self.display_led8_lights.setToolTip(self.tr(
            "How the 8-digit LED display takes the light command (ESC s n). If the 单价/总计/"
            "收款/找零 lights stay dark or wrong in the test, try the other choice."))
        self.display_led8_lights.setEnabled(d.display_protocol == "led8")
        self.display_protocol.currentIndexChanged.connect(self._on_display_protocol_changed)
        # Keyboard-wedge readers and scanners (USB, typing like a keyboard) and where the
        # member number sits on the stripe: these apply to serial readers too.
        self.wedge_prefix = QLineEdit(d.wedge_prefix)
        self.wedge_prefix.setObjectName("wedge_prefix")
        self.wedge_prefix.setPlaceholderText(self.tr("none"))
        self.wedge_prefix.setMaxLength(8)
        self.wedge_gap_ms = _spin("wedge_gap_ms", d.wedge_gap_ms, 5, 500, " ms")
        self.wedge_end_idle_ms = _spin("wedge_end_idle_ms", d.wedge_end_idle_ms, 20, 2000, " ms")
        self.wedge_min_barcode_length = _spin("wedge_min_barcode_length",
                                              d.wedge_min_barcode_length, 1, 64)
        self.card_track = _combo("card_track", [(1, self.tr("Track 1")), (2, self.tr("Track 2")),
                                                (3, self.tr("Track 3"))], d.card_track)
        self.card_field = _spin("card_field", d.card_field, 0, 9)
        self.card_start = _spin("card_start", d.card_start, 0, 99)
        self.card_length = _spin("card_length", d.card_length, 0, 99)
        self.card_length.setSpecialValueText(self.tr("all"))
        # Bare digits (wedge readers without sentinels, 印号卡 scanned as barcodes) are a card
        # when they have one of these prefixes and lengths (pos_app/domain/input_routing.py).
        self.card_prefixes = QLineEdit(d.card_prefixes)
        self.card_prefixes.setObjectName("card_prefixes")
        self.card_prefixes.setPlaceholderText(self.tr("e.g. 88,66"))
        self.card_lengths = QLineEdit(d.card_lengths)
        self.card_lengths.setObjectName("card_lengths")
        self.card_lengths.setPlaceholderText(self.tr("e.g. 12,16"))
        self.ports_label = QLabel()
        self.ports_label.setObjectName("serialPortsFound")
        self.ports_label.setWordWrap(True)
        self.ports_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.port_menus: dict[str, QMenu] = {}
        self.port_buttons: dict[str, QToolButton] = {}
        self._list_ports: Callable[[], list[tuple[str, str]]] | None = ctx.serial_ports
        self._ports: list[tuple[str, str]] = []
        self.pcsc_reader = QComboBox()
        self.pcsc_reader.setObjectName("pcsc_reader")
        self.pcsc_reader.setEditable(True)
        self.pcsc_reader.lineEdit().setPlaceholderText(self.tr("Empty: the first reader"))
        self.pcsc_reader.setEditText(d.pcsc_reader)
        self.pcsc_reader.setSizePolicy(QSizePolicy.Policy.Expanding,
                                       QSizePolicy.Policy.Fixed)
        self.refresh_button = QPushButton(self.tr("Refresh list"))
        self.refresh_button.setObjectName("refreshReaders")
        self.refresh_button.clicked.connect(self.refresh_readers)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setSpacing(6)
        column.addWidget(self._group("printer", self.tr("Receipt printer"), [
            (self.tr("Address"), self.printer_url),
            (self.tr("Paper · columns"), self.printer_profile),
            (self.tr("Receipt language"), self.receipt_language), None,
            ("", self.printer_gb18030)]))
        column.addWidget(self._group("drawer", self.tr("Cash drawer (on the printer)"), [
            (self.tr("Drawer connector"), self.drawer_pin)], test_text=self.tr("Open drawer")))
        column.addWidget(self.ports_label)
        column.addWidget(self._group("msr", self.tr("Serial card reader"), [
            (self.tr("Port"), self.msr_url), ("", self._port_button("msr", self.msr_url)),
            (self.tr("Protocol"), self.msr_protocol), (self.tr("Baud"), self.msr_baudrate)]))
        column.addWidget(self._group("scanner", self.tr("Serial barcode scanner"), [
            (self.tr("Port"), self.scanner_url),
            ("", self._port_button("scanner", self.scanner_url)),
            (self.tr("Baud"), self.scanner_baudrate)]))
        column.addWidget(self._group("display", self.tr("Customer display"), [
            (self.tr("Port"), self.display_url),
            ("", self._port_button("display", self.display_url)),
            (self.tr("Model"), self.display_protocol), (self.tr("Baud"), self.display_baudrate),
            None, (self.tr("LED lights (ESC s n)"), self.display_led8_lights)]))
        column.addWidget(self._group("wedge", self.tr("USB keyboard-wedge readers and scanners"), [
            (self.tr("Prefix"), self.wedge_prefix), (self.tr("Key gap"), self.wedge_gap_ms),
            None,
            (self.tr("End after"), self.wedge_end_idle_ms),
            (self.tr("Shortest barcode"), self.wedge_min_barcode_length),
            None,
            (self.tr("Card number: track"), self.card_track), (self.tr("field"), self.card_field),
            None,
            (self.tr("skip characters"), self.card_start), (self.tr("length"), self.card_length),
            None,
            (self.tr("Bare digits are a card number: prefixes"), self.card_prefixes),
            (self.tr("lengths"), self.card_lengths)],
            testable=False))
        column.addWidget(self._group("pcsc", self.tr("IC card reader (PC/SC)"), [
            (self.tr("Reader"), self.pcsc_reader), ("", self.refresh_button)]))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        self.message = QLabel()
        self.message.setObjectName("deviceSettingsMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save devices"))
        self.save_button.setObjectName("saveDevices")
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        if self._check is None:
            for button in self.test_buttons.values():
                button.setEnabled(False)
                button.setToolTip(self.tr("Device tests are not available here."))

    # -- building ----------------------------------------------------------------------------
    def _address(self, name: str, value: str, example: str) -> QLineEdit:
        edit = QLineEdit(value)
        edit.setObjectName(name)
        edit.setPlaceholderText(example)
        edit.setMinimumWidth(220)
        return edit

    def _port_button(self, device: str, edit: QLineEdit) -> QToolButton:
        """A drop-down of the serial ports present; picking one fills the address."""
        button = QToolButton()
        button.setObjectName(f"ports_{device}")
        button.setText(self.tr("Ports"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        menu.setObjectName(f"portMenu_{device}")
        menu.triggered.connect(lambda action: edit.setText(str(action.data())))
        button.setMenu(menu)
        self.port_menus[device] = menu
        self.port_buttons[device] = button
        return button

    def _group(self, device: str, title: str, fields: list[tuple[str, QWidget] | None],
               test_text: str | None = None, testable: bool = True) -> QGroupBox:
        box = QGroupBox(title)
        box.setObjectName(f"group_{device}")
        grid = QGridLayout(box)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.setVerticalSpacing(4)
        col = 0
        row = 0
        widest = 0
        stretched = False
        for entry in fields:
            if entry is None:  # the fields that follow go on a new row
                widest, col, row = max(widest, col), 0, row + 1
                continue
            label, widget = entry
            if not label and col == 0 and row > 0:
                # An unlabelled widget opening a later row (a check box) spans the row: in
                # the first column it would widen every label above it.
                grid.addWidget(widget, row, 0, 1, -1)
                continue
            if label:
                grid.addWidget(QLabel(label), row, col)
                col += 1
            grid.addWidget(widget, row, col)
            # Addresses and reader names take the spare width; short choices keep their size.
            wide = isinstance(widget, QLineEdit) or (isinstance(widget, QComboBox)
                                                     and widget.isEditable())
            grid.setColumnStretch(col, 1 if wide else 0)
            stretched = stretched or wide
            col += 1
        col = max(widest, col)
        if not stretched:
            grid.setColumnStretch(col, 1)
            col += 1
        if not testable:
            return box
        row += 1
        button = QPushButton(test_text or self.tr("Test"))
        button.setObjectName(f"test_{device}")
        button.clicked.connect(lambda: self.test(device))
        result = QLabel()
        result.setObjectName(f"result_{device}")
        result.setWordWrap(True)
        result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        grid.addWidget(button, row, 0)
        grid.addWidget(result, row, 1, 1, max(col - 1, 1))
        self.test_buttons[device] = button
        self.results[device] = result
        return box

    def _on_display_protocol_changed(self, _index: int = 0) -> None:
        # LED price displays ship at 2400 baud, the VFDs at 9600 (reference §5): follow the
        # model unless the manager chose another rate on purpose.
        led = self.display_protocol.currentData() == "led8"
        self.display_led8_lights.setEnabled(led)
        current = self.display_baudrate.currentData()
        if (led and current == 9600) or (not led and current == 2400):
            self.display_baudrate.setCurrentIndex(
                self.display_baudrate.findData(2400 if led else 9600))

    # -- values --------------------------------------------------------------------------------
    def devices(self) -> DeviceSettings:
        """The device settings as shown on the screen (not saved yet)."""
        return replace(
            self._ctx.settings.devices,
            printer_url=self.printer_url.text().strip(),
            printer_profile=self.printer_profile.currentData(),
            receipt_language=self.receipt_language.currentData(),
            printer_gb18030=self.printer_gb18030.isChecked(),
            drawer_pin=int(self.drawer_pin.currentData()),
            msr_url=self.msr_url.text().strip(),
            msr_protocol=self.msr_protocol.currentData(),
            msr_baudrate=int(self.msr_baudrate.currentData()),
            scanner_url=self.scanner_url.text().strip(),
            scanner_baudrate=int(self.scanner_baudrate.currentData()),
            display_url=self.display_url.text().strip(),
            display_protocol=self.display_protocol.currentData(),
            display_baudrate=int(self.display_baudrate.currentData()),
            display_led8_lights=self.display_led8_lights.currentData(),
            pcsc_reader=self.pcsc_reader.currentText().strip(),
            wedge_prefix=self.wedge_prefix.text().strip(),
            wedge_gap_ms=self.wedge_gap_ms.value(),
            wedge_end_idle_ms=self.wedge_end_idle_ms.value(),
            wedge_min_barcode_length=self.wedge_min_barcode_length.value(),
            card_track=int(self.card_track.currentData()),
            card_field=self.card_field.value(),
            card_start=self.card_start.value(),
            card_length=self.card_length.value(),
            card_prefixes=",".join(_comma_list(self.card_prefixes.text())),
            card_lengths=",".join(_comma_list(self.card_lengths.text())))

    def card_number_problem(self) -> str | None:
        """What is wrong with the bare-card-number fields, in words; None if they are fine."""
        prefixes, lengths = _comma_list(self.card_prefixes.text()), _comma_list(self.card_lengths.text())
        if any(not p.isdigit() for p in prefixes):
            return self.tr("Card number prefixes are digits separated by commas, e.g. 88,66.")
        if any(not n.isdigit() or not 4 <= int(n) <= 32 for n in lengths):
            return self.tr("Card number lengths are numbers from 4 to 32 separated by commas, "
                           "e.g. 12,16.")
        return None

    # -- tests ---------------------------------------------------------------------------------
    def test(self, device: str) -> None:
        """Run the device's check on the device lane; the result appears beside its button."""
        if self._check is None or device not in self.test_buttons:
            return
        check, settings = self._check, self.devices()
        self.test_buttons[device].setEnabled(False)
        self._show(device, None, self.tr("Testing…"))
        self._ctx.background.run(lambda: check(device, settings),
                                 lambda result: self._on_check_done(device, result),
                                 lambda exc: self._on_check_failed(device, exc), lane="device")

    def _on_check_done(self, device: str, result: Any) -> None:
        ok = bool(getattr(result, "ok", False))
        self._show(device, ok, result_text(getattr(result, "key", "?"),
                                           tuple(getattr(result, "values", ()))))
        self.test_buttons[device].setEnabled(True)
        self.check_finished.emit(device, ok)

    def _on_check_failed(self, device: str, exc: Exception) -> None:
        log.warning("device check %s failed: %r", device, exc)
        self._show(device, False, describe(exc)[1])
        self.test_buttons[device].setEnabled(True)
        self.check_finished.emit(device, False)

    def _show(self, device: str, ok: bool | None, text: str) -> None:
        label = self.results[device]
        label.setText(text)
        label.setStyleSheet("" if ok is None else OK_STYLE if ok else FAIL_STYLE)

    # -- serial ports and PC/SC readers --------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._readers_listed:
            self._readers_listed = True
            self.refresh_readers()

    def refresh_ports(self) -> None:
        """List the serial ports present in each port drop-down and above the serial devices."""
        if self._list_ports is None:
            self.ports_label.setText("")
            for button in self.port_buttons.values():
                button.setEnabled(False)
            return
        self._ctx.background.run(self._list_ports, self._on_ports_listed,
                                 self._on_ports_failed, lane="device")

    def _on_ports_listed(self, ports: list[tuple[str, str]]) -> None:
        self._ports = list(ports)
        for menu in self.port_menus.values():
            menu.clear()
            for name, description in self._ports:
                action = menu.addAction(f"{name} · {description}" if description else name)
                action.setData(name)
        for button in self.port_buttons.values():
            button.setEnabled(bool(self._ports))
        if self._ports:
            self.ports_label.setText(tr_fill("DeviceSettingsScreen", "Serial ports on this computer: %1")
                                     .replace("%1", ", ".join(name for name, _ in self._ports)))
        else:
            self.ports_label.setText(tr_fill("DeviceSettingsScreen",
                                             "No serial ports found: plug in the device or its "
                                             "USB adapter, then press Refresh list."))
        self.ports_listed.emit(len(self._ports))

    def _on_ports_failed(self, exc: Exception) -> None:
        log.warning("listing serial ports failed: %r", exc)
        self.ports_label.setText(describe(exc)[1])
        self.ports_listed.emit(0)

    def refresh_readers(self) -> None:
        """Fill the reader list from PC/SC (the typed name is kept), and the serial port lists."""
        self.refresh_ports()
        if self._list_readers is None:
            return
        lister = self._list_readers
        self.refresh_button.setEnabled(False)
        self._ctx.background.run(lister, self._on_readers_listed,
                                 self._on_readers_failed, lane="device")

    def _on_readers_listed(self, names: list[str] | None) -> None:
        self.refresh_button.setEnabled(True)
        current = self.pcsc_reader.currentText()
        self.pcsc_reader.clear()
        self.pcsc_reader.addItems(names or [])
        self.pcsc_reader.setEditText(current)
        if names is None:
            self._show("pcsc", False, result_text("pcsc_unavailable"))
        elif not names:
            self._show("pcsc", False, result_text("no_readers"))

    def _on_readers_failed(self, exc: Exception) -> None:
        self.refresh_button.setEnabled(True)
        self._show("pcsc", False, describe(exc)[1])

    # -- save ----------------------------------------------------------------------------------
    def save(self) -> None:
        problem = self.card_number_problem()
        if problem is not None:
            self.message.setStyleSheet(FAIL_STYLE)
            self.message.setText(problem)
            return
        settings = replace(self._ctx.settings, devices=self.devices())
        try:
            self._ctx.save_settings(settings)
        except (OSError, PosError) as exc:   # disk full, read-only dir, no credential store
            self.message.setStyleSheet(FAIL_STYLE)
            self.message.setText(describe(exc)[1])
            return
        self._ctx.settings = settings
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saved. Device changes apply after a restart."))
        self.saved.emit(settings)
