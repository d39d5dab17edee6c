"""The devices tab: each Test button runs the real check against a device simulator that speaks
the device's protocol (TCP ESC/POS printer, MSR605 and a CD5220 display on ptys), and Save writes
till.toml. The till runs in Chinese, so the results are the translated sentences."""
from __future__ import annotations

import socket
import time

import pytest
from PySide6.QtWidgets import QApplication

from pos_app.settings import load_settings
from tests.simulators.display import Cd5220Screen, DisplayReceiver
from tests.simulators.msr import Msr605Simulator
from tests.simulators.tcp_printer import PrinterState
from tests.ui.conftest import Till, grab, log_in
from tests.ui.test_screenshots import clipped_texts
from ui.device_settings import FAIL_STYLE, OK_STYLE, DeviceSettingsScreen, result_text
from ui.manager_dialog import ManagerDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def screen(till: Till, qtbot) -> DeviceSettingsScreen:  # noqa: ANN001
    s = DeviceSettingsScreen(till.ctx)
    qtbot.addWidget(s)
    s.resize(1000, 700)
    return s


def run_test(screen: DeviceSettingsScreen, qtbot, device: str,  # noqa: ANN001
             timeout_ms: int = 10_000) -> tuple[bool, float]:
    """Click the device's Test button; (ok, seconds until the result was shown)."""
    started = time.monotonic()
    with qtbot.waitSignal(screen.check_finished, timeout=timeout_ms) as blocker:
        screen.test_buttons[device].click()
    assert blocker.args[0] == device
    return blocker.args[1], time.monotonic() - started


def closed_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])     # nothing listens once the socket is closed


def test_the_printer_test_prints_a_chinese_page_and_shows_ok(till: Till, screen, qtbot) -> None:  # noqa: ANN001
    assert screen.printer_url.text() == till.printer.url
    ok, _ = run_test(screen, qtbot, "printer")
    assert ok
    label = screen.results["printer"]
    assert label.text() == result_text("printed") and label.text().startswith("正常")
    assert label.styleSheet() == OK_STYLE
    printed = " ".join(till.printer.printed_text())
    assert "打印测试" in printed and "中文测试" in printed and "示范百货" in printed
    assert till.printer.documents[-1].cuts          # a whole page, cut


def test_a_printer_out_of_paper_shows_the_translated_paper_out_message(till: Till, screen,  # noqa: ANN001
                                                                      qtbot) -> None:
    till.printer.state = PrinterState.PAPER_OUT
    ok, _ = run_test(screen, qtbot, "printer")
    assert not ok
    label = screen.results["printer"]
    assert label.text() == "打印机缺纸：请装入新纸卷。"
    assert label.styleSheet() == FAIL_STYLE
    assert till.printer.printed_text() == []         # nothing was sent to a printer without paper


def test_the_drawer_test_sends_the_pulse_on_the_configured_pin(till: Till, screen, qtbot) -> None:  # noqa: ANN001
    screen.drawer_pin.setCurrentIndex(screen.drawer_pin.findData(1))
    ok, _ = run_test(screen, qtbot, "drawer")
    assert ok and screen.results["drawer"].text() == result_text("drawer_opened")
    pulses = [p for doc in till.printer.documents for p in doc.pulses]
    assert len(pulses) == 1 and pulses[0].pin == 1


def test_an_msr605_on_a_serial_port_answers_the_communication_test(screen, qtbot) -> None:  # noqa: ANN001
    reader = Msr605Simulator()
    try:
        screen.msr_url.setText(reader.port)
        screen.msr_protocol.setCurrentIndex(screen.msr_protocol.findData("msr605"))
        ok, _ = run_test(screen, qtbot, "msr")
        assert ok and screen.results["msr"].text() == result_text("reader_answered")
        # Reset, ESC e (answered with ESC y), reset: the reader is left idle. The last reset
        # follows the answer, so the simulator's thread may still be reading it: wait for it.
        qtbot.waitUntil(lambda: len(reader.commands) >= 3, timeout=5000)
        assert reader.commands == [b"\x1b\x61", b"\x1b\x65", b"\x1b\x61"]
    finally:
        reader.close()


