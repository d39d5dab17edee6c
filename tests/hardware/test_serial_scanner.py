"""The serial barcode scanner driver end to end over a pty."""
from __future__ import annotations

import queue
from pathlib import Path

from hardware.errors import PortLost
from hardware.serial_scanner import NullBarcodeScanner, SerialBarcodeScanner, decode_barcode
from hardware.transports import Backoff
from pos_app.ports.input_devices import BarcodeScanner, DeviceState
from tests.simulators.scanner import SerialScannerSimulator

FAST = Backoff(first_s=0.02, factor=2.0, max_s=0.1)
TIMEOUT = 3.0


class Collected:
    def __init__(self) -> None:
        self.codes: queue.Queue[str] = queue.Queue()
        self.errors: queue.Queue[Exception] = queue.Queue()
        self.states: queue.Queue[DeviceState] = queue.Queue()

    def wait_state(self, state: DeviceState) -> None:
        while self.states.get(timeout=TIMEOUT) is not state:
            pass

    def start(self, scanner: BarcodeScanner) -> None:
        scanner.start(self.codes.put, self.errors.put, self.states.put)


def test_each_line_is_one_scan_whatever_the_line_ending() -> None:
    sim = SerialScannerSimulator()
    scanner = SerialBarcodeScanner(sim.port, backoff=FAST)
    got = Collected()
    got.start(scanner)
    try:
        got.wait_state(DeviceState.READY)
        assert sim.scan("6901234567892") == b"6901234567892\r"
        sim.scan("4006381333931", suffix=b"\r\n")
        sim.scan("ABC-123", suffix=b"\n")
        assert [got.codes.get(timeout=TIMEOUT) for _ in range(3)] == ["6901234567892", "4006381333931", "ABC-123"]
        assert got.codes.empty()
    finally:
        scanner.stop()
        sim.close()


def test_a_code_split_across_packets_arrives_whole_and_blank_lines_are_ignored() -> None:
    sim = SerialScannerSimulator()
    scanner = SerialBarcodeScanner(sim.port, backoff=FAST)
    got = Collected()
    got.start(scanner)
    try:
        got.wait_state(DeviceState.READY)
        sim.send(b"\r\n6901")
        sim.send(b"234567892\r")
        assert got.codes.get(timeout=TIMEOUT) == "6901234567892"
    finally:
        scanner.stop()
        sim.close()


def test_chinese_qr_content_in_utf8_or_gb18030_is_decoded() -> None:
    sim = SerialScannerSimulator()
    scanner = SerialBarcodeScanner(sim.port, backoff=FAST)
    got = Collected()
    got.start(scanner)
    try:
        got.wait_state(DeviceState.READY)
        sim.scan("会员:12345678")
        sim.scan("会员:12345678", encoding="gb18030")
        assert got.codes.get(timeout=TIMEOUT) == "会员:12345678"
        assert got.codes.get(timeout=TIMEOUT) == "会员:12345678"
    finally:
        scanner.stop()
        sim.close()
    assert decode_barcode(b"\xff\xfe") != ""


def test_unplugged_scanner_reports_the_loss_and_scans_again_after_replug(tmp_path: Path) -> None:
    link = tmp_path / "ttyScanner"
    sim = SerialScannerSimulator(link)
    scanner = SerialBarcodeScanner(str(link), backoff=FAST)
    got = Collected()
    got.start(scanner)
    try:
        got.wait_state(DeviceState.READY)
        sim.unplug()
        assert isinstance(got.errors.get(timeout=TIMEOUT), PortLost)
        got.wait_state(DeviceState.OFFLINE)
        sim = SerialScannerSimulator(link)
        got.wait_state(DeviceState.READY)
        sim.scan("6901234567892")
        assert got.codes.get(timeout=TIMEOUT) == "6901234567892"
    finally:
        scanner.stop()
        sim.close()
    got.wait_state(DeviceState.STOPPED)


def test_a_failing_handler_does_not_stop_the_scanner() -> None:
    sim = SerialScannerSimulator()
    scanner = SerialBarcodeScanner(sim.port, backoff=FAST)
    codes: queue.Queue[str] = queue.Queue()

    def flaky(code: str) -> None:
        codes.put(code)
        if code == "boom":
            raise RuntimeError("handler bug")

    states: queue.Queue[DeviceState] = queue.Queue()
    scanner.start(flaky, None, states.put)
    try:
        while states.get(timeout=TIMEOUT) is not DeviceState.READY:
            pass
        sim.scan("boom")
        sim.scan("1234567")
        assert codes.get(timeout=TIMEOUT) == "boom"
        assert codes.get(timeout=TIMEOUT) == "1234567"
    finally:
        scanner.stop()
        sim.close()


def test_null_scanner_offers_every_port_method_and_never_reports_a_code() -> None:
    port_methods = {n for n in vars(BarcodeScanner) if not n.startswith("_")}
    assert port_methods <= {n for n in dir(NullBarcodeScanner) if not n.startswith("_")}
    seen: list[object] = []
    scanner: BarcodeScanner = NullBarcodeScanner()
    scanner.start(seen.append, seen.append, seen.append)
    scanner.stop()
    assert seen == []
