"""Device checks without Qt, each against a simulator that speaks the device's protocol."""
from __future__ import annotations

import sys
import time

import pytest

from hardware.device_check import (
    check_customer_display,
    check_drawer,
    check_msr,
    check_printer,
    check_scanner,
)
from tests.simulators.display import DisplayReceiver, EpsonScreen, Led8Screen
from tests.simulators.msr import MagTekSimulator
from tests.simulators.pty import PtyPair
from tests.simulators.tcp_printer import (
    PrinterState,
    PtyPrinterSimulator,
    TcpPrinterSimulator,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="ptys are POSIX")

PAGE = b"\x1b\x40\x1c\x26" + "打印测试".encode("gbk") + b"\n\x1d\x56\x01"


def test_a_serial_printer_prints_the_page_it_is_given() -> None:
    with PtyPrinterSimulator() as sim:
        result = check_printer(sim.path, PAGE, baudrate=19200)
        assert (result.ok, result.key) == (True, "printed")
        assert "打印测试" in sim.printed_text()


@pytest.mark.parametrize(("state", "key"), [(PrinterState.COVER_OPEN, "cover_open"),
                                            (PrinterState.OFFLINE, "printer_offline"),
                                            (PrinterState.CUTTER_ERROR, "printer_fault")])
def test_a_printer_that_cannot_print_says_why_and_gets_nothing(state: PrinterState,
                                                               key: str) -> None:
    with TcpPrinterSimulator() as sim:
        sim.state = state
        result = check_printer(sim.url, PAGE)
        assert (result.ok, result.key) == (False, key)
        assert sim.printed_text() == []


def test_a_silent_printer_and_a_wrong_address_fail_within_the_timeout() -> None:
    with TcpPrinterSimulator() as sim:
        sim.silent = True
        started = time.monotonic()
        result = check_printer(sim.url, PAGE, timeout=0.5)
        assert (result.ok, result.key) == (False, "no_answer")
        assert time.monotonic() - started < 3
    assert check_printer("bogus://x", PAGE).ok is False
    assert check_printer("  ", PAGE).key == "not_configured"
    assert check_drawer("", 0).key == "not_configured"
    assert check_drawer("tcp://127.0.0.1:9", 3).key == "bad_setting"


def test_a_magtek_reader_and_a_scanner_pass_when_their_port_opens() -> None:
    reader = MagTekSimulator()
    scanner = PtyPair()
    try:
        assert check_msr(reader.port, "magtek").key == "port_open"
        assert reader.received == b""          # an ASCII reader is never sent anything
        assert check_scanner(scanner.port, 9600).key == "port_open_scan"
    finally:
        reader.close()
        scanner.close()


def test_the_led_price_display_shows_zero_and_the_epson_vfd_shows_test() -> None:
    led = DisplayReceiver(Led8Screen())
    vfd = DisplayReceiver(EpsonScreen())
    try:
        assert check_customer_display("led8", led.port).key == "display_shown"
        assert led.wait_received(lambda data: data.endswith(b"0.00\r"))
        assert (led.screen.number, led.screen.light, led.screen.unknown) == ("0.00", "总计", [])
        assert check_customer_display("epson", vfd.port).key == "display_shown"
        assert vfd.wait_received(lambda data: b"TOTAL 0.00" in data)
        assert vfd.screen.lines[0].strip() == "TEST" and vfd.screen.unknown == []
    finally:
        led.close()
        vfd.close()
    assert check_customer_display("vfd9000", "COM9").key == "bad_setting"
