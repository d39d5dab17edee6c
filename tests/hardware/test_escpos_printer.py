"""The ESC/POS driver against a fake network printer that speaks the real protocol."""
from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.escpos_printer import (DrawerConfig, EscPosPrinter, NullDrawer, NullPrinter,
                                     RawStatus, drawer_pulse)
from hardware.print_queue import PrintQueue, print_or_queue
from hardware.printer_errors import (CoverOpen, PaperOut, PrinterFault, PrinterOffline,
                                     PrinterTimeout, PrinterUnreachable, PrintInterrupted,
                                     UnsupportedPrinterUrl)
from pos_app.ports.printing import CashDrawer, PrinterStatus, ReceiptPrinter
from tests.simulators.escpos_decoder import Pulse, decode
from tests.simulators.tcp_printer import PrinterState, TcpPrinterSimulator

# A receipt-shaped job, built by hand so this test doesn't depend on receipts/.
JOB = (b"\x1b\x40\x1c\x26\x1b\x61\x01\x1d\x21\x11" + "百乐汇".encode("gbk") + b"\n"
       + b"\x1d\x21\x00\x1b\x61\x00" + "合计 ￥70.40".encode("gbk") + b"\n"
       + b"\x1d\x28\x6b\x0a\x00\x31\x50\x30POS:R:1\x1d\x28\x6b\x03\x00\x31\x51\x30"
       + b"\x1b\x64\x04\x1d\x56\x01")


@pytest.fixture
def sim() -> Iterator[TcpPrinterSimulator]:
    with TcpPrinterSimulator() as s:
        yield s


def _printer(sim: TcpPrinterSimulator, **kw: object) -> EscPosPrinter:
    # Generous: only the tests that expect a timeout wait for one (a loaded CI box).
    kw.setdefault("timeout", 2.0)
    kw.setdefault("print_timeout", 3.0)
    return EscPosPrinter(sim.url, **kw)  # type: ignore[arg-type]


def _last_job_texts(sim: TcpPrinterSimulator) -> list[str]:
    return sim.documents[-1].texts


def test_a_receipt_sent_over_tcp_arrives_and_decodes(sim: TcpPrinterSimulator) -> None:
    printer = _printer(sim)
    printer.print_bytes(JOB)
    doc = sim.documents[-1]
    assert doc.texts == ["百乐汇", "合计 ￥70.40"]
    assert doc.lines[0].width == 2 and doc.lines[0].align == "center"
    assert [q.payload for q in doc.qr_codes] == [b"POS:R:1"]
    assert doc.cuts and doc.cuts[0].partial
    assert JOB in bytes(sim.sessions[-1].received)  # the job bytes pass through unchanged
    assert printer.last_status == PrinterStatus(online=True)


def test_the_golden_sale_receipt_prints_through_the_network_unchanged(
        sim: TcpPrinterSimulator) -> None:
    golden = (Path(__file__).parents[1] / "receipts" / "golden"
              / "sale_gold_member_48.bin").read_bytes()
    _printer(sim).print_bytes(golden)
    assert sim.documents[-1].texts == decode(golden).texts
    assert [q.payload for q in sim.documents[-1].qr_codes] == [b"POS:R:SH001-01-000123"]


def test_status_and_delivery_queries_frame_the_job(sim: TcpPrinterSimulator) -> None:
    _printer(sim).print_bytes(JOB)
    received = bytes(sim.sessions[-1].received)
    before, after = received.split(JOB)
    assert before == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
    assert after == b"\x1d\x72\x01\x10\x04\x01\x10\x04\x02\x10\x04\x04"


@pytest.mark.parametrize("state,error", [(PrinterState.PAPER_OUT, PaperOut),
                                         (PrinterState.COVER_OPEN, CoverOpen),
                                         (PrinterState.OFFLINE, PrinterOffline),
                                         (PrinterState.CUTTER_ERROR, PrinterFault)])
def test_a_printer_that_cannot_print_gives_a_typed_error_and_the_job_is_queued(
        sim: TcpPrinterSimulator, tmp_path: Path, state: PrinterState,
        error: type[Exception]) -> None:
    sim.state = state
    queue = PrintQueue(tmp_path / "queue")
    outcome = print_or_queue(_printer(sim), queue, JOB, "销售小票", "SH001-01-000123")
    assert isinstance(outcome.error, error)
    assert not outcome.printed
    assert JOB not in bytes(sim.sessions[-1].received)  # refused before sending
    [job] = queue.jobs()
    assert (job.data, job.receipt_no, job.attempts) == (JOB, "SH001-01-000123", 1)
    assert job.last_error


def test_status_decodes_paper_out_cover_open_and_near_end(sim: TcpPrinterSimulator) -> None:
    printer = _printer(sim)
    sim.state = PrinterState.PAPER_OUT
    st = printer.status()
    assert (st.online, st.paper_out, st.cover_open, st.ready) == (False, True, False, False)
    sim.state = PrinterState.COVER_OPEN
    assert printer.status().cover_open
    sim.state = PrinterState.ONLINE
    sim.paper_near_end = True
    st = printer.status()
    assert st.ready and st.paper_near_end