def test_a_silent_msr605_fails_clearly_within_bounded_time(screen, qtbot) -> None:  # noqa: ANN001
    reader = Msr605Simulator(responsive=False)     # a wrong device or a wrong baud rate
    try:
        screen.msr_url.setText(reader.port)
        screen.msr_protocol.setCurrentIndex(screen.msr_protocol.findData("msr605"))
        ok, seconds = run_test(screen, qtbot, "msr")
    finally:
        reader.close()
    assert not ok and seconds < 5
    assert screen.results["msr"].text() == result_text("no_answer")
    assert screen.results["msr"].styleSheet() == FAIL_STYLE


def test_an_absent_port_or_a_closed_printer_address_fails_at_once(screen, qtbot, tmp_path) -> None:  # noqa: ANN001
    screen.msr_url.setText(str(tmp_path / "ttyUSB9"))
    screen.scanner_url.setText(str(tmp_path / "ttyACM9"))
    screen.printer_url.setText(f"tcp://127.0.0.1:{closed_tcp_port()}")
    for device in ("msr", "scanner", "printer"):
        ok, seconds = run_test(screen, qtbot, device)
        assert not ok and seconds < 5, device
        assert screen.results[device].styleSheet() == FAIL_STYLE
    assert screen.results["msr"].text().startswith("无法打开端口")
    assert "ttyUSB9" in screen.results["msr"].text()
    assert screen.results["printer"].text().startswith("无法连接")
    screen.msr_url.setText("")
    ok, _ = run_test(screen, qtbot, "msr")
    assert not ok and screen.results["msr"].text() == result_text("not_configured")


def test_the_customer_display_shows_the_test_text(screen, qtbot) -> None:  # noqa: ANN001
    receiver = DisplayReceiver(Cd5220Screen())
    try:
        screen.display_url.setText(receiver.port)
        screen.display_protocol.setCurrentIndex(screen.display_protocol.findData("cd5220"))
        ok, _ = run_test(screen, qtbot, "display")
        assert ok and screen.results["display"].text() == result_text("display_shown")
        qtbot.waitUntil(lambda: "TOTAL 0.00" in receiver.screen.lines[1], timeout=3000)
        # A VFD has no Chinese font: the hanzi of "测试 TEST" are left out, the rest shows.
        assert receiver.screen.lines[0].strip() == "TEST"
        assert receiver.screen.unknown == []
    finally:
        receiver.close()


def test_save_writes_the_devices_to_till_toml(till: Till, screen, qtbot) -> None:  # noqa: ANN001
    screen.printer_url.setText("  COM3 ")
    screen.printer_profile.setCurrentIndex(screen.printer_profile.findData("58mm"))
    screen.msr_url.setText("/dev/ttyUSB0")
    screen.msr_protocol.setCurrentIndex(screen.msr_protocol.findData("msr605"))
    screen.msr_baudrate.setCurrentIndex(screen.msr_baudrate.findData(19200))
    screen.display_url.setText("COM6")
    screen.display_protocol.setCurrentIndex(screen.display_protocol.findData("led8"))
    assert screen.display_baudrate.currentData() == 2400      # the LED display's usual rate
    screen.pcsc_reader.setEditText("ACS ACR122U")
    with qtbot.waitSignal(screen.saved):
        screen.save_button.click()
    d = load_settings(till.shop.data_dir).devices
    assert (d.printer_url, d.printer_profile, d.msr_url, d.msr_protocol, d.msr_baudrate) == (
        "COM3", "58mm", "/dev/ttyUSB0", "msr605", 19200)
    assert (d.display_url, d.display_protocol, d.display_baudrate, d.pcsc_reader) == (
        "COM6", "led8", 2400, "ACS ACR122U")
    assert till.ctx.settings.devices == d
    assert screen.message.text() == screen.tr("Saved. Device changes apply after a restart.")


