"""The PC/SC test rig: our own pcscd with a private vpcd configuration, and virtual cards on its slots.

How it works (so CI can do the same):
- pcscd's IPC socket is fixed at /run/pcscd/pcscd.comm (compile-time ipcdir), so there can
  be one pcscd per machine. A file lock serialises every pytest process that needs it; the
  pcsc tests of one session run one at a time on slot 0/1, so no slot is ever shared.
- We start `pcscd --foreground --auto-exit --config <private dir>` ourselves. The private
  reader.conf.d registers vpcd on a free port pair (slot n = port + n, ifd-vpcd.c) under the
  reader name "POS Test PCD", so the tests never depend on /etc/reader.conf.d/vpcd or on
  port 35963. --auto-exit makes a daemon orphaned by a killed test run exit after 60 s.
- A stray pcscd from an earlier crashed run of ours (recognised by its --config path) is
  terminated. A *system* pcscd is terminated only in CI (`CI` set) or when
  POS_TEST_STOP_SYSTEM_PCSCD=1; otherwise the tests fail and say how to stop it.
- Needs root (pcscd creates /run/pcscd) and the Debian packages pcscd + vsmartcard-vpcd;
  missing pieces fail with a message pointing at scripts/bootstrap.sh, never a skip.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.simulators.vpcd_card import ATR_CLASSIC_1K, MifareClassic1K, VpcdCardSimulator

VPCD_DRIVER_CANDIDATES = (
    Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so"),
    Path("/usr/lib64/pcsc/drivers/serial/libifdvpcd.so"),
    Path("/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so"),
)
RUN_DIR = Path("/run/pcscd")
PID_FILE = RUN_DIR / "pcscd.pid"
FRIENDLY_NAME = "POS Test PCD"
CONF_MARKER = "membership-pos-test-pcscd-"
LOCK_PATH = Path(tempfile.gettempdir()) / "membership-pos-pcscd.lock"
LOCK_TIMEOUT = float(os.environ.get("POS_TEST_PCSC_LOCK_TIMEOUT", "240"))
SETUP_HINT = ("Run scripts/bootstrap.sh (it installs pcscd, vsmartcard-vpcd, libpcsclite-dev "
              "and swig) on this machine first.")


def _find_driver() -> Path | None:
    return next((p for p in VPCD_DRIVER_CANDIDATES if p.exists()), None)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _terminate_pid(pid: int, timeout: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid) or _cmdline(pid) == "":
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _pid_in_file() -> int | None:
    try:
        # pcscd writes "<pid>\n\0" (pcscdaemon.c), so strip the NUL too.
        return int(PID_FILE.read_bytes().strip(b"\0 \n"))
    except (OSError, ValueError):
        return None


def _running_pcscd_pid() -> int | None:
    pid = _pid_in_file()
    if pid is None:
        return None
    if _pid_alive(pid) and "pcscd" in _cmdline(pid):
        return pid
    return None


def _free_port_pair() -> int:
    """A port p with p and p+1 free on all interfaces (vpcd binds INADDR_ANY)."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("0.0.0.0", 0))
            base = int(probe.getsockname()[1])
        if base >= 65000:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("0.0.0.0", base))
                b.bind(("0.0.0.0", base + 1))
            return base
        except OSError:
            continue
    raise RuntimeError("no free port pair for vpcd")


