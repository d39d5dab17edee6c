"""Byte transports for serial devices: open a port by URL, and keep a session on it alive in a thread.

Every serial device (MSR, scanner, customer display, serial printer) is opened
through pyserial's ``serial_for_url`` so the same driver runs against ``COM3``,
``/dev/ttyUSB0``, a pty slave in tests or ``socket://host:port`` (ARCHITECTURE.md §7).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from hardware.errors import DeviceError, PortLost, PortUnavailable
from pos_app.ports.input_devices import DeviceState, ErrorHandler, StateHandler

__all__ = ["Backoff", "PortRunner", "Session", "deliver", "open_serial", "read_available"]

log = logging.getLogger(__name__)


def open_serial(
    url: str,
    baudrate: int = 9600,
    *,
    timeout: float | None = 0.1,
    write_timeout: float | None = 1.0,
    **settings: Any,
) -> serial.SerialBase:
    """Open a serial port by pyserial URL or device name, 8N1 unless told otherwise; raises PortUnavailable."""
    try:
        return serial.serial_for_url(
            url, baudrate=baudrate, timeout=timeout, write_timeout=write_timeout, **settings
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PortUnavailable(url, str(exc)) from exc


def read_available(port: serial.SerialBase) -> bytes:
    """Wait up to the port's timeout for a first byte, then take whatever else has already arrived."""
    # read(n) on pyserial waits for all n bytes or the timeout, which would
    # hold every chunk back by the full timeout; read one, then drain.
    data = port.read(1)
    if data:
        waiting = port.in_waiting
        if waiting:
            data += port.read(waiting)
    return data


@dataclass
class Backoff:
    """Delays between reopen attempts: first_s, doubling up to max_s; reset after a good session."""

    first_s: float = 0.2
    factor: float = 2.0
    max_s: float = 5.0

    def __post_init__(self) -> None:
        self._next = self.first_s

    def next_delay(self) -> float:
        """The delay to wait now; the one after it is longer, up to max_s."""
        delay = self._next
        self._next = min(self.max_s, self._next * self.factor)
        return delay

    def reset(self) -> None:
        """Start again from first_s (the device worked)."""
        self._next = self.first_s


# A session talks to an open port until the stop event is set (then it
# returns) or the port fails (then it raises). It calls ready() once the
# device is known to be there, e.g. after a handshake.
Session = Callable[[serial.SerialBase, Callable[[], None], threading.Event], None]


class PortRunner:
    """Runs a session on a serial port in its own thread; reopens the port with backoff when it fails."""

    def __init__(
        self,
        url: str,
        session: Session,
        *,
        baudrate: int = 9600,
        name: str = "serial-device",
        backoff: Backoff | None = None,
        read_timeout: float = 0.1,
        port_settings: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        self._session = session
        self._baudrate = baudrate
        self._name = name
        self._backoff = backoff if backoff is not None else Backoff()
        self._read_timeout = read_timeout
        self._port_settings = dict(port_settings or {})
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: serial.SerialBase | None = None
        self._on_error: ErrorHandler | None = None
        self._on_state: StateHandler | None = None
        self._state = DeviceState.STOPPED
        self._lock = threading.Lock()

    @property
    def state(self) -> DeviceState:
        """The runner's state as last reported."""
        return self._state

    def start(self, on_error: ErrorHandler | None = None, on_state: StateHandler | None = None) -> None:
        """Start the thread; errors and state changes are reported through the callbacks, never raised."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError(f"{self._name} is already running")
        self._on_error = on_error
        self._on_state = on_state
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Ask the session to end, close the port and wait for the thread."""
        self._stopping.set()
        with self._lock:
            port = self._port
        if port is not None:
            try:
                port.cancel_read()
            except Exception:  # noqa: BLE001 - not every transport can cancel; the read timeout ends it anyway
                pass
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("%s did not stop within %.1f s", self._name, timeout)

    def _run(self) -> None:
        offline_reported = False
        self._set_state(DeviceState.CONNECTING)
        while not self._stopping.is_set():
            try:
                port = open_serial(
                    self.url, self._baudrate, timeout=self._read_timeout, **self._port_settings
                )
            except PortUnavailable as exc:
                if not offline_reported:
                    offline_reported = True
                    self._report(exc)
                    self._set_state(DeviceState.OFFLINE)
                log.debug("%s: open failed, retrying", self._name)
                self._stopping.wait(self._backoff.next_delay())
                continue
            with self._lock:
                self._port = port

            def ready() -> None:
                nonlocal offline_reported
                offline_reported = False
                self._backoff.reset()
                self._set_state(DeviceState.READY)

            try:
                self._session(port, ready, self._stopping)
            except (serial.SerialException, OSError) as exc:
                if not self._stopping.is_set():
                    self._fail(PortLost(self.url, str(exc)), offline_reported)
                    offline_reported = True
            except DeviceError as exc:
                if not self._stopping.is_set():
                    self._fail(exc, offline_reported)
                    offline_reported = True
            except Exception as exc:  # noqa: BLE001 - thread boundary: log, report, retry
                log.exception("%s: session failed", self._name)
                self._fail(exc, offline_reported)
                offline_reported = True
            finally:
                with self._lock:
                    self._port = None
                try:
                    port.close()
                except Exception:  # noqa: BLE001 - a dead port may fail to close; it is gone either way
                    log.debug("%s: close failed", self._name, exc_info=True)
            if not self._stopping.is_set():
                self._stopping.wait(self._backoff.next_delay())
        self._set_state(DeviceState.STOPPED)

    def _fail(self, exc: Exception, already_offline: bool) -> None:
        if already_offline:
            # Still failing on retry: said once already, keep the log quiet.
            log.debug("%s: %s", self._name, exc)
            return
        log.warning("%s: %s", self._name, exc)
        self._report(exc)
        self._set_state(DeviceState.OFFLINE)

    def report(self, exc: Exception) -> None:
        """Pass a non-fatal error (a bad swipe, a failure status) to the error callback."""
        self._report(exc)

    def _report(self, exc: Exception) -> None:
        if self._on_error is not None:
            try:
                self._on_error(exc)
            except Exception:  # noqa: BLE001 - a faulty handler must not kill the device thread
                log.exception("%s: error handler failed", self._name)

    def _set_state(self, state: DeviceState) -> None:
        if state is self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:  # noqa: BLE001 - a faulty handler must not kill the device thread
                log.exception("%s: state handler failed", self._name)


def deliver(name: str, handler: Callable[[Any], None], value: Any) -> None:
    """Call a driver's data handler, logging (not raising) if it fails, so the device thread lives on."""
    try:
        handler(value)
    except Exception:  # noqa: BLE001 - thread boundary
        log.exception("%s: handler failed", name)