def test_the_devices_tab_fits_1024x768_and_a_failed_print_clears_from_the_status_bar(
        till: Till, qtbot) -> None:  # noqa: ANN001
    log_in(till, qtbot)
    window = till.window
    window.resize(1024, 768)
    dialog = ManagerDialog(till.ctx, till.shop.manager, window)
    qtbot.addWidget(dialog)
    dialog.resize(1024, 768)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.devices)
    qtbot.waitExposed(dialog)
    devices = dialog.devices
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "设备"
    run_test(devices, qtbot, "printer")
    till.printer.state = PrinterState.PAPER_OUT
    run_test(devices, qtbot, "drawer")
    till.wait_idle(qtbot)
    qtbot.wait(50)
    grab(dialog, "manager_devices_1024x768")
    assert clipped_texts(dialog) == []
    dialog.close()

    # The status bar: a receipt that failed leaves "printer problem"; once the paper is in,
    # the next status poll asks the printer again and the bar says ready without a print.
    selling = window.selling
    selling.scan("6900000000017")
    till.wait_idle(qtbot)
    selling.open_payment()
    with qtbot.waitSignal(selling.print_finished, timeout=15_000):
        selling.dialog.quick_cash(None)
        selling.dialog.complete()
    window.poll_status()
    till.wait_idle(qtbot)
    assert window.status["printer"].text().startswith(window.tr("Printer problem"))
    assert window.status["printer"].toolTip() == "打印机缺纸：请装入新纸卷。"
    till.printer.state = PrinterState.ONLINE
    window.poll_status()
    till.wait_idle(qtbot)
    assert window.status["printer"].text().startswith("打印机就绪")
    QApplication.processEvents()


def test_testing_the_reader_the_till_uses_borrows_its_port_and_the_status_bar_follows_it(
        till: Till, qtbot, qapp) -> None:  # noqa: ANN001
    """The running MSR605 driver is stopped for the test and a new one started: the test gets
    the reader's answer, the next swipe still reaches the selling screen, and the status bar
    shows the reader ready, then offline once it is unplugged."""
    from pos_app.settings import with_section
    from ui.device_wiring import start_devices
    from ui.wedge import WedgeFilter
    reader = Msr605Simulator()
    till.ctx.settings = with_section(till.ctx.settings, "devices", msr_url=reader.port,
                                     msr_protocol="msr605")
    log_in(till, qtbot)
    devices = start_devices(qapp, till.ctx, till.window)
    try:
        assert reader.wait_armed(5)                     # the till's driver is reading
        screen = DeviceSettingsScreen(till.ctx)
        qtbot.addWidget(screen)
        ok, seconds = run_test(screen, qtbot, "msr")
        assert ok and seconds < 5
        assert screen.results["msr"].text() == result_text("reader_answered")
        assert reader.wait_armed(5)                     # a new driver armed the next read
        selling = till.window.selling
        with qtbot.waitSignal(selling.view_shown, timeout=5000):
            reader.swipe(track2="100002")
        till.wait_idle(qtbot)
        assert selling.view.member.account.name == "李娜"
        # The status bar follows the reader live (not only on its 10 s poll).
        status = till.window.status["reader"]
        qtbot.waitUntil(lambda: status.text() == "读卡器就绪", timeout=3000)
        reader.unplug()
        qtbot.waitUntil(lambda: status.text() == "读卡器离线：请检查连接线", timeout=3000)
    finally:
        for device in devices:
            if isinstance(device, WedgeFilter):
                qapp.removeEventFilter(device)
                device.deleteLater()
            elif hasattr(device, "stop"):
                device.stop()
        reader.close()


def test_the_port_lists_show_the_serial_ports_present_and_picking_one_fills_the_address(
        till: Till, qtbot, tmp_path) -> None:  # noqa: ANN001
    from hardware.device_check import serial_port_names
    from tests.simulators.pty import PtyPair
    adapter = PtyPair(tmp_path / "ttyUSB-ch340")        # a udev-style link to a real tty
    try:
        till.ctx.serial_ports = lambda: serial_port_names((str(tmp_path / "tty*"),))
        screen = DeviceSettingsScreen(till.ctx)
        qtbot.addWidget(screen)
        with qtbot.waitSignal(screen.ports_listed, timeout=5000) as blocker:
            screen.show()
        assert blocker.args[0] >= 1
        link = str(tmp_path / "ttyUSB-ch340")
        assert link in screen.ports_label.text() and screen.ports_label.text().startswith("本机串口")
        for device in ("msr", "scanner", "display"):
            menu = screen.port_menus[device]
            (action,) = [a for a in menu.actions() if a.data() == link]
            assert screen.port_buttons[device].isEnabled()
        [a for a in screen.port_menus["display"].actions() if a.data() == link][0].trigger()
        assert screen.display_url.text() == link
        assert screen.devices().display_url == link
    finally:
        adapter.unplug()