@dataclass
class PcscdRig:
    """Our pcscd: start/stop/restart it, and name the readers and ports of its two vpcd slots."""

    pcscd: str
    driver: Path
    workdir: Path
    port: int = field(default_factory=_free_port_pair)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def conf_dir(self) -> Path:
        return self.workdir / "reader.conf.d"

    @property
    def log_path(self) -> Path:
        return self.workdir / "pcscd.log"

    def reader(self, slot: int = 0) -> str:
        return f"{FRIENDLY_NAME} 00 {slot:02X}"

    def slot_port(self, slot: int = 0) -> int:
        return self.port + slot

    def write_config(self) -> None:
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        # Same shape as Debian's /etc/reader.conf.d/vpcd: "/dev/null:<port>" = server mode.
        (self.conf_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{FRIENDLY_NAME}"\n'
            f"DEVICENAME   /dev/null:0x{self.port:04X}\n"
            f"LIBPATH      {self.driver}\n"
            f"CHANNELID    0x{self.port:04X}\n")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no pcscd log)"

    def start(self, timeout: float = 15.0) -> None:
        self.write_config()
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [self.pcscd, "--foreground", "--auto-exit", "--config", str(self.conf_dir)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        finally:
            log.close()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        from smartcard import scard

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                pytest.fail(f"pcscd exited with {self.proc.returncode} at start-up:\n{self.log_tail()}")
            hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult == scard.SCARD_S_SUCCESS:
                try:
                    hresult, readers = scard.SCardListReaders(hcontext, [])
                finally:
                    scard.SCardReleaseContext(hcontext)
                # Ours, not a stray daemon that happens to offer the same reader names.
                if (hresult == scard.SCARD_S_SUCCESS and self.reader(0) in readers
                        and self.proc is not None and _pid_in_file() == self.proc.pid):
                    return
            time.sleep(0.05)
        pytest.fail(f"pcscd did not offer {self.reader(0)!r} within {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def ensure_running(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            self.start()


def _clear_the_way() -> None:
    """Stop a pcscd that would keep ours from starting (see the module docstring for the policy)."""
    pid = _running_pcscd_pid()
    if pid is None:
        return
    if CONF_MARKER in _cmdline(pid):
        _terminate_pid(pid)  # ours, left behind by a crashed run; we hold the lock
        return
    if os.environ.get("CI") or os.environ.get("POS_TEST_STOP_SYSTEM_PCSCD") == "1":
        _terminate_pid(pid)
        return
    pytest.fail(f"A system pcscd (pid {pid}) is running and owns /run/pcscd. Stop it first "
                "(systemctl stop pcscd.socket pcscd) or set POS_TEST_STOP_SYSTEM_PCSCD=1; "
                "CI runs set CI=1 and stop it automatically.")


@pytest.fixture(scope="session")
def pcscd_rig() -> Iterator[PcscdRig]:
    """One private pcscd for the whole session, under an exclusive machine-wide lock."""
    pcscd = shutil.which("pcscd") or next(
        (p for p in ("/usr/sbin/pcscd", "/sbin/pcscd") if Path(p).exists()), None)
    driver = _find_driver()
    if pcscd is None:
        pytest.fail(f"pcscd is not installed. {SETUP_HINT}")
    if driver is None:
        pytest.fail(f"the vsmartcard-vpcd driver (libifdvpcd.so) is not installed. {SETUP_HINT}")
    try:
        import smartcard  # noqa: F401
    except ImportError:
        pytest.fail(f"pyscard is not installed in this Python. {SETUP_HINT}")
    if os.geteuid() != 0 and not os.access(RUN_DIR if RUN_DIR.exists() else RUN_DIR.parent, os.W_OK):
        pytest.fail(f"the PC/SC tests start their own pcscd, which needs to write {RUN_DIR}: "
                    "run them as root (CI does) or make that directory writable.")

    lock_file = open(LOCK_PATH, "a+")
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock_file.close()
                pytest.fail(f"another test run held {LOCK_PATH} (the pcscd rig) for {LOCK_TIMEOUT} s")
            time.sleep(0.2)
    workdir = Path(tempfile.mkdtemp(prefix=CONF_MARKER))
    rig = PcscdRig(pcscd=pcscd, driver=driver, workdir=workdir)
    try:
        _clear_the_way()
        rig.start()
        yield rig
    finally:
        rig.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        lock_file.close()


@pytest.fixture
def pcsc(pcscd_rig: PcscdRig) -> PcscdRig:
    """The rig, started again if a previous test stopped it or --auto-exit ended it."""
    pcscd_rig.ensure_running()
    return pcscd_rig


def wait_reader_state(reader: str, present: bool, timeout: float = 5.0) -> None:
    """Block until pcscd reports the slot with (present=True) or without a card."""
    from smartcard import scard

    hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS, "pcscd not reachable"
    try:
        state = scard.SCARD_STATE_UNAWARE
        deadline = time.monotonic() + timeout
        while True:
            hresult, states = scard.SCardGetStatusChange(hcontext, 100, [(reader, state)])
            if hresult == scard.SCARD_S_SUCCESS:
                state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                if bool(state & scard.SCARD_STATE_PRESENT) == present:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{reader} still {'empty' if present else 'holds a card'}")
    finally:
        scard.SCardReleaseContext(hcontext)


@dataclass
class Cards:
    """Makes virtual Classic 1K cards for the rig's slots and takes them all off after the test."""

    rig: PcscdRig
    made: list[VpcdCardSimulator] = field(default_factory=list)

    def new(self, uid: bytes, slot: int = 0, atr: bytes = ATR_CLASSIC_1K,
            image: MifareClassic1K | None = None, **quirks: Any) -> VpcdCardSimulator:
        """A virtual card; `quirks` are VpcdCardSimulator's (status, unsupported, delay,
        stays_on_reader)."""
        card = VpcdCardSimulator(self.rig.slot_port(slot), image or MifareClassic1K(uid=uid),
                                 atr=atr, **quirks)
        self.made.append(card)
        return card

    def adopt(self, card: VpcdCardSimulator) -> VpcdCardSimulator:
        self.made.append(card)
        return card

    def tap(self, card: VpcdCardSimulator, slot: int = 0) -> None:
        """Insert and wait until pcscd sees it (pcscd polls vpcd every 400 ms)."""
        card.insert()
        wait_reader_state(self.rig.reader(slot), present=True)

    def take_off(self, card: VpcdCardSimulator, slot: int = 0) -> None:
        card.remove()
        wait_reader_state(self.rig.reader(slot), present=False)


@pytest.fixture
def cards(pcsc: PcscdRig) -> Iterator[Cards]:
    maker = Cards(pcsc)
    yield maker
    for card in maker.made:
        card.remove()
    if pcsc.proc is not None and pcsc.proc.poll() is None:
        for slot in (0, 1):
            try:
                wait_reader_state(pcsc.reader(slot), present=False, timeout=3)
            except (TimeoutError, AssertionError):
                pass


class EventLog:
    """Collects watcher callbacks from its thread; tests wait on it with a timeout."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self._cond = threading.Condition()

    def record(self, kind: str) -> Callable[[object], None]:
        def callback(payload: object) -> None:
            with self._cond:
                self.events.append((kind, payload))
                self._cond.notify_all()
        return callback

    def wait_for(self, kind: str, predicate: Callable[[object], bool] = lambda _: True,
                 timeout: float = 5.0, after: int = 0) -> object:
        """The first event of `kind` at index >= after that matches predicate."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for k, payload in self.events[after:]:
                    if k == kind and predicate(payload):
                        return payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {kind} event in {timeout} s; saw {self.kinds()}")
                self._cond.wait(remaining)

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]

    def mark(self) -> int:
        with self._cond:
            return len(self.events)


@pytest.fixture
def event_log() -> EventLog:
    return EventLog()
