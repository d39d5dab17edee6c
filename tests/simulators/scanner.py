"""A serial barcode scanner simulator: each scan is the code's bytes and the configured suffix (CR by default)."""
from __future__ import annotations

from pathlib import Path

from tests.simulators.pty import PtyPair

__all__ = ["SerialScannerSimulator"]


class SerialScannerSimulator:
    """A scanner in serial (RS-232 / USB-CDC) mode on the master side of a pty."""

    def __init__(self, link: Path | None = None, *, suffix: bytes = b"\r") -> None:
        self.pty = PtyPair(link)
        self.suffix = suffix

    @property
    def port(self) -> str:
        return self.pty.port

    def scan(self, code: str | bytes, *, suffix: bytes | None = None, encoding: str = "utf-8") -> bytes:
        """Scan one code; returns the exact bytes sent."""
        raw = code if isinstance(code, bytes) else code.encode(encoding)
        data = raw + (self.suffix if suffix is None else suffix)
        self.pty.write(data)
        return data

    def send(self, data: bytes) -> None:
        """Send raw bytes (a code split across USB packets, line noise)."""
        self.pty.write(data)

    def unplug(self) -> None:
        self.pty.unplug()

    close = unplug