def test_no_serial_ports_says_what_to_do(till: Till, qtbot) -> None:  # noqa: ANN001
    till.ctx.serial_ports = lambda: []
    screen = DeviceSettingsScreen(till.ctx)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.ports_listed, timeout=5000):
        screen.show()
    assert screen.ports_label.text().startswith("没有找到串口")
    assert not screen.port_buttons["msr"].isEnabled()


def test_the_led_light_encoding_is_a_display_setting_the_test_and_save_use(
        till: Till, screen, qtbot) -> None:  # noqa: ANN001
    from tests.simulators.display import Led8Screen
    assert not screen.display_led8_lights.isEnabled()          # only for the LED display
    receiver = DisplayReceiver(Led8Screen(lights="raw"))
    try:
        screen.display_url.setText(receiver.port)
        screen.display_protocol.setCurrentIndex(screen.display_protocol.findData("led8"))
        assert screen.display_led8_lights.isEnabled()
        screen.display_led8_lights.setCurrentIndex(screen.display_led8_lights.findData("raw"))
        ok, _ = run_test(screen, qtbot, "display")
        assert ok
        qtbot.waitUntil(lambda: receiver.screen.number == "0.00", timeout=3000)
        assert receiver.screen.light == "总计" and receiver.screen.unknown == []
    finally:
        receiver.close()
    with qtbot.waitSignal(screen.saved):
        screen.save_button.click()
    assert load_settings(till.shop.data_dir).devices.display_led8_lights == "raw"


def test_every_wedge_option_is_on_the_devices_tab_and_reaches_the_reader(
        till: Till, screen, qtbot, qapp) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.device_wiring import start_devices
    from ui.wedge import WedgeFilter
    screen.wedge_prefix.setText("#")
    screen.wedge_gap_ms.setValue(30)
    screen.wedge_end_idle_ms.setValue(150)
    screen.wedge_min_barcode_length.setValue(8)
    screen.card_track.setCurrentIndex(screen.card_track.findData(2))
    screen.card_field.setValue(0)
    screen.card_start.setValue(2)
    screen.card_length.setValue(6)
    with qtbot.waitSignal(screen.saved):
        screen.save_button.click()
    d = load_settings(till.shop.data_dir).devices
    assert (d.wedge_prefix, d.wedge_gap_ms, d.wedge_end_idle_ms, d.wedge_min_barcode_length) == (
        "#", 30, 150, 8)
    assert (d.card_track, d.card_field, d.card_start, d.card_length) == (2, 0, 2, 6)
    log_in(till, qtbot)
    devices = start_devices(qapp, till.ctx, till.window)
    try:
        wedge = till.ctx.wedge
        assert (wedge.gap_ms, wedge.end_idle_ms, wedge.min_barcode_length, wedge.prefixes) == (
            30, 150, 8, ("#",))
        # A swipe of ';99100002=4912?': skip 2 characters, take 6 -> member number 100002.
        with qtbot.waitSignal(wedge.card_swiped, timeout=3000) as blocker:
            QTest.keyClicks(till.window.selling, ";99100002=4912?", Qt.KeyboardModifier.NoModifier, 3)
            QTest.keyClick(till.window.selling, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 3)
        assert blocker.args[0] == "100002"
    finally:
        for device in devices:
            if isinstance(device, WedgeFilter):
                qapp.removeEventFilter(device)
                device.deleteLater()
            elif hasattr(device, "stop"):
                device.stop()


def test_the_bare_card_number_options_are_on_the_devices_tab_and_checked(
        till: Till, screen, qtbot) -> None:  # noqa: ANN001
    screen.card_prefixes.setText("88， 66")
    screen.card_lengths.setText("12,x")
    screen.save_button.click()
    assert screen.message.text().startswith("会员卡号长度") and screen.message.styleSheet() == FAIL_STYLE
    assert load_settings(till.shop.data_dir).devices.card_lengths == ""     # nothing saved
    screen.card_lengths.setText("12, 16")
    with qtbot.waitSignal(screen.saved):
        screen.save_button.click()
    d = load_settings(till.shop.data_dir).devices
    assert (d.card_prefixes, d.card_lengths) == ("88,66", "12,16")
