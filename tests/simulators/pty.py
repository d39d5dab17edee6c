"""Pseudo-terminal pairs that stand in for a serial cable: the driver opens the slave, a simulator owns the master.

A pty behaves like a real port for pyserial (reference §7: opened with the
default, dsrdtr, rtscts and xonxoff settings), and closing the master is the
nearest thing to pulling the USB-serial adapter: the driver's reads fail.
An optional symlink plays the part of a udev name (/dev/serial/by-id/...):
re-plugging points it at a new pty, as udev does for a new ttyUSBn.
"""
from __future__ import annotations

import os
import select
import threading
import time
import tty
from pathlib import Path

__all__ = ["PtyPair"]


class PtyPair:
    """One pty in raw mode; `port` is the path a driver opens, the master side is read and written here."""

    def __init__(self, link: Path | None = None) -> None:
        self.master, self._slave = os.openpty()
        # Raw mode before the driver opens the slave: no echo of what the
        # simulator writes, no CR/LF translation, no line buffering.
        tty.setraw(self._slave)
        self.slave_path = os.ttyname(self._slave)
        self.link = link
        if link is not None:
            tmp = link.with_name(link.name + ".new")
            if tmp.is_symlink() or tmp.exists():
                tmp.unlink()
            tmp.symlink_to(self.slave_path)
            os.replace(tmp, link)
        self._closed = False
        self._write_lock = threading.Lock()

    @property
    def port(self) -> str:
        """The name a driver should open (the symlink if there is one)."""
        return str(self.link) if self.link is not None else self.slave_path

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, data: bytes) -> None:
        """Send bytes to the driver as the device would."""
        with self._write_lock:
            view = memoryview(data)
            while view:
                written = os.write(self.master, view)
                view = view[written:]

    def read(self, timeout: float = 0.05) -> bytes:
        """Bytes the driver sent, waiting up to timeout for the first; b'' if none or closed."""
        if self._closed:
            return b""
        try:
            ready, _, _ = select.select([self.master], [], [], timeout)
            if not ready:
                return b""
            return os.read(self.master, 4096)
        except OSError:
            # EIO: no one has the slave open right now (driver between reopen attempts).
            time.sleep(min(timeout, 0.01))
            return b""
        except ValueError:
            return b""

    def unplug(self) -> None:
        """Close both ends and remove the symlink, as when the adapter is pulled out."""
        if self._closed:
            return
        self._closed = True
        if self.link is not None and self.link.is_symlink():
            self.link.unlink()
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    close = unplug

    def __enter__(self) -> PtyPair:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
