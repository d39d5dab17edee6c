"""The ESC/POS driver on a serial printer: pyserial on a pty, the fake printer on the master."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.escpos_printer import DrawerConfig, EscPosPrinter
from hardware.print_queue import PrintQueue, print_or_queue
from hardware.printer_errors import PaperOut
from tests.simulators.escpos_decoder import Pulse, decode
from tests.simulators.tcp_printer import PrinterState, PtyPrinterSimulator

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="ptys are POSIX")

JOB = (b"\x1b\x40\x1c\x26" + "会员卡号: 8800****9012".encode("gbk") + b"\n"
       + b"\x1b\x64\x04\x1d\x56\x00")


@pytest.fixture
def pty_printer() -> Iterator[PtyPrinterSimulator]:
    with PtyPrinterSimulator() as sim:
        yield sim


def test_a_receipt_over_a_serial_line_arrives_and_decodes(
        pty_printer: PtyPrinterSimulator) -> None:
    printer = EscPosPrinter(pty_printer.path, baudrate=19200, timeout=2.0, print_timeout=3.0)
    printer.print_bytes(JOB)
    doc = decode(bytes(pty_printer.sessions[0].received))
    assert doc.texts == ["会员卡号: 8800****9012"]
    assert [c.partial for c in doc.cuts] == [False]


def test_paper_out_on_a_serial_printer_queues_the_job(pty_printer: PtyPrinterSimulator,
                                                      tmp_path: Path) -> None:
    pty_printer.state = PrinterState.PAPER_OUT
    printer = EscPosPrinter(pty_printer.path, timeout=2.0, print_timeout=3.0)
    queue = PrintQueue(tmp_path)
    outcome = print_or_queue(printer, queue, JOB, "会员卡补卡", "C1")
    assert isinstance(outcome.error, PaperOut)
    pty_printer.state = PrinterState.ONLINE
    assert queue.retry_all(printer) == 1
    assert len(queue) == 0
    assert "会员卡号: 8800****9012" in pty_printer.printed_text()


def test_the_drawer_kick_over_serial_is_esc_p(pty_printer: PtyPrinterSimulator) -> None:
    EscPosPrinter(pty_printer.path, timeout=2.0, drawer=DrawerConfig(pin=0)).open()
    assert decode(bytes(pty_printer.sessions[0].received)).pulses == [Pulse(0, 100, 100)]
