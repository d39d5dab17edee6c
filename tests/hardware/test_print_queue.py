"""The durable reprint queue: jobs survive restarts and leave only once printed."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hardware.escpos_printer import NullPrinter
from hardware.print_queue import PrintJobNotFound, PrintQueue, print_or_queue
from pos_app.ports.printing import PrinterFailure, PrinterStatus


class BrokenPrinter:
    """A ReceiptPrinter that always fails the way a real driver does (typed error)."""

    def __init__(self) -> None:
        self.calls = 0

    def print_bytes(self, data: bytes) -> None:
        self.calls += 1
        raise PrinterFailure("paper out")

    def status(self) -> PrinterStatus:
        return PrinterStatus(online=False, paper_out=True)


def _clock() -> datetime:
    return datetime(2026, 11, 28, 14, 35, 8, tzinfo=UTC)


def test_a_failed_print_is_kept_with_its_description_and_receipt_number(tmp_path: Path) -> None:
    queue = PrintQueue(tmp_path, clock=_clock)
    outcome = print_or_queue(BrokenPrinter(), queue, b"\x1b@abc", "销售小票", "R1")
    assert outcome.job is not None and isinstance(outcome.error, PrinterFailure)
    [job] = queue.jobs()
    assert (job.data, job.description, job.receipt_no) == (b"\x1b@abc", "销售小票", "R1")
    assert job.created_at == "2026-11-28T14:35:08+00:00"
    assert job.last_error == "paper out" and job.attempts == 1


def test_a_successful_print_queues_nothing(tmp_path: Path) -> None:
    queue = PrintQueue(tmp_path)
    printer = NullPrinter()
    assert print_or_queue(printer, queue, b"x", "slip").printed
    assert queue.jobs() == [] and printer.last_job == b"x"


def test_the_queue_survives_being_recreated_from_the_same_directory(tmp_path: Path) -> None:
    first = PrintQueue(tmp_path)
    ids = [first.add(bytes([i]) * 10, f"job {i}", f"R{i}").job_id for i in range(5)]
    again = PrintQueue(tmp_path)
    assert [j.job_id for j in again.jobs()] == ids  # oldest first
    newer = again.add(b"new", "job 5")
    assert again.jobs()[-1].job_id == newer.job_id


def test_a_job_leaves_only_after_it_printed(tmp_path: Path) -> None:
    queue = PrintQueue(tmp_path)
    job = queue.add(b"data", "销售小票", "R1")
    broken = BrokenPrinter()
    with pytest.raises(PrinterFailure):
        queue.retry(job.job_id, broken)
    with pytest.raises(PrinterFailure):
        queue.retry_all(broken)
    assert queue.get(job.job_id).attempts == 2
    printer = NullPrinter()
    queue.retry(job.job_id, printer)
    assert printer.last_job == b"data"
    assert queue.jobs() == []
    with pytest.raises(PrintJobNotFound):
        queue.get(job.job_id)


def test_drop_removes_a_job_unprinted_and_unknown_ids_are_refused(tmp_path: Path) -> None:
    queue = PrintQueue(tmp_path)
    keep, gone = queue.add(b"1", "a"), queue.add(b"2", "b")
    queue.drop(gone.job_id)
    assert [j.job_id for j in queue.jobs()] == [keep.job_id]
    for bad in (gone.job_id, "../etc/passwd", ".hidden", ""):
        with pytest.raises(PrintJobNotFound):
            queue.drop(bad)


def test_a_crash_mid_write_leaves_no_half_job_and_a_corrupt_file_is_skipped(
        tmp_path: Path) -> None:
    queue = PrintQueue(tmp_path)
    job = queue.add(b"ok", "a")
    (tmp_path / f".{job.job_id}.abc123.tmp").write_bytes(b'{"job_id": "half')  # crash leftover
    (tmp_path / "00000000000000000001-deadbeef.job.json").write_text("{not json")
    assert [j.job_id for j in PrintQueue(tmp_path).jobs()] == [job.job_id]
