"""A durable reprint queue: a job that failed to print waits on disk until it prints.

One JSON file per job in a directory of the till's data dir. Every write goes to a temp
file that is fsynced and then os.replace()d over the target, so a crash or power cut
leaves either the old or the new job, never half of one. A job leaves the queue only
after the printer confirmed it.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pos_app.ports.printing import PrinterFailure, ReceiptPrinter

log = logging.getLogger(__name__)

_SUFFIX = ".job.json"
_FORMAT = 1


class PrintQueueError(Exception):
    """Base of the reprint queue's own errors."""


class PrintJobNotFound(PrintQueueError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no print job {job_id!r}")
        self.job_id = job_id


@dataclass(frozen=True)
class PrintJob:
    """Bytes waiting to print, what they are (for the cashier's list) and how it went."""

    job_id: str
    description: str
    receipt_no: str | None
    created_at: str            # ISO 8601, UTC
    data: bytes
    attempts: int = 0
    last_error: str = ""


class PrintQueue:
    """FIFO of unprinted jobs in `directory`; safe to re-create from the same directory."""

    def __init__(self, directory: str | os.PathLike[str],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._last_seq = max((self._seq_of(p) for p in self._files()), default=0)

    # -- queries ------------------------------------------------------------------

    def jobs(self) -> list[PrintJob]:
        """Every readable job, oldest first; unreadable files are logged and left alone."""
        out = []
        for path in self._files():
            job = self._load(path)
            if job is not None:
                out.append(job)
        return out

    def __len__(self) -> int:
        return len(self.jobs())

    def get(self, job_id: str) -> PrintJob:
        job = self._load(self._path(job_id))
        if job is None:
            raise PrintJobNotFound(job_id)
        return job

    # -- changes ------------------------------------------------------------------

    def add(self, data: bytes, description: str, receipt_no: str | None = None,
            error: str = "") -> PrintJob:
        """Keep a job for later; it is on disk (fsynced) when this returns."""
        with self._lock:
            # Sequence from the clock in ns, forced strictly upward: Windows' clock ticks
            # in ~15 ms steps and two failures can land in the same tick.
            self._last_seq = max(time.time_ns(), self._last_seq + 1)
            job = PrintJob(job_id=f"{self._last_seq:020d}-{uuid.uuid4().hex[:8]}",
                           description=description, receipt_no=receipt_no,
                           created_at=self._clock().isoformat(), data=bytes(data),
                           attempts=1 if error else 0, last_error=error)
            self._write(job)
            return job

    def drop(self, job_id: str) -> None:
        """Remove a job without printing it (the cashier decided it is not needed)."""
        with self._lock:
            try:
                self._path(job_id).unlink()
            except FileNotFoundError:
                raise PrintJobNotFound(job_id) from None
            _fsync_dir(self.directory)

    def retry(self, job_id: str, printer: ReceiptPrinter) -> None:
        """Print the job; on success it leaves the queue, on failure it stays (attempts+1)
        and the printer's error is raised."""
        job = self.get(job_id)
        try:
            printer.print_bytes(job.data)
        except PrinterFailure as exc:
            with self._lock:
                if self._path(job_id).exists():
                    self._write(replace(job, attempts=job.attempts + 1, last_error=str(exc)))
            raise
        with self._lock:
            try:
                self._path(job_id).unlink()
            except FileNotFoundError:
                pass  # dropped meanwhile by another screen: printed anyway
            _fsync_dir(self.directory)

    def retry_all(self, printer: ReceiptPrinter) -> int:
        """Print the jobs oldest first; stop at the first failure (raised). Returns how
        many printed."""
        printed = 0
        for job in self.jobs():
            self.retry(job.job_id, printer)
            printed += 1
        return printed

    # -- storage ------------------------------------------------------------------

    def _path(self, job_id: str) -> Path:
        if not job_id or "/" in job_id or "\\" in job_id or job_id.startswith("."):
            raise PrintJobNotFound(job_id)
        return self.directory / f"{job_id}{_SUFFIX}"

    def _files(self) -> list[Path]:
        return sorted(p for p in self.directory.iterdir()
                      if p.name.endswith(_SUFFIX) and not p.name.startswith("."))

    @staticmethod
    def _seq_of(path: Path) -> int:
        try:
            return int(path.name.split("-", 1)[0])
        except ValueError:
            return 0

    def _load(self, path: Path) -> PrintJob | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return PrintJob(job_id=raw["job_id"], description=raw["description"],
                            receipt_no=raw.get("receipt_no"), created_at=raw["created_at"],
                            data=base64.b64decode(raw["data"], validate=True),
                            attempts=int(raw.get("attempts", 0)),
                            last_error=str(raw.get("last_error", "")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("unreadable print job %s left in place: %s", path.name, exc)
            return None

    def _write(self, job: PrintJob) -> None:
        body = json.dumps({
            "format": _FORMAT, "job_id": job.job_id, "description": job.description,
            "receipt_no": job.receipt_no, "created_at": job.created_at,
            "attempts": job.attempts, "last_error": job.last_error,
            "data": base64.b64encode(job.data).decode("ascii"),
        }, ensure_ascii=False).encode("utf-8")
        target = self._path(job.job_id)
        tmp = self.directory / f".{job.job_id}.{uuid.uuid4().hex[:6]}.tmp"
        try:
            with open(tmp, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        _fsync_dir(self.directory)


def _fsync_dir(directory: Path) -> None:
    """Make a rename/unlink durable (POSIX); Windows has no directory fsync."""
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to a job: printed, or queued with the printer's typed error."""

    job: PrintJob | None = None
    error: PrinterFailure | None = None

    @property
    def printed(self) -> bool:
        return self.error is None


def print_or_queue(printer: ReceiptPrinter, queue: PrintQueue, data: bytes,
                   description: str, receipt_no: str | None = None) -> PrintOutcome:
    """Print now; if that fails keep the job on disk for a reprint and say why."""
    try:
        printer.print_bytes(data)
    except PrinterFailure as exc:
        log.info("print failed, queued %s: %s", receipt_no or description, exc)
        return PrintOutcome(queue.add(data, description, receipt_no, error=str(exc)), exc)
    return PrintOutcome()
