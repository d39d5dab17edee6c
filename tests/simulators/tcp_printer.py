"""A fake ESC/POS printer that speaks the real protocol: over TCP on 127.0.0.1 or a pty.

It decodes what it receives with the independent decoder, answers DLE EOT n and GS r n
from a scripted state (bytes per reference/hardware-protocols.md §4.2), holds GS r while
not online as a real printer does, and can drop the connection mid-job.
"""
from __future__ import annotations

import enum
import os
import select
import socket
import threading
import tty
from dataclasses import dataclass, field

from tests.simulators.escpos_decoder import Document, EscPosDecoder, StatusQuery


class PrinterState(enum.Enum):
    ONLINE = "online"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"          # offline without a named cause
    CUTTER_ERROR = "cutter_error"


@dataclass
class Session:
    """One connection: the bytes received and their decoding."""

    received: bytearray = field(default_factory=bytearray)
    decoder: EscPosDecoder = field(default_factory=EscPosDecoder)
    closed_by_printer: bool = False

    @property
    def document(self) -> Document:
        return self.decoder.document


class ScriptedPrinter:
    """The printer's brain, independent of the transport: state in, reply bytes out."""

    def __init__(self) -> None:
        self.state = PrinterState.ONLINE
        self.drawer_pin3_high = False
        self.paper_near_end = False
        self.silent = False                 # never answers (a wedged printer)
        self.drop_after: int | None = None  # close the link after this many bytes, once
        self.paper_runs_out_after: int | None = None  # bytes into a session, once
        self.sessions: list[Session] = []
        self.lock = threading.Lock()

    def status_byte(self, n: int) -> int:
        s = self.state
        offline = s is not PrinterState.ONLINE
        byte = 0x12  # fixed bits of every DLE EOT reply
        if n == 1:
            byte |= (0x04 if self.drawer_pin3_high else 0) | (0x08 if offline else 0)
        elif n == 2:
            byte |= ((0x04 if s is PrinterState.COVER_OPEN else 0)
                     | (0x20 if s is PrinterState.PAPER_OUT else 0)
                     | (0x40 if s is PrinterState.CUTTER_ERROR else 0))
        elif n == 3:
            byte |= 0x08 if s is PrinterState.CUTTER_ERROR else 0
        elif n == 4:
            byte |= ((0x60 | 0x0C) if s is PrinterState.PAPER_OUT
                     else 0x0C if self.paper_near_end else 0)
        return byte

    def new_session(self) -> Session:
        session = Session()
        with self.lock:
            self.sessions.append(session)
        return session

    def receive(self, session: Session, chunk: bytes) -> tuple[bytes, bool]:
        """Feed received bytes; return (reply bytes, drop the link now)."""
        with self.lock:
            drop = False
            if self.drop_after is not None and len(session.received) + len(chunk) > self.drop_after:
                chunk = chunk[:max(self.drop_after - len(session.received), 0)]
                self.drop_after = None
                drop = True
            session.received += chunk
            if (self.paper_runs_out_after is not None
                    and len(session.received) > self.paper_runs_out_after):
                self.paper_runs_out_after = None
                self.state = PrinterState.PAPER_OUT
            items = session.decoder.feed(chunk)
            reply = bytearray()
            if not self.silent:
                for item in items:
                    if not isinstance(item, StatusQuery):
                        continue
                    if item.command == "DLE EOT" and 1 <= item.n <= 4:
                        reply.append(self.status_byte(item.n))
                    elif item.command == "GS r" and self.state is PrinterState.ONLINE:
                        if item.n in (1, 49):
                            reply.append(0x0C if self.state is PrinterState.PAPER_OUT
                                         else 0x03 if self.paper_near_end else 0x00)
                        elif item.n in (2, 50):
                            reply.append(0x01 if self.drawer_pin3_high else 0x00)
            if drop:
                session.closed_by_printer = True
            return bytes(reply), drop

    @property
    def documents(self) -> list[Document]:
        with self.lock:
            return [s.document for s in self.sessions]

    def printed_text(self) -> list[str]:
        """All text lines of every session so far."""
        return [t for doc in self.documents for t in doc.texts]


class TcpPrinterSimulator(ScriptedPrinter):
    """A raw 9100-style printer on 127.0.0.1 (ephemeral port); use as a context manager."""

    def __init__(self) -> None:
        super().__init__()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept_thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> TcpPrinterSimulator:
        self._accept_thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._accept_thread.join(2)
        for t in self._threads:
            t.join(2)
        self._server.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        session = self.new_session()
        conn.settimeout(0.05)
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                reply, drop = self.receive(session, chunk)
                if drop:
                    # RST rather than FIN, like a printer that lost power.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    break
                if reply:
                    try:
                        conn.sendall(reply)
                    except OSError:
                        break
        session.decoder.close()


class PtyPrinterSimulator(ScriptedPrinter):
    """A serial printer on a pty pair: the driver opens `path` with pyserial."""

    def __init__(self) -> None:
        super().__init__()
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PtyPrinterSimulator:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self._master)
        os.close(self._slave)

    def _run(self) -> None:
        # A serial line has no connections: one session for the whole run.
        session = self.new_session()
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 4096)
            except OSError:
                return
            reply, _ = self.receive(session, chunk)
            if reply:
                os.write(self._master, reply)