def test_the_reference_out_of_paper_bytes_decode_as_paper_out() -> None:
    # hardware-protocols.md §4.2: out of paper = 1A / 32 / 7E for n = 1 / 2 / 4.
    st = RawStatus(0x1A, 0x32, 0x12, 0x7E).to_status(DrawerConfig())
    assert st.paper_out and not st.online and not st.cover_open


def test_a_connection_dropped_mid_job_is_an_interruption_and_the_job_is_queued(
        sim: TcpPrinterSimulator, tmp_path: Path) -> None:
    sim.drop_after = 60
    queue = PrintQueue(tmp_path / "queue")
    outcome = print_or_queue(_printer(sim), queue, JOB, "销售小票", "R1")
    assert isinstance(outcome.error, (PrintInterrupted, PrinterUnreachable))
    assert sim.sessions[-1].closed_by_printer
    assert [j.receipt_no for j in queue.jobs()] == ["R1"]


def test_retry_after_the_printer_is_fixed_prints_and_empties_the_queue(
        sim: TcpPrinterSimulator, tmp_path: Path) -> None:
    sim.state = PrinterState.COVER_OPEN
    printer = _printer(sim)
    queue = PrintQueue(tmp_path / "queue")
    print_or_queue(printer, queue, JOB, "销售小票", "R1")
    [job] = queue.jobs()
    with pytest.raises(CoverOpen):
        queue.retry(job.job_id, printer)
    assert queue.get(job.job_id).attempts == 2

    sim.state = PrinterState.ONLINE
    again = PrintQueue(tmp_path / "queue")  # as after a restart
    assert again.retry_all(printer) == 1
    assert again.jobs() == []
    assert sim.documents[-1].texts == ["百乐汇", "合计 ￥70.40"]


def test_paper_running_out_during_the_job_is_caught_by_the_delivery_check(
        sim: TcpPrinterSimulator) -> None:
    sim.paper_runs_out_after = 40
    with pytest.raises(PaperOut):
        _printer(sim, print_timeout=0.5).print_bytes(JOB)


def test_a_silent_printer_times_out_instead_of_hanging(sim: TcpPrinterSimulator) -> None:
    sim.silent = True
    start = time.monotonic()
    with pytest.raises(PrinterTimeout) as err:
        _printer(sim, timeout=0.3).print_bytes(JOB)
    assert time.monotonic() - start < 2
    assert err.value.operation == "DLE EOT 1"


def test_nothing_listening_is_unreachable_quickly() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(PrinterUnreachable):
        EscPosPrinter(f"tcp://127.0.0.1:{port}", timeout=0.5).print_bytes(JOB)
    with pytest.raises(PrinterUnreachable):
        EscPosPrinter("/dev/ttyDOES-NOT-EXIST", timeout=0.5).status()


def test_the_drawer_pulse_bytes_are_exact_and_the_sensor_is_read(
        sim: TcpPrinterSimulator) -> None:
    printer = _printer(sim, drawer=DrawerConfig(pin=1, on_ms=60, off_ms=240,
                                                sensor_wired=True, open_when_high=True))
    printer.open()
    received = bytes(sim.sessions[-1].received)
    assert received.endswith(b"\x1b\x70\x01\x1e\x78\x1d\x72\x02")  # pulse, then GS r 2
    assert decode(received).pulses == [Pulse(1, 60, 240)]
    assert printer.is_open() is False
    sim.drawer_pin3_high = True
    assert printer.is_open() is True
    assert drawer_pulse(DrawerConfig()) == b"\x1b\x70\x00\x32\x32"


def test_the_drawer_does_not_pretend_to_open_while_the_cover_is_open(
        sim: TcpPrinterSimulator) -> None:
    sim.state = PrinterState.COVER_OPEN
    with pytest.raises(CoverOpen):
        _printer(sim).open()
    assert decode(bytes(sim.sessions[-1].received)).pulses == []


def test_drawer_polarity_and_an_unwired_sensor(sim: TcpPrinterSimulator) -> None:
    sim.drawer_pin3_high = True
    low_means_open = _printer(sim, drawer=DrawerConfig(sensor_wired=True, open_when_high=False))
    assert low_means_open.is_open() is False
    assert _printer(sim).is_open() is None  # no sensor wired: unknown, and no traffic


def test_a_device_file_printer_gets_the_bytes_without_status(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = EscPosPrinter(f"file://{target}", timeout=0.5)
    printer.print_bytes(JOB)
    assert target.read_bytes() == JOB
    assert printer.status() == PrinterStatus(online=True, known=False)


def test_a_windows_queue_needs_pywin32() -> None:
    with pytest.raises(UnsupportedPrinterUrl):
        EscPosPrinter("win32:POS-80").print_bytes(JOB)


def test_null_devices_let_a_till_without_hardware_work() -> None:
    printer: ReceiptPrinter = NullPrinter()
    drawer: CashDrawer = NullDrawer()
    printer.print_bytes(JOB)
    drawer.open()
    assert drawer.is_open() is None
    assert printer.status().known is False
    escpos_as_ports: tuple[ReceiptPrinter, CashDrawer] = (EscPosPrinter("tcp://x"),) * 2
    assert escpos_as_ports
